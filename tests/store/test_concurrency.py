"""Readers beside a writer, for real: an ingest while five processes query the store in a loop.

All finish; no reader waits for the writer or fails; every reader sees the store as it was
before the load or as it is after it, never a state in between.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from joinedup.store import Store
from tests.conftest import ROOT
from tests.ingest.test_kill import _second_batch

READERS = 5

_READER = """
import json, sys, time
from pathlib import Path
from joinedup.store import Store
db, out, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
seen = []
def look():
    with Store.open(db) as s:
        seen.append(s.fetchall(
            "SELECT (SELECT count(*) FROM load), (SELECT count(*) FROM load_file), (SELECT count(*) FROM encounter),"
            " (SELECT count(*) FROM person_record), (SELECT count(*) FROM quarantine)")[0])
look()
out.with_suffix('.ready').write_text('ready')
while not stop.exists():
    look()
look()
out.write_text(json.dumps([list(r) for r in seen]))
"""

_STATE = ("SELECT (SELECT count(*) FROM load), (SELECT count(*) FROM load_file), (SELECT count(*) FROM encounter), "
          "(SELECT count(*) FROM person_record), (SELECT count(*) FROM quarantine)")


def _state(db: Path) -> list:
    with Store.open(db) as s:
        return list(s.fetchall(_STATE)[0])


def test_an_ingest_while_five_readers_query(small_place, tmp_path):
    env = {**os.environ, "JOINEDUP_KEY": "test-key-0123456789abcdef", "PYTHONPATH": str(ROOT)}
    db = tmp_path / "store.db"
    first = subprocess.run([sys.executable, "-m", "joinedup", "ingest", str(small_place), "--db", str(db)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    before = _state(db)
    batch = _second_batch(small_place, tmp_path / "batch")
    script, stop = tmp_path / "reader.py", tmp_path / "stop"
    script.write_text(_READER)
    outs = [tmp_path / f"reader{i}.json" for i in range(READERS)]
    readers = [subprocess.Popen([sys.executable, str(script), str(db), str(o), str(stop)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for o in outs]
    deadline = time.time() + 120
    while not all(o.with_suffix(".ready").exists() for o in outs):
        assert time.time() < deadline and all(r.poll() is None for r in readers), [r.stderr.read() for r in readers
                                                                                   if r.poll() is not None]
        time.sleep(0.05)
    started = time.time()
    writer = subprocess.run([sys.executable, "-m", "joinedup", "ingest", str(batch), "--db", str(db)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    written = time.time() - started
    stop.write_text("stop")
    for r in readers:
        _, err = r.communicate(timeout=120)
        assert r.returncode == 0, err
    assert writer.returncode == 0, writer.stderr
    after = _state(db)
    assert after != before and after[0] == before[0] + 1
    for o in outs:
        seen = json.loads(o.read_text())
        assert seen[0] == before and seen[-1] == after, o.name
        assert all(s in (before, after) for s in seen), [s for s in seen if s not in (before, after)][:3]
        # once a reader has seen the load it never sees the store without it again
        first_after = seen.index(after)
        assert all(s == after for s in seen[first_after:])
    assert sum(len(json.loads(o.read_text())) for o in outs) > 2 * READERS, "readers kept reading during the load"
    assert written < 300
