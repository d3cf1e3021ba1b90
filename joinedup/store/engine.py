"""The engine interface: the load workflow (schema, two-phase commit, vault reconciliation).

This module imports no engine library. An engine (DuckDB now, Spark later) subclasses
`Engine` and provides the primitives: run SQL, read a file into a staging table, open and
end transactions on the store or the vault, and the `pseudo(kind, value)` SQL function.

Why two phases: the analysis store and the identity vault are separate database files, and no
engine commits two files in one transaction. So every vault row carries the `load_id` that
wrote it and every row a load replaces is kept in `<table>_undo` tagged with that load. The
vault commits first, then the store (whose `load` row is the commit point). On every open,
vault rows of a load the store does not list are removed and the rows they replaced restored;
undo rows of committed loads are dropped. A crash at any instant therefore leaves store and
vault agreeing on the committed loads.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from joinedup.store import schema

if TYPE_CHECKING:
    from joinedup.ingest.keys import PseudonymKey

__all__ = ["Engine", "VAULT_KEYS", "vault_path_for"]

#: The columns that identify one row of each vault table (a newer load replaces that row).
VAULT_KEYS: dict[str, tuple[str, ...]] = {
    "identity": ("record_id",),
    "identity_history": ("record_id", "field", "value"),
    "pseudonym": ("pseudonym", "kind"),
}


def vault_path_for(store: Path) -> Path:
    """STORE.vault.duckdb beside STORE.duckdb."""
    return store.with_name(store.stem + ".vault" + (store.suffix or ".duckdb"))


class Engine(ABC):
    """A SQL engine holding the analysis store, the vault beside it and staging tables."""

    dialect: str = "duckdb"
    store_ns = "main"
    vault_ns = "vault"
    stage_ns = "temp"

    def __init__(self, store: Path, key: "PseudonymKey") -> None:
        self.store = Path(store)
        self.vault = vault_path_for(self.store)
        self.key = key

    # -- primitives every engine provides -------------------------------------------------
    @abstractmethod
    def execute(self, sql: str) -> None:
        """Run one statement."""

    @abstractmethod
    def fetchall(self, sql: str) -> list[tuple]:
        """Run a query and return its rows."""

    @abstractmethod
    def columns(self, relation: str) -> list[tuple[str, str]]:
        """(name, SQL type) of a table or query."""

    @abstractmethod
    def stage_csv(self, name: str, path: Path, header: Sequence[str]) -> None:
        """Read a CSV (every column as text) into staging table `name`, with `_row` 1-based."""

    @abstractmethod
    def stage_parquet(self, name: str, path: Path) -> None:
        """Read a Parquet file into staging table `name`, with `_row` 1-based."""

    @abstractmethod
    def stage_arrow(self, name: str, table: object) -> None:
        """Copy an Arrow table (with a `_row` column) into staging table `name`."""

    @abstractmethod
    def begin(self) -> None:
        """Start a transaction."""

    @abstractmethod
    def commit(self) -> None:
        """Commit the transaction."""

    @abstractmethod
    def rollback(self) -> None:
        """Abandon the transaction."""

    @abstractmethod
    def connect(self) -> None:
        """Open the store, attach the vault and define `pseudo(kind, value)`."""

    @abstractmethod
    def close(self) -> None:
        """Close everything (uncommitted work is abandoned)."""

    # -- the workflow (engine independent) ------------------------------------------------
    def s(self, table: str) -> str:
        """Qualified name of a store table."""
        return f"{self.store_ns}.{table}"

    def v(self, table: str) -> str:
        """Qualified name of a vault table."""
        return f"{self.vault_ns}.{table}"

    def t(self, table: str) -> str:
        """Qualified name of a staging table."""
        return f"{self.stage_ns}.{table}"

    def open(self) -> None:
        """Connect, create missing tables and reconcile the vault with the committed loads."""
        self.connect()
        self.begin()
        for t in schema.TABLES:
            self.execute(_ddl(self.s(t.name), t.all_columns))
        self.commit()
        self.begin()
        for t in schema.VAULT_TABLES:
            cols = t.all_columns + (schema.Column("load_id", "VARCHAR"),)
            self.execute(_ddl(self.v(t.name), cols))
            self.execute(_ddl(self.v(t.name + "_undo"), cols + (schema.Column("superseded_by", "VARCHAR"),)))
        self.commit()
        self.reconcile()

    def committed_loads(self) -> set[str]:
        """Load ids the store lists as committed."""
        return {r[0] for r in self.fetchall(f"SELECT load_id FROM {self.s('load')}")}

    def reconcile(self) -> int:
        """Undo vault writes of loads the store never committed; forget undo rows of committed ones."""
        committed = self.committed_loads()
        seen: set[str] = set()
        for t in schema.VAULT_TABLES:
            seen |= {r[0] for r in self.fetchall(f"SELECT DISTINCT load_id FROM {self.v(t.name)}")}
            seen |= {r[0] for r in self.fetchall(f"SELECT DISTINCT superseded_by FROM {self.v(t.name + '_undo')}")}
        orphans = sorted(seen - committed - {None})
        self.begin()
        for load_id in orphans:
            self._undo_vault(load_id)
        for t in schema.VAULT_TABLES:
            self.execute(f"DELETE FROM {self.v(t.name + '_undo')} WHERE superseded_by IN "
                         f"(SELECT load_id FROM {self.s('load')})")
        self.commit()
        return len(orphans)

    def _undo_vault(self, load_id: str) -> None:
        lit = _lit(load_id)
        for t in schema.VAULT_TABLES:
            cols = ", ".join(t.column_names + ["load_id"])
            self.execute(f"DELETE FROM {self.v(t.name)} WHERE load_id = {lit}")
            self.execute(f"INSERT INTO {self.v(t.name)} ({cols}) SELECT {cols} FROM {self.v(t.name + '_undo')} "
                         f"WHERE superseded_by = {lit}")
            self.execute(f"DELETE FROM {self.v(t.name + '_undo')} WHERE superseded_by = {lit}")

    def upsert_vault_sql(self, table: str, staged: str, load_id: str) -> list[str]:
        """Statements replacing vault rows by key with staged rows, keeping replaced ones for undo."""
        t = schema.table(table)
        key = VAULT_KEYS[table]
        cols = ", ".join(t.column_names + ["load_id"])
        match = " AND ".join(f"v.{k} IS NOT DISTINCT FROM n.{k}" for k in key)
        exists = f"EXISTS (SELECT 1 FROM {staged} n WHERE {match})"
        return [f"INSERT INTO {self.v(table + '_undo')} ({cols}, superseded_by) "
                f"SELECT {cols}, {_lit(load_id)} FROM {self.v(table)} v WHERE {exists}",
                f"DELETE FROM {self.v(table)} v WHERE {exists}",
                f"INSERT INTO {self.v(table)} ({cols}) SELECT {', '.join(t.column_names)}, {_lit(load_id)} "
                f"FROM {staged}"]

    def commit_load(self, load_id: str, vault_steps: list[str], store_steps: list[str],
                    checkpoint: "object | None" = None) -> None:
        """Commit the vault, then the store (the commit point); undo the vault if the store fails."""
        self.begin()
        try:
            for sql in vault_steps:
                self.execute(sql)
            self.commit()
        except BaseException:
            self.rollback()
            raise
        if callable(checkpoint):
            checkpoint("vault committed")
        self.begin()
        try:
            for sql in store_steps:
                self.execute(sql)
            self.commit()
        except BaseException:
            self.rollback()
            self.begin()
            self._undo_vault(load_id)
            self.commit()
            raise
        self.reconcile()


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ddl(name: str, cols: Sequence[schema.Column]) -> str:
    body = ", ".join(f"{c.name} {c.type}" for c in cols)
    return f"CREATE TABLE IF NOT EXISTS {name} ({body})"
