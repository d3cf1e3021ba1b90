"""Reading a synthetic place's truth folder, and mapping its records to the store's record ids.

Record ids are HMAC(key, "source|local id") with the store's pseudonym key (JOINEDUP_KEY, or the
key file beside the store), so the truth can be joined without ever putting identifiers in the store.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from joinedup.errors import UserError
from joinedup.ingest.keys import ENV_VAR, key_path_for, load_key

__all__ = ["TruthFiles", "read_truth", "record_ids"]

_RECORD_COLS = {"source": ("source",), "local_id": ("local_id", "person_key", "local_id_value"),
                "person_id": ("person_id", "true_person_id", "_person_id")}


class TruthFiles:
    """The truth of a place: records (source, local id, true person), households and relations."""

    def __init__(self, records: pl.DataFrame, households: pl.DataFrame | None, relations: pl.DataFrame | None) -> None:
        self.records, self.households, self.relations = records, households, relations


def _read(path: Path) -> pl.DataFrame:
    if path.is_dir():  # a place written in batches: one part per batch (truth/records/part-00000.parquet ...)
        parts = sorted(p for p in path.iterdir() if p.suffix in (".csv", ".parquet"))
        return pl.concat([_read(p) for p in parts], how="vertical_relaxed") if parts else pl.DataFrame()
    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    return pl.read_csv(path, infer_schema_length=10000)


def _pick(df: pl.DataFrame, wanted: dict[str, tuple[str, ...]]) -> pl.DataFrame | None:
    cols = {}
    for name, aliases in wanted.items():
        found = next((a for a in aliases if a in df.columns), None)
        if found is None:
            return None
        cols[name] = pl.col(found)
    return df.select(**cols)


def read_truth(folder: Path) -> TruthFiles:
    """The truth files in a folder; a one-line error when the folder holds no record truth."""
    if not folder.is_dir():
        raise UserError("no such truth folder", file=str(folder))
    files = sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".parquet")
                   or (p.is_dir() and any(q.suffix in (".csv", ".parquet") for q in p.iterdir())))
    records, households, relations = [], None, None
    for path in files:
        df = _read(path)
        rec = _pick(df, _RECORD_COLS)
        if rec is not None:
            records.append(rec.with_columns(pl.col("local_id").cast(pl.Utf8), pl.col("person_id").cast(pl.Utf8)))
        elif {"person_id", "household_id"} <= set(df.columns):
            households = df.select(pl.col("person_id").cast(pl.Utf8), pl.col("household_id").cast(pl.Utf8))
        elif {"person_id", "related_person_id"} <= set(df.columns):
            relations = df.select(pl.col("person_id").cast(pl.Utf8), pl.col("related_person_id").cast(pl.Utf8))
    if not records:
        raise UserError("the truth folder has no record truth (source, local_id, person_id)", file=str(folder))
    return TruthFiles(pl.concat(records).drop_nulls(["source", "local_id", "person_id"]).unique(["source", "local_id"]),
                      households, relations)


def record_ids(store: Path, records: pl.DataFrame) -> pl.DataFrame:
    """Add record_id = HMAC(key, 'source|local id') to truth records, with the store's key (as ingest made it)."""
    if not os.environ.get(ENV_VAR) and not key_path_for(store).exists():
        # load_key would make a new key here, and no record would match: say what is missing instead
        raise UserError(f"no pseudonym key for this store (set {ENV_VAR} or keep the key file beside it)",
                        file=str(store))
    key = load_key(store)
    ids = [key.pseudonym(s, v) for s, v in zip(records["source"].to_list(), records["local_id"].to_list())]
    return records.with_columns(record_id=pl.Series(ids, dtype=pl.Utf8))
