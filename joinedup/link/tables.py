"""Reading store tables and writing the link tables with exactly the canonical columns and types.

Every statement is a sqlglot tree (see joinedup.link.sql), rendered by the store's backend for its engine.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlglot import exp

from joinedup.link.engine import Engine
from joinedup.link.sql import col, count, create, ref, sub
from joinedup.store.schema import LINK_TABLES

__all__ = ["read_table", "write_link_table", "write_link_query", "write_table", "columns_of"]


def columns_of(name: str) -> list[tuple[str, str]]:
    """The (column, DuckDB type) pairs of one of the LINK_TABLES, in the schema's order."""
    table = next(t for t in LINK_TABLES if t.name == name)
    return [(c.name, c.type) for c in table.all_columns]


def read_table(engine: Engine, name: str) -> pl.DataFrame | None:
    """A store table as a frame, or None when the store does not have it."""
    if name not in engine.tables("store"):
        return None
    return engine.query(exp.select(exp.Star()).from_(ref(name, schema="store")))


def write_table(engine: Engine, name: str, frame: pl.DataFrame, columns: Sequence[tuple[str, str]]) -> None:
    """Replace a store table: create it with the (column, DuckDB type) pairs, then insert the frame by column name."""
    engine.execute(create(name, columns, schema="store", replace=True))
    if frame.height:
        engine.write(frame, name, replace=False)


def write_link_table(engine: Engine, name: str, frame: pl.DataFrame) -> None:
    """Replace one of the LINK_TABLES with the frame, keeping the schema's columns exactly."""
    columns = columns_of(name)
    write_table(engine, name, frame.select([c for c, _ in columns]), columns)


def write_link_query(engine: Engine, name: str, query: exp.Query) -> int:
    """Replace one of the LINK_TABLES with the rows of a query (a sqlglot tree) run in the store; the row count."""
    columns = columns_of(name)
    engine.execute(create(name, columns, schema="store", replace=True))
    names = [c for c, _ in columns]
    target = exp.Schema(this=ref(name, schema="store"), expressions=[exp.to_identifier(c, quoted=True) for c in names])
    engine.execute(exp.insert(exp.select(*map(col, names)).from_(sub(query, "q")), target))
    return int(engine.query(exp.select(count()).from_(ref(name, schema="store")))[0, 0])
