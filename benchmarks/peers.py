"""Speed of the peers stage: import and comparison, each beside a peer measured in the same run.

Peers: for the import, DuckDB copying the same LAIT Parquet into a table with no parsing (the
floor for any import); for the comparison, one indexed-free scan of peer_value for the place's
rows of one measure (the floor for any per-measure query). Run: python benchmarks/peers.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import duckdb

from joinedup.peers.areas import data_dir
from joinedup.peers.compare import compare
from joinedup.peers.importer import import_published


def _timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Print the figures and the ratios."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.duckdb"
        ours = _timed(lambda: import_published(store))
        lait = data_dir() / "children_lait.parquet"

        def copy_only() -> None:
            with duckdb.connect(str(Path(tmp) / "copy.duckdb")) as con:
                con.execute(f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet('{lait}')")

        floor = _timed(copy_only)
        print(f"import (647,488 values, 7 files): {ours:.2f} s; DuckDB copy of the LAIT file alone: {floor:.2f} s; "
              f"ratio {ours / floor:.1f}x")
        one = _timed(lambda: compare(store, "E08000027"))

        def scans() -> None:
            with duckdb.connect(str(store), read_only=True) as con:
                for _ in range(22):
                    con.execute("SELECT * FROM peer_value WHERE measure_id = 'LAC' AND area_code = 'E08000027'").fetchall()

        scan = _timed(scans)
        print(f"compare, 22 headline measures, one council: {one:.2f} s; 22 single-measure scans: {scan:.3f} s; "
              f"ratio {one / scan:.1f}x")


if __name__ == "__main__":
    main()
