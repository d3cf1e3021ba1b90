"""SQL built with sqlglot: statements are composed once here and rendered for an engine's dialect."""

from __future__ import annotations

from typing import Iterable

import sqlglot
from sqlglot import exp

__all__ = ["ident", "lit", "select", "insert_select", "create_temp_as", "union_all"]

#: Expressions are written in DuckDB's SQL and transpiled by sqlglot to the engine's dialect.
SOURCE_DIALECT = "duckdb"


def ident(name: str) -> str:
    """A quoted identifier (column names of real returns hold spaces and mixed case)."""
    return exp.to_identifier(name, quoted=True).sql(SOURCE_DIALECT)


def lit(value: object) -> str:
    """A SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return exp.Literal.string(str(value)).sql(SOURCE_DIALECT)


def select(columns: Iterable[str], from_: str, *, where: str | None = None, group_by: Iterable[str] = (),
           dialect: str = SOURCE_DIALECT) -> str:
    """SELECT columns FROM from_ [WHERE] [GROUP BY], rendered for a dialect."""
    q = sqlglot.select(*columns, dialect=SOURCE_DIALECT).from_(from_, dialect=SOURCE_DIALECT)
    if where:
        q = q.where(where, dialect=SOURCE_DIALECT)
    groups = list(group_by)
    if groups:
        q = q.group_by(*groups, dialect=SOURCE_DIALECT)
    return q.sql(dialect=dialect)


def union_all(queries: list[str], dialect: str = SOURCE_DIALECT) -> str:
    """The union of queries (each rendered already), as one statement."""
    parsed = [sqlglot.parse_one(q, read=dialect) for q in queries]
    out = parsed[0]
    for q in parsed[1:]:
        out = exp.union(out, q, distinct=False)
    return out.sql(dialect=dialect)


def insert_select(table: str, columns: list[str], query: str, dialect: str = SOURCE_DIALECT) -> str:
    """INSERT INTO table (columns) query."""
    stmt = exp.insert(sqlglot.parse_one(query, read=dialect), table, columns=columns, dialect=dialect)
    return stmt.sql(dialect=dialect)


def create_temp_as(name: str, query: str, dialect: str = SOURCE_DIALECT) -> str:
    """CREATE OR REPLACE TEMP TABLE name AS query."""
    body = sqlglot.parse_one(query, read=dialect)
    stmt = exp.Create(this=exp.to_table(name), kind="TABLE", expression=body, replace=True,
                      properties=exp.Properties(expressions=[exp.TemporaryProperty()]))
    return stmt.sql(dialect=dialect)
