"""The `person` table: one row per person, folded from their records (most common or latest values)."""

from __future__ import annotations

import polars as pl

__all__ = ["person_table", "SECTOR_OF_SOURCE"]

#: Source id prefix -> sector named in person.sectors.
SECTOR_OF_SOURCE = {"nhs": "nhs", "asc": "asc", "csc": "csc", "education": "education", "workforce": "workforce"}


def _mode(col: str) -> pl.Expr:
    return pl.col(col).drop_nulls().mode().sort().first().alias(col)


def person_table(records: pl.DataFrame, links: pl.DataFrame, deaths: pl.DataFrame | None) -> pl.DataFrame:
    """records: person_record rows; links: (record_id, person_id); deaths: (record_id, date_of_death)."""
    r = records.join(links.select("record_id", "person_id"), on="record_id").with_columns(
        sector=pl.col("source").str.split(".").list.first().replace_strict(SECTOR_OF_SOURCE, default=None))
    latest = (r.filter(pl.col("lsoa21").is_not_null())
              .sort("last_seen", descending=True, nulls_last=True)
              .group_by("person_id").first()
              .select("person_id", "lsoa21", "imd_decile", "ward_code"))
    folded = r.group_by("person_id").agg(
        _mode("birth_year"), _mode("birth_month"),
        pl.col("sex").filter(pl.col("sex").is_in(["M", "F"])).mode().sort().first().alias("sex"),
        pl.col("ethnicity_group").filter(pl.col("ethnicity_group").is_not_null()
                                         & (pl.col("ethnicity_group") != "Unknown")).mode().sort().first(),
        pl.col("first_seen").min(), pl.col("last_seen").max(),
        pl.len().cast(pl.Int32).alias("n_records"),
        pl.col("sector").drop_nulls().unique().sort().str.join(",").alias("sectors"),
    )
    out = folded.join(latest, on="person_id", how="left")
    if deaths is not None and deaths.height:
        d = (deaths.join(links.select("record_id", "person_id"), on="record_id")
             .group_by("person_id").agg(pl.col("date_of_death").min()))
        out = out.join(d, on="person_id", how="left")
    else:
        out = out.with_columns(date_of_death=pl.lit(None, dtype=pl.Date))
    return out.with_columns(sex=pl.col("sex").fill_null("U"), sectors=pl.col("sectors").replace("", None)).select(
        "person_id", pl.col("birth_year").cast(pl.Int16), pl.col("birth_month").cast(pl.Int8), "sex",
        "ethnicity_group", "lsoa21", pl.col("imd_decile").cast(pl.Int8), "ward_code",
        pl.col("date_of_death").cast(pl.Date), pl.col("first_seen").cast(pl.Date), pl.col("last_seen").cast(pl.Date),
        "n_records", "sectors").sort("person_id")
