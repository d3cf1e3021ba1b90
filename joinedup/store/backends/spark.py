"""The Spark backend: the store as Parquet folders, run by Spark SQL (local mode or a cluster).

The only module in joinedup that starts a Spark session. A catalog (`store`, `vault`) is a Spark
database whose tables are external Parquet tables, one folder per table, so nothing is copied into
Spark's warehouse; a catalog attached with no path is a scratch database in the session's warehouse.
Staging tables and per-run views are Spark temporary views (cached when asked to materialize),
dropped on close. One session per process (Spark's rule): a second backend reuses it.

Spark has no multi-statement transactions, so `begin`/`commit` mark a unit that `rollback` cannot
undo; the `Store` therefore opens Spark stores for reading (analysis mode) and for scratch work.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterator, Sequence

import pyarrow as pa

from joinedup.store.backends.base import Backend, BackendError
from joinedup.store.memory import engine_memory_limit

__all__ = ["SparkBackend", "session", "DEFAULT_MASTER", "MASTER_ENV"]

#: Local mode on every core of this machine, unless --spark-master or JOINEDUP_SPARK_MASTER says otherwise.
DEFAULT_MASTER = "local[*]"
MASTER_ENV = "JOINEDUP_SPARK_MASTER"

#: The longest text of a query plan Spark builds (for its query events); the plan itself is never cut.
PLAN_TEXT_CHARS = 100_000

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def session(master: str | None = None, *, threads: int | None = None, memory_limit: str | None = None,
            temp_dir: Path | None = None) -> Any:
    """The process's Spark session (started on first use: no UI, UTC, few shuffle partitions in local mode)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise BackendError("the spark engine needs pyspark (pip install 'joinedup[spark]') and Java") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # Under spark-submit (which starts Python with a gateway to its JVM) the master is spark-submit's own.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ and not (master or os.environ.get(MASTER_ENV))
    master = master or os.environ.get(MASTER_ENV) or DEFAULT_MASTER
    if threads and master == DEFAULT_MASTER:
        master = f"local[{int(threads)}]"
    b = SparkSession.builder if submitted else SparkSession.builder.master(master)
    b = (b.appName("joinedup")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.session.timeZone", "UTC")
         # DuckDB's semantics for the compiled SQL: integer division and casts that yield NULL, not errors
         .config("spark.sql.ansi.enabled", "false"))
    jar = _splink_jar()
    if jar:  # Splink's string similarity functions (jaro_winkler...) for linkage on Spark
        b = b.config("spark.jars", jar)
    if master.startswith("local") and not submitted:
        # a few partitions per shuffle: the default 200 costs seconds per query on a small place
        b = b.config("spark.sql.shuffle.partitions", "4").config("spark.default.parallelism", "4")
        # scratch databases (Store.memory) go to a private temporary folder, never the working directory
        b = b.config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="joinedup-spark-warehouse-"))
        if temp_dir is not None:
            b = b.config("spark.local.dir", str(temp_dir))
        # the driver runs every task in local mode: Spark's own 1 GB heap ran out on the measure library at
        # 1,000,000 people, so it gets the limit a DuckDB store gets (JOINEDUP_MEMORY, else 3 GB or half the machine)
        memory_limit = memory_limit or engine_memory_limit()
    # a plan's text is built for every query's start event: a long measure's plan, re-planned by adaptive
    # execution, made strings that filled the heap; this cuts the text (never the plan)
    b = b.config("spark.sql.maxPlanStringLength", str(PLAN_TEXT_CHARS))
    if memory_limit:
        b = b.config("spark.driver.memory", _spark_size(memory_limit))
    try:
        spark = b.getOrCreate()
    except Exception as e:  # noqa: BLE001 - the JVM's failure to start arrives as several exception types
        raise BackendError(f"Spark could not start on master {master!r}: {' '.join(str(e).split())[:300]}") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _splink_jar() -> str | None:
    """The jar of Splink's Spark UDFs (string similarities), when Splink is installed."""
    try:
        from splink.backends.spark import similarity_jar_location
    except ImportError:
        return None
    return similarity_jar_location()


