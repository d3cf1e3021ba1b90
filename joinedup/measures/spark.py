"""The Spark engine (local mode or a cluster): the same compiled measures, emitted as Spark SQL.

Needs the `spark` extra (`pip install joinedup[spark]`). Tables are given as Arrow tables or
registered by the caller as temporary views under their canonical names.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from joinedup.measures.engine import Engine

__all__ = ["SparkEngine", "local_session"]


def local_session(cores: int = 2) -> Any:
    """A local Spark session for tests and small places (the store backend's session: no UI, few shuffle partitions, UTC)."""
    from joinedup.store.backends.spark import session
    return session(f"local[{cores}]")


class SparkEngine(Engine):
    """Spark SQL over temporary views named as the canonical tables."""

    dialect = "spark"

    def __init__(self, spark: Any, tables: dict[str, pa.Table] | None = None) -> None:
        super().__init__()
        self.spark = spark
        self._names: set[str] = set()
        for name, table in (tables or {}).items():
            self.spark.createDataFrame(table).createOrReplaceTempView(name)
            self._names.add(name)

    def tables(self) -> set[str]:
        """The canonical tables registered with this engine."""
        return set(self._names)

    def execute(self, text: str) -> list[tuple]:
        """Run one statement."""
        return [tuple(r) for r in self.spark.sql(text).collect()]

    def register(self, name: str, table: pa.Table) -> None:
        """An Arrow table as a temporary view."""
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def make_view(self, name: str, select_sql: str, materialize: bool) -> None:
        """A temporary view (Spark caches what it needs on its own)."""
        self.spark.sql(f"CREATE OR REPLACE TEMP VIEW {name} AS {select_sql}")
