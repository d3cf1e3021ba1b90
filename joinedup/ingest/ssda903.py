"""SSDA903 returns as submitted: a folder of collection years, each with the DfE validator's CSV tables.

A council keeps one folder per year (2023-24/, 2024-25/ ...), each holding header.csv,
episodes.csv and the rest, with the columns the DfE validator wants. Years overlap: an episode
open on 31 March is in that year's return and again, perhaps closed, in the next. Read together,
each table keeps the latest year's row per record key (an OC3 row is per child and year), so a
folder of years lands in the store as the council's whole 903 history. Tables the store does not
hold (AD1, placed for adoption, previous permanence, missing, social worker episodes) are checked
by `joinedup validate` and not loaded.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import polars as pl
import pyarrow as pa

from joinedup.errors import UserError
from joinedup.ingest.readers import csv_header, sha256_of
from joinedup.sources import Source, source

__all__ = ["K3_FROM", "TABLES", "SOURCE_OF", "is_903_folder", "year_folders", "table_of", "read_parts", "folder_sha256"]

#: First collection year (ending 31 March) whose PLACE list holds K3, supported accommodation; the
#: same settings were H5 before (903 rule 146 of the 2022-23 and 2023-24 rule sets).
K3_FROM = 2025

#: Each 903 table by its exact columns (csc-validator-be-903 0.1.17, lac_validator/config.py).
TABLES: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
            "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
}
#: The joinedup source each loaded table becomes.
SOURCE_OF = {"Header": "csc.ssda903_header", "Episodes": "csc.ssda903_episodes", "Reviews": "csc.ssda903_reviews",
             "UASC": "csc.ssda903_uasc", "OC2": "csc.ssda903_oc2", "OC3": "csc.ssda903_oc3"}
_YEAR = re.compile(r"^(\d{4})[-_/]?(\d{2}|\d{4})$")


def table_of(path: Path) -> str | None:
    """The 903 table a CSV is, by its exact set of columns (as the DfE validator decides), or None."""
    try:
        cols = {c.upper() for c in csv_header(path)}
    except UserError:
        return None
    return next((t for t, want in TABLES.items() if cols == set(want)), None)


def year_folders(folder: Path) -> list[tuple[str, Path]]:
    """(collection year 'YYYY-YY', folder) for each year folder with 903 tables, oldest first."""
    out = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        m = _YEAR.match(sub.name)
        if m and any(table_of(f) for f in sub.glob("*.csv")):
            out.append((f"{m.group(1)}-{m.group(2)[-2:]}", sub))
    flat = sorted(folder.glob("*.csv"))
    tables = [table_of(f) for f in flat]
    if not out and "Episodes" in tables and all(tables):
        out.append((folder.name, folder))  # one year's tables on their own, nothing else beside them
    return out


def is_903_folder(folder: Path) -> bool:
    """True when a folder holds 903 year folders (or one year's tables) with an episodes table."""
    return folder.is_dir() and any(
        table_of(f) == "Episodes" for _y, sub in year_folders(folder) for f in sub.glob("*.csv"))


def folder_sha256(folder: Path) -> str:
    """One sha256 for the whole set: of each table file's path and sha256 (the same set twice = loaded once)."""
    h = hashlib.sha256()
    for _y, sub in year_folders(folder):
        for f in sorted(sub.glob("*.csv")):
            h.update(f"{f.relative_to(folder).as_posix()}:{sha256_of(f)}\n".encode())
    return h.hexdigest()


def _read(path: Path, table: str) -> pl.DataFrame:
    df = pl.read_csv(path, infer_schema=False)
    df = df.rename({c: c.upper() for c in df.columns})
    return df.select(list(TABLES[table]))


def read_parts(folder: Path) -> tuple[list[tuple[Source, pa.Table, Path]], list[str]]:
    """Per year's table file: its rows that are the latest year's row of their record; and the tables not loaded.

    Each part's `_row` is the row's place in its own file (1-based data row), so a rejected row is
    named by the year's file and row the council can open.
    """
    frames: dict[str, list[pl.DataFrame]] = {}
    skipped = set()
    for label, sub in year_folders(folder):
        for f in sorted(sub.glob("*.csv")):
            t = table_of(f)
            if t is None:
                raise UserError("not a 903 table: its columns match none of the validator's tables", file=str(f),
                                row=0)
            if t not in SOURCE_OF:
                skipped.add(t)
                continue
            df = _read(f, t).with_columns(pl.lit(label).alias("_year"), pl.lit(str(f)).alias("_file"))
            df = df.with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
            if t == "OC3":
                df = df.with_columns(pl.lit(label).alias("COLLECTION_YEAR"))
            frames.setdefault(t, []).append(df)
    parts = []
    for t, dfs in frames.items():
        src = source(SOURCE_OF[t])
        df = pl.concat(dfs, how="diagonal_relaxed")
        key = list(src.record_key)
        # the latest year's row of each record (an episode open last year, closed this year, appears closed)
        df = df.sort("_year", "_row").unique(key, keep="last", maintain_order=True).sort("_year", "_row")
        cols = ["_row", *[c for c in src.columns if c in df.columns]]
        for (fname,), part in df.group_by("_file", maintain_order=True):
            table = part.select(cols).to_arrow()
            table = pa.table({n: table.column(n).cast(pa.int64() if n == "_row" else pa.string()) for n in cols})
            parts.append((src, table, Path(fname)))
    return parts, sorted(skipped)
