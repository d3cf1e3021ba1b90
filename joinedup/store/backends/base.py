"""The backend interface: the workflow every engine shares, and the hooks each engine provides.

In the spirit of Splink's DatabaseAPI: this module imports no engine library. The base class owns
what is the same everywhere (rendering sqlglot trees to the engine's dialect, wrapping engine errors
with the SQL that caused them, table discovery by catalog); an engine implements the hooks: connect
and attach database files, run SQL, move Arrow tables in and out, stage files, transactions.

Catalogs: the analysis store is attached as `store` (and made the default, so unqualified names
are store tables), the identity vault as `vault`; staging and per-run views live in `temp`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Iterator, Sequence, final

import pyarrow as pa
from sqlglot import exp

__all__ = ["Backend", "BackendError", "STORE", "VAULT"]

#: Catalog names every backend uses for the two database files.
STORE, VAULT = "store", "vault"


class BackendError(Exception):
    """An engine failed on a statement; the message carries the engine's first line and the SQL."""


class Backend(ABC):
    """One engine holding the store (and, when asked, the vault) for one `Store`."""

    dialect: str = ""
    #: Exception types of this engine (for callers that must tell engine failures from others).
    errors: tuple[type[BaseException], ...] = ()
    #: Failures of the machine rather than the input (disk full, out of memory).
    resource_errors: tuple[type[BaseException], ...] = ()

    # -- hooks ------------------------------------------------------------------------------------
    @abstractmethod
    def connect(self, *, threads: int | None = None, memory_limit: str | None = None,
                temp_dir: Path | None = None) -> None:
        """Start the engine (no database attached yet)."""

    @abstractmethod
    def attach(self, catalog: str, path: Path | None, *, read_only: bool) -> None:
        """Attach a database file (None: an in-memory database) under a catalog name."""

    @abstractmethod
    def detach(self, catalog: str) -> None:
        """Checkpoint and detach a catalog."""

    @abstractmethod
    def use(self, catalog: str) -> None:
        """Make a catalog the default for unqualified names."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run one statement for its effect."""

    @abstractmethod
    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        """Run a query and return its rows."""

    @abstractmethod
    def fetch_arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query and return an Arrow table."""

    def fetch_batches(self, sql: str, rows: int) -> Iterator[pa.RecordBatch]:
        """Run a query and yield its result as Arrow record batches of at most `rows` rows.

        An engine that can stream a result overrides this; by default the result is fetched whole.
        """
        yield from self.fetch_arrow(sql).to_batches(max_chunksize=rows)

    @abstractmethod
    def register_arrow(self, name: str, table: pa.Table) -> None:
        """Copy an Arrow table into a temporary table `name`."""

    @abstractmethod
    def write_arrow(self, qualified: str, table: pa.Table, *, replace: bool) -> None:
        """Create-or-replace (or append to, by column name) a persistent table from Arrow."""

    @abstractmethod
    def table_names(self, catalog: str) -> set[str]:
        """Tables and views in a catalog's main schema."""

    @abstractmethod
    def columns(self, relation: str) -> list[tuple[str, str]]:
        """(name, SQL type) of a table or query."""

    @abstractmethod
    def make_temp_view(self, name: str, select_sql: str, *, materialize: bool) -> None:
        """Create or replace a temporary view (or a temporary table when materialize is set)."""

    @abstractmethod
    def stage_csv(self, name: str, path: Path, header: Sequence[str]) -> None:
        """Read a CSV (every column as text) into temporary table `name`, with `_row` 1-based."""

    @abstractmethod
    def stage_parquet(self, name: str, path: Path) -> None:
        """Read a Parquet file into temporary table `name`, with `_row` 1-based."""

    @abstractmethod
    def export_parquet(self, catalog: str, folder: Path) -> list[str]:
        """Write every table of a catalog as Parquet, one sub-folder per table (the Spark store's layout); the names."""

    @abstractmethod
    def define_pseudo(self, ipad: str, opad: str) -> None:
        """Define the SQL function `pseudo(kind, value)` (keyed HMAC) for this connection only."""

    @abstractmethod
    def define_functions(self, functions: dict[str, Any]) -> None:
        """Define (or redefine) scalar SQL functions of two text arguments returning text, for this connection
        only; each is a Python callable over Arrow arrays (the vault's seal and open)."""

    @abstractmethod
    def begin(self) -> None:
        """Start a transaction."""

    @abstractmethod
    def commit(self) -> None:
        """Commit the transaction."""

    @abstractmethod
    def rollback(self) -> None:
        """Abandon the transaction (a no-op when none is open)."""

    @abstractmethod
    def splink_api(self) -> Any:
        """Splink's database API over this engine (its scratch tables stay out of the store)."""

    @abstractmethod
    def close(self) -> None:
        """Close everything (uncommitted work is abandoned)."""

    # -- workflow (engine independent) -----------------------------------------------------------
    @final
    def render(self, query: str | exp.Expression) -> str:
        """A statement as text in this engine's dialect (sqlglot trees are rendered here, last)."""
        return query.sql(dialect=self.dialect) if isinstance(query, exp.Expression) else query

    @final
    def query(self, query: str | exp.Expression, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query (text or sqlglot tree) and return Arrow; engine errors carry the SQL."""
        text = self.render(query)
        try:
            return self.fetch_arrow(text, params)
        except self.errors as e:
            raise BackendError(f"{self.dialect} failed: {' '.join(str(e).split())} (SQL: {text})") from None

    @final
    def has_table(self, name: str, catalog: str = STORE) -> bool:
        """Whether a catalog holds a table or view of that name."""
        return name in self.table_names(catalog)

    @final
    def stage_arrow(self, name: str, table: pa.Table) -> None:
        """Copy an Arrow table (with a `_row` column) into staging table `name`."""
        self.register_arrow(name, table)
