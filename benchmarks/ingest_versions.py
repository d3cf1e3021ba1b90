"""Ingest's version check at scale: seconds for one file's rows against a row_version family of N rows.

    nice -n 15 python benchmarks/ingest_versions.py [--sizes 200000 1000000 3000000] [--file-rows 3000]
        [--files 1] [--repeat 3] [--work DIR] [--code CHECKOUT] [--memory 3GB]

The family (GP appointments: `nhs.gp_appointments` and `fhir.appointments`, which share record keys)
is made directly with SQL, no synth: N rows, either staged by the same run (`temp.st_row_version`,
as a first load's copy is when its FHIR Bundles follow it) or stored by an earlier load
(`row_version`). The file is a FHIR appointments table of --file-rows rows: a third the family
holds unchanged (present), a third changed (replaced), a third new. `_Run._versions` of the code in
--code (a checkout; by default this one, so `git worktree add --detach OLD COMMIT` and `--code OLD`
time an older version in the same run of the machine) is timed inside a transaction
rolled back after each repeat, so every repeat sees the same state; the median is printed, with
the present and replaced counts (equal for every version). Each size is built in a fresh store.
--memory is the engine's limit (JOINEDUP_INGEST_MEMORY; default the loader's): a 1,000,000-person
place's GP appointments family (~16 million rows, ~3 GB staged) is beyond the default 3 GB, so a
small limit over a few million rows stands for a large place's staging, which spills to disk.
--files K times K such files one after the other (each with its own keys; the counts are their sums):
the code before batches looks each up in the family, this code reads the K files' known versions in one
look-up (`_Run._known`), then checks each file against that and the versions staged since.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = "benchmark-key-ingest-versions"  # a fixed key: the hashes do not matter, only their matches


def _typed(e, name: str, fields: list[str], rows: str) -> None:
    """A typed-like table: `rows` is a SELECT giving _row, the record key and one changing value."""
    cols = ", ".join(f"CAST({'k' if f == 'Appointment_ID' else 'v' if f == 'APPT_MODE' else 'NULL'} AS VARCHAR) "
                     f"AS \"{f}\"" for f in fields)
    e.execute(f"CREATE OR REPLACE TEMP TABLE {name.split('.')[1]} AS SELECT _row, false AS __rejected, {cols} "
              f"FROM ({rows})")


def _hashes(fields: list[str], base: str) -> tuple[str, str]:
    """The loader's key and row hash expressions over a typed table (see `_Run._versions`)."""
    text = ", ".join(f"coalesce(CAST(\"{f}\" AS VARCHAR), chr(0))" for f in fields)
    return (f"pseudo('row-key', '{base}' || chr(31) || concat_ws(chr(31), "
            f"coalesce(CAST(\"Appointment_ID\" AS VARCHAR), chr(0))))",
            f"pseudo('row', concat_ws(chr(31), {text}))")


