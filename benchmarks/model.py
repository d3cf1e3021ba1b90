"""Benchmark: an ensemble of the linked models against PySD running the same model exported as XMILE.

    python benchmarks/model.py [--runs 10000] [--years 5] [--pysd-runs 3]

joinedup advances all runs together as numpy arrays (weekly Euler steps, outputs kept every 4
weeks as `joinedup simulate` does). PySD runs the exported XMILE of the same linked system one
run at a time; a few runs are timed and its runs/s extrapolated. Targets (issue 6): 10,000 runs
in <= 10 s on 2 cores, and >= 500x PySD's runs/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from joinedup.model.catalogue import flat_model
from joinedup.model.compile import compile_model
from joinedup.model.engine import WEEKS_PER_YEAR, integrate, sample
from joinedup.model.simulate import REPORT_EVERY_WEEKS
from joinedup.model.xmile import write_xmile


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--years", type=float, default=5)
    ap.add_argument("--pysd-runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    weeks = a.years * WEEKS_PER_YEAR

    flat = flat_model("system")
    print(f"linked system: {len(flat.stocks)} stocks, {len(flat.flows)} flows, {len(flat.auxes)} auxiliaries, "
          f"{len(flat.params)} parameters; {weeks:g} weekly steps; {os.cpu_count()} cores visible")

    t0 = time.perf_counter()
    c = compile_model(flat)
    t1 = time.perf_counter()
    P = sample(flat, a.runs, a.seed)
    integrate(c, P, {}, runs=a.runs, weeks=weeks, save_every=REPORT_EVERY_WEEKS)
    t2 = time.perf_counter()
    ours = a.runs / (t2 - t1)
    print(f"joinedup: {a.runs:,} runs in {t2 - t1:.2f} s (compile {t1 - t0:.3f} s) = {ours:,.0f} runs/s")

    import pysd
    with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = write_xmile(flat, Path(d) / "system.xmile", weeks=weeks)
        t3 = time.perf_counter()
        m = pysd.read_xmile(str(path))
        t4 = time.perf_counter()
        columns = list(flat.indicators)
        m.run(return_columns=columns)  # warm-up: first run pays for imports and caches
        t5 = time.perf_counter()
        for _ in range(a.pysd_runs):
            m.run(return_columns=columns)
        t6 = time.perf_counter()
    theirs = a.pysd_runs / (t6 - t5)
    print(f"PySD {pysd.__version__}: translate {t4 - t3:.2f} s; {a.pysd_runs} runs in {t6 - t5:.2f} s = "
          f"{theirs:.2f} runs/s (10,000 runs would take {a.runs / theirs / 60:,.0f} min)")
    ratio = ours / theirs
    print(f"ratio: joinedup {ratio:,.0f}x PySD runs/s")
    scaled = (t2 - t1) * 10_000 / a.runs
    print(f"targets: 10,000 runs <= 10 s: {scaled:.2f} s {'met' if scaled <= 10 else 'NOT met'}; "
          f">= 500x PySD: {'met' if ratio >= 500 else 'NOT met'}")


if __name__ == "__main__":
    main()
