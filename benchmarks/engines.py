"""Engine parity at size: the whole measure library on one place, run by DuckDB and by Spark local mode.

    python benchmarks/engines.py                                  # a 50,000-person place, seed 9, by all
    python benchmarks/engines.py --people 50000 --by all,sex      # and by sex
    python benchmarks/engines.py --db STORE.duckdb                # a store already built

Without --db it builds the place (`joinedup synth`, `ingest`, `link`, each its own process) under
--work. Then, for each breakdown, `joinedup measures run --json --suppress-below 0` runs the whole
library with `--engine duckdb` and with `--engine spark` (Spark's first run includes exporting the
store's Parquet snapshot). Nothing is suppressed, so every numerator and denominator is compared as
computed. The two engines must print the same rows (every field: numerators, denominators, values,
intervals, history notes), or the benchmark fails naming the measures that differ. Wall time and the
peak resident memory of each process tree (Spark's JVM included) come from `benchmarks/scale.py`'s
`run_stage`. Results go to stdout and to --out (JSON lines), for docs/engines.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import run_stage  # noqa: E402

_KEY = ("measure", "period", "breakdown", "group")


def build(people: int, seed: int, work: Path) -> Path:
    """synth -> ingest -> link a place into work (once: an existing store is reused)."""
    place, db = work / f"place_{people}_{seed}", work / f"place_{people}_{seed}.duckdb"
    if db.exists():
        return db
    cli = [sys.executable, "-m", "joinedup"]
    for args in (["synth", "--people", str(people), "--seed", str(seed), "--out", str(place), "--force"],
                 ["ingest", str(place), "--db", str(db)], ["link", "--db", str(db)]):
        result = run_stage(cli + args)
        print(f"  {args[0]}: {result['seconds']} s, peak {result['peak_gb']} GB", flush=True)
    return db


def differences(duck: list[dict], spark: list[dict]) -> list[str]:
    """Where two engines' rows differ: a line per measure, period and group that is not identical."""
    d = {tuple(r[k] for k in _KEY): r for r in duck}
    s = {tuple(r[k] for k in _KEY): r for r in spark}
    out = [f"only {name}: {k}" for name, a, b in (("duckdb", d, s), ("spark", s, d)) for k in sorted(a.keys() - b.keys(), key=str)]
    for k in sorted(d.keys() & s.keys(), key=str):
        if d[k] != s[k]:
            fields = [f for f in d[k] if d[k][f] != s[k].get(f)]
            out.append(f"{k}: " + ", ".join(f"{f} {d[k][f]!r} (duckdb) != {s[k][f]!r} (spark)" for f in fields))
    return out


def main() -> None:
    """Run the library on both engines for each breakdown and compare."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--db", type=Path, help="A store already built (skips synth, ingest and link).")
    ap.add_argument("--by", default="all", help="Comma-separated breakdowns (all, sex, age_band, ...).")
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".cache" / "engines")
    ap.add_argument("--out", type=Path, help="JSON lines of the results.")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.db or build(args.people, args.seed, args.work)
    cli = [sys.executable, "-m", "joinedup", "measures", "run", "--db", str(db), "--json", "--suppress-below", "0"]
    results, failed = [], False
    for by in args.by.split(","):
        rows = {}
        for engine in ("duckdb", "spark"):
            path = args.work / f"measures_{db.stem}_{by}_{engine}.json"
            timing = run_stage(cli + ["--by", by, "--engine", engine], path)
            rows[engine] = json.loads(path.read_text())
            results.append({"store": db.name, "by": by, "engine": engine, "rows": len(rows[engine]),
                            "measures": len({r["measure"] for r in rows[engine]}), **timing})
        diff = differences(rows["duckdb"], rows["spark"])
        results[-1]["differences"] = results[-2]["differences"] = len(diff)
        failed |= bool(diff)
        for line in diff[:40]:
            print("  DIFFERS", line)
    print(f"\n{'by':<22} {'engine':<7} {'measures':>8} {'rows':>6} {'seconds':>8} {'peak GB':>8} {'differ':>6}")
    for r in results:
        print(f"{r['by']:<22} {r['engine']:<7} {r['measures']:>8} {r['rows']:>6} {r['seconds']:>8} {r['peak_gb']:>8} "
              f"{r['differences']:>6}")
    if args.out:
        with open(args.out, "a") as fh:
            for r in results:
                fh.write(json.dumps(r) + "\n")
    if failed:
        raise SystemExit("the engines' rows differ")
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"identical rows on both engines ({load})")


if __name__ == "__main__":
    main()
