"""The one module that knows the engine is DuckDB: connections, the vault attached read-only, table I/O.

Everything else builds engine-neutral Splink settings and ANSI SQL, so a Spark engine replaces
this module only.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
from splink.backends.duckdb import DuckDBAPI

__all__ = ["Engine", "vault_path"]


def vault_path(store: Path) -> Path:
    """STORE.duckdb -> STORE.vault.duckdb (the identity vault beside the analysis store)."""
    return store.with_name(store.name.removesuffix(".duckdb") + ".vault.duckdb")


class Engine:
    """An in-memory DuckDB for linkage, with the store (and optionally the vault) attached."""

    def __init__(self, store: Path | None = None, *, vault: bool = False, store_read_only: bool = False,
                 memory_limit: str | None = None, threads: int | None = None) -> None:
        self.con = duckdb.connect(":memory:")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = false")
        if store is not None:
            mode = " (READ_ONLY)" if store_read_only else ""
            self.con.execute(f"ATTACH '{store}' AS store{mode}")
            if vault:
                self.con.execute(f"ATTACH '{vault_path(store)}' AS vault (READ_ONLY)")
        self.api = DuckDBAPI(self.con)

    def query(self, sql: str, params: list | None = None) -> pl.DataFrame:
        """Run SQL and return a polars frame."""
        if params:
            return pl.from_arrow(self.con.execute(sql, params).fetch_arrow_table() if hasattr(
                duckdb.DuckDBPyConnection, "fetch_arrow_table") else self.con.execute(sql, params).to_arrow_table())
        return pl.from_arrow(self.con.sql(sql).to_arrow_table())

    def execute(self, sql: str, params: list | None = None) -> None:
        """Run SQL for its effect."""
        self.con.execute(sql, params or [])

    def register(self, frame: pl.DataFrame, name: str):  # noqa: ANN201 - a Splink dataframe
        """Put a frame into the engine as a Splink dataframe (kept in memory, never in the store)."""
        self.con.register(f"{name}_view", frame.to_arrow())
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_view")
        self.con.unregister(f"{name}_view")
        return self.api.register(name, dataset_display_name=name)

    def tables(self, schema: str) -> set[str]:
        """Table names in an attached database."""
        rows = self.con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = ?",
                                [schema]).fetchall()
        return {r[0] for r in rows}

    def write(self, frame: pl.DataFrame, table: str, *, replace: bool = True) -> None:
        """Write a frame into the store (replacing the table, or appending to it)."""
        self.con.register("_frame", frame.to_arrow())
        if replace:
            self.con.execute(f"CREATE OR REPLACE TABLE store.{table} AS SELECT * FROM _frame")
        else:
            self.con.execute(f"INSERT INTO store.{table} BY NAME SELECT * FROM _frame")
        self.con.unregister("_frame")

    def close(self) -> None:
        """Close the connection (detaching the store and vault)."""
        self.con.close()
