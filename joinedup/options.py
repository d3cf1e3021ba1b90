"""Command-line options every stage shares, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

__all__ = ["DB", "DB_HELP", "db_option"]

DB_HELP = ("The store: a DuckDB file written by `joinedup ingest`; its identity vault, key and audit log "
           "sit beside it, named from it.")


def db_option(default: Any = ...) -> Any:
    """The `--db STORE` option (required unless a default is given)."""
    return typer.Option(default, "--db", help=DB_HELP)


#: `--db STORE`, required.
DB: Path = db_option()
