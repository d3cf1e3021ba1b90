"""ASC Client Level Data as submitted: a folder of quarterly CSVs with the 48 fields of CLD Release 1.

Quarters overlap (each holds the financial year to date, and a service open at one quarter's
end is in the next, perhaps ended). Read together, each event keeps the row of the latest
submission (the latest Reporting_Period_End_Date), as NHS England's CLD-to-SALT code keeps the
latest submission of each event. Rows become the `asc.client_level_data` source: ethnicity
descriptions back to the NHS letter codes, the first linked adult as the person cared for.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pyarrow as pa

from joinedup.errors import UserError
from joinedup.ingest.readers import csv_header, sha256_of
from joinedup.sources import Source, source
from joinedup.sources.cld import ETHNICITY_DESCRIPTION, FIELDS

__all__ = ["is_cld_file", "cld_files", "is_cld_folder", "folder_sha256", "read_parts", "SOURCE"]

SOURCE = "asc.client_level_data"
_CODE_OF = {v: k for k, v in ETHNICITY_DESCRIPTION.items()}


def is_cld_file(path: Path) -> bool:
    """True for a CSV whose header holds every CLD R1 field (and names no other source's own fields)."""
    if path.suffix.lower() != ".csv":
        return False
    try:
        cols = set(csv_header(path))
    except UserError:
        return False
    return set(FIELDS) <= cols


def cld_files(folder: Path) -> list[Path]:
    """The CLD submissions directly in a folder, by name (cld_2023-24_q1.csv sorts before _q2)."""
    return sorted(f for f in folder.glob("*.csv") if is_cld_file(f))


def is_cld_folder(folder: Path) -> bool:
    """True when a folder holds CLD submissions and no other CSV."""
    files = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    return bool(files) and all(is_cld_file(f) for f in files)


def folder_sha256(folder: Path) -> str:
    """One sha256 for the whole set of quarters (the same set twice = loaded once)."""
    h = hashlib.sha256()
    for f in (cld_files(folder) if folder.is_dir() else [folder]):
        h.update(f"{f.name}:{sha256_of(f)}\n".encode())
    return h.hexdigest()


def read_parts(path: Path) -> list[tuple[Source, pa.Table, Path]]:
    """Per quarter's file: the rows it holds that are the latest submission of their event, as the CLD source.

    Each part's `_row` is the row's place in its own file (1-based data row), so a rejected row is
    named by the file and row the council can open.
    """
    files = cld_files(path) if path.is_dir() else [path]
    if not files:
        raise UserError("no CLD submission here: expected CSVs with the 48 fields of CLD Release 1", file=str(path))
    frames = []
    for f in files:
        df = pl.read_csv(f, infer_schema=False)
        frames.append(df.select(list(FIELDS)).with_row_index("_row", offset=1)
                      .with_columns(pl.lit(str(f)).alias("_file")))
    df = pl.concat(frames, how="vertical")
    src = source(SOURCE)
    # a row without an event reference cannot be matched across quarters: each stays (and is quarantined)
    keyed = df.filter(pl.col("Event_Reference").is_not_null())
    keyed = keyed.sort("Reporting_Period_End_Date", "_file", "_row").unique(
        "Event_Reference", keep="last", maintain_order=True)
    df = pl.concat([keyed, df.filter(pl.col("Event_Reference").is_null())]).sort("_file", "_row")
    # a death is a fact about the person: an event last sent before it was known takes it from the
    # latest submission that holds it (as the DHSC dashboard's latest person details do)
    died = (pl.concat(frames, how="vertical").filter(pl.col("Date_of_Death").is_not_null())
            .sort("Reporting_Period_End_Date").unique("LA_Person_Unique_Identifier", keep="last")
            .select("LA_Person_Unique_Identifier", pl.col("Date_of_Death").alias("_died")))
    df = df.join(died, on="LA_Person_Unique_Identifier", how="left").with_columns(
        Date_of_Death=pl.coalesce("Date_of_Death", "_died")).drop("_died")
    df = df.with_columns(
        Ethnicity=pl.col("Ethnicity").replace(_CODE_OF),
        Cared_For_Person_Identifier=pl.col("Adult_1_Linked_Person_ID"),
        _row=pl.col("_row").cast(pl.Int64),
    )
    cols = ["_row", *[c for c in src.columns if c in df.columns]]
    parts = []
    for f in files:
        part = df.filter(pl.col("_file") == str(f))
        if part.height:
            table = part.select(cols).to_arrow()
            table = pa.table({n: table.column(n).cast(pa.int64() if n == "_row" else pa.string()) for n in cols})
            parts.append((src, table, f))
    return parts
