"""Every crash window of the load workflow, for ingest and link: kill -9 at each pause point, then every
reader command sees only committed work (the same answers as before the killed run), and the next
run succeeds.

Ingest pauses (JOINEDUP_INGEST_PAUSE): "before commit" (staged, nothing written), "vault committed"
(vault written in the writer's private copy), "vault published" (the vault is published, the store
not: the window where a reader of the vault could see an uncommitted load until repaired).
Link pauses (JOINEDUP_LINK_PAUSE): "before publish" and "vault published".
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from joinedup.ingest.loader import PAUSE_ENV as INGEST_PAUSE
from joinedup.link.index import PAUSE_ENV as LINK_PAUSE
from tests.conftest import ROOT
from tests.reliability.conftest import KEY

INGEST_WINDOWS = ["before commit", "vault committed", "vault published"]
LINK_WINDOWS = ["before publish", "vault published"]


def _run(args: list[str], pause_env: str | None = None, pause: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "JOINEDUP_KEY": KEY, "PYTHONPATH": str(ROOT)}
    if pause_env:
        env[pause_env] = pause
    return subprocess.Popen([sys.executable, "-m", "joinedup", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_at(proc: subprocess.Popen, pause: str) -> None:
    deadline, line = time.time() + 300, ""
    while time.time() < deadline and "paused at" not in line:
        line = proc.stderr.readline()
        assert line or proc.poll() is None, "the command ended before reaching the pause point"
    assert f"paused at {pause}" in line, line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _batch(place: Path, out: Path) -> Path:
    """The same people again in changed files: new identities (names) and new rows."""
    out.mkdir()
    for name in ("nhs.ed_attendances.csv", "asc.client_level_data.csv"):
        lines = (place / name).read_text().splitlines()
        (out / name).write_text("\n".join([lines[0]] + [ln.replace("Amelia", "Amy").replace("Oliver", "Ollie")
                                                        for ln in lines[1:]]) + "\n")
    return out


def _readers(db: Path, run_cli) -> dict[str, object]:
    """What every reader command says about the store (only what committed work decides)."""
    from joinedup.store.store import Store

    seen: dict[str, object] = {}
    code, out, err = run_cli("ingest", "report", "--db", str(db), "--json")
    assert code == 0, err
    seen["ingest report"] = json.loads(out)
    code, out, err = run_cli("store", "info", "--db", str(db), "--json")
    assert code == 0, err
    info = json.loads(out)
    # the version token changes with a repair; the audit log grows with the identify reads below
    seen["store info"] = {k: v for k, v in info.items() if k not in ("version", "audit_entries")}
    code, out, err = run_cli("measures", "run", "--db", str(db), "--json", "--period", "2023-24",
                             "--measure", "ae_4_hour_performance")
    assert code == 0, err
    seen["measures run"] = json.loads(out)
    code, out, err = run_cli("segments", "--db", str(db), "--json")
    seen["segments"] = (code, out)
    with Store.open(db, "identify", user="reliability-test", purpose="crash test") as s:
        seen["identify: identity"] = sorted(map(repr, s.query("SELECT * FROM vault.identity").to_pylist()))
        seen["identify: history"] = s.query("SELECT count(*) AS n FROM vault.identity_history").to_pylist()
    return seen


def _assert_same(after: dict[str, object], before: dict[str, object]) -> None:
    """Every reader sees what it saw before; a failure names the readers that differ (and no identities)."""
    differ = {}
    for key in before:
        if after.get(key) == before[key]:
            continue
        if key == "identify: identity":
            gone, new = set(before[key]) - set(after[key]), set(after[key]) - set(before[key])
            differ[key] = f"{len(before[key])} rows before, {len(after[key])} after: {len(gone)} gone, {len(new)} new"
        else:
            differ[key] = {"before": before[key], "after": after.get(key)}
    assert not differ, differ


def _copy_store(db: Path, folder: Path) -> Path:
    """A private copy of the store at db (and its vault) in folder."""
    for f in db.parent.glob(db.stem + "*"):
        if f.is_file():
            shutil.copy(f, folder / f.name)
    return folder / db.name


@pytest.fixture(scope="module")
def _one_load(small_place, tmp_path_factory):
    """One committed load of the small place (made by a subprocess, as a user would), made once for the module."""
    db = tmp_path_factory.mktemp("committed") / "store.duckdb"
    first = _run(["ingest", str(small_place), "--db", str(db)])
    _out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    return db


@pytest.fixture
def committed(_one_load, tmp_path):
    """A store with one committed load: a private copy of the module's load."""
    return _copy_store(_one_load, tmp_path)


@pytest.mark.parametrize("pause", INGEST_WINDOWS)
def test_ingest_killed_in_each_window_readers_see_only_committed_loads(pause, committed, small_place, tmp_path,
                                                                       run_cli):
    db = committed
    before = _readers(db, run_cli)
    batch = _batch(small_place, tmp_path / "batch")
    _kill_at(_run(["ingest", str(batch), "--db", str(db)], INGEST_PAUSE, pause), pause)
    _assert_same(_readers(db, run_cli), before)
    again = _run(["ingest", str(batch), "--db", str(db), "--json"])
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert json.loads(out)["totals"]["rows_loaded"] > 0
    after = _readers(db, run_cli)
    assert len(after["ingest report"]["loads"]) == len(before["ingest report"]["loads"]) + 1


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    """A synthetic place of 1,000 people ingested (link needs a place with some records lacking NHS numbers)."""
    folder = tmp_path_factory.mktemp("synth")
    for args in (["synth", "--people", "1000", "--seed", "5", "--format", "csv", "--out", str(folder / "place")],
                 ["ingest", str(folder / "place"), "--db", str(folder / "store.duckdb")]):
        proc = _run(args)
        _o, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    return folder / "store.duckdb"


def _link(db: Path) -> None:
    proc = _run(["link", "--db", str(db)])
    _o, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err


def _index(path: Path) -> tuple:
    """The person index a link run leaves: records in persons, family members, person rows."""
    from joinedup.store.store import Store
    with Store.open(path, "analysis") as s:
        return (sorted(map(repr, s.query("SELECT record_id, person_id FROM person_source_link").to_pylist())),
                sorted(map(repr, s.query("SELECT family_id, person_id, role, evidence FROM family_member")
                           .to_pylist())),
                sorted(map(repr, s.query("SELECT * FROM person").to_pylist())))


@pytest.fixture(scope="module")
def untouched_link(synthetic_store, tmp_path_factory) -> tuple:
    """The index a link of an untouched copy of the synthetic store gives (made once for the module)."""
    spare = _copy_store(synthetic_store, tmp_path_factory.mktemp("spare"))
    _link(spare)
    return _index(spare)


@pytest.mark.parametrize("pause", LINK_WINDOWS)
def test_link_killed_in_each_window_readers_see_the_store_as_before(pause, synthetic_store, untouched_link, tmp_path,
                                                                   run_cli):
    db = _copy_store(synthetic_store, tmp_path)
    before = _readers(db, run_cli)
    _kill_at(_run(["link", "--db", str(db)], LINK_PAUSE, pause), pause)
    _assert_same(_readers(db, run_cli), before)
    # the next link run succeeds and gives what a link of the untouched copy gives (link is deterministic:
    # the same records in the same persons, the same person and family rows)
    _link(db)
    first = _index(db)
    assert all(first)
    assert first == untouched_link
