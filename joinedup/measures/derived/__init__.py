"""Derived relations: named queries over the canonical tables that a measure may name as its `from`.

Some national definitions are a pipeline, not a row condition: NHS England's ASCOF 2A clusters
requests and reablement episodes and searches what followed each one. Such a pipeline is kept here
as one SQL file (DuckDB dialect, period placeholders, canonical tables and its own CTEs), parsed once
with sqlglot, checked against the schema and inlined as a subquery into a measure's query, so it runs
on every engine like any other measure. Each relation returns the person columns of the person view
(`person_id`, `person_birth_year`, ...) so that breakdowns and segments work as on a canonical table.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import sqlglot
from sqlglot import exp

__all__ = ["RELATIONS", "is_derived", "tree", "columns", "base_tables", "relation"]

#: name -> what one row is (the SQL is in `<name>.sql` beside this file).
RELATIONS: dict[str, str] = {
    "asc_st_max_sequel": "one row of NHS England's SALT STS002a table: what followed a new client's reablement "
                         "(ST-Max) episode that ended in the period (record_type, outcome, sequel)",
}


def is_derived(name: str) -> bool:
    """Whether a table name is a derived relation."""
    return name in RELATIONS


@lru_cache(maxsize=None)
def tree(name: str) -> exp.Query:
    """The parsed query of a derived relation."""
    text = (files("joinedup.measures.derived") / f"{name}.sql").read_text(encoding="utf-8")
    return sqlglot.parse_one(text, read="duckdb")


def _cte_names(q: exp.Expression) -> set[str]:
    return {c.alias for c in q.find_all(exp.CTE)}


@lru_cache(maxsize=None)
def columns(name: str) -> frozenset[str]:
    """The output columns of a derived relation."""
    return frozenset(e.alias_or_name for e in tree(name).selects)


@lru_cache(maxsize=None)
def base_tables(name: str) -> frozenset[str]:
    """The canonical tables a derived relation reads."""
    q = tree(name)
    ctes = _cte_names(q)
    return frozenset(t.name for t in q.find_all(exp.Table) if t.name not in ctes)


def relation(name: str, period) -> exp.Subquery:
    """The relation for one period, its tables pointed at the person views, as a subquery aliased `name`."""
    from joinedup.measures import sql
    q = tree(name)
    body = sql.expand(q, period, keep=frozenset(_cte_names(q)))
    return exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier(name)))
