"""Helpers the sector generators share: who is present when, drawing events, identity on a record."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from joinedup.synth.world import World

__all__ = ["EPOCH", "day", "Exposure", "exposure", "seasonal_days", "winter_index",
           "postcode_at", "with_identity", "as_dates", "by_age", "labels", "seq_ids"]

EPOCH = date(1970, 1, 1)
YEAR = 365.25


def day(d: date) -> int:
    """Days since 1970-01-01."""
    return (d - EPOCH).days


def as_dates(days: np.ndarray) -> pl.Series:
    """Days since 1970 as a Date series (negative stays a real date; use masks for nulls)."""
    return pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date)


def by_age(table: tuple[tuple[float, float], ...], age: np.ndarray) -> np.ndarray:
    """Step function of age from (lower bound, value) pairs."""
    edges = np.array([a for a, _ in table])
    vals = np.array([v for _, v in table])
    return vals[np.clip(np.searchsorted(edges, age, side="right") - 1, 0, None)]


class Exposure:
    """Per person: the days they were in the place during the period, with age and needs (numpy arrays)."""

    def __init__(self, world: World) -> None:
        p = world.people
        start, end = day(world.period_start), day(world.period_end) + 1
        self.person_id = p["person_id"].to_numpy()
        self.dob = p["dob"].cast(pl.Int32).to_numpy().astype(np.int64)
        arrived = p["arrived"].cast(pl.Int32).fill_null(start).to_numpy().astype(np.int64)
        left = p["left"].cast(pl.Int32).fill_null(end).to_numpy().astype(np.int64)
        died = p["date_of_death"].cast(pl.Int32).fill_null(end).to_numpy().astype(np.int64)
        self.death = p["date_of_death"].cast(pl.Int32).fill_null(-10**9).to_numpy().astype(np.int64)
        self.entry = np.maximum(np.maximum(arrived, start), self.dob)
        self.exit = np.minimum(np.minimum(left, end), died + 1)
        self.span = np.maximum(self.exit - self.entry, 0)
        self.age_mid = ((self.entry + self.exit) / 2 - self.dob) / YEAR
        self.female = (p["sex"] == "F").to_numpy()
        self.dep = (10 - p["imd_decile"].to_numpy().astype(float)) / 9
        for col in ("ltc_count", "frailty", "mental_health_need", "substance_misuse", "learning_disability",
                    "physical_disability", "dementia", "is_carer", "care_experienced"):
            setattr(self, col, p[col].to_numpy())
        first_hh = world.residence.sort("person_id", "from_date").group_by("person_id", maintain_order=True).first()
        kinds = p.select("person_id").join(first_hh.join(world.households.select("household_id", "kind"),
                                                             on="household_id", how="left"), on="person_id", how="left")
        kind = kinds.sort("person_id")["kind"].fill_null("").to_numpy()
        self.care_home = kind == "care_home"
        self.start, self.end = start, end

    def __len__(self) -> int:
        return len(self.person_id)


def exposure(world: World) -> Exposure:
    """Each person's time in the place, cached on the world."""
    cached = getattr(world, "_exposure", None)
    if cached is None:
        cached = Exposure(world)
        world._exposure = cached  # type: ignore[attr-defined]
    return cached


def winter_index(days: np.ndarray) -> np.ndarray:
    """+1 in mid-January, -1 in mid-July: the seasonal pressure on services."""
    doy = (np.asarray(days) - day(date(2000, 1, 15))) % 365.25
    return np.cos(2 * np.pi * doy / 365.25)


def seasonal_days(rng: np.random.Generator, entry: np.ndarray, span: np.ndarray, amplitude: float) -> np.ndarray:
    """Days uniformly within each window, tilted towards winter by `amplitude` (rejection sampling)."""
    out = entry + (rng.random(len(entry)) * span).astype(np.int64)
    if amplitude <= 0:
        return out
    todo = np.arange(len(entry))
    for _ in range(12):
        w = (1 + amplitude * winter_index(out[todo])) / (1 + amplitude)
        reject = rng.random(len(todo)) > w
        todo = todo[reject]
        if not len(todo):
            break
        out[todo] = entry[todo] + (rng.random(len(todo)) * span[todo]).astype(np.int64)
    return out


