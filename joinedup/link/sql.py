"""Where linkage's SQL runs: one store backend (DuckDB or Spark) and Splink's database API on it.

Linkage's set-based steps (connected components, the cluster guard's search for conflicts, the
link tables' folding) are written once, as sqlglot trees parsed from DuckDB's dialect, and rendered
by the backend for its own engine; their inputs and outputs stay in the engine as temporary tables,
so nothing but small results (counts, a few conflicted clusters) comes back to Python.
"""

from __future__ import annotations

import itertools
from typing import Any

import polars as pl
import pyarrow as pa
import sqlglot
from sqlglot import exp

from joinedup.store.backends.base import Backend

__all__ = ["LinkSQL", "parse"]

_names = itertools.count(1)


def parse(sql: str) -> exp.Expression:
    """A statement in DuckDB's dialect as a sqlglot tree (rendered later for the engine that runs it)."""
    return sqlglot.parse_one(sql, read="duckdb")


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
            self.backend.execute(f"DROP TABLE IF EXISTS {name}")
