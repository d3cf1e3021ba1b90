"""Fixtures for the ingest tests: a small spec-driven place, stores in tmp folders, a fixed key."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.store import Store, paths_for

from tests.ingest.place import write_place


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")


@pytest.fixture(scope="session")
def small_place(tmp_path_factory) -> Path:
    return write_place(tmp_path_factory.mktemp("place") / "place", n_people=25)


def snapshot(db: Path, key=None) -> dict[str, list]:
    """Every row of every table of the store and its vault (sorted, the vault's values opened with the store's
    key, or `key`), to compare before and after."""
    out: dict[str, list] = {}
    paths = paths_for(db)
    if not db.exists():
        return out
    vault = paths.vault.exists()
    mode = dict(mode="identify", user="test", purpose="compare store and vault") if vault else dict(mode="analysis")
    with Store.open(db, **mode, key=key) as store:
        for catalog, path in (("store", db), ("vault", paths.vault)) if vault else (("store", db),):
            for name in sorted(store.backend.table_names(catalog)):
                rows = store.backend.fetchall(f'SELECT * FROM {catalog}."{name}"')
                out[f"{path.name}:{name}"] = sorted(map(repr, rows))
    return out
