"""Refuse a --db that is not a store: an extract, a folder, a pipe, or the identity vault itself.

Checked before anything is opened or created, so a mistaken --db writes nothing anywhere.
"""

from __future__ import annotations

import stat
from pathlib import Path

from joinedup.errors import UserError

__all__ = ["check_store_path", "is_vault_name"]

#: DuckDB writes this at byte 8 of every database file.
_DUCKDB_MAGIC = b"DUCK"


def is_vault_name(db: Path) -> bool:
    """True when the name is a vault's (STORE.vault.duckdb), by the naming rule of the store."""
    return Path(db).stem.endswith(".vault")


def check_store_path(db: Path) -> None:
    """Raise UserError unless db is a store file or a path where one may be created."""
    db = Path(db)
    if is_vault_name(db):
        raise UserError("this is an identity vault, not a store; give --db the store beside it", file=str(db))
    try:
        st = db.stat()
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise UserError("is a folder; --db names the store file (e.g. place.duckdb)", file=str(db))
    if not stat.S_ISREG(st.st_mode):
        raise UserError("not a regular file; --db names the store file", file=str(db))
    if st.st_size == 0:
        return
    with open(db, "rb") as fh:
        head = fh.read(12)
    if head[8:12] != _DUCKDB_MAGIC:
        raise UserError("not a joinedup store (not a database file); is --db pointing at an extract?", file=str(db))
