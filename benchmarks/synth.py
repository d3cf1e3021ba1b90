"""Benchmark `joinedup synth`: wall seconds, people per second and peak memory for N people.

    python benchmarks/synth.py --people 320000
    python benchmarks/synth.py --people 1000000

Targets (issue 2, 2 cores): 320,000 people with every extract <= 60 s; 1,000,000 <= 4 minutes within 6 GB.
Peak memory is the process's maximum resident set size (resource.getrusage), which counts the
native memory of polars and numpy. The peer is the I/O floor measured in the same run: reading
every extract the run wrote and writing it again, with polars, in the same format.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl

from joinedup.synth.place import synthesise

TARGETS = {320_000: (60.0, None), 1_000_000: (240.0, 6.0)}


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # Linux reports KiB


def main() -> None:
    """Run one synthesis and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=320_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", default="parquet", choices=["parquet", "csv"])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "place"
        started = time.perf_counter()
        result = synthesise(args.people, args.seed, out, args.format)
        wall = time.perf_counter() - started
        peak = _peak_gb()
        rows = sum(f["rows"] for f in result.manifest["files"])
        started = time.perf_counter()
        for f in result.manifest["files"]:
            path = out / f["path"]
            df = pl.read_csv(path, infer_schema=False) if args.format == "csv" else pl.read_parquet(path)
            target = Path(tmp) / "peer" / f["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            df.write_csv(target) if args.format == "csv" else df.write_parquet(target, compression="zstd")
        peer = time.perf_counter() - started
    print(f"people            {args.people:,} (at the start; {result.manifest['people_ever']:,} in the period)")
    print(f"extract rows      {rows:,} in {len(result.manifest['files'])} files ({args.format})")
    print(f"wall seconds      {wall:.1f}")
    print(f"people per second {args.people / wall:,.0f}")
    print(f"peak memory       {peak:.2f} GB (max RSS)")
    print("steps             " + ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items()))
    print(f"peer (I/O floor: re-read and re-write every extract) {peer:.1f} s; synth / peer = {wall / max(peer, 1e-9):.1f}x")
    target = TARGETS.get(args.people)
    if target:
        secs, gb = target
        ok = wall <= secs and (gb is None or peak <= gb)
        print(f"target            <= {secs:.0f} s" + (f", <= {gb:.0f} GB" if gb else "") + (": met" if ok else ": NOT met"))


if __name__ == "__main__":
    main()
