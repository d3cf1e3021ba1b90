"""Engines behind the store: one interface (`base.Backend`), one module per engine (DuckDB now, Spark later)."""

from __future__ import annotations

from joinedup.store.backends.base import Backend, BackendError

__all__ = ["Backend", "BackendError", "backend_for"]


def backend_for(name: str = "duckdb") -> Backend:
    """A new, unconnected backend by engine name."""
    if name == "duckdb":
        from joinedup.store.backends.duckdb import DuckDBBackend
        return DuckDBBackend()
    raise BackendError(f"unknown store engine {name!r} (this build has: duckdb)")
