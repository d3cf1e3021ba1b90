"""The DuckDB backend: the only module in joinedup that imports duckdb.

One in-memory DuckDB connection per `Store`, with the store file attached as catalog `store`
(the default for unqualified names) and the vault as `vault` when the mode asks for it. Staging
tables and per-run views are DuckDB temporary objects: they live in this connection only and
spill to the store's temp folder, never into the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Sequence

import duckdb
import pyarrow as pa

from joinedup.store.backends.base import Backend

__all__ = ["DuckDBBackend"]


class DuckDBBackend(Backend):
    """Store and vault as DuckDB files."""

    dialect = "duckdb"
    errors = (duckdb.Error,)
    resource_errors = (duckdb.IOException, duckdb.OutOfMemoryException)

    def __init__(self) -> None:
        self.con: duckdb.DuckDBPyConnection | None = None
        self._arrow_n = 0

    def connect(self, *, threads: int | None = None, memory_limit: str | None = None,
                temp_dir: Path | None = None) -> None:
        """An in-memory DuckDB; settings checked here so a bad value is one clear error."""
        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{_q(memory_limit)}'")
        if temp_dir is not None:
            self.con.execute(f"SET temp_directory = '{_q(str(temp_dir))}'")
        # file order matters only while staging CSV rows (their row numbers); elsewhere it costs time
        self.con.execute("SET preserve_insertion_order = false")

    def attach(self, catalog: str, path: Path | None, *, read_only: bool) -> None:
        """ATTACH a file (or an in-memory database) under a catalog name."""
        target = ":memory:" if path is None else str(path)
        mode = " (READ_ONLY)" if read_only and path is not None else ""
        self.con.execute(f"ATTACH '{_q(target)}' AS {catalog}{mode}")

    def detach(self, catalog: str) -> None:
        """Write everything to the file and detach it."""
        if not self.con.execute("SELECT readonly FROM duckdb_databases() WHERE database_name = ?",
                                [catalog]).fetchone()[0]:
            self.con.execute(f"CHECKPOINT {catalog}")
        self.con.execute("USE memory")
        self.con.execute(f"DETACH {catalog}")

    def use(self, catalog: str) -> None:
        """USE catalog."""
        self.con.execute(f"USE {catalog}")

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run one statement."""
        self.con.execute(sql, params) if params else self.con.execute(sql)

    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        """Rows of a query."""
        return (self.con.execute(sql, params) if params else self.con.execute(sql)).fetchall()

    def fetch_arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """A query as Arrow."""
        rel = self.con.sql(sql, params=params) if params else self.con.sql(sql)
        if rel is None:  # a statement without a result
            return pa.table({})
        # DuckDB 2 names it to_arrow_table; 1.x (which pyproject allows) called it arrow
        return rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()

    def fetch_batches(self, sql: str, rows: int) -> Iterator[pa.RecordBatch]:
        """A query's result streamed as Arrow record batches (DuckDB keeps the rest until they are read)."""
        rel = self.con.sql(sql)
        # DuckDB 2 names it to_arrow_reader; 1.x (which pyproject allows) called it fetch_record_batch
        reader = rel.to_arrow_reader(rows) if hasattr(rel, "to_arrow_reader") else rel.fetch_record_batch(rows)
        yield from reader

    def register_arrow(self, name: str, table: pa.Table) -> None:
        """CREATE OR REPLACE TEMP TABLE name AS the Arrow table."""
        self._arrow_n += 1
        view = f"_jp_arrow_{self._arrow_n}"
        self.con.register(view, table)
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {view}")
        finally:
            self.con.unregister(view)

    def write_arrow(self, qualified: str, table: pa.Table, *, replace: bool) -> None:
        """Replace a table with the Arrow rows, or insert them by column name."""
        self._arrow_n += 1
        view = f"_jp_arrow_{self._arrow_n}"
        self.con.register(view, table)
        try:
            if replace:
                self.con.execute(f"CREATE OR REPLACE TABLE {qualified} AS SELECT * FROM {view}")
            else:
                self.con.execute(f"INSERT INTO {qualified} BY NAME SELECT * FROM {view}")
        finally:
            self.con.unregister(view)

    def table_names(self, catalog: str) -> set[str]:
        """Tables and views of the catalog's main schema."""
        rows = self.con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = ? "
                                "AND table_schema = 'main'", [catalog]).fetchall()
        return {r[0] for r in rows}

    def columns(self, relation: str) -> list[tuple[str, str]]:
        """(name, type) of a table or query."""
        rel = self.con.sql(f"SELECT * FROM {relation} LIMIT 0")
        return [(n, str(t)) for n, t in zip(rel.columns, rel.types)]

    def make_temp_view(self, name: str, select_sql: str, *, materialize: bool) -> None:
        """Temporary view, or temporary table for big person views."""
        for other in ("VIEW", "TABLE"):
            try:
                self.con.execute(f"DROP {other} IF EXISTS temp.{name}")
            except duckdb.CatalogException:  # the name is held by the other kind of object
                pass
        self.con.execute(f"CREATE TEMP {'TABLE' if materialize else 'VIEW'} {name} AS {select_sql}")

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

    def export_parquet(self, catalog: str, folder: Path) -> list[str]:
        """COPY each table of the catalog to folder/<table>/data.parquet (streamed, in the engine's memory limit)."""
        names = sorted(self.table_names(catalog))
        for name in names:
            (folder / name).mkdir(parents=True, exist_ok=True)
            self.con.execute(f"COPY (SELECT * FROM {catalog}.{name}) TO '{_q(str(folder / name / 'data.parquet'))}' "
                             "(FORMAT parquet, COMPRESSION zstd)")
        return names

    def define_pseudo(self, ipad: str, opad: str) -> None:
        """A temporary macro: the pads live only in this connection's memory, never in a file."""
        self.con.execute(
            "CREATE OR REPLACE TEMP MACRO pseudo(k, v) AS "
            f"substr(sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || encode(k || '|' || v)))), 1, 32)")

    def define_functions(self, functions: dict[str, Any]) -> None:
        """Python functions over Arrow batches; never folded as constants (a seal draws a random nonce)."""
        for name, fn in functions.items():
            try:
                self.con.remove_function(name)
            except duckdb.InvalidInputException:  # not defined yet
                pass
            self.con.create_function(name, fn, ["VARCHAR", "VARCHAR"], "VARCHAR", type="arrow",
                                     null_handling="special", side_effects=True)

    def begin(self) -> None:
        """BEGIN TRANSACTION."""
        self.con.execute("BEGIN TRANSACTION")

    def commit(self) -> None:
        """COMMIT."""
        self.con.execute("COMMIT")

    def rollback(self) -> None:
        """ROLLBACK, ignoring 'no transaction is active'."""
        try:
            self.con.execute("ROLLBACK")
        except duckdb.TransactionException:
            pass

    def splink_api(self) -> Any:
        """Splink's DuckDBAPI on this connection; its scratch tables go to the in-memory catalog."""
        from splink.backends.duckdb import DuckDBAPI
        self.con.execute("USE memory")
        return DuckDBAPI(self.con)

    def close(self) -> None:
        """Close the connection."""
        if self.con is not None:
            self.con.close()
            self.con = None


def _q(text: str) -> str:
    return text.replace("'", "''")