def _home_tables(world: World, field: str = "postcode") -> tuple[pl.DataFrame, pl.DataFrame]:
    cache = getattr(world, "_home_tables", None)
    if cache is None:
        cache = {}
        world._home_tables = cache  # type: ignore[attr-defined]
    if field not in cache:
        res = (world.residence.join(world.households.select("household_id", field), on="household_id", how="left")
               .select("person_id", pl.col("from_date").alias("_from"), pl.col(field).alias("postcode"))
               .sort("person_id", "_from"))
        counts = res.group_by("person_id").len()
        movers = counts.filter(pl.col("len") > 1).select("person_id")
        first = res.group_by("person_id", maintain_order=True).first().select("person_id", pl.col("postcode").alias("_pc0"))
        cache[field] = (res.join(movers, on="person_id", how="semi").sort("_from"),
                        first.join(movers.with_columns(pl.lit(True).alias("_moves")), on="person_id", how="left"))
    return cache[field]


def postcode_at(world: World, frame: pl.DataFrame, person: str, when: str, field: str = "postcode") -> pl.Series:
    """The postcode (or, with field="address", the address line) each row's person lived at on that row's date.

    Null once they have left the area.
    """
    moves, first = _home_tables(world, field)
    rows = frame.select(pl.int_range(pl.len()).alias("_i"), pl.col(person).alias("person_id"),
                        pl.col(when).cast(pl.Date).alias("_when"))
    rows = rows.join(first, on="person_id", how="left", maintain_order="left")
    # only people who moved need the address in force on the day; everyone else has one postcode
    movers = rows.filter(pl.col("_moves").fill_null(False)).sort("_when")
    dated = movers.join_asof(moves, left_on="_when", right_on="_from", by="person_id", strategy="backward",
                             check_sortedness=False)
    dated = dated.select("_i", pl.when(pl.col("_from").is_null()).then(pl.col("_pc0")).otherwise(pl.col("postcode")).alias("_pc"))
    out = rows.join(dated, on="_i", how="left", maintain_order="left")
    return out.select(pl.when(pl.col("_moves").fill_null(False)).then(pl.col("_pc")).otherwise(pl.col("_pc0"))).to_series().alias(field)


def with_identity(world: World, frame: pl.DataFrame, when: str, columns: dict[str, str], sex_codes: dict[str, str],
                  person: str = "_person_id", compact: bool = False) -> pl.DataFrame:
    """Add identity columns (true values) to rows about people: columns maps source field -> attribute.

    Attributes: given_name, family_name, dob, sex, ethnicity, ethnicity_dfe, nhs_number, gp_practice,
    postcode and address (the house number and street, at the row's date), date_of_death.
    """
    attrs = sorted(a for a in set(columns.values()) if a not in ("postcode", "address"))
    ppl = world.people.select(pl.col("person_id").alias(person), *attrs)
    if compact:  # big extracts keep repeated text as categoricals; the writer turns them back into text
        ppl = ppl.with_columns(pl.col(pl.Utf8).cast(pl.Categorical))
    out = frame.join(ppl, on=person, how="left", maintain_order="left")
    if "postcode" in columns.values():
        pc = postcode_at(world, out, person, when)
        out = out.with_columns((pc.cast(pl.Categorical) if compact else pc).alias("postcode"))
    if "address" in columns.values():
        line = postcode_at(world, out, person, when, "address")
        out = out.with_columns((line.cast(pl.Categorical) if compact else line).alias("address"))
    exprs = []
    for fld, attr in columns.items():
        e = pl.col(attr)
        if attr == "sex":
            e = e.cast(pl.Utf8).replace_strict(sex_codes, default=None)
            e = e.cast(pl.Categorical) if compact else e
        exprs.append(e.alias(fld))
    drop = [a for a in set(columns.values()) if a not in columns]
    return out.with_columns(exprs).drop([c for c in drop if c in out.columns and c not in frame.columns])


def labels(values, idx: np.ndarray, compact: bool = False) -> pl.Series:
    """Strings picked by position (fast: avoids building numpy string arrays for big columns)."""
    out = pl.Series(list(values), dtype=pl.Utf8).gather(np.asarray(idx, dtype=np.int64))
    return out.cast(pl.Categorical) if compact else out


def seq_ids(prefix: str, n: int, width: int, start: int = 1) -> pl.Series:
    """prefix + zero-padded start..start + n - 1 (start: after the ids earlier batches used)."""
    return pl.select((pl.lit(prefix) + pl.int_range(start, start + n, dtype=pl.Int64).cast(pl.Utf8).str.zfill(width)).alias("id")).to_series()
