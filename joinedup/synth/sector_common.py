"""Vectorised helpers shared by the children's, education and workforce generators.

Dates travel as numpy int64 day numbers (days since 1970-01-01, the physical form of a polars
Date) so that whole cohorts can be shifted, compared and clipped without Python loops.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from joinedup.sources import source

__all__ = [
    "day", "days_of", "to_dates", "add_years", "years_between", "deprivation_weight",
    "local_ids", "address_at", "frame_for", "lognormal_days", "add_working_days",
    "postcode_district", "financial_years", "lives_in_area", "parent_links",
]

_EPOCH = date(1970, 1, 1)


def day(d: date) -> int:
    """A Python date as a day number."""
    return (d - _EPOCH).days


def days_of(col: pl.Series) -> np.ndarray:
    """A polars Date series as int64 day numbers; nulls become a large sentinel (never)."""
    return col.cast(pl.Int64).fill_null(np.iinfo(np.int32).max).to_numpy().astype(np.int64)


def to_dates(days: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    """Day numbers back to a polars Date series (null where `valid` is False)."""
    s = pl.Series(np.asarray(days, dtype=np.int64)).cast(pl.Int32).cast(pl.Date)
    if valid is not None:
        s = pl.select(pl.when(pl.Series(np.asarray(valid, dtype=bool))).then(s).otherwise(None)).to_series()
    return s


def add_years(days: np.ndarray, years: int | np.ndarray) -> np.ndarray:
    """Exact anniversaries (29 February falls to 28 February), e.g. the 18th birthday."""
    d = np.asarray(days, dtype="datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    month = (m - y.astype("datetime64[M]")).astype(np.int64)
    dom = (d - m.astype("datetime64[D]")).astype(np.int64)
    ny = y + np.asarray(years).astype("timedelta64[Y]")
    first = ny.astype("datetime64[M]") + month.astype("timedelta64[M]")
    last_dom = ((first + np.timedelta64(1, "M")).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
    out = first.astype("datetime64[D]") + np.minimum(dom, last_dom - 1).astype("timedelta64[D]")
    return out.astype(np.int64)


def years_between(start: np.ndarray, end: np.ndarray | int) -> np.ndarray:
    """Completed years from start to end (age at end for a date of birth)."""
    s = np.asarray(start, dtype="datetime64[D]")
    e = np.broadcast_to(np.asarray(end, dtype=np.int64), s.shape).astype("datetime64[D]")
    years = e.astype("datetime64[Y]").astype(np.int64) - s.astype("datetime64[Y]").astype(np.int64)
    return years - (add_years(s.astype(np.int64), years) > e.astype(np.int64))


def deprivation_weight(decile: np.ndarray, ratio: float) -> np.ndarray:
    """Relative rate by IMD decile: decile 1 (most deprived) is `ratio` times decile 10, log-linear."""
    d = np.clip(np.asarray(decile, dtype=float), 1, 10)
    return np.exp(np.log(ratio) * (10 - d) / 9)


def local_ids(person_ids: np.ndarray, prefix: str, salt: int, width: int = 7, widen: bool = False) -> pl.Series:
    """A system's own person ids: a fixed bijection of the true id, so one system keeps one id per person.

    With `widen`, values at or above the width's modulus (the people of a big place) take one digit
    more, with the next width's bijection, so ids never wrap round onto another person's; below it
    (every place up to ~850,000 people) the ids are the same either way.
    """
    moduli = {6: 999_983, 7: 9_999_991, 8: 99_999_989, 9: 999_999_937}  # primes just under 10**width
    v = np.asarray(person_ids, dtype=np.int64)
    mult = 1_103_515_245
    w = np.full(len(v), width, dtype=np.int64)
    for k in range(width, 9 if widen else width):
        w = np.where((w == k) & (v >= moduli[k]), k + 1, w)
    num = np.zeros(len(v), dtype=np.int64)
    for k in np.unique(w):
        m = w == k
        modulus = moduli[int(k)]
        num[m] = ((v[m] % modulus) * (mult % modulus) + salt * 7919 + 12_345) % modulus
    s = pl.Series(num).cast(pl.Utf8)
    s = s.str.zfill(width) if (w == width).all() else pl.Series([x.zfill(int(k)) for x, k in zip(s.to_list(), w)])
    return (prefix + s) if prefix else s


def address_at(world, person_ids: np.ndarray, at_days: np.ndarray) -> pl.DataFrame:
    """Postcode, address line and LSOA each person lived at on a date (their last known address if none held then)."""
    res = world.residence.select("person_id", "household_id", "from_date", "to_date").join(
        world.households.select("household_id", "postcode", "address", "lsoa21"), on="household_id", how="inner")
    q = pl.DataFrame({"_row": np.arange(len(person_ids)), "person_id": np.asarray(person_ids, dtype=np.int64),
                      "_at": to_dates(at_days)})
    cand = q.join(res.with_columns(pl.col("person_id").cast(pl.Int64)), on="person_id", how="left")
    cand = cand.with_columns(
        ((pl.col("from_date") <= pl.col("_at")) & (pl.col("to_date").is_null() | (pl.col("to_date") > pl.col("_at"))))
        .fill_null(False).alias("_held"))
    best = cand.sort(["_row", "_held", "from_date"], nulls_last=False).group_by("_row", maintain_order=True).last()
    return best.sort("_row").select("postcode", "address", "lsoa21")


def frame_for(source_id: str, data: dict[str, pl.Series | np.ndarray | list], truth: dict[str, object]) -> pl.DataFrame:
    """A source's frame: exactly its columns in order (missing ones null, typed), then the truth columns."""
    src = source(source_id)
    n = len(next(iter(truth.values())))
    types = {"string": pl.Utf8, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "time": pl.Time,
             "datetime": pl.Datetime, "bool": pl.Boolean}
    cols = []
    for f in src.fields:
        if f.name in data:
            cols.append(pl.Series(f.name, data[f.name]).cast(types[f.type]))
        else:
            cols.append(pl.Series(f.name, [None] * n, dtype=types[f.type]))
    unknown = set(data) - set(src.columns)
    if unknown:
        raise KeyError(f"{source_id}: not fields {sorted(unknown)}")
    for name, values in truth.items():
        cols.append(pl.Series(name, values).cast(pl.Int64))
    return pl.DataFrame(cols)


