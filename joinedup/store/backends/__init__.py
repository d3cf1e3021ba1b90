"""Engines behind the store: one interface (`base.Backend`), one module per engine (DuckDB and Spark)."""

from __future__ import annotations

from joinedup.store.backends.base import Backend, BackendError

__all__ = ["Backend", "BackendError", "ENGINES", "backend_for"]


#: The engines a store can run on (`--engine`).
ENGINES = ("duckdb", "spark")


def backend_for(name: str = "duckdb", *, spark_master: str | None = None) -> Backend:
    """A new, unconnected backend by engine name (Spark: on spark_master, local mode by default)."""
    if name == "duckdb":
        from joinedup.store.backends.duckdb import DuckDBBackend
        return DuckDBBackend()
    if name == "spark":
        from joinedup.store.backends.spark import SparkBackend
        return SparkBackend(spark_master)
    raise BackendError(f"unknown store engine {name!r} (choose from {', '.join(ENGINES)})")
