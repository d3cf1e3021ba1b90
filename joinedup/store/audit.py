"""The re-identification audit log: who looked at whose identity, why and when (SQLite beside the store).

SQLite rather than the store itself because readers in `identify` mode must be able to write it
while a writer holds the store, and SQLite serialises many small writers safely.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["AuditEntry", "record", "entries"]

_DDL = ("CREATE TABLE IF NOT EXISTS reidentification (at TEXT NOT NULL, user TEXT NOT NULL, purpose TEXT NOT NULL, "
        "what TEXT NOT NULL, detail TEXT NOT NULL, rows INTEGER NOT NULL)")


@dataclass(frozen=True)
class AuditEntry:
    """One re-identification: when (UTC, ISO 8601), who, why, what was read and how many rows came back."""

    at: str
    user: str
    purpose: str
    what: str
    detail: str
    rows: int


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=30)
    con.execute(_DDL)
    return con


def record(path: Path, user: str, purpose: str, what: str, detail: str, rows: int) -> AuditEntry:
    """Append one entry (committed before the caller sees any identifier)."""
    entry = AuditEntry(datetime.now(timezone.utc).isoformat(timespec="seconds"), user, purpose, what, detail, rows)
    con = _connect(path)
    try:
        with con:
            con.execute("INSERT INTO reidentification VALUES (?, ?, ?, ?, ?, ?)",
                        (entry.at, entry.user, entry.purpose, entry.what, entry.detail, entry.rows))
    finally:
        con.close()
    path.chmod(0o600)
    return entry


def entries(path: Path) -> list[AuditEntry]:
    """Every entry, oldest first (empty when nobody has re-identified anyone)."""
    if not path.exists():
        return []
    con = _connect(path)
    try:
        return [AuditEntry(*r) for r in con.execute("SELECT * FROM reidentification ORDER BY rowid")]
    finally:
        con.close()
