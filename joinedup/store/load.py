"""The load workflow on a `Store` in write mode: schema, two-phase store/vault commit, vault reconciliation.

Why two phases: the analysis store and the identity vault are separate database files, and no
engine commits two files in one transaction. So every vault row carries the `load_id` that
wrote it and every row a load replaces is kept in `<table>_undo` tagged with that load. The
vault commits first, then the store (whose `load` row is the commit point). On every write
open, vault rows of a load the store does not list are removed and the rows they replaced
restored; undo rows of committed loads are dropped. A crash at any instant (including between
publishing the vault and publishing the store, see `joinedup.store.store`) therefore leaves store
and vault agreeing on the committed loads.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from joinedup.store import schema, vaultcrypt
from joinedup.store.backends.base import STORE, VAULT

if TYPE_CHECKING:
    from joinedup.ingest.keys import PseudonymKey
    from joinedup.store.store import Store

__all__ = ["LoadSession", "VAULT_KEYS", "ensure_schema", "reconcile", "vault_load_ids"]

#: The columns that identify one row of each vault table (a newer load replaces that row).
VAULT_KEYS: dict[str, tuple[str, ...]] = {
    "identity": ("record_id",),
    # all of a record's history is rewritten at once (values are sealed with random nonces: never compared)
    "identity_history": ("record_id",),
    "pseudonym": ("pseudonym", "kind"),
}


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ddl(name: str, cols: Sequence[schema.Column]) -> str:
    body = ", ".join(f"{c.name} {c.type}" for c in cols)
    return f"CREATE TABLE IF NOT EXISTS {name} ({body})"


def ensure_schema(store: "Store") -> None:
    """Create the canonical tables, and the vault's with their undo tables, where missing."""
    b = store.backend
    b.begin()
    for t in schema.TABLES:
        b.execute(_ddl(f"{STORE}.{t.name}", t.all_columns))
    b.commit()
    b.begin()
    for t in schema.VAULT_TABLES:
        cols = t.all_columns + (schema.Column("load_id", "VARCHAR"),)
        b.execute(_ddl(f"{VAULT}.{t.name}", cols))
        b.execute(_ddl(f"{VAULT}.{t.name}_undo", cols + (schema.Column("superseded_by", "VARCHAR"),)))
    b.commit()


def _undo_vault(store: "Store", load_id: str) -> None:
    lit = _lit(load_id)
    for t in schema.VAULT_TABLES:
        cols = ", ".join(t.column_names + ["load_id"])
        store.backend.execute(f"DELETE FROM {VAULT}.{t.name} WHERE load_id = {lit}")
        store.backend.execute(f"INSERT INTO {VAULT}.{t.name} ({cols}) SELECT {cols} FROM {VAULT}.{t.name}_undo "
                              f"WHERE superseded_by = {lit}")
        store.backend.execute(f"DELETE FROM {VAULT}.{t.name}_undo WHERE superseded_by = {lit}")


def vault_load_ids(store: "Store") -> set[str]:
    """Every load id the attached vault holds rows of, or undo rows for."""
    b = store.backend
    present = b.table_names(VAULT)
    seen: set[str] = set()
    for t in schema.VAULT_TABLES:
        if t.name in present:
            seen |= {r[0] for r in b.fetchall(f"SELECT DISTINCT load_id FROM {VAULT}.{t.name}")}
        if t.name + "_undo" in present:
            seen |= {r[0] for r in b.fetchall(f"SELECT DISTINCT superseded_by FROM {VAULT}.{t.name}_undo")}
    return seen - {None}


def reconcile(store: "Store") -> int:
    """Undo vault writes of loads the store never committed; forget undo rows of committed ones."""
    b = store.backend
    present = b.table_names(VAULT)
    tables = [t for t in schema.VAULT_TABLES if t.name in present and t.name + "_undo" in present]
    if not tables or not b.has_table("load"):
        return 0
    committed = {r[0] for r in b.fetchall(f"SELECT load_id FROM {STORE}.load")}
    seen: set[str] = set()
    for t in tables:
        seen |= {r[0] for r in b.fetchall(f"SELECT DISTINCT load_id FROM {VAULT}.{t.name}")}
        seen |= {r[0] for r in b.fetchall(f"SELECT DISTINCT superseded_by FROM {VAULT}.{t.name}_undo")}
    orphans = sorted(seen - committed - {None})
    b.begin()
    for load_id in orphans:
        _undo_vault(store, load_id)
    for t in tables:
        b.execute(f"DELETE FROM {VAULT}.{t.name}_undo WHERE superseded_by IN (SELECT load_id FROM {STORE}.load)")
    b.commit()
    return len(orphans)