def lognormal_days(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    """Durations in whole days (at least 1) from a lognormal with the given median."""
    return np.maximum(1, np.rint(median * np.exp(sigma * rng.standard_normal(n)))).astype(np.int64)


def add_working_days(days: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Add working days (Monday to Friday), rolling a weekend start forward first."""
    d = np.asarray(days, dtype="datetime64[D]")
    return np.busday_offset(d, np.asarray(n, dtype=np.int64), roll="forward").astype(np.int64)


def postcode_district(postcodes: pl.Series) -> pl.Series:
    """The outward code (district) of each postcode."""
    return postcodes.str.split(" ").list.first()


def financial_years(world) -> list[tuple[int, int, str]]:
    """(start day, end day, '2024-25') for each financial year (April-March) ending in the period."""
    out = []
    for y in range(world.period_start.year - 1, world.period_end.year + 1):
        s, e = date(y, 4, 1), date(y + 1, 3, 31)
        if s >= world.period_start and e <= world.period_end:
            out.append((day(s), day(e), f"{y}-{str(y + 1)[2:]}"))
    return out


def lives_in_area(people: pl.DataFrame, at: int) -> np.ndarray:
    """Who was alive and living in the place on a day."""
    arrived = people["arrived"].cast(pl.Int64).fill_null(-10**9).to_numpy()
    left = days_of(people["left"])
    died = days_of(people["date_of_death"])
    dob = days_of(people["dob"])
    return (arrived <= at) & (left > at) & (died > at) & (dob <= at)


def parent_links(world) -> pl.DataFrame:
    """Parent (or step-parent/carer) -> child pairs from the true relations."""
    rel = world.relations.filter(pl.col("relation").is_in(["mother", "father", "step-parent", "grandparent", "carer"]))
    return rel.select(pl.col("person_id").cast(pl.Int64).alias("parent"),
                      pl.col("related_person_id").cast(pl.Int64).alias("child"), "relation")
