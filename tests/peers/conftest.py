"""A store with the shipped peer figures imported once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from joinedup.peers.areas import data_dir
from joinedup.peers.importer import import_published
from tests.conftest import SHARED_REFERENCE

#: ../shared/reference/peers beside the repo (as in CI); JOINEDUP_SHARED_REFERENCE points elsewhere.
SHARED_PEERS = Path(os.environ.get("JOINEDUP_SHARED_REFERENCE", SHARED_REFERENCE)) / "peers"
DATA = data_dir()


@pytest.fixture(scope="session")
def peer_store(tmp_path_factory) -> Path:
    """A DuckDB store holding the imported peer tables (read it, don't change it)."""
    store = tmp_path_factory.mktemp("peers") / "store.duckdb"
    summary = import_published(store)
    store.with_suffix(".summary").write_text(repr(summary.files))
    return store