def measure(n: int, file_rows: int, repeat: int, work: Path, code: Path, files: int = 1) -> list[dict]:
    """Median seconds of `files` files' version checks against N staged rows, then N stored rows."""
    os.environ["JOINEDUP_KEY"] = KEY
    sys.path.insert(0, str(code))
    from joinedup.ingest import fhir, loader
    from joinedup.ingest.keys import load_key
    from joinedup.ingest.loader import _Run, memory_limit
    from joinedup.store.load import LoadSession
    from joinedup.store.store import Store

    src = fhir.fhir_sources()["fhir.appointments"]
    fields = [f.name for f in src.fields]
    out = []
    for where in ("staged", "stored"):
        folder = work / f"n{n}-{where}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        db = folder / "v.duckdb"
        store = Store.open(db, "write", create=True, vault=True, memory_limit=memory_limit())
        try:
            run = _Run(LoadSession(store, load_key(db)), [], "benchmark", None)
            e = run.e
            run._setup()
            key_hash, row_hash = _hashes(fields, "nhs.gp_appointments")
            _typed(e, "temp.family", fields, f"SELECT i AS _row, 'A' || i AS k, 'v1' AS v FROM range({n}) t(i)")
            table = "temp.st_row_version" if where == "staged" else e.s("row_version")
            cols, more = "source, key_hash, row_hash, file_sha256, row_number, load_id", ""
            if where == "staged" and hasattr(loader, "key_prefix_sql"):  # staged rows carry their look-up key
                cols, more = cols + ", _k", f", {loader.key_prefix_sql(key_hash)}"
            if where == "staged" and hasattr(loader, "batch_rows"):  # and their own number (batched look-ups)
                cols, more = cols + ", _v", more + ", -1 - _row"
            e.execute(f"INSERT INTO {table} ({cols}) SELECT 'nhs.gp_appointments', {key_hash}, {row_hash}, 'copy', "
                      f"_row, '{run.load_id}'{more} FROM temp.family")
            e.execute("DROP TABLE temp.family")
            step, third = max(n // file_rows, files + 1), file_rows // 3
            # file j's keys: a third held unchanged, a third changed, a third new; no two files share a key
            for j in range(1, files + 1):
                _typed(e, f"temp.typed_{j}", fields,
                       f"SELECT i + 1 AS _row, CASE WHEN i < {2 * third} THEN 'A' || (i * {step} + {j - 1}) "
                       f"ELSE 'B{j}_' || i END AS k, "
                       f"CASE WHEN i < {third} THEN 'v1' ELSE 'v2' END AS v FROM range({file_rows}) t(i)")
            batched = hasattr(run, "_known")
            times, counts = [], None
            for _ in range(repeat):
                e.backend.begin()
                started = time.perf_counter()
                got = []
                if batched and files > 1:  # this code: the files' hashes, one look-up, then each file in order
                    rvs = [run._hashes(src, f"temp.typed_{j}", j) for j in range(1, files + 1)]
                    run._known(rvs, loader._family(src))
                    got = [run._versions(src, f"temp.typed_{j}", f"bundle{j}", rv=rvs[j - 1], part=j)
                           for j in range(1, files + 1)]
                else:  # one file at a time (the code before batches, or a batch of one)
                    for j in range(1, files + 1):
                        run.n = j
                        got.append(run._versions(src, f"temp.typed_{j}", f"bundle{j}"))
                counts = tuple(sum(c[i] for c in got) for i in range(2))
                times.append(time.perf_counter() - started)
                e.backend.rollback()
        finally:
            store.close(publish=False)
        shutil.rmtree(folder, ignore_errors=True)
        out.append({"family_rows": n, "where": where, "files": files, "file_rows": file_rows,
                    "seconds": round(statistics.median(times), 4),
                    "present": counts[0], "replaced": counts[1]})
    return out


def main() -> None:
    """Print one JSON line per size and place of the family."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000, 3_000_000])
    ap.add_argument("--file-rows", type=int, default=3000)
    ap.add_argument("--files", type=int, default=1, help="files checked one after the other (a run of Bundles)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose loader is timed")
    ap.add_argument("--memory", default=None, help="the engine's memory limit, e.g. 400MB")
    args = ap.parse_args()
    if args.memory:
        os.environ["JOINEDUP_INGEST_MEMORY"] = args.memory
    work = args.work or Path(tempfile.mkdtemp(prefix="ingest-versions-"))
    code = subprocess.run(["git", "-C", str(args.code), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(args.code), "status", "--porcelain", "joinedup"], capture_output=True,
                           text=True).stdout.strip()
    for n in args.sizes:
        for row in measure(n, args.file_rows, args.repeat, work, args.code.resolve(), args.files):
            print(json.dumps({"code": code + ("+changes" if dirty else ""), "memory": args.memory or "default",
                              **row}), flush=True)


if __name__ == "__main__":
    main()
