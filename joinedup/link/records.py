"""Person records with their identifiers and comparison features, made in the store's engine with the vault opened."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
from sqlglot import exp

from joinedup.errors import UserError
from joinedup.link.engine import Engine
from joinedup.link.feature_sql import features_table
from joinedup.link.rows import NOT_SENT, PutFeatures, put_feature_batches
from joinedup.link.sql import LinkSQL, as_, col, number, ref

__all__ = ["feature_batches", "store_features", "put_features", "COMPARED"]

#: Features the person index compares (when any record carries them).
COMPARED = ("given_name", "family_name", "dob", "postcode", "address", "sex", "nhs_number", "other_id")

#: Features read back to Python at a time, when the link engine is not the store's (Spark): Python
#: holds one batch, never the whole place's features.
FEATURE_BATCH_ROWS = 200_000

_KEEP = ("source", "system", "local_id_pseudo", "nhs_number_pseudo", "nhs_number_verified", "upn_pseudo")


def store_features(engine: Engine, store_name: str, batch_rows: int | None = None,
                   sent: bool = False) -> tuple[LinkSQL, str]:
    """A table in the store's engine of every person record's comparison features, in record order.

    The records, each with its vault values opened, are held by the engine; Python sees only the
    distinct values of each field, `batch_rows` at a time (`joinedup.link.feature_sql`). A record
    the vault holds twice comes once (its first row). With `sent`, the columns the link engine never
    needs (NOT_SENT) are left out.
    """
    if "person_record" not in engine.tables("store"):
        raise UserError("nothing ingested: the store has no person_record table (run `joinedup ingest` first)",
                        file=store_name)
    plain = engine.store.identities()  # the vault's views with every sealed value opened
    vault = engine.tables(plain)
    if "identity" not in vault:
        raise UserError("the identity vault beside the store has no identity table", file=store_name)
    query = (exp.select(*(col(c, "pr") for c in ("record_id", *_KEEP)),
                        *(col(c, "i") for c in ("given_name", "family_name", "date_of_birth", "sex", "postcode", "address",
                                                 "nhs_number", "other_id")))
             .from_(ref("person_record", "pr", schema="store"))
             .join(ref("identity", "i", schema=plain), on=col("record_id", "i").eq(col("record_id", "pr")), join_type="left"))
    held = LinkSQL(engine.store.backend, engine.api)
    raw = held.table("link_records", query)
    try:
        if not held.scalar(exp.select(exp.Count(this=exp.Star())).from_(ref(raw))):
            raise UserError("nothing ingested: person_record is empty (run `joinedup ingest` first)", file=store_name)
        history = ref("identity_history", schema=plain) if "identity_history" in vault else None
        keep = [c for c in ("record_id", *_KEEP) if not (sent and c in NOT_SENT)]
        return held, features_table(held, raw, history, keep, batch_rows)
    finally:
        held.drop(raw)


def feature_batches(engine: Engine, store_name: str, batch_rows: int | None = None) -> Iterator[pl.DataFrame]:
    """Every person record's comparison features, `batch_rows` records (FEATURE_BATCH_ROWS) at a time.

    The features are made in the store's engine (`store_features`) and read a slice at a time, so
    the caller may write to the same connection between batches.
    """
    held, table = store_features(engine, store_name, batch_rows)
    try:
        total = held.scalar(exp.select(exp.Count(this=exp.Star())).from_(ref(table)))
        step = batch_rows or FEATURE_BATCH_ROWS
        for start in range(0, total, step):
            # DuckDB numbers a table's rows from 0 (rowid) and reads a range of them without a scan
            rowid = col("rowid")
            where = exp.and_(exp.GTE(this=rowid, expression=number(start)),
                             exp.LT(this=rowid.copy(), expression=number(start + step)))
            yield held.fetch(exp.select(exp.Star()).from_(ref(table)).where(where))
    finally:
        held.drop(table)


def put_features(link: LinkSQL, engine: Engine, store_name: str) -> PutFeatures:
    """The features table in the link engine: made there when it is the store's engine, else sent in batches."""
    if link.backend is not engine.store.backend:
        return put_feature_batches(link, feature_batches(engine, store_name), COMPARED)
    _, name = store_features(engine, store_name, sent=True)
    names = {n for n, _ in link.backend.columns(name)}
    present = link.fetch(exp.select(as_(exp.Count(this=exp.Star()), "n"), *(
        as_(exp.Count(this=col(c)), c) for c in COMPARED if c in names)).from_(ref(name))).row(0, named=True)
    return PutFeatures(name, present.pop("n"), frozenset(c for c, n in present.items() if n))
