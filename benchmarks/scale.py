"""Scale benchmark: each stage at each size, DuckDB against Spark local mode where both run the stage.

    python benchmarks/scale.py --people 3000,20000                 # what finishes on a shared 2-core machine
    python benchmarks/scale.py --people 320000,1000000,5000000     # the issue's sizes (a quiet, large machine)
    python benchmarks/scale.py --people 20000 --spark-master spark://host:7077

Per size: `joinedup synth --format parquet`, `ingest`, `link` (DuckDB: the only engine that writes a
store) and its quality against the place's truth (`link evaluate --json`: pairwise F1, family
precision and recall, reported on the link row), then `measures run` over the whole library with `--engine duckdb` and with `--engine spark` (the peer, in
the same run, on the same store; Spark's first run includes exporting the store's Parquet snapshot).
Each stage runs as its own process; its peak memory is the largest sum of resident memory over the
process and all its children (Spark's JVM included), sampled every 0.2 s from /proc; its CPU seconds
are the larger of the kernel's count for the process and the children it waited for, and the sum of every
process sampled in its tree (a JVM that PySpark starts is not waited for) (user + system). Records per
second divides the place's person records (rows of person_record) by the stage's wall time. Both
measure runs must print the same JSON rows, or the benchmark fails. Results go to stdout (a table)
and to --out (JSON lines), for docs/scale.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> tuple[int, dict[int, int]]:
    """Resident bytes of a process and all its descendants, and each one's CPU clock ticks so far (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        p = int(entry)
        children.setdefault(int(fields[1]), []).append(p)
        rss[p] = int(fields[21]) * PAGE
        ticks[p] = int(fields[11]) + int(fields[12])  # utime + stime of the process itself
    total, seen, todo = 0, {}, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        seen[p] = ticks.get(p, 0)
        todo += children.get(p, [])
    return total, seen


def run_stage(cmd: list[str], stdout_path: Path | None = None) -> dict:
    """Run one command; its wall time and the peak resident memory of its process tree."""
    print("$", " ".join(cmd), flush=True)
    out = open(stdout_path, "w") if stdout_path else subprocess.DEVNULL
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
    peak = 0
    ticks: dict[int, int] = {}  # each process of the tree: its CPU ticks when last sampled
    while proc.poll() is None:
        rss, seen = _tree(proc.pid)
        peak = max(peak, rss)
        ticks.update(seen)
        time.sleep(0.2)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # the larger of what the kernel counted for the waited-for process (and the children it waited for) and the sum
    # over every process sampled in its tree: a JVM that PySpark starts and never waits for is only in the second
    waited = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(waited, sum(ticks.values()) / TICKS)
    err = proc.stderr.read()
    if stdout_path:
        out.close()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip().splitlines()[-1] if err.strip() else ''}")
    return {"seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "peak_gb": round(peak / 2**30, 2)}


def person_records(db: Path) -> int:
    """Rows of person_record in the store."""
    from joinedup.store import Store
    with Store.open(db, "analysis") as store:
        return int(store.fetchall("SELECT COUNT(*) FROM person_record")[0][0])


def bench(people: int, work: Path, seed: int, spark_master: str | None) -> list[dict]:
    """Every stage at one size; one row per stage and engine."""
    cli = [sys.executable, "-m", "joinedup"]
    place, db = work / f"place_{people}", work / f"place_{people}.duckdb"
    rows = []

    from joinedup.store.memory import engine_memory_limit
    stage_env = {"ingest": "JOINEDUP_INGEST_MEMORY", "link": "JOINEDUP_LINK_MEMORY", "measures": None}

    def row(stage: str, engine: str, result: dict) -> None:
        # the engine memory limit the stage ran within (DuckDB stages; synth and Spark take none)
        limit = engine_memory_limit(stage_env[stage]) if engine == "duckdb" else None
        rows.append({"people": people, "stage": stage, "engine": engine, "memory_limit": limit, **result})

    row("synth", "numpy", run_stage(cli + ["synth", "--people", str(people), "--seed", str(seed), "--out", str(place),
                                           "--format", "parquet", "--force"]))
    row("ingest", "duckdb", run_stage(cli + ["ingest", str(place), "--db", str(db)]))
    row("link", "duckdb", run_stage(cli + ["link", "--db", str(db)]))
    quality = work / f"evaluate_{people}.json"
    run_stage(cli + ["link", "evaluate", "--db", str(db), "--truth", str(place / "truth"), "--json"], quality)
    q = json.loads(quality.read_text())
    rows[-1].update(f1=round(q["pairwise"]["f1"], 4), family_precision=round(q["families"]["precision"], 4),
                    family_recall=round(q["families"]["recall"], 4))
    outputs = {}
    for engine in ("duckdb", "spark"):
        extra = ["--spark-master", spark_master] if engine == "spark" and spark_master else []
        path = work / f"measures_{people}_{engine}.json"
        row("measures", engine, run_stage(cli + ["measures", "run", "--db", str(db), "--json", "--engine", engine] + extra, path))
        outputs[engine] = json.loads(path.read_text())
    if outputs["duckdb"] != outputs["spark"]:
        raise SystemExit(f"measures differ between duckdb and spark at {people:,} people")
    records = person_records(db)
    for r in rows:
        r["records"] = records
        r["records_per_s"] = round(records / r["seconds"]) if r["seconds"] else None
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", default="3000,20000", help="Comma-separated place sizes.")
    ap.add_argument("--work", type=Path, default=Path("bench-scale"), help="Folder for the places and stores.")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--spark-master", default=None, help="Spark master for the Spark peer (default local[*]).")
    ap.add_argument("--out", type=Path, default=None, help="Also write the rows as JSON lines here.")
    ap.add_argument("--memory", default=None,
                    help="JOINEDUP_MEMORY for every stage, e.g. 6GB (default: as set, else 3 GB or half the machine).")
    args = ap.parse_args()
    if args.memory:
        os.environ["JOINEDUP_MEMORY"] = args.memory  # inherited by every stage's process
    args.work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    rows = []
    for n in (int(x.replace("_", "")) for x in args.people.split(",")):
        rows += bench(n, args.work, args.seed, args.spark_master)
    print(f"\n{'people':>10} {'stage':<9} {'engine':<7} {'limit':>7} {'seconds':>8} {'CPU s':>8} {'peak GB':>8} "
          f"{'records':>9} {'records/s':>10} {'F1':>7} {'fam P':>7} {'fam R':>7}")
    for r in rows:
        q = [f"{r[k]:>7}" if k in r else f"{'-':>7}" for k in ("f1", "family_precision", "family_recall")]
        print(f"{r['people']:>10,} {r['stage']:<9} {r['engine']:<7} {r['memory_limit'] or '-':>7} {r['seconds']:>8} "
              f"{r['cpu_seconds']:>8} {r['peak_gb']:>8} {r['records']:>9,} {r['records_per_s']:>10,} {' '.join(q)}")
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


if __name__ == "__main__":
    main()