class LoadSession:
    """What a loader needs from a writable store: SQL, staging, qualified names and the two-phase commit."""

    store_ns, vault_ns, stage_ns = STORE, VAULT, "temp"

    def __init__(self, store: "Store", key: "PseudonymKey") -> None:
        self.db = store
        self.backend = store.backend
        self.dialect = store.dialect
        self.store: Path = store.paths.store
        self.vault: Path = store.paths.vault
        ensure_schema(store)
        self.plain_ns = store.unlock(key)  # the vault's values opened, for merging; what is written is sealed
        self.backend.define_pseudo(*key.pads())

    # -- primitives, from the backend -----------------------------------------------------------
    def execute(self, sql: str) -> None:
        """Run one statement."""
        self.backend.execute(sql)

    def fetchall(self, sql: str) -> list[tuple]:
        """Rows of a query."""
        return self.backend.fetchall(sql)

    def columns(self, relation: str) -> list[tuple[str, str]]:
        """(name, SQL type) of a table or query."""
        return self.backend.columns(relation)

    def stage_csv(self, name: str, path: Path, header: Sequence[str]) -> None:
        """A CSV into a staging table (every column text, `_row` 1-based)."""
        self.backend.stage_csv(name, path, header)

    def stage_parquet(self, name: str, path: Path) -> None:
        """A Parquet file into a staging table."""
        self.backend.stage_parquet(name, path)

    def stage_arrow(self, name: str, table: object) -> None:
        """An Arrow table into a staging table."""
        self.backend.stage_arrow(name, table)

    def s(self, table: str) -> str:
        """Qualified name of a store table."""
        return f"{self.store_ns}.{table}"

    def v(self, table: str) -> str:
        """Qualified name of a vault table."""
        return f"{self.vault_ns}.{table}"

    def p(self, table: str) -> str:
        """Qualified name of a vault table's opened view (plaintext, read-only)."""
        return f"{self.plain_ns}.{table}"

    def t(self, table: str) -> str:
        """Qualified name of a staging table."""
        return f"{self.stage_ns}.{table}"

    # -- the two-phase commit ----------------------------------------------------------------------
    def upsert_vault_sql(self, table: str, staged: str, load_id: str) -> list[str]:
        """Statements replacing vault rows by key with staged (plaintext) rows, sealed as they are written,
        keeping replaced ones for undo."""
        t = schema.table(table)
        match = " AND ".join(f"v.{k} IS NOT DISTINCT FROM n.{k}" for k in VAULT_KEYS[table])
        cols = ", ".join(t.column_names + ["load_id"])
        exists = f"EXISTS (SELECT 1 FROM {staged} n WHERE {match})"
        sealed = vaultcrypt.SEALED[table]
        values = ", ".join(vaultcrypt.seal_sql(table, c) if c in sealed else c for c in t.column_names)
        return [f"INSERT INTO {self.v(table + '_undo')} ({cols}, superseded_by) "
                f"SELECT {cols}, {_lit(load_id)} FROM {self.v(table)} v WHERE {exists}",
                f"DELETE FROM {self.v(table)} v WHERE {exists}",
                f"INSERT INTO {self.v(table)} ({cols}) SELECT {values}, {_lit(load_id)} FROM {staged}"]

    def commit_load(self, load_id: str, vault_steps: list[str], store_steps: list[str],
                    checkpoint: Callable[[str], None] | None = None) -> None:
        """Commit the vault, then the store (the commit point); undo the vault if the store fails."""
        b = self.backend
        b.begin()
        try:
            for sql in vault_steps:
                b.execute(sql)
            b.commit()
        except BaseException:
            b.rollback()
            raise
        if checkpoint is not None:
            checkpoint("vault committed")
        b.begin()
        try:
            for sql in store_steps:
                b.execute(sql)
            b.commit()
        except BaseException:
            b.rollback()
            b.begin()
            _undo_vault(self.db, load_id)
            b.commit()
            raise
        # The undo rows of this load stay until the next writer opens: the vault is published before
        # the store, and if the store never is, they are what puts the vault back.
