"""Features made by SQL (distinct values mapped once in Python) equal `person_features`, the polars reference."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlglot import exp

from joinedup.link.engine import Engine
from joinedup.link.feature_sql import features_table
from joinedup.link.features import person_features
from joinedup.link.records import store_features
from joinedup.link.sql import LinkSQL, as_, asc, col, not_null, ref, sub, text
from joinedup.store import Store
from tests.cli_run import cli as _cli

_HISTORY = {"family_name": "family_names_all", "postcode": "postcodes_all", "address": "addresses_all"}
_KEEP = ("source", "system", "local_id_pseudo", "nhs_number_pseudo", "nhs_number_verified", "upn_pseudo")
_FIELDS = ("given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "nhs_number", "other_id")


def _reference(engine: Engine) -> pl.DataFrame:
    """The features as the link stage made them before issue 17: every record read into Python, then polars."""
    plain = engine.store.identities()
    lists = [as_(exp.Filter(this=exp.ArrayAgg(this=exp.Distinct(expressions=[col("value")])),
                            expression=exp.Where(this=col("field").eq(text(f)))), c) for f, c in _HISTORY.items()]
    history = (exp.select(col("record_id"), *lists).from_(ref("identity_history", schema=plain))
               .where(exp.and_(col("field").isin(*map(text, _HISTORY)), not_null(col("value")))).group_by(col("record_id")))
    query = (exp.select(*(col(c, "pr") for c in ("record_id", *_KEEP)), *(col(c, "i") for c in _FIELDS),
                        *(col(c, "h") for c in _HISTORY.values()))
             .from_(ref("person_record", "pr", schema="store"))
             .join(ref("identity", "i", schema=plain), on=col("record_id", "i").eq(col("record_id", "pr")), join_type="left")
             .join(sub(history, "h"), on=col("record_id", "h").eq(col("record_id", "pr")), join_type="left"))
    records = engine.query(query).unique("record_id", keep="first", maintain_order=True)
    return person_features(records.with_columns(pl.col("record_id").alias("unique_id")))


@pytest.fixture(scope="module")
def synth_store(tmp_path_factory) -> Path:
    """`joinedup synth --people 2000 --seed 3`, ingested."""
    root = tmp_path_factory.mktemp("featsql")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JOINEDUP_KEY", "ab" * 32)
        _cli("synth", "--people", "2000", "--seed", "3", "--out", str(root / "place"))
        _cli("ingest", str(root / "place"), "--db", str(root / "store.duckdb"))
    return root / "store.duckdb"


def test_features_of_a_synthetic_place_equal_the_polars_reference(synth_store, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "ab" * 32)
    engine = Engine(synth_store, vault=True)
    try:
        want = _reference(engine)
        held, table = store_features(engine, str(synth_store), batch_rows=997)  # several dictionary batches
        got = held.fetch(exp.select(exp.Star()).from_(ref(table)))
    finally:
        engine.close(publish=False)
    assert got.height > 5000 and got["unique_id"].n_unique() == got.height
    assert got.columns == want.columns and got.schema == want.schema
    assert got.sort("unique_id").equals(want.sort("unique_id"))
    assert got.filter(pl.col("postcodes").list.len() > 1).height > 0  # histories were folded


#: Records with the defects real extracts have; r1 comes twice (the first row is the one kept).
_EDGES = [
    ("r1", "Mrs J Smith", "Smith-Jones", "1980-03-04", "Female", "dy11aa", "58 Holly Bush Lane", "943 476 5919", "ab 12-34c"),
    ("r2", "Mary Anne", "van der Berg", "04/03/1980", "1", "B15 2TT", "Flat 2, Élan Court", None, ""),
    ("r3", None, None, None, None, None, None, None, None),
    ("r4", "", "", "", "", "", "", "", ""),
    ("r5", "Dr", "O'Neill Jnr", "31/02/1980", "m", "75008", "  ", "x", "!!"),
    ("r6", "  Bill  ", "SMITH JONES", "1980-12-12", "U", "SW1A1AA", "1 The Street", "9434765919", "QQ123456C"),
    ("r7", "Zoë", "Ryan", "19800513", "2", "X", "Rue de Rivoli, Paris", "94347 65919", "qq 12 34 56 c"),
    ("r1", "Jane", "Other", "2001-01-01", "M", "DY1 2AA", "elsewhere", "1", "2"),
    ("r8", "chloe", "ryna", "1999-05-05", "F", "dy1 1aa", "58 holly bush lane", "٣٤٥ 12", "ﬁ straße 1"),
]
_PAST = [("r1", "family_name", "Smith"), ("r1", "family_name", "Mrs Smith"), ("r1", "postcode", "dy1 1aa"),
         ("r1", "postcode", "B15 2TT"), ("r1", "address", "58 Holly Bush Lane"), ("r2", "address", "Old House"),
         ("r3", "family_name", "Jones"), ("r4", "postcode", ""), ("r5", "family_name", "  "), ("r9", "postcode", "DY2 2AA"),
         ("r6", "nhs_number", "1234567890"), ("r7", "address", None)]


def _edge_features(engine: str, dated: bool) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(the engine's features, the polars reference's, the records) of the edge cases."""
    recs = pl.DataFrame(_EDGES, schema=["record_id", *(c for c in _FIELDS if c != "other_id"), "other_id"], orient="row")
    recs = recs.with_columns(*(pl.lit(True if c == "nhs_number_verified" else f"{c}{i}").alias(c) for i, c in enumerate(_KEEP)))
    recs = recs.select("record_id", *_KEEP, *_FIELDS).with_row_index("_order").with_columns(pl.col("_order").cast(pl.Int64))
    if dated:
        recs = recs.with_columns(pl.col("date_of_birth").str.to_date("%Y-%m-%d", strict=False))
    past = pl.DataFrame(_PAST, schema=["record_id", "field", "value"], orient="row")
    store = Store.memory(engine)
    try:
        held = LinkSQL(store.backend)
        history, records = held.put("history", past), held.put("records", recs)
        table = features_table(held, records, ref(history), ("record_id", *_KEEP), batch=2, order="_order")
        got = held.fetch(exp.select(exp.Star()).from_(ref(table)).order_by(asc(col("unique_id"))))
    finally:
        store.close()
    lists = (past.filter(pl.col("field").is_in(list(_HISTORY)) & pl.col("value").is_not_null())
             .group_by("record_id", "field").agg(pl.col("value").unique())
             .pivot(on="field", index="record_id", values="value").rename(_HISTORY))
    first = recs.drop("_order").unique("record_id", keep="first", maintain_order=True)
    want = person_features(first.join(lists, on="record_id", how="left").with_columns(pl.col("record_id").alias("unique_id")))
    return got, want, first


@pytest.mark.parametrize("dated", [True, False], ids=["dates", "text"])
def test_edge_cases_equal_the_polars_reference(dated):
    got, want, first = _edge_features("duckdb", dated)
    assert got.columns == want.columns and got.schema == want.schema
    assert got.equals(want.sort("unique_id"))
    row = got.filter(pl.col("unique_id") == "r1").row(0, named=True)
    assert row["given_name"] == "j" and row["family_parts"] == ["jones", "smith"]
    assert row["family_names"] == ["mrs smith", "smith", "smith jones"]
    assert row["postcodes"] == ["B15 2TT", "DY1 1AA"]
    row = got.filter(pl.col("unique_id") == "r8").row(0, named=True)
    assert row["nhs_number"] == "٣٤٥12" and row["other_id"] == "FISTRASSE1"  # Python's \D and str.upper


def test_the_features_sql_runs_alike_on_spark(spark_session):
    got, want, _ = _edge_features("spark", True)
    assert got.columns == want.columns
    assert got.equals(want.sort("unique_id").cast(dict(got.schema)))  # Spark's own integer and string types

