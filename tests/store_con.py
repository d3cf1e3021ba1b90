"""Tests read and set up stores through `Store`, with the few connection calls the tests use.

`connect(path)` opens a store (or its vault, by the vault's file name) the way a test used to
open a database file: `execute(...).fetchall()`, `executemany`, `register`, `close`. Reading
uses analysis mode (identify mode for a vault, audited as "test"); writing uses write mode and
publishes on close. `connect()` with no path is a scratch store in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from joinedup.store import Store
from joinedup.store.backends.base import VAULT

__all__ = ["connect"]


class _Rows:
    def __init__(self, rows: list[tuple]) -> None:
        self.rows = rows

    def fetchall(self) -> list[tuple]:
        return self.rows

    def fetchone(self) -> tuple | None:
        return self.rows[0] if self.rows else None


class StoreCon:
    """A Store with the connection calls the tests use."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False) -> None:
        if path is None:
            self.store = Store.memory()
            return
        p = Path(path)
        vault = ".vault" in p.name
        store = p.with_name(p.name.replace(".vault", "")) if vault else p
        if read_only:
            self.store = (Store.open(store, "identify", user="test", purpose="test reads the vault") if vault
                          else Store.open(store, "analysis"))
        else:
            self.store = Store.open(store, "write", create=True, vault=True if vault else None)
        if vault:
            self.store.backend.use(VAULT)

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> _Rows:
        return _Rows(self.store.backend.fetchall(sql, list(params) if params else None))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        for r in rows:
            self.store.backend.execute(sql, list(r))

    def register(self, name: str, table: Any) -> None:
        self.store.backend.register_arrow(name, table)

    def unregister(self, name: str) -> None:
        self.store.backend.execute(f"DROP TABLE IF EXISTS temp.{name}")

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "StoreCon":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def connect(path: str | Path | None = None, read_only: bool = False) -> StoreCon:
    """A store (or its vault) to read or set up in a test."""
    return StoreCon(path, read_only)
