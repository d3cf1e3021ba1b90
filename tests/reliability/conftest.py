"""Fixtures for the reliability tests: a small loaded store copied per test, a fixed key, a deadline."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from tests.ingest.place import write_place

KEY = "reliability-test-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", KEY)


@pytest.fixture(scope="session")
def small_place(tmp_path_factory) -> Path:
    return write_place(tmp_path_factory.mktemp("rplace") / "place", n_people=12,
                       only=["nhs.deaths", "nhs.ed_attendances", "asc.client_level_data", "csc.cin_children"])


@pytest.fixture(scope="session")
def loaded_store(small_place, tmp_path_factory) -> Path:
    """A store (and vault) with the small place loaded once; tests take copies."""
    from joinedup.cli import main

    db = tmp_path_factory.mktemp("rstore") / "store.duckdb"
    mp = pytest.MonkeyPatch()
    mp.setenv("JOINEDUP_KEY", KEY)
    try:
        main(["ingest", str(small_place), "--db", str(db)])
    except SystemExit as e:
        assert not e.code, e
    finally:
        mp.undo()
    return db


@pytest.fixture
def store_copy(loaded_store, tmp_path) -> Path:
    """A private copy of the loaded store and its vault."""
    db = tmp_path / "store.duckdb"
    for f in loaded_store.parent.iterdir():
        if f.name.startswith("store"):
            shutil.copy(f, tmp_path / f.name)
    return db


class Deadline(Exception):
    """A command ran past its deadline (a hang)."""


@pytest.fixture
def deadline():
    """Run a callable with a time limit (SIGALRM): a hang fails the test instead of stopping the run."""
    def run(fn, seconds: int = 60):
        def _raise(signum, frame):
            raise Deadline(f"no answer within {seconds} s")
        old = signal.signal(signal.SIGALRM, _raise)
        signal.alarm(seconds)
        try:
            return fn()
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
    return run
