"""The `person` table: one row per person, folded from their records (most common or latest values).

One SQL query (DuckDB's dialect, rendered by sqlglot for the engine that runs it) over the records,
the record-to-person links and the deaths: the records never come into Python.
"""

from __future__ import annotations

import polars as pl

from joinedup.link.sql import LinkSQL

__all__ = ["person_table", "person_sql", "SECTOR_OF_SOURCE"]

#: Source id prefix -> sector named in person.sectors.
SECTOR_OF_SOURCE = {"nhs": "nhs", "asc": "asc", "csc": "csc", "education": "education", "workforce": "workforce"}

_MODES = (("birth_year", "TRUE"), ("birth_month", "TRUE"), ("sex", "sex IN ('M', 'F')"),
          ("ethnicity_group", "ethnicity_group <> 'Unknown'"))


def person_sql(records: str, links: str, deaths: str | None) -> str:
    """The person table as a query over records (person_record), links (record_id, person_id) and deaths."""
    sectors = ", ".join(f"'{s}'" for s in SECTOR_OF_SOURCE)
    modes = []
    for col, keep in _MODES:
        # most common non-null value per person (ties: the smallest)
        modes.append(f"""m_{col} AS (
            SELECT person_id, {col} FROM (
                SELECT person_id, {col}, ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY n DESC, {col}) AS k
                FROM (SELECT person_id, {col}, COUNT(*) AS n FROM r WHERE {col} IS NOT NULL AND {keep}
                      GROUP BY person_id, {col}) AS c) AS o WHERE k = 1)""")
    death = (f"d AS (SELECT l.person_id, MIN(x.date_of_death) AS date_of_death FROM {deaths} AS x "
             f"JOIN {links} AS l ON l.record_id = x.record_id GROUP BY l.person_id)") if deaths else \
        "d AS (SELECT CAST(NULL AS VARCHAR) AS person_id, CAST(NULL AS DATE) AS date_of_death WHERE FALSE)"
    return f"""
    WITH r AS (
        SELECT p.*, l.person_id,
               CASE WHEN STRING_SPLIT(p.source, '.')[1] IN ({sectors}) THEN STRING_SPLIT(p.source, '.')[1] END AS sector
        FROM {records} AS p JOIN {links} AS l ON l.record_id = p.record_id),
    folded AS (
        SELECT person_id, MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen, COUNT(*) AS n_records,
               ARRAY_TO_STRING(LIST_SORT(LIST_DISTINCT(LIST(sector))), ',') AS sectors
        FROM r GROUP BY person_id),
    latest AS (
        -- the latest record's area; records seen last on one day in record id order (a re-run agrees)
        SELECT person_id, lsoa21, imd_decile, ward_code FROM (
            SELECT person_id, lsoa21, imd_decile, ward_code,
                   ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY last_seen DESC NULLS LAST, record_id) AS k
            FROM r WHERE lsoa21 IS NOT NULL) AS o WHERE k = 1),
    {", ".join(modes)},
    {death}
    SELECT f.person_id, CAST(m_birth_year.birth_year AS SMALLINT) AS birth_year,
           CAST(m_birth_month.birth_month AS TINYINT) AS birth_month, COALESCE(m_sex.sex, 'U') AS sex,
           m_ethnicity_group.ethnicity_group, latest.lsoa21, CAST(latest.imd_decile AS TINYINT) AS imd_decile,
           latest.ward_code, CAST(d.date_of_death AS DATE) AS date_of_death, CAST(f.first_seen AS DATE) AS first_seen,
           CAST(f.last_seen AS DATE) AS last_seen, CAST(f.n_records AS INTEGER) AS n_records,
           NULLIF(f.sectors, '') AS sectors
    FROM folded AS f
    LEFT JOIN m_birth_year ON m_birth_year.person_id = f.person_id
    LEFT JOIN m_birth_month ON m_birth_month.person_id = f.person_id
    LEFT JOIN m_sex ON m_sex.person_id = f.person_id
    LEFT JOIN m_ethnicity_group ON m_ethnicity_group.person_id = f.person_id
    LEFT JOIN latest ON latest.person_id = f.person_id
    LEFT JOIN d ON d.person_id = f.person_id"""


def person_table(records: pl.DataFrame, links: pl.DataFrame, deaths: pl.DataFrame | None,
                 link: LinkSQL | None = None) -> pl.DataFrame:
    """records: person_record rows; links: (record_id, person_id); deaths: (record_id, date_of_death).

    The frames are copied into `link`'s engine (by default a scratch DuckDB) and folded by `person_sql`.
    """
    from joinedup.store import Store

    scratch = Store.memory() if link is None else None
    link = link or LinkSQL(scratch.backend)
    try:
        r = link.put("records", records)
        ln = link.put("links", links.select("record_id", "person_id"))
        d = link.put("deaths", deaths.select("record_id", "date_of_death")) if deaths is not None and deaths.height else None
        return link.fetch(f"SELECT * FROM ({person_sql(r, ln, d)}) AS p ORDER BY person_id")
    finally:
        if scratch is not None:
            scratch.close()
