"""The `person` table: one row per person, folded from their records (most common or latest values).

One SQL query (a sqlglot tree, rendered for the engine that runs it) over the records,
the record-to-person links and the deaths: the records never come into Python.
"""

from __future__ import annotations

import polars as pl

from sqlglot import exp

from joinedup.link.sql import (LinkSQL, aliased, as_, asc, case, cast, col, count, desc, not_null, nothing, number, over, ref,
                               sub, text, with_)

__all__ = ["person_table", "person_sql", "SECTOR_OF_SOURCE"]

#: Source id prefix -> sector named in person.sectors.
SECTOR_OF_SOURCE = {"nhs": "nhs", "asc": "asc", "csc": "csc", "education": "education", "workforce": "workforce"}

#: The values folded as the most common one: column -> which non-null values count.
_MODES = (("birth_year", lambda c: exp.true()), ("birth_month", lambda c: exp.true()),
          ("sex", lambda c: c.isin(text("M"), text("F"))), ("ethnicity_group", lambda c: exp.NEQ(this=c, expression=text("Unknown"))))


def _mode(name: str, keep) -> exp.Select:
    """The most common non-null value of a column per person (ties: the smallest), from r."""
    counted = (exp.select(col("person_id"), col(name), as_(count(), "n")).from_(ref("r"))
               .where(exp.and_(not_null(col(name)), keep(col(name)))).group_by(col("person_id"), col(name)))
    nth = over(exp.RowNumber(), partition_by=(col("person_id"),), order_by=(desc(col("n")), asc(col(name))))
    ranked = exp.select(col("person_id"), col(name), as_(nth, "k")).from_(sub(counted, "c"))
    return exp.select(col("person_id"), col(name)).from_(sub(ranked, "o")).where(col("k").eq(number(1)))


def person_sql(records: exp.Table | exp.Query, links: exp.Table | exp.Query, deaths: exp.Table | exp.Query | None) -> exp.Select:
    """The person table as a query over records (person_record), links (record_id, person_id) and deaths."""
    first_part = exp.Bracket(this=exp.Split(this=col("source", "p"), expression=text(".")), expressions=[number(0)])
    sector = case([(_in_sectors(first_part), first_part.copy())])
    r = (exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("p", quoted=True)), col("person_id", "l"), as_(sector, "sector"))
         .from_(aliased(records, "p")).join(aliased(links, "l"), on=col("record_id", "l").eq(col("record_id", "p"))))
    sectors = exp.ArrayToString(this=exp.ArraySort(this=exp.ArrayDistinct(this=exp.ArrayAgg(this=col("sector"))), nulls_first=exp.false()),
                                expression=text(","))
    folded = (exp.select(col("person_id"), as_(exp.Min(this=col("first_seen")), "first_seen"), as_(exp.Max(this=col("last_seen")), "last_seen"),
                         as_(count(), "n_records"), as_(sectors, "sectors"))
              .from_(ref("r")).group_by(col("person_id")))
    # the latest record's area; records seen last on one day in record id order (a re-run agrees)
    area = ("lsoa21", "imd_decile", "ward_code")
    nth = over(exp.RowNumber(), partition_by=(col("person_id"),), order_by=(desc(col("last_seen")), asc(col("record_id"))))
    latest = (exp.select(col("person_id"), *map(col, area))
              .from_(sub(exp.select(col("person_id"), *map(col, area), as_(nth, "k")).from_(ref("r")).where(not_null(col("lsoa21"))), "o"))
              .where(col("k").eq(number(1))))
    if deaths is not None:
        d = (exp.select(col("person_id", "l"), as_(exp.Min(this=col("date_of_death", "x")), "date_of_death"))
             .from_(aliased(deaths, "x")).join(aliased(links, "l"), on=col("record_id", "l").eq(col("record_id", "x")))
             .group_by(col("person_id", "l")))
    else:
        d = nothing(person_id="varchar", date_of_death="date")
    m = {name: f"m_{name}" for name, _ in _MODES}
    out = (exp.select(col("person_id", "f"), as_(cast(col("birth_year", m["birth_year"]), "smallint"), "birth_year"),
                      as_(cast(col("birth_month", m["birth_month"]), "tinyint"), "birth_month"),
                      as_(exp.Coalesce(this=col("sex", m["sex"]), expressions=[text("U")]), "sex"),
                      col("ethnicity_group", m["ethnicity_group"]), col("lsoa21", "latest"),
                      as_(cast(col("imd_decile", "latest"), "tinyint"), "imd_decile"), col("ward_code", "latest"),
                      as_(cast(col("date_of_death", "d"), "date"), "date_of_death"), as_(cast(col("first_seen", "f"), "date"), "first_seen"),
                      as_(cast(col("last_seen", "f"), "date"), "last_seen"), as_(cast(col("n_records", "f"), "integer"), "n_records"),
                      as_(exp.Nullif(this=col("sectors", "f"), expression=text("")), "sectors"))
           .from_(ref("folded", "f")))
    for name in (*m.values(), "latest", "d"):
        out = out.join(ref(name), on=col("person_id", name).eq(col("person_id", "f")), join_type="left")
    return with_(out, ("r", r), ("folded", folded), ("latest", latest), *((m[name], _mode(name, keep)) for name, keep in _MODES), ("d", d))


def _in_sectors(value: exp.Expression) -> exp.In:
    """value IN the sectors named in person.sectors."""
    return value.isin(*map(text, SECTOR_OF_SOURCE))


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
        return link.fetch(exp.select(exp.Star()).from_(sub(person_sql(ref(r), ref(ln), ref(d) if d else None), "p"))
                          .order_by(asc(col("person_id"))))
    finally:
        if scratch is not None:
            scratch.close()
