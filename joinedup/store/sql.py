"""SQL composition: statements are written once in DuckDB's SQL and rendered by sqlglot for other engines.

The stages compose statements with these helpers; `render` leaves DuckDB's SQL as it is (no
parse cost on the default engine) and transpiles it with sqlglot for any other dialect (Spark).
Identifiers and literals are always quoted by sqlglot.
"""

from __future__ import annotations

from typing import Iterable

import sqlglot
from sqlglot import exp

__all__ = ["ident", "lit", "select", "insert_select", "create_temp_as", "render", "SOURCE_DIALECT"]

#: Expressions are written in DuckDB's SQL and transpiled by sqlglot to the engine's dialect.
SOURCE_DIALECT = "duckdb"


def render(sql: str, dialect: str = SOURCE_DIALECT) -> str:
    """The statement in the engine's dialect."""
    if dialect == SOURCE_DIALECT:
        return sql
    return ";\n".join(sqlglot.transpile(sql, read=SOURCE_DIALECT, write=dialect))


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
    """SELECT columns FROM from_ [WHERE] [GROUP BY]."""
    sql = f"SELECT {', '.join(columns)} FROM {from_}"
    if where:
        sql += f" WHERE {where}"
    groups = list(group_by)
    if groups:
        sql += f" GROUP BY {', '.join(groups)}"
    return render(sql, dialect)


def insert_select(table: str, columns: list[str], query: str, dialect: str = SOURCE_DIALECT) -> str:
    """INSERT INTO table (columns) query."""
    return render(f"INSERT INTO {table} ({', '.join(columns)}) {query}", dialect)


def create_temp_as(name: str, query: str, dialect: str = SOURCE_DIALECT) -> str:
    """CREATE OR REPLACE TEMP TABLE name AS query."""
    return render(f"CREATE OR REPLACE TEMP TABLE {name} AS {query}", dialect)
