"""Print the children's, education and workforce rates of a synthetic place beside the published figures.

    python scripts/sector_rates.py --people 320000 --seed 7

Builds the place in memory (no files written), runs every sector generator and measures back each
calibrated rate with joinedup.synth.sector_rates. The figures in docs/synth_sectors.md come from it.
"""

from __future__ import annotations

import argparse
import time

import polars as pl

from joinedup.synth.build import build_world
from joinedup.synth.place import generate_frames
from joinedup.synth.sector_rates import csc_rates, education_rates, workforce_rates

PUBLISHED = {
    "referrals_per_10k": "480 (LAIT Dudley 2024-25)", "re_referral_pct": "22.5 (LAIT Dudley 2024-25)",
    "assessments_45wd_pct": "77.3 Dudley / 85.7 England", "s47_per_10k": "184 (LAIT Dudley)",
    "cin_per_10k": "343.5 (LAIT Dudley)", "cp_per_10k": "33.3 (LAIT Dudley)", "cp_second_plus_pct": "~22 (DfE)",
    "cp_ending_2y_pct": "3.9 Dudley / 4.4 England", "cla_per_10k": "81 (LAIT Dudley)",
    "cla_fostered_pct": "~70 (DfE CLA)", "cla_residential_pct": "12-15", "cla_3plus_placements_pct": "7-10 (LAIT)",
    "cla_long_term_stability_pct": "62 / 66 (LAIT Dudley 2024 / 2025)", "care_leavers_19_21_eet_pct": "50 (LAIT Dudley)", "fsm_pct": "~25 (DfE 2025: 25.7)",
    "sen_support_pct": "~13 (DfE 2024: 13.6)", "ehc_plan_pct": "4-5 (DfE 2024: 4.8)", "absence_pct": "7.1 (DfE 2023/24)",
    "persistent_absence_pct": "20.0 (DfE 2023/24)", "persistent_absence_cin_pct": "much higher (~45, assumption)",
    "suspensions_per_100": "11.31 (DfE 2023/24)", "permanent_per_100": "0.13 (DfE 2023/24)",
    "turnover_care_worker_pct": "28.5 (Skills for Care 2024-25)", "turnover_registered_manager_pct": "17 (SfC)",
    "turnover_asc_registered_nurse_pct": "~33 (Nuffield Trust)", "turnover_asc_all_pct": "23.1 (SfC)",
    "care_worker_median_hourly": "12.00 (SfC 2024-25)", "csw_agency_pct": "13.0 England / 14.5 Dudley",
    "turnover_csw_pct": "11.8 England / 34.9 Dudley",
}


def main() -> None:
    """Build, generate, measure and print."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=320_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    started = time.perf_counter()
    world = build_world(args.people, args.seed)
    frames = generate_frames(world)
    census = frames["education.school_census"]
    frames["_cin_upns"] = census.filter(pl.col("_person_id").is_in(frames["csc.cin_episodes"]["_person_id"].implode()))["UPN"].unique()
    print(f"{args.people:,} people, seed {args.seed}, built in {time.perf_counter() - started:.1f} s; last year of the period")
    for title, rates in (("children's social care", csc_rates(frames, world)), ("education", education_rates(frames, world)),
                         ("workforce", workforce_rates(frames, world))):
        print(f"\n{title}")
        for k, v in rates.items():
            print(f"  {k:32s} {float(v):10.2f}   {PUBLISHED.get(k, '')}")


if __name__ == "__main__":
    main()
