"""Person records with their identifiers, read from the store and the vault attached read-only."""

from __future__ import annotations

import polars as pl
from sqlglot import exp

from joinedup.errors import UserError
from joinedup.link.engine import Engine
from joinedup.link.features import person_features
from joinedup.link.sql import as_, col, not_null, ref, sub, text

__all__ = ["load_records", "present_features", "COMPARED"]

#: Features the person index compares (when any record carries them).
COMPARED = ("given_name", "family_name", "dob", "postcode", "address", "sex", "nhs_number", "other_id")

_HISTORY = {"family_name": "family_names_all", "postcode": "postcodes_all", "address": "addresses_all"}


#: Records whose comparison features are computed at a time: Python holds the features of the place,
#: and the working frames of one batch, never the raw records of the whole place at once.
FEATURE_BATCH_ROWS = 200_000


def load_records(engine: Engine, store_name: str, batch_rows: int | None = None) -> pl.DataFrame:
    """Every person record with its pseudonyms and (vault) identifiers and history, as comparison features.

    The records (each with its history folded to lists in the engine) stream from the engine in
    batches of `batch_rows` (FEATURE_BATCH_ROWS); each batch's features are computed and kept, its
    raw values freed before the next.
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
    parts = []
    for batch in engine.store.backend.fetch_batches(engine.store.backend.render(query), batch_rows or FEATURE_BATCH_ROWS):
        if batch.num_rows == 0:
            continue
        records = pl.from_arrow(batch).unique("record_id", keep="first")
        records = records.with_columns(pl.col("record_id").alias("unique_id"),
                                       pl.col("date_of_birth").cast(pl.Date, strict=False))
        parts.append(person_features(records))
        del records
    if not parts:
        raise UserError("nothing ingested: person_record is empty (run `joinedup ingest` first)", file=store_name)
    feats = pl.concat(parts, how="vertical_relaxed", rechunk=False)
    # one row per record: a record the vault holds twice is read once, as before (rows of one record
    # may come in two batches)
    return feats.unique("unique_id", keep="first") if feats["unique_id"].is_duplicated().any() else feats


def present_features(feats: pl.DataFrame) -> set[str]:
    """The compared features that at least a few records carry."""
    return {c for c in COMPARED if c in feats.columns and feats[c].null_count() < feats.height}
