"""Where linkage's SQL runs: one store backend (DuckDB or Spark) and Splink's database API on it.

Linkage's set-based steps (connected components, the cluster guard's search for conflicts, stable
person ids, `joinedup match`'s clusters) are built once as sqlglot trees, with sqlglot's builders and
the few helpers below, and rendered by the backend for its own engine (DuckDB or Spark); their
inputs and outputs stay in the engine as temporary tables, so nothing but small results (counts, a
few conflicted clusters) comes back to Python. Every identifier is quoted by sqlglot (`col`, `ref`,
`as_`), and the trees mean what DuckDB's SQL means (`asc`/`desc` put NULLs last, as DuckDB does and
Spark would not unless told), so one tree gives the same rows on both engines.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
import pyarrow as pa
import sqlglot
from sqlglot import exp

from joinedup.store.backends.base import Backend

__all__ = ["LinkSQL", "parse", "col", "ref", "as_", "asc", "desc", "over", "cast", "concat", "count", "union_all",
           "sub", "text", "number", "case", "is_null", "not_null", "with_", "create", "aliased", "nothing"]

_names = itertools.count(1)


def parse(sql: str) -> exp.Expression:
    """A statement in DuckDB's dialect as a sqlglot tree (rendered later for the engine that runs it)."""
    return sqlglot.parse_one(sql, read="duckdb")


def col(name: str, table: str | None = None) -> exp.Column:
    """A column (of a table alias), quoted by sqlglot whatever its name holds."""
    return exp.column(name, table=table, quoted=True)


def ref(name: str, alias: str | None = None, *, schema: str | None = None) -> exp.Table:
    """A table by name (in a schema, with an alias), quoted by sqlglot: ref("person", schema="store") is store.person."""
    table = exp.table_(name, db=schema, quoted=True)
    if alias is not None:
        table.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
    return table


def sub(query: exp.Query, alias: str) -> exp.Subquery:
    """A query in FROM or JOIN, under an alias."""
    return exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))


def aliased(source: exp.Table | exp.Query, alias: str) -> exp.Table | exp.Subquery:
    """A table (a copy of its `ref`) or a query in FROM or JOIN, under an alias."""
    if isinstance(source, exp.Table):
        table = source.copy()
        table.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
        return table
    return sub(source.copy(), alias)


def nothing(**columns: str) -> exp.Select:
    """A query of no rows with the named columns, each NULL of its (DuckDB) type."""
    return exp.select(*(as_(cast(exp.Null(), to), name) for name, to in columns.items())).where(exp.false())


def as_(expression: exp.Expression, name: str) -> exp.Alias:
    """expression AS name (quoted)."""
    return exp.alias_(expression, name, quoted=True, copy=False)


def asc(expression: exp.Expression) -> exp.Ordered:
    """Ascending, NULLs last (DuckDB's order, said out loud for Spark, whose ascending order puts them first)."""
    return exp.Ordered(this=expression, nulls_first=False)


def desc(expression: exp.Expression) -> exp.Ordered:
    """Descending, NULLs last (both engines' default, said out loud)."""
    return exp.Ordered(this=expression, desc=True, nulls_first=False)


def over(function: exp.Expression, *, partition_by: tuple[exp.Expression, ...] = (),
         order_by: tuple[exp.Ordered, ...] = ()) -> exp.Window:
    """A window function: function OVER (PARTITION BY ... ORDER BY ...)."""
    window = exp.Window(this=function, over="OVER")
    if partition_by:
        window.set("partition_by", list(partition_by))
    if order_by:
        window.set("order", exp.Order(expressions=list(order_by)))
    return window


def cast(expression: exp.Expression, to: str) -> exp.Cast:
    """CAST(expression AS to), the type named as DuckDB names it (VARCHAR is Spark's STRING)."""
    return exp.Cast(this=expression, to=exp.DataType.build(to, dialect="duckdb"))


def text(value: str) -> exp.Literal:
    """A string literal (quoted and escaped by sqlglot)."""
    return exp.Literal.string(value)


def number(value: int | float) -> exp.Literal:
    """A number literal, written as Python writes it (0.8, 12)."""
    return exp.Literal.number(value)


def is_null(expression: exp.Expression) -> exp.Is:
    """expression IS NULL."""
    return exp.Is(this=expression, expression=exp.Null())


def not_null(expression: exp.Expression) -> exp.Not:
    """NOT expression IS NULL (expression IS NOT NULL)."""
    return exp.Not(this=is_null(expression))


def case(whens: list[tuple[exp.Expression, exp.Expression]], default: exp.Expression | None = None, *,
         value: exp.Expression | None = None) -> exp.Case:
    """CASE [value] WHEN w THEN t ... [ELSE default] END: with value, each w is compared with it; else each w is a condition."""
    out = exp.Case(this=value, ifs=[exp.If(this=w, true=t) for w, t in whens])
    if default is not None:
        out.set("default", default)
    return out