def _spark_size(limit: str) -> str:
    """DuckDB's '4GB' / '512MB' as Spark's '4g' / '512m'."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B?)\s*", limit, re.I)
    if not m:
        raise BackendError(f"memory limit {limit!r} not understood")
    number, unit = float(m.group(1)), m.group(2)[0].lower()
    return f"{int(number)}{unit}" if number.is_integer() else f"{int(number * 1024)}{'kmgt'['kmgt'.index(unit) - 1]}"


class SparkBackend(Backend):
    """Store and vault as folders of Parquet tables, queried by Spark SQL."""

    dialect = "spark"

    def __init__(self, master: str | None = None) -> None:
        self.master = master
        self.spark: Any = None
        self._paths: dict[str, Path | None] = {}
        self._temp: dict[str, None] = {}  # in creation order: a view is dropped before those it reads
        self._functions: set[str] = set()
        self._arrow_n = 0
        try:
            from pyspark.errors import PySparkException
            from py4j.protocol import Py4JJavaError
            self.errors = (PySparkException, Py4JJavaError, BackendError)
        except ImportError:
            self.errors = (BackendError,)

    # -- the session and its catalogs --------------------------------------------------------------
    def connect(self, *, threads: int | None = None, memory_limit: str | None = None,
                temp_dir: Path | None = None) -> None:
        """Start (or join) the process's Spark session."""
        self.spark = session(self.master, threads=threads, memory_limit=memory_limit, temp_dir=temp_dir)

    def attach(self, catalog: str, path: Path | None, *, read_only: bool) -> None:
        """A Spark database over a folder of Parquet tables (one sub-folder per table); None: a scratch database."""
        _check_name(catalog)
        self.spark.sql(f"DROP DATABASE IF EXISTS {catalog} CASCADE")  # external tables: their files stay
        self.spark.sql(f"CREATE DATABASE {catalog}")
        self._paths[catalog] = path
        if path is None:
            return
        if not path.is_dir():
            raise BackendError(f"no Parquet store at {path}")
        for table in sorted(p for p in path.iterdir() if p.is_dir() and _NAME.match(p.name)):
            self._register(catalog, table.name, table)

    def _register(self, catalog: str, name: str, folder: Path) -> None:
        # a file: URI, so that a cluster's executors read the same path (a shared mount such as /dbfs or NFS)
        self.spark.sql(f"CREATE TABLE {catalog}.{name} USING parquet LOCATION '{_q(folder.resolve().as_uri())}'")

    def detach(self, catalog: str) -> None:
        """Drop the database (its external Parquet folders are kept)."""
        self.spark.sql("USE default")
        self.spark.sql(f"DROP DATABASE IF EXISTS {catalog} CASCADE")
        self._paths.pop(catalog, None)

    def use(self, catalog: str) -> None:
        """USE catalog."""
        self.spark.sql(f"USE {catalog}")

    # -- statements -----------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run one statement (Spark runs DDL and writes at once; a query is only planned)."""
        self.spark.sql(sql, args=list(params)) if params else self.spark.sql(sql)

    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        """Rows of a query, collected to the driver."""
        df = self.spark.sql(sql, args=list(params)) if params else self.spark.sql(sql)
        return [tuple(r) for r in df.collect()]

    def fetch_arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """A query as Arrow."""
        df = self.spark.sql(sql, args=list(params)) if params else self.spark.sql(sql)
        return df.toArrow()

    def fetch_batches(self, sql: str, rows: int) -> Iterator[pa.RecordBatch]:
        """A query's result moved to the driver a partition at a time (never whole), as Arrow batches of at most
        `rows` rows."""
        from pyspark.sql.pandas.types import to_arrow_schema

        df = self.spark.sql(sql)
        # rows come back as Python values: a timestamp as the naive local time Spark gives, so typed without a zone
        zoned = to_arrow_schema(df.schema, timezone="UTC")
        schema = pa.schema([pa.field(f.name, pa.timestamp(f.type.unit) if pa.types.is_timestamp(f.type) else f.type)
                            for f in zoned])
        names = df.columns
        chunk: list[tuple] = []
        for row in df.toLocalIterator(prefetchPartitions=False):
            chunk.append(tuple(row))
            if len(chunk) == rows:
                yield _batch(chunk, names, schema)
                chunk = []
        if chunk:
            yield _batch(chunk, names, schema)

    def register_arrow(self, name: str, table: pa.Table) -> None:
        """A temporary view over the Arrow rows (cached: the rows live in the driver's process otherwise)."""
        _check_name(name)
        self.spark.createDataFrame(table).createOrReplaceTempView(name)
        self._temp[name] = None

    def write_arrow(self, qualified: str, table: pa.Table, *, replace: bool) -> None:
        """Write the rows as Parquet into the table's folder (replace, or append by column name)."""
        catalog, _, name = qualified.rpartition(".")
        _check_name(name)
        df = self.spark.createDataFrame(table)
        if not replace and name in self.table_names(catalog):
            cols = [c for c, _ in self.columns(qualified)]
            df.select(*[c for c in cols if c in df.columns]).write.insertInto(qualified)
            return
        folder = self._paths.get(catalog)
        if folder is None:
            df.write.mode("overwrite").saveAsTable(qualified)
            return
        df.write.mode("overwrite").parquet(str(folder / name))
        self.spark.sql(f"DROP TABLE IF EXISTS {qualified}")
        self._register(catalog, name, folder / name)

    def table_names(self, catalog: str) -> set[str]:
        """Tables of the catalog's database (temporary views excluded)."""
        rows = self.spark.sql(f"SHOW TABLES IN {catalog}").collect()
        return {r["tableName"] for r in rows if not r["isTemporary"]}

    def columns(self, relation: str) -> list[tuple[str, str]]:
        """(name, Spark SQL type) of a table or query."""
        return [(f.name, f.dataType.simpleString().upper()) for f in self.spark.sql(f"SELECT * FROM {relation} LIMIT 0").schema]

    def make_temp_view(self, name: str, select_sql: str, *, materialize: bool) -> None:
        """A temporary view; a materialized one is cached lazily (computed once, on first use, spilling to disk)."""
        _check_name(name)
        if self._temp.pop(name, "absent") is None:
            self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
        if materialize:  # CACHE ... AS cannot replace a view of the same name, this backend's or another's
            self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
            self.spark.catalog.dropTempView(name)
            self.spark.sql(f"CACHE LAZY TABLE {name} OPTIONS ('storageLevel' 'MEMORY_AND_DISK') AS {select_sql}")
        else:
            self.spark.sql(f"CREATE OR REPLACE TEMP VIEW {name} AS {select_sql}")
        self._temp[name] = None

    def stage_csv(self, name: str, path: Path, header: Sequence[str]) -> None:
        """Every column as text, rows numbered in file order (1-based `_row`)."""
        from pyspark.sql.types import StringType, StructField, StructType
        schema = StructType([StructField(h, StringType()) for h in header])
        df = self.spark.read.csv(str(path), header=True, schema=schema, quote='"', escape='"', mode="FAILFAST",
                                 encoding="utf-8", multiLine=True)
        self._numbered(name, df)

    def stage_parquet(self, name: str, path: Path) -> None:
        """Parquet as typed, rows numbered in file order (1-based `_row`)."""
        self._numbered(name, self.spark.read.parquet(str(path)))

    def _numbered(self, name: str, df: Any) -> None:
        _check_name(name)
        # zipWithIndex numbers rows in partition order, which is file order for one file
        rdd = df.rdd.zipWithIndex().map(lambda ri: (ri[1] + 1, *ri[0]))
        from pyspark.sql.types import LongType, StructField, StructType
        schema = StructType([StructField("_row", LongType(), False), *df.schema.fields])
        self.spark.createDataFrame(rdd, schema).createOrReplaceTempView(name)
        self._temp[name] = None

    def export_parquet(self, catalog: str, folder: Path) -> list[str]:
        """Write each table of the catalog to folder/<table>/ as Parquet."""
        names = sorted(self.table_names(catalog))
        for name in names:
            self.spark.table(f"{catalog}.{name}").write.mode("overwrite").parquet(str(folder / name))
        return names

    def define_pseudo(self, ipad: str, opad: str) -> None:
        """A temporary SQL function: HMAC-SHA256 as DuckDB's macro computes it (the pads live in this session only)."""
        if not re.fullmatch(r"[0-9a-fA-F]+", ipad + opad):
            raise BackendError("pseudonym pads must be hexadecimal")
        self.spark.sql(
            "CREATE OR REPLACE TEMPORARY FUNCTION pseudo(k STRING, v STRING) RETURNS STRING RETURN "
            f"substr(sha2(concat(unhex('{opad}'), unhex(sha2(concat(unhex('{ipad}'), encode(concat(k, '|', v), 'utf-8')), 256))), 256), 1, 32)")
        self._functions.add("pseudo")

    def define_functions(self, functions: dict[str, Any]) -> None:
        """Session-scoped pandas UDFs over Arrow batches (the vault's seal and open), run in local Python workers."""
        from pyspark.sql.functions import pandas_udf

        def wrap(fn: Any) -> Any:
            def batch(values: Any, aads: Any) -> Any:
                out = fn(pa.array(values, pa.string(), from_pandas=True), pa.array(aads, pa.string(), from_pandas=True))
                return out.to_pandas()
            return pandas_udf(batch, "string")

        for name, fn in functions.items():
            _check_name(name)
            self.spark.udf.register(name, wrap(fn))
            self._functions.add(name)

    def begin(self) -> None:
        """Spark has no transactions: nothing to start (the Store opens Spark stores read-only)."""

    def commit(self) -> None:
        """Every statement has already taken effect."""

    def rollback(self) -> None:
        """Spark cannot undo a statement; the Store never writes a published store through Spark."""

    def splink_api(self) -> Any:
        """Splink's SparkAPI on this session (its scratch tables in the session's own database)."""
        from splink.backends.spark import SparkAPI
        context = self.spark.sparkContext
        if context.getCheckpointDir() is None:
            # Splink breaks long lineages (connected components, EM) by checkpoints; on a cluster set
            # spark.checkpoint.dir to shared storage, otherwise a private local folder is used
            context.setCheckpointDir(tempfile.mkdtemp(prefix="joinedup-spark-checkpoints-"))
        return SparkAPI(spark_session=self.spark, break_lineage_method=os.environ.get("JOINEDUP_SPARK_LINEAGE", "checkpoint"))

    def close(self) -> None:
        """Drop this backend's views, functions and databases; the session stays for the process."""
        if self.spark is None:
            return
        for name in reversed(self._temp):
            try:
                self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
            except self.errors:  # a view over one already replaced: dropping it is all that is left to do
                pass
            self.spark.catalog.dropTempView(name)
        for fn in self._functions:
            self.spark.sql(f"DROP TEMPORARY FUNCTION IF EXISTS {fn}")
        for catalog in list(self._paths):
            self.detach(catalog)
        self._temp.clear()
        self._functions.clear()
        self.spark = None


def _batch(rows: list[tuple], names: list[str], schema: pa.Schema) -> pa.RecordBatch:
    """Rows collected from Spark as one Arrow batch of the query's own schema."""
    return pa.RecordBatch.from_arrays([pa.array([r[i] for r in rows], type=schema.field(i).type)
                                       for i in range(len(names))], schema=schema)


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise BackendError(f"not a plain table name: {name!r}")


def _q(text: str) -> str:
    return text.replace("'", "\\'")
