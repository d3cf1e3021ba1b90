"""Benchmark: the memory of synth's last step alone (the returns: SSDA903, CIN census, CLD, school census, FHIR).

    python benchmarks/synth_returns.py PLACE        # a place written by `joinedup synth` (its returns are rewritten)

Rewrites PLACE/returns and PLACE/truth/return_defects.csv from the place's own extracts, exactly as the last
step of `joinedup synth` does, and prints, after each analyst copy is read, the rows read, the seconds, the
resident memory then and the peak so far (sampled every 0.2 s), then the step's peak and its max RSS. Used in
docs/scale.md ("Synth's returns step in bounded memory").
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import joinedup.synth.returns as returns  # noqa: E402


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize()


def main(argv: list[str] | None = None) -> int:
    """Rewrite the place's returns, printing memory as each copy is read; 0 when done."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("place", type=Path)
    args = ap.parse_args(argv)
    manifest = json.loads((args.place / "manifest.json").read_text())
    manifest.pop("returns", None)
    peak = [0]

    def sample() -> None:
        while True:
            peak[0] = max(peak[0], _rss())
            time.sleep(0.2)
    threading.Thread(target=sample, daemon=True).start()
    read = returns.read_copy

    def timed(out: Path, entry: dict, *rest, **kw):
        t = time.perf_counter()
        got = read(out, entry, *rest, **kw)
        print(f"read {entry['source']:32} {got.height:>11,} rows {time.perf_counter() - t:6.1f} s   "
              f"RSS {_rss() / 2**30:5.2f} GiB   peak so far {peak[0] / 2**30:5.2f} GiB", flush=True)
        return got
    returns.read_copy = timed
    period = manifest["period"]
    t = time.perf_counter()
    returns.write_returns(args.place, manifest, date.fromisoformat(period["start"]), date.fromisoformat(period["end"]))
    print(f"returns: {time.perf_counter() - t:.0f} s, peak {peak[0] / 2**30:.2f} GiB, "
          f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
