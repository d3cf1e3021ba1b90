"""Linkage's view of a `Store`: polars frames in and out, and Splink's database API on the same engine.

Everything else in the link stage builds engine-neutral Splink settings and ANSI SQL against the
catalogs `store` (and `vault` when identifiers are needed); the store's backend is the only place
that knows the engine.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import polars as pl
from sqlglot import exp

from joinedup.store import Store, paths_for

__all__ = ["Engine", "vault_path"]


def vault_path(store: Path) -> Path:
    """The identity vault beside a store (the store's naming rule)."""
    return paths_for(store).vault


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


class Engine:
    """A store opened for linkage: write mode with the vault (a link run), identify, analysis, or in memory."""

    def __init__(self, store: Path | None = None, *, vault: bool = False, store_read_only: bool = False,
                 memory_limit: str | None = None, threads: int | None = None,
                 purpose: str = "linkage evaluation") -> None:
        if store is None:
            self.store = Store.memory()
        elif not store_read_only:
            self.store = Store.open(store, "write", threads=threads, memory_limit=memory_limit)
        elif vault:
            self.store = Store.open(store, "identify", user=_user(), purpose=purpose, threads=threads,
                                    memory_limit=memory_limit)
        else:
            self.store = Store.open(store, "analysis", threads=threads, memory_limit=memory_limit)
        self.api = self.store.backend.splink_api()

    def query(self, sql: str | exp.Expression) -> pl.DataFrame:
        """Run SQL and return a polars frame."""
        return pl.from_arrow(self.store.query(sql))

    def execute(self, sql: str | exp.Expression, params: list | None = None) -> None:
        """Run SQL for its effect."""
        self.store.execute(sql, params or None)

    def register(self, frame: pl.DataFrame, name: str) -> Any:
        """Put a frame into the engine as a Splink dataframe (kept in memory, never in the store)."""
        self.store.backend.register_arrow(name, frame.to_arrow())
        return self.api.register(name, dataset_display_name=name)

    def tables(self, schema: str) -> set[str]:
        """Table names in an attached database ('store' or 'vault')."""
        return self.store.backend.table_names(schema)

    def write(self, frame: pl.DataFrame, table: str, *, replace: bool = True) -> None:
        """Write a frame into the store (replacing the table, or appending to it)."""
        self.store.write_arrow(table, frame.to_arrow(), append=not replace)

    def close(self, publish: bool = True) -> None:
        """Close the store (a link run publishes what it wrote unless publish is False)."""
        self.store.close(publish=publish)

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, kind: type | None, *_: object) -> None:
        self.close(publish=kind is None)
