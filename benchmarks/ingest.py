"""Ingest speed: rows per second and peak memory for a synthetic place, beside a floor measured in the same run.

    /work/venv/bin/python benchmarks/ingest.py [--people 320000] [--seed 7] [--format csv|parquet] [--work DIR]
        [--threads 2] [--place DIR]

The place is synthesised first when absent (DIR/place-N-S). The floor is DuckDB reading the
same files with its own readers and copying them into tables, no validation, pseudonyms or
vault: the least any loader on this engine could do. Each measurement runs in its own process
so that peak memory (max RSS) and CPU seconds are its own. Target: the 320,000-person place in <= 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child(kind: str, place: Path, db: Path, threads: int) -> None:
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    if kind == "ingest":
        from joinedup.ingest.loader import ingest
        result = ingest([place], db, threads=threads)
        rows = result.totals()["rows_read"]
    else:
        import duckdb
        manifest = json.loads((place / "manifest.json").read_text())["files"]
        con = duckdb.connect(str(db))
        con.execute(f"SET threads = {threads}")
        con.execute("BEGIN")
        rows = 0
        for i, entry in enumerate(manifest):
            path = place / entry["path"]
            reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
            con.execute(f"CREATE TABLE t{i} AS SELECT * FROM {reader}('{path}')")
            rows += con.execute(f"SELECT count(*) FROM t{i}").fetchall()[0][0]
        con.execute("COMMIT")
        con.close()
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024
    from joinedup.ingest.fhir import STATS as FHIR  # FHIR resources by the path that read them
    from joinedup.store.vaultcrypt import STATS  # the vault's sealing, timed inside the same run
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb, "cpu": usage.ru_utime + usage.ru_stime,
                      "vault": STATS, "fhir": FHIR}))


def _measure(kind: str, place: Path, work: Path, threads: int) -> dict:
    db = work / f"{kind}.duckdb"
    for p in work.glob(f"{kind}.*"):
        p.unlink()
    env = {**os.environ, "JOINEDUP_KEY": os.environ.get("JOINEDUP_KEY", "benchmark-key-0123456789")}
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--place", str(place), "--db", str(db),
                          "--threads", str(threads)], check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=320_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "joinedup-bench-ingest")
    ap.add_argument("--format", choices=["csv", "parquet"], default=None, help="synth's output format (its default if unset)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--child")
    ap.add_argument("--place", type=Path, help="an existing place (folder with manifest.json) instead of synthesising")
    ap.add_argument("--db", type=Path)
    a = ap.parse_args()
    if a.child:
        _child(a.child, a.place, a.db, a.threads)
        return
    a.work.mkdir(parents=True, exist_ok=True)
    place = a.place or a.work / f"place-{a.people}-{a.seed}{'-' + a.format if a.format else ''}"
    if not (place / "manifest.json").exists():
        shutil.rmtree(place, ignore_errors=True)
        print(f"synthesising {a.people:,} people (seed {a.seed}) into {place} ...", flush=True)
        subprocess.run([sys.executable, "-m", "joinedup", "synth", "--people", str(a.people), "--seed", str(a.seed),
                        "--out", str(place), *(["--format", a.format] if a.format else [])], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    manifest = json.loads((place / "manifest.json").read_text())["files"]
    size_mb = sum((place / e["path"]).stat().st_size for e in manifest) / 1e6
    sys.path.insert(0, str(ROOT))
    from joinedup.ingest.fhir import CROSS_CHECK
    from joinedup.sources import sources
    held = {e["source"] for e in manifest}
    print(f"place: {place}: {len(manifest)} files of {len(held)} of the {len(sources())} sources, "
          f"{sum(e['rows'] for e in manifest):,} rows, {size_mb:.1f} MB; {a.threads} threads, "
          f"{os.cpu_count()} cores on this machine, load average {os.getloadavg()[0]:.1f}")
    ours = _measure("ingest", place, a.work, a.threads)
    floor = _measure("floor", place, a.work, a.threads)
    for name, m in (("joinedup ingest", ours), ("floor: DuckDB copy, no validation", floor)):
        print(f"{name:36s} {m['rows']:>12,} rows {m['seconds']:8.1f} s {m['rows'] / m['seconds']:>12,.0f} rows/s "
              f"peak {m['peak_mb']:,.0f} MB")
    print(f"ratio ingest / floor: {ours['seconds'] / floor['seconds']:.1f}x the time")
    v = ours["vault"]
    print(f"vault encryption (AES-256-GCM per value): {v['sealed']:,} values sealed, {v['opened']:,} opened, "
          f"{v['seconds']:.1f} s ({100 * v['seconds'] / ours['seconds']:.0f}% of the ingest)")
    f = ours["fhir"]
    print(f"FHIR resources: {f['fast']:,} read by the fast check, {f['validated']:,} validated by fhir.resources "
          f"(what it refused, and the first {CROSS_CHECK} of each type per file), {f['rejected']:,} rejected")
    # CPU time is steadier than wall time on a shared machine: compare runs by both
    print(f"cpu seconds (user + system, every thread): joinedup ingest {ours['cpu']:.1f}, floor {floor['cpu']:.1f}")
    if len(held) == len(sources()) and a.people >= 320_000 and a.place is None:
        print(f"target <= 60 s for the 320,000-person place: {'met' if ours['seconds'] <= 60 else 'not met'} "
              f"({ours['seconds']:.1f} s)")
    else:
        print("target (320,000 people, every source) not judged: this place does not hold every source")


if __name__ == "__main__":
    main()