def with_(query: exp.Query, *ctes: tuple[str, exp.Query]) -> exp.Query:
    """WITH name AS (cte), ... query: the common table expressions in order, each name quoted."""
    for name, cte in ctes:
        query = query.with_(exp.to_identifier(name, quoted=True), as_=cte, copy=False)
    return query


def create(name: str, columns: Sequence[tuple[str, str]], *, schema: str | None = None, replace: bool = False,
           exists: bool = False) -> exp.Create:
    """CREATE [OR REPLACE] TABLE [IF NOT EXISTS] schema.name (column type, ...), each type named as DuckDB names it."""
    table = exp.Schema(this=ref(name, schema=schema), expressions=[
        exp.ColumnDef(this=exp.to_identifier(c, quoted=True), kind=exp.DataType.build(t, dialect="duckdb")) for c, t in columns])
    return exp.Create(this=table, kind="TABLE", replace=replace, exists=exists)


def concat(*parts: exp.Expression) -> exp.Expression:
    """a || b || ...: NULL if any part is NULL (on both engines)."""
    out = parts[0]
    for part in parts[1:]:
        out = exp.DPipe(this=out, expression=part, safe=True)
    return out


def count(expression: exp.Expression | None = None, *, distinct: bool = False) -> exp.Count:
    """COUNT(*), COUNT(expression) or COUNT(DISTINCT expression): a BIGINT."""
    if expression is None:
        return exp.Count(this=exp.Star(), big_int=True)
    return exp.Count(this=exp.Distinct(expressions=[expression]) if distinct else expression, big_int=True)


def union_all(*queries: exp.Query, distinct: bool = False) -> exp.Query:
    """The queries' rows one after another (UNION ALL; with distinct, UNION)."""
    out = queries[0]
    for query in queries[1:]:
        out = exp.union(out, query, distinct=distinct, copy=False)
    return out


class LinkSQL:
    """A backend that runs linkage's SQL: temporary tables in, temporary tables out."""

    def __init__(self, backend: Backend, api: Any | None = None) -> None:
        self.backend = backend
        self.api = api if api is not None else backend.splink_api()

    @property
    def dialect(self) -> str:
        """The engine's SQL dialect (sqlglot's name)."""
        return self.backend.dialect

    def name(self, stem: str) -> str:
        """A fresh temporary table name."""
        return f"__jl_{stem}_{next(_names)}"

    def sql(self, query: str | exp.Expression) -> str:
        """A query (DuckDB dialect text, or a tree) as text in this engine's dialect."""
        return self.backend.render(parse(query) if isinstance(query, str) else query)

    def table(self, stem: str, query: str | exp.Expression) -> str:
        """Materialise a query as a new temporary table; its name."""
        name = self.name(stem)
        self.backend.make_temp_view(name, self.sql(query), materialize=True)
        return name

    def put(self, stem: str, frame: pl.DataFrame | pa.Table) -> str:
        """Copy a (small) frame into a new temporary table; its name."""
        name = self.name(stem)
        self.backend.register_arrow(name, frame.to_arrow() if isinstance(frame, pl.DataFrame) else frame)
        return name

    def put_all(self, stem: str, frames: Iterable[pl.DataFrame]) -> str | None:
        """Copy frames, in order, into one new temporary table as they come; its name (None if there were none).

        Only the frame in hand is held: on DuckDB each is appended to the table, elsewhere each is a view
        and the table their union.
        """
        name: str | None = None
        parts: list[str] = []
        for frame in frames:
            if self.dialect != "duckdb":
                parts.append(self.put(f"{stem}_part", frame))
            elif name is None:
                name = self.put(stem, frame)
            else:
                self.backend.write_arrow(name, frame.to_arrow(), replace=False)
        if len(parts) > 1:
            return self.table(stem, union_all(*(exp.select(exp.Star()).from_(ref(p)) for p in parts)))
        return parts[0] if parts else name

    def fetch(self, query: str | exp.Expression) -> pl.DataFrame:
        """A (small) query result as a polars frame."""
        return pl.from_arrow(self.backend.fetch_arrow(self.sql(query)))

    def scalar(self, query: str | exp.Expression) -> Any:
        """The first column of the first row of a query."""
        rows = self.backend.fetchall(self.sql(query))
        return rows[0][0] if rows else None

    def drop(self, *names: str) -> None:
        """Drop temporary tables this object made, freeing their memory (DuckDB materialises them at once).

        On Spark a temporary view may be read again by a later view's plan, so views stay until the
        backend closes (they are lazy and cached to memory and disk, spilling as Spark needs).
        """
        if self.dialect == "spark":
            return
        for name in names:
            self.backend.execute(self.sql(exp.Drop(tables=[ref(name)], kind="TABLE", exists=True)))
