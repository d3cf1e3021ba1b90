"""The DuckDB engine: the only module that imports duckdb (Spark would sit beside it)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import duckdb

from joinedup.errors import UserError
from joinedup.store.engine import Engine

__all__ = ["DuckDBEngine", "EngineError", "ResourceError"]

EngineError = duckdb.Error
#: Failures of the machine rather than the input (disk full, out of memory): the load is abandoned.
ResourceError = (duckdb.IOException, duckdb.OutOfMemoryException)


class DuckDBEngine(Engine):
    """Store and vault as DuckDB files; staging in DuckDB's temp catalog (spills to disk)."""

    dialect = "duckdb"

    def __init__(self, store: Path, key, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        super().__init__(store, key)
        self.con: duckdb.DuckDBPyConnection | None = None
        self.threads, self.memory_limit = threads, memory_limit

    def connect(self) -> None:
        """Open the store, attach the vault and define `pseudo(kind, value)`."""
        self.store.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.store))
            self.con.execute(f"ATTACH '{_q(str(self.vault))}' AS {self.vault_ns}")
        except duckdb.Error as e:
            raise UserError(f"cannot open the store: {str(e).splitlines()[0]}", file=str(self.store)) from None
        if self.threads:
            self.con.execute(f"SET threads = {int(self.threads)}")
        if self.memory_limit:
            try:
                self.con.execute(f"SET memory_limit = '{_q(self.memory_limit)}'")
            except duckdb.Error:
                self.close()
                raise UserError(f"memory limit {self.memory_limit!r} not understood (say e.g. 4GB or 512MB)",
                                file=str(self.store)) from None
        # file order matters only while staging CSV rows (their row numbers); elsewhere it costs time
        self.con.execute("SET preserve_insertion_order = false")
        ipad, opad = self.key.pads()
        # A temporary macro: the pads live only in this connection's memory, never in a file.
        self.con.execute(
            "CREATE OR REPLACE TEMP MACRO pseudo(k, v) AS "
            f"substr(sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || encode(k || '|' || v)))), 1, 32)")

    def close(self) -> None:
        """Close the connection (uncommitted work is abandoned)."""
        if self.con is not None:
            self.con.close()
            self.con = None

    def execute(self, sql: str) -> None:
        """Run one statement."""
        self.con.execute(sql)

    def fetchall(self, sql: str) -> list[tuple]:
        """Run a query and return its rows."""
        return self.con.execute(sql).fetchall()

    def columns(self, relation: str) -> list[tuple[str, str]]:
        """(name, type) of a table or query."""
        rel = self.con.sql(f"SELECT * FROM {relation} LIMIT 0")
        return [(n, str(t)) for n, t in zip(rel.columns, rel.types)]

    def stage_csv(self, name: str, path: Path, header: Sequence[str]) -> None:
        """Every column as text, strict quoting and field counts, rows numbered in file order."""
        cols = "{" + ", ".join(f"'{_q(h)}': 'VARCHAR'" for h in header) + "}"
        self.con.execute("SET preserve_insertion_order = true")
        try:
            self._stage_csv(name, path, cols)
        finally:
            self.con.execute("SET preserve_insertion_order = false")

    def _stage_csv(self, name: str, path: Path, cols: str, parallel: bool = True) -> None:
        try:
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT row_number() OVER () AS _row, * FROM read_csv("
                f"'{_q(str(path))}', header = true, columns = {cols}, delim = ',', quote = '\"', escape = '\"', "
                "strict_mode = true, null_padding = false, encoding = 'utf-8', auto_detect = false"
                f"{'' if parallel else ', parallel = false'})")
        except duckdb.NotImplementedException:
            # the parallel reader gives up on a line longer than its buffer; the serial one names the line
            if not parallel:
                raise
            self._stage_csv(name, path, cols, parallel=False)

    def stage_parquet(self, name: str, path: Path) -> None:
        """Parquet as typed, with the file's own row numbers."""
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT file_row_number + 1 AS _row, * EXCLUDE (file_row_number) "
            f"FROM read_parquet('{_q(str(path))}', file_row_number = true)")

    def stage_arrow(self, name: str, table: object) -> None:
        """Copy an Arrow table into a staging table."""
        self.con.register("_arrow_in", table)
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _arrow_in")
        finally:
            self.con.unregister("_arrow_in")

    def begin(self) -> None:
        """Start a transaction."""
        self.con.execute("BEGIN TRANSACTION")

    def commit(self) -> None:
        """Commit."""
        self.con.execute("COMMIT")

    def rollback(self) -> None:
        """Roll back (a no-op when no transaction is open)."""
        try:
            self.con.execute("ROLLBACK")
        except duckdb.Error:
            pass


def _q(text: str) -> str:
    return text.replace("'", "''")
