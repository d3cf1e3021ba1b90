"""Person records with their identifiers, read from the store and the vault attached read-only."""

from __future__ import annotations

import polars as pl

from joinedup.errors import UserError
from joinedup.link.engine import Engine
from joinedup.link.features import person_features

__all__ = ["load_records", "present_features", "COMPARED"]

#: Features the person index compares (when any record carries them).
COMPARED = ("given_name", "family_name", "dob", "postcode", "address", "sex", "nhs_number", "other_id")

_HISTORY = {"family_name": "family_names_all", "postcode": "postcodes_all", "address": "addresses_all"}


def load_records(engine: Engine, store_name: str) -> pl.DataFrame:
    """Every person record with its pseudonyms and (vault) identifiers and history, as comparison features."""
    if "person_record" not in engine.tables("store"):
        raise UserError("nothing ingested: the store has no person_record table (run `joinedup ingest` first)",
                        file=store_name)
    plain = engine.store.identities()  # the vault's views with every sealed value opened
    vault = engine.tables(plain)
    if "identity" not in vault:
        raise UserError("the identity vault beside the store has no identity table", file=store_name)
    records = engine.query(f"""
        SELECT pr.record_id, pr.source, pr.system, pr.local_id_pseudo, pr.nhs_number_pseudo,
               pr.nhs_number_verified, pr.upn_pseudo,
               i.given_name, i.family_name, i.date_of_birth, i.sex, i.postcode, i.address,
               i.nhs_number, i.other_id
        FROM store.person_record pr LEFT JOIN {plain}.identity i ON i.record_id = pr.record_id
    """).unique("record_id", keep="first")
    if records.height == 0:
        raise UserError("nothing ingested: person_record is empty (run `joinedup ingest` first)", file=store_name)
    if "identity_history" in vault:
        history = engine.query(f"""
            SELECT record_id, field, value FROM {plain}.identity_history
            WHERE field IN ('family_name', 'postcode', 'address') AND value IS NOT NULL
        """)
        if history.height:
            wide = history.group_by("record_id", "field").agg(pl.col("value").unique()).pivot(
                on="field", index="record_id", values="value")
            wide = wide.rename({f: c for f, c in _HISTORY.items() if f in wide.columns})
            records = records.join(wide, on="record_id", how="left")
    records = records.with_columns(pl.col("record_id").alias("unique_id"),
                                   pl.col("date_of_birth").cast(pl.Date, strict=False))
    return person_features(records)


def present_features(feats: pl.DataFrame) -> set[str]:
    """The compared features that at least a few records carry."""
    return {c for c in COMPARED if c in feats.columns and feats[c].null_count() < feats.height}
