"""Reading store tables and writing the link tables with exactly the canonical columns and types."""

from __future__ import annotations

import polars as pl

from joinedup.link.engine import Engine
from joinedup.store.schema import LINK_TABLES

__all__ = ["read_table", "write_link_table", "write_link_query", "write_table"]


def read_table(engine: Engine, name: str) -> pl.DataFrame | None:
    """A store table as a frame, or None when the store does not have it."""
    if name not in engine.tables("store"):
        return None
    return engine.query(f"SELECT * FROM store.{name}")


def write_table(engine: Engine, name: str, frame: pl.DataFrame, ddl: str) -> None:
    """Replace a store table: create it from DDL columns, then insert the frame by column name."""
    engine.execute(f"CREATE OR REPLACE TABLE store.{name} ({ddl})")
    if frame.height:
        engine.write(frame, name, replace=False)


def write_link_table(engine: Engine, name: str, frame: pl.DataFrame) -> None:
    """Replace one of the LINK_TABLES with the frame, keeping the schema's columns exactly."""
    table = next(t for t in LINK_TABLES if t.name == name)
    ddl = ", ".join(f"{c.name} {c.type}" for c in table.all_columns)
    write_table(engine, name, frame.select(table.column_names), ddl)


def write_link_query(engine: Engine, name: str, query: str) -> int:
    """Replace one of the LINK_TABLES with the rows of a query (DuckDB's dialect) run in the store; the row count."""
    from joinedup.link.sql import parse

    table = next(t for t in LINK_TABLES if t.name == name)
    ddl = ", ".join(f"{c.name} {c.type}" for c in table.all_columns)
    cols = ", ".join(table.column_names)
    engine.execute(f"CREATE OR REPLACE TABLE store.{name} ({ddl})")
    engine.execute(engine.store.backend.render(parse(f"INSERT INTO store.{name} ({cols}) SELECT {cols} FROM ({query}) AS q")))
    return int(engine.store.backend.fetchall(f"SELECT COUNT(*) FROM store.{name}")[0][0])
