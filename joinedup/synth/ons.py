"""ONS mid-year population estimates by LSOA, single year of age and sex, counted from the place itself."""

from __future__ import annotations

from datetime import date

import polars as pl

from joinedup.synth.world import World

__all__ = ["generate", "mid_years"]


def mid_years(world: World) -> list[date]:
    """The 30 June dates that fall in the period."""
    years = range(world.period_start.year, world.period_end.year + 1)
    return [d for d in (date(y, 6, 30) for y in years) if world.period_start <= d <= world.period_end]


def generate(world: World) -> dict[str, pl.DataFrame]:
    """Population on each mid-year date in every LSOA x sex x age 0-90 (zeros included), as ONS publishes."""
    lsoas = world.households.select(pl.col("lsoa21").unique().sort())
    grid = lsoas.join(pl.DataFrame({"Sex": ["1", "2"]}), how="cross").join(
        pl.DataFrame({"Age": pl.int_range(0, 91, eager=True).cast(pl.Int64)}), how="cross")
    res = world.residence.filter(pl.col("household_id").is_not_null()).join(
        world.households.select("household_id", "lsoa21"), on="household_id")
    ppl = world.people.select("person_id", "dob", "sex")
    out = []
    for d in mid_years(world):
        here = res.filter((pl.col("from_date") <= d) & (pl.col("to_date").is_null() | (pl.col("to_date") > d)))
        counted = (here.join(ppl, on="person_id")
                   .with_columns(Age=((pl.lit(d) - pl.col("dob")).dt.total_days() / 365.25).floor().cast(pl.Int64).clip(0, 90),
                                 Sex=pl.when(pl.col("sex") == "M").then(pl.lit("1")).otherwise(pl.lit("2")))
                   .group_by("lsoa21", "Sex", "Age").agg(pl.len().alias("Population")))
        out.append(grid.join(counted, on=["lsoa21", "Sex", "Age"], how="left")
                   .with_columns(pl.col("Population").fill_null(0).cast(pl.Int64), pl.lit(d.year, dtype=pl.Int64).alias("Mid_Year")))
    frame = pl.concat(out).rename({"lsoa21": "LSOA21CD"}).select("Mid_Year", "LSOA21CD", "Sex", "Age", "Population")
    return {"ons.population_estimates": frame.sort("Mid_Year", "LSOA21CD", "Sex", "Age")}
