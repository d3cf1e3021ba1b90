"""Fixtures for the ingest tests: a small spec-driven place, stores in tmp folders, a fixed key."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.ingest.place import write_place


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")


@pytest.fixture(scope="session")
def small_place(tmp_path_factory) -> Path:
    return write_place(tmp_path_factory.mktemp("place") / "place", n_people=25)


def snapshot(db: Path) -> dict[str, list]:
    """Every row of every table of the store and its vault (sorted), to compare before and after."""
    out = {}
    for path in (db, db.with_name(db.stem + ".vault.duckdb")):
        if not path.exists():
            continue
        con = duckdb.connect(str(path), read_only=True)
        try:
            for (name,) in con.execute("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_schema = 'main'").fetchall():
                rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
                out[f"{path.name}:{name}"] = sorted(map(repr, rows))
        finally:
            con.close()
    return out
