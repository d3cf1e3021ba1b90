"""joinedup's own structural checks of a return, run always (no network, no validators needed).

For an SSDA903 year: every CSV is one of the validator's tables by its exact columns, Header and
Episodes are there, dates are dd/mm/yyyy, SEX is coded as that collection year wants (1/2 until
2023-24, M/F/U from 2024-25), and every coded field holds a code of its list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from joinedup.ingest.ssda903 import SOURCE_OF, TABLES, table_of
from joinedup.sources import source

__all__ = ["Problem", "check_903_year", "DATE_FIELDS"]

DATE_FIELDS = {"DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
               "DATE_PLACED_CEASED", "DATE_PERM", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC"}
_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


@dataclass(frozen=True)
class Problem:
    """A structural problem: which check, where, how many rows, and a plain-English message."""

    check: str
    file: str
    field: str | None
    rows: int
    first_row: int | None
    message: str


def _sex_codes(end_year: int) -> set[str]:
    return {"M", "F", "U"} if end_year >= 2025 else {"1", "2"}


def check_903_year(folder: Path, end_year: int) -> tuple[list[str], list[Problem]]:
    """The checks run (names) and the problems found in one 903 year folder."""
    run, problems = [], []
    tables = {}
    for f in sorted(folder.glob("*.csv")):
        t = table_of(f)
        if t is None:
            problems.append(Problem("columns", f.name, None, 0, 0, "columns match none of the 903 tables "
                                    "(the DfE validator would refuse the upload)"))
        else:
            tables[t] = f
    run.append(f"columns: {len(tables)} tables with the validator's exact columns")
    for t in ("Header", "Episodes"):
        if t not in tables:
            problems.append(Problem("tables", folder.name, None, 0, None, f"no {t} table"))
    missing = [t for t in TABLES if t not in tables]
    if missing:
        run.append("tables absent (their rules cannot run): " + ", ".join(missing))
    n_codes = 0
    for t, f in tables.items():
        df = pl.read_csv(f, infer_schema=False).with_row_index("_r", offset=1)
        for col in df.columns:
            if col in DATE_FIELDS:
                bad = df.filter(pl.col(col).is_not_null() & ~pl.col(col).str.contains(_DATE.pattern))
                bad = bad.filter(~pl.col(col).map_elements(_is_date, return_dtype=pl.Boolean)) if bad.height else bad
                if bad.height:
                    problems.append(Problem("dates", f.name, col, bad.height, int(bad["_r"][0]),
                                            "not a date written dd/mm/yyyy"))
        codes = {}
        if t in SOURCE_OF:
            codes = {fl.name: set(fl.codes) for fl in source(SOURCE_OF[t]).fields if fl.codes}
        if "SEX" in df.columns:
            codes["SEX"] = _sex_codes(end_year)
        for col, allowed in codes.items():
            n_codes += 1
            bad = df.filter(pl.col(col).is_not_null() & ~pl.col(col).is_in(sorted(allowed)))
            if bad.height:
                problems.append(Problem("codes", f.name, col, bad.height, int(bad["_r"][0]),
                                        f"not a code of the {end_year - 1}-{str(end_year)[2:]} list "
                                        f"({', '.join(sorted(allowed)[:12])}{' ...' if len(allowed) > 12 else ''})"))
    run.append(f"dates dd/mm/yyyy; code lists: {n_codes} coded fields against the year's lists")
    return run, problems


def _is_date(v: str) -> bool:
    try:
        datetime.strptime(v, "%d/%m/%Y")
        return True
    except (TypeError, ValueError):
        return False
