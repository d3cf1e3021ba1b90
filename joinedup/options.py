"""Command-line options every stage shares, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

__all__ = ["DB", "DB_HELP", "ENGINE", "SPARK_MASTER", "db_option"]

DB_HELP = ("The store: a DuckDB file written by `joinedup ingest`; its identity vault, key and audit log "
           "sit beside it, named from it.")


def db_option(default: Any = ...) -> Any:
    """The `--db STORE` option (required unless a default is given)."""
    return typer.Option(default, "--db", help=DB_HELP)


#: `--db STORE`, required.
DB: Path = db_option()


#: `--engine duckdb|spark`: which engine runs the store's SQL (the same compiled SQL on each).
ENGINE: str = typer.Option("duckdb", "--engine",
                           help="The engine that runs the SQL: duckdb (the store file itself) or spark (a Parquet "
                                "snapshot of it, read by Spark; local mode unless --spark-master says otherwise).")

#: `--spark-master URL`: where Spark runs (with --engine spark).
SPARK_MASTER: str | None = typer.Option(None, "--spark-master",
                                        help="Spark master URL for --engine spark (default local[*], or "
                                             "JOINEDUP_SPARK_MASTER), e.g. spark://host:7077 or yarn.")
