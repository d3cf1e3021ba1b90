"""Fixtures for the link tests: a small hand-built place (store, vault, truth) linked once per module."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from place import KEY, build_place


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    """The test place's pseudonym key, as ingest would have used it."""
    monkeypatch.setenv("JOINEDUP_KEY", KEY)


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    """A place of 500 people, built and linked once: returns the store path."""
    from joinedup.link.index import build_index

    with pytest.MonkeyPatch.context() as mp:  # the key set for this store only, never leaked to later tests
        mp.setenv("JOINEDUP_KEY", KEY)
        store = build_place(tmp_path_factory.mktemp("place"), n=500, seed=11)
        build_index(store)
    return store
