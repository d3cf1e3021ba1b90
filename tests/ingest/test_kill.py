"""A load killed at any point (SIGKILL, in a subprocess) leaves store and vault as they were."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from joinedup.ingest.loader import PAUSE_ENV
from joinedup.store import Store, paths_for
from tests.conftest import ROOT
from tests.ingest.conftest import snapshot


def _second_batch(place: Path, out: Path) -> Path:
    """The same people again in changed files (new sha256, some identities updated)."""
    out.mkdir()
    for name in ("nhs.ed_attendances.csv", "asc.client_level_data.csv", "csc.cin_children.csv"):
        lines = (place / name).read_text().splitlines()
        changed = [lines[0]] + [ln.replace("Amelia", "Amy") for ln in lines[1:-1]]
        (out / name).write_text("\n".join(changed) + "\n")
    return out


def _start(args: list[str], pause: str | None) -> subprocess.Popen:
    env = {**os.environ, "JOINEDUP_KEY": "test-key-0123456789abcdef", "PYTHONPATH": str(ROOT)}
    if pause:
        env[PAUSE_ENV] = pause
    return subprocess.Popen([sys.executable, "-m", "joinedup", "ingest", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _reconciled(db: Path) -> None:
    Store.open(db, "write").close()  # a writer reconciles the vault with the committed loads on open


@pytest.fixture(scope="module")
def loaded(small_place, tmp_path_factory) -> Path:
    """One clean load of the small place (in a subprocess, as the tests' own loads run), made once for the module."""
    db = tmp_path_factory.mktemp("kill_loaded") / "store.duckdb"
    first = _start([str(small_place), "--db", str(db)], None)
    assert first.wait(timeout=120) == 0, first.stderr.read()
    return db


def _copy(loaded: Path, db: Path) -> Path:
    """A private copy of the loaded store and its vault, named db."""
    for f in loaded.parent.iterdir():
        if f.name.startswith(loaded.stem) and f.is_file():
            shutil.copy(f, db.parent / f.name.replace(loaded.stem, db.stem, 1))
    return db


@pytest.mark.parametrize("pause", ["before commit", "vault committed", "vault published"])
def test_sigkill_mid_load_changes_nothing(pause, small_place, loaded, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    db = _copy(loaded, tmp_path / "store.duckdb")  # the place loaded once, as a first load leaves it
    before = snapshot(db)
    batch = _second_batch(small_place, tmp_path / "batch")

    proc = _start([str(batch), "--db", str(db)], pause)
    deadline = time.time() + 120
    line = ""
    while time.time() < deadline and "paused at" not in line:
        line = proc.stderr.readline()
        assert line or proc.poll() is None, "loader ended before reaching the pause point"
    assert f"paused at {pause}" in line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    store_only = {k: v for k, v in snapshot(db).items() if not k.startswith(db.stem + ".vault")}
    assert store_only == {k: v for k, v in before.items() if not k.startswith(db.stem + ".vault")}
    _reconciled(db)
    assert snapshot(db) == before

    again = _start([str(batch), "--db", str(db), "--json"], None)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert '"skipped": false' in out
    assert snapshot(db) != before


def test_sigkill_at_a_random_moment_leaves_a_consistent_store(small_place, loaded, tmp_path):
    import random
    db = tmp_path / "store.duckdb"
    proc = _start([str(small_place), "--db", str(db)], None)
    # The kill lands after the loader has started writing (its private working copy exists), at a
    # random moment of the load, so the consistency check below always has something to check.
    working = paths_for(db).working_store
    deadline = time.time() + 120
    while not (working.exists() or db.exists()) and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert working.exists() or db.exists(), "the loader never started writing"
    time.sleep(random.Random(os.getpid()).uniform(0.0, 1.5))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    if not db.exists():  # killed before it published: nothing of the load is anywhere
        assert not paths_for(db).vault.exists()
    else:
        _reconciled(db)
    snap = snapshot(db)
    loads = snap.get("store.duckdb:load", [])
    vault_rows = sum(len(v) for k, v in snap.items() if ".vault" in k and not k.endswith("_undo"))
    # either the whole load committed, or nothing of it is anywhere
    assert (len(loads) == 1 and vault_rows > 0) or (not loads and vault_rows == 0)
    rerun = _start([str(small_place), "--db", str(db)], None)
    assert rerun.wait(timeout=120) == 0, rerun.stderr.read()
    # after the rerun the store holds exactly the data one clean load of the same place gives (the
    # load and load_file tables record every run, the rerun included)
    clean = _copy(loaded, tmp_path / "clean.duckdb")  # one clean load of the same place
    bookkeeping = {"load", "load_file"}
    counts = {k.split(":", 1)[1]: len(v) for k, v in snapshot(db).items()
              if k.startswith("store.duckdb:") and k.split(":", 1)[1] not in bookkeeping}
    want = {k.split(":", 1)[1]: len(v) for k, v in snapshot(clean).items()
            if k.startswith("clean.duckdb:") and k.split(":", 1)[1] not in bookkeeping}
    assert counts == want
