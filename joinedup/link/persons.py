"""The `person` table: one row per person, folded from their records (most common or latest values)."""

from __future__ import annotations

import polars as pl

__all__ = ["person_table", "SECTOR_OF_SOURCE"]

#: Source id prefix -> sector named in person.sectors.
SECTOR_OF_SOURCE = {"nhs": "nhs", "asc": "asc", "csc": "csc", "education": "education", "workforce": "workforce"}


def _modes(r: pl.DataFrame, col: str, keep: pl.Expr | None = None) -> pl.DataFrame:
    # most common non-null value per person (ties: the smallest); a count-and-sort is far
    # quicker than a per-group mode
    values = r.filter(pl.col(col).is_not_null() & (keep if keep is not None else pl.lit(True)))
    return (values.group_by("person_id", col).len().sort(["person_id", "len", col], descending=[False, True, False])
            .group_by("person_id", maintain_order=True).first().select("person_id", col))


def person_table(records: pl.DataFrame, links: pl.DataFrame, deaths: pl.DataFrame | None) -> pl.DataFrame:
    """records: person_record rows; links: (record_id, person_id); deaths: (record_id, date_of_death)."""
    r = records.join(links.select("record_id", "person_id"), on="record_id").with_columns(
        sector=pl.col("source").str.split(".").list.first().replace_strict(SECTOR_OF_SOURCE, default=None))
    latest = (r.filter(pl.col("lsoa21").is_not_null())
              # the latest record's area; records seen last on one day in record id order (a re-run agrees)
              .sort(["last_seen", "record_id"], descending=[True, False], nulls_last=True)
              .group_by("person_id").first()
              .select("person_id", "lsoa21", "imd_decile", "ward_code"))
    folded = r.group_by("person_id").agg(
        pl.col("first_seen").min(), pl.col("last_seen").max(),
        pl.len().cast(pl.Int32).alias("n_records"),
        pl.col("sector").drop_nulls().unique().sort().str.join(",").alias("sectors"),
    )
    for col, keep in (("birth_year", None), ("birth_month", None), ("sex", pl.col("sex").is_in(["M", "F"])),
                      ("ethnicity_group", pl.col("ethnicity_group") != "Unknown")):
        folded = folded.join(_modes(r, col, keep), on="person_id", how="left")
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
