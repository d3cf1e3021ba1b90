"""Households that share an address: the synthetic place now, and the draw it used before.

    python benchmarks/address_collisions.py --people 5000,20000 --simulate 320000,1000000

Before issue 16's fix, `joinedup.synth.population._addresses` gave each household a postcode in
its LSOA and a house number drawn from 1-180, independently of every other household: two homes
in one postcode (one street) could draw the same number, so unrelated people shared an address and
linkage made them one household family. Now one `AddressBook` serves the whole place and no two
households share an address.

For each size in --people the place's world is built (`build_world`, seed 1) and the script counts
households at an address another household also has: in the world as built now, and with the old
draw (the same households' postcodes, numbers drawn again from 1-180 each on its own). For each size
in --simulate (too big to build on a shared machine) it draws the old way for people x the
households per person of the largest built world, each household in a uniformly chosen LSOA (the
place balances LSOA populations) and a uniformly chosen postcode of it, as `_addresses` does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def shared(postcode_index: np.ndarray, number: np.ndarray) -> int:
    """Households whose (postcode, number) another household also holds."""
    _, counts = np.unique(postcode_index.astype(np.int64) * 1000 + number, return_counts=True)
    return int(counts[counts > 1].sum())


def main() -> None:
    """Print, per size, households and those at a shared address (now and with the old draw)."""
    from joinedup.reference import DEFAULT_AREA
    from joinedup.synth.build import build_world
    from joinedup.synth.population import area_geography

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", default="5000,20000", help="Sizes to build (keep to 20,000 on a shared machine).")
    ap.add_argument("--simulate", default="320000,1000000", help="Sizes whose old draw is simulated only.")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    geo = area_geography(DEFAULT_AREA)
    where = {p: i for i, p in enumerate(geo.postcode.tolist())}
    rng = np.random.default_rng(args.seed)
    print(f"{'people':>10} {'households':>10} {'shared now':>10} {'shared, old draw':>17}  how")
    per_person = None
    for n in (int(x) for x in args.people.split(",") if x):
        h = build_world(n, args.seed).households
        now = h.height - h.group_by("postcode", "address").len().filter(pl.col("len") == 1).height
        pc = np.array([where[p] for p in h["postcode"].to_list()])
        old = shared(pc, rng.integers(1, 181, len(pc)))
        per_person = h.height / n
        print(f"{n:>10,} {h.height:>10,} {now:>10,} {old:>10,} ({old / h.height:.1%})  built")
    for n in (int(x) for x in args.simulate.split(",") if x):
        if per_person is None:
            raise SystemExit("give at least one --people size to build (it sets households per person)")
        k = round(n * per_person)
        lsoa = rng.integers(0, len(geo.lsoa), k)
        pc = geo.pc_lsoa_start[lsoa] + (rng.random(k) * geo.pc_count[lsoa]).astype(np.int64)
        old = shared(pc, rng.integers(1, 181, k))
        print(f"{n:>10,} {k:>10,} {'0':>10} {old:>10,} ({old / k:.1%})  simulated")


if __name__ == "__main__":
    main()
