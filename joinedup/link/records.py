"""Person records with their identifiers, read from the store and the vault attached read-only."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
from sqlglot import exp

from joinedup.errors import UserError
from joinedup.link.engine import Engine
from joinedup.link.features import person_features
from joinedup.link.sql import LinkSQL, as_, col, not_null, number, ref, sub, text

__all__ = ["feature_batches", "COMPARED"]

#: Features the person index compares (when any record carries them).
COMPARED = ("given_name", "family_name", "dob", "postcode", "address", "sex", "nhs_number", "other_id")

_HISTORY = {"family_name": "family_names_all", "postcode": "postcodes_all", "address": "addresses_all"}


#: Records whose comparison features are computed at a time: Python holds one batch's records and
#: features, never the whole place's (a link run sends each batch to its engine before the next).
FEATURE_BATCH_ROWS = 200_000


def feature_batches(engine: Engine, store_name: str, batch_rows: int | None = None) -> Iterator[pl.DataFrame]:
    """Every person record's comparison features, `batch_rows` records (FEATURE_BATCH_ROWS) at a time.

    The records, each with its vault values opened and its history folded to lists, are first
    held by the engine in a temporary table (spilled beyond its memory limit) and then read a slice
    at a time, so the caller may write to the same connection between batches (a streaming result
    would be closed by that) and Python never holds more than one batch's records and features.
    A record the vault holds twice comes once, in its first batch.
    """
    if "person_record" not in engine.tables("store"):
        raise UserError("nothing ingested: the store has no person_record table (run `joinedup ingest` first)",
                        file=store_name)
    plain = engine.store.identities()  # the vault's views with every sealed value opened
    vault = engine.tables(plain)
    if "identity" not in vault:
        raise UserError("the identity vault beside the store has no identity table", file=store_name)
    query = (exp.select(*(col(c, "pr") for c in ("record_id", "source", "system", "local_id_pseudo", "nhs_number_pseudo",
                                                  "nhs_number_verified", "upn_pseudo")),
                        *(col(c, "i") for c in ("given_name", "family_name", "date_of_birth", "sex", "postcode", "address",
                                                 "nhs_number", "other_id")))
             .from_(ref("person_record", "pr", schema="store"))
             .join(ref("identity", "i", schema=plain), on=col("record_id", "i").eq(col("record_id", "pr")), join_type="left"))
    if "identity_history" in vault:
        # each record's past values of a field as one list (the field's name is a constant of this module)
        lists = [as_(exp.Filter(this=exp.ArrayAgg(this=exp.Distinct(expressions=[col("value")])),
                                expression=exp.Where(this=col("field").eq(text(f)))), c) for f, c in _HISTORY.items()]
        history = (exp.select(col("record_id"), *lists).from_(ref("identity_history", schema=plain))
                   .where(exp.and_(col("field").isin(*map(text, _HISTORY)), not_null(col("value")))).group_by(col("record_id")))
        query = query.select(*(col(c, "h") for c in _HISTORY.values())).join(
            sub(history, "h"), on=col("record_id", "h").eq(col("record_id", "pr")), join_type="left")
    held = LinkSQL(engine.store.backend, engine.api)
    raw = held.table("link_records", query)
    try:
        total, distinct = held.backend.fetchall(held.sql(exp.select(
            exp.Count(this=exp.Star()), exp.Count(this=exp.Distinct(expressions=[col("record_id")]))).from_(ref(raw))))[0]
        if total == 0:
            raise UserError("nothing ingested: person_record is empty (run `joinedup ingest` first)", file=store_name)
        step = batch_rows or FEATURE_BATCH_ROWS
        seen: list[pl.Series] = []
        for start in range(0, total, step):
            # DuckDB numbers a table's rows from 0 (rowid) and reads a range of them without a scan
            rowid = col("rowid")
            where = exp.and_(exp.GTE(this=rowid, expression=number(start)),
                             exp.LT(this=rowid.copy(), expression=number(start + step)))
            records = held.fetch(exp.select(exp.Star()).from_(ref(raw)).where(where)).unique("record_id", keep="first")
            if total != distinct:  # rows of one record in two batches: the first batch's is kept
                earlier = pl.concat(seen) if seen else pl.Series("record_id", [], dtype=pl.Utf8)
                records = records.filter(~pl.col("record_id").is_in(earlier.implode()))
                seen.append(records["record_id"])
            records = records.with_columns(pl.col("record_id").alias("unique_id"),
                                           pl.col("date_of_birth").cast(pl.Date, strict=False))
            yield person_features(records)
            del records
    finally:
        held.drop(raw)
