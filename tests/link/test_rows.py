"""The features copied into the link engine a slice at a time hold every row, in order, with its lists."""

from __future__ import annotations

import polars as pl
import pytest
from sqlglot import exp

from joinedup.link.rows import put_feature_batches
from joinedup.link.sql import LinkSQL, asc, col, ref
from joinedup.store import Store


def _features(n: int) -> pl.DataFrame:
    return pl.DataFrame({
        "unique_id": [f"r{i:03d}" for i in range(n)],
        "dob": [None if i % 5 == 0 else f"19{50 + i % 40}-01-0{1 + i % 9}" for i in range(n)],
        "family_names": [None if i % 4 == 0 else [f"n{i}", f"m{i % 3}"] for i in range(n)],
        "nhs_number_verified": [None if i % 6 == 0 else i % 2 == 0 for i in range(n)],
    })


def _copied(engine: str, frame: pl.DataFrame, slice_rows: int) -> pl.DataFrame:
    scratch = Store.memory(engine)
    try:
        link = LinkSQL(scratch.backend)
        slices = [frame.slice(i, slice_rows) for i in range(0, frame.height, slice_rows)] or [frame]
        name = put_feature_batches(link, slices, ()).name
        return link.fetch(exp.select(exp.Star()).from_(ref(name)).order_by(asc(col("unique_id"))))
    finally:
        scratch.close()


@pytest.mark.parametrize("slice_rows", [7, 23, 200_000])
def test_every_slice_lands_in_one_table_on_duckdb(slice_rows):
    frame = _features(23)
    got = _copied("duckdb", frame, slice_rows)
    assert got.to_dicts() == frame.to_dicts()


def test_an_empty_frame_gives_an_empty_table():
    got = _copied("duckdb", _features(0), 7)
    assert got.height == 0 and got.columns == _features(0).columns


@pytest.mark.spark
def test_slices_on_spark_are_one_table_too(spark_session):
    frame = _features(23)
    assert _copied("spark", frame, 7).to_dicts() == frame.to_dicts()


def _keyed(n: int) -> pl.DataFrame:
    return _features(n).with_columns(
        record_id=pl.col("unique_id"), source=pl.lit("gp"), system=pl.lit("emis"),
        local_id_pseudo=pl.format("L{}", pl.col("unique_id")), nhs_number_pseudo=pl.format("N{}", pl.col("unique_id")),
        given_name=pl.lit(None, dtype=pl.Utf8))


def test_each_batch_is_in_the_engine_before_the_next_is_made():
    from joinedup.link.rows import guard_keys

    frame = _keyed(23)
    scratch = Store.memory("duckdb")
    try:
        link = LinkSQL(scratch.backend)
        landed: list[int] = []

        def batches():
            for i in range(0, frame.height, 7):
                tables = [t for (t,) in scratch.backend.fetchall(
                    "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__jl_features%'")]
                landed.append(sum(scratch.backend.fetchall(f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables))
                yield frame.slice(i, 7)

        put = put_feature_batches(link, batches(), ("dob", "given_name", "family_names"))
        got = link.fetch(exp.select(exp.Star()).from_(ref(put.name)).order_by(asc(col("unique_id"))))
        keys = link.fetch(exp.select(exp.Star()).from_(ref(guard_keys(link, put.name)))).sort("unique_id")
    finally:
        scratch.close()
    assert landed == [0, 7, 14, 21]  # the rows before each batch were already in the engine
    assert got.columns == [c for c in frame.columns if c not in ("record_id", "source")]
    assert got.to_dicts() == frame.drop("record_id", "source").to_dicts()
    assert put.records == 23 and put.present == {"dob", "family_names"}  # given_name is null in every record
    # the guard's key is the NHS number pseudonym where the number is verified
    want = frame.select("unique_id", nhs_key=pl.when(pl.col("nhs_number_verified").fill_null(False))
                        .then(pl.col("nhs_number_pseudo")), system="system", local_id_pseudo="local_id_pseudo")
    assert keys.to_dicts() == want.to_dicts() and keys["nhs_key"].null_count() not in (0, keys.height)
