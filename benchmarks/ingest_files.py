"""Seconds per file of one `joinedup ingest` run, and of its commit: where a load's time goes.

    nice -n 10 /usr/bin/time -v python benchmarks/ingest_files.py PLACE --db STORE.duckdb [--top 15] [--json OUT]

Runs the loader once (the same call as `joinedup ingest PLACE --db STORE`) and times the gaps between
its progress calls: each file's staging, checks and pseudonyms, then the merge and commit after the
last file. Prints the total per kind of file (its folder), the slowest files and the commit, so a
cost that grows with the number of files (a square term) shows as later files of a kind taking
longer than earlier ones (`first half` against `second half` per kind).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path


def main() -> None:
    """Run the load with timing and print the per-file figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--json", type=Path, default=None, help="write every file's seconds here")
    args = ap.parse_args()

    from joinedup.ingest.loader import ingest

    marks: list[tuple[str, float]] = []
    start = time.perf_counter()

    def progress(name: str, _n: int) -> None:
        marks.append((name, time.perf_counter()))

    result = ingest(args.paths, args.db, progress=progress)
    end = time.perf_counter()
    rows = []
    prev = start
    for (name, t), f in zip(marks, result.files):
        kind = str(Path(f.path).parent.relative_to(args.paths[0])) if Path(f.path).is_relative_to(args.paths[0]) else "."
        rows.append({"file": name, "kind": kind, "seconds": round(t - prev, 3), "rows_read": f.rows_read})
        prev = t
    commit = end - prev
    by_kind: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r["seconds"])
    print(f"total {end - start:.1f} s; files {sum(r['seconds'] for r in rows):.1f} s; merge and commit {commit:.1f} s")
    print(f"{'kind':40} {'files':>5} {'seconds':>8} {'first half':>10} {'second half':>11}")
    for kind, secs in sorted(by_kind.items(), key=lambda kv: -sum(kv[1])):
        h = len(secs) // 2
        print(f"{kind:40} {len(secs):5d} {sum(secs):8.1f} {sum(secs[:h]):10.1f} {sum(secs[h:]):11.1f}")
    print("slowest files:")
    for r in sorted(rows, key=lambda r: -r["seconds"])[:args.top]:
        print(f"  {r['seconds']:8.2f} s  {r['rows_read']:>10,} rows  {r['kind']}/{r['file']}")
    if args.json:
        args.json.write_text(json.dumps({"files": rows, "commit_seconds": round(commit, 3),
                                         "total_seconds": round(end - start, 3)}, indent=1))


if __name__ == "__main__":
    main()
