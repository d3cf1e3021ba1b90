"""How much of a rise in re-referrals is missing history: the measure each year, and the latest year
recomputed with its look-back cut as the first year's was.

    python scripts/lookback_effect.py --db STORE

Prints, for each financial year: joinedup's `csc_re_referrals_12m` (numerator, denominator, value, its
look-back status), and for the latest year the same figure counting only earlier referrals made on
or after the start of the store's first year, as if its history began when the first year's did.
The gap between the two is what missing history alone takes off a year's figure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from joinedup.measures.engine import open_store  # noqa: E402
from joinedup.measures.periods import financial_year, parse_financial_year  # noqa: E402
from joinedup.measures.runner import coverage, run_measures  # noqa: E402
from joinedup.measures.spec import load_library  # noqa: E402


def _truncated(engine, fy: str) -> tuple[int, int]:
    """Re-referrals in fy counting only earlier referrals made since fy began (the first year's look-back)."""
    year = financial_year(parse_financial_year(fy))
    # The first year's look-back reached back to its own start only (the data begin there, but for a
    # few older referrals still open), so a referral made k days into it could see k days of history.
    rows = engine.store.fetchall(f"""
        WITH r AS (SELECT COALESCE(l.person_id, c.record_id) AS pid, c.referral_date AS d
                   FROM csc_referral c LEFT JOIN person_source_link l USING (record_id))
        SELECT COUNT(*) AS n,
               COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM r AS p WHERE p.pid = r.pid AND p.d < r.d
                                              AND p.d >= r.d - INTERVAL 12 MONTH
                                              AND p.d >= DATE '{year.start.isoformat()}')) AS k
        FROM r WHERE r.d BETWEEN DATE '{year.start.isoformat()}' AND DATE '{year.end.isoformat()}'""")
    n, k = rows[0]
    return int(k), int(n)


def main() -> None:
    """Print the re-referral series and the latest year with a truncated look-back."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    args = ap.parse_args()
    engine = open_store(args.db)
    years = coverage(engine)
    lib = load_library()
    for fy in years:
        r = run_measures(engine, lib, fy, measure_ids=["csc_re_referrals_12m"], threshold=0)[0]
        print(f"{fy}: {r.numerator}/{r.denominator} = {r.value:.1f}%  history: {r.history}")
    k, n = _truncated(engine, years[-1])
    full = run_measures(engine, lib, years[-1], measure_ids=["csc_re_referrals_12m"], threshold=0)[0]
    print(f"{years[-1]} with history only from its own start (as {years[0]} had): {k}/{n} = {100 * k / n:.1f}% "
          f"(full history: {full.value:.1f}%; missing history takes off {full.value - 100 * k / n:.1f} points)")


if __name__ == "__main__":
    main()
