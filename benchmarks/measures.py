"""Benchmark: the whole measure library on the 320,000-person place, beside pandas as the peer.

    python benchmarks/measures.py [--db STORE] [--people 320000] [--threads 2]

Without --db it builds the place once (synth -> ingest -> link) under benchmarks/.cache/. It then
times, in one run: the whole library (every measure, the latest complete year, DuckDB with the
given threads), the same three measures in joinedup, and those three measures written the
obvious way in pandas (tables read from the same store into DataFrames, then filtered and merged).
It prints the times, the ratio, and whether the answers agree. Target: whole library <= 20 s on 2 cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from joinedup.measures.engine import open_store  # noqa: E402
from joinedup.measures.periods import financial_year, parse_financial_year  # noqa: E402
from joinedup.measures.runner import default_period, run_measures  # noqa: E402
from joinedup.measures.spec import load_library  # noqa: E402

THREE = ["ae_4_hour_performance", "csc_re_referrals_12m", "nhs_emergency_readmission_30d"]


def build(people: int) -> Path:
    """synth -> ingest -> link into benchmarks/.cache (once)."""
    cache = ROOT / "benchmarks" / ".cache"
    store = cache / f"store-{people}.duckdb"
    if store.exists():
        return store
    place = cache / f"place-{people}"
    run = [sys.executable, "-m", "joinedup"]
    for args in (["synth", "--people", str(people), "--out", str(place), "--force"],
                 ["ingest", str(place), "--db", str(store)], ["link", "--db", str(store)]):
        subprocess.run(run + args, check=True, cwd=ROOT)
    return store


def pandas_peer(db: Path, fy: str) -> dict[str, tuple[int, int]]:
    """The three measures the obvious way: read the tables, join to persons, filter, merge."""
    start = financial_year(parse_financial_year(fy))
    lo, hi = pd.Timestamp(start.start), pd.Timestamp(start.end)
    con = duckdb.connect(str(db), read_only=True)
    link = con.execute("SELECT record_id, person_id FROM person_source_link").df()
    enc = con.execute("SELECT encounter_id, record_id, kind, start_ts, end_ts, ed_minutes, is_emergency, discharge_method FROM encounter").df()
    ref = con.execute("SELECT record_id, referral_date FROM csc_referral").df()
    con.close()
    out = {}
    ed = enc[(enc.kind == "ed_attendance") & enc.ed_minutes.notna()]
    ed = ed[(ed.start_ts.dt.normalize() >= lo) & (ed.start_ts.dt.normalize() <= hi)]
    out["ae_4_hour_performance"] = (int((ed.ed_minutes <= 240).sum()), len(ed))
    ref = ref.merge(link, on="record_id", how="left")
    ref["person_id"] = ref.person_id.fillna(ref.record_id)
    ref["referral_date"] = pd.to_datetime(ref.referral_date)
    ref = ref.sort_values(["person_id", "referral_date"])
    pairs = ref.merge(ref, on="person_id", suffixes=("", "_prev"))
    earlier = pairs[(pairs.referral_date_prev < pairs.referral_date)
                    & (pairs.referral_date_prev >= pairs.referral_date - pd.DateOffset(months=12))]
    cur = ref[(ref.referral_date >= lo) & (ref.referral_date <= hi)]
    hits = cur.reset_index().merge(earlier[["person_id", "referral_date"]].drop_duplicates(), on=["person_id", "referral_date"])
    out["csc_re_referrals_12m"] = (int(hits["index"].nunique()), len(cur))
    sp = enc[enc.kind == "inpatient_spell"].merge(link, on="record_id", how="left")
    sp["person_id"] = sp.person_id.fillna(sp.record_id)
    disc = sp[(sp.end_ts.dt.normalize() >= lo) & (sp.end_ts.dt.normalize() <= hi) & (sp.discharge_method.fillna("") != "4")]
    em = sp[sp.is_emergency.fillna(False).astype(bool)][["person_id", "encounter_id", "start_ts"]]
    m = disc[["person_id", "encounter_id", "end_ts"]].merge(em, on="person_id", suffixes=("", "_re"))
    m = m[(m.start_ts >= m.end_ts) & (m.start_ts < m.end_ts + pd.Timedelta(days=30)) & (m.encounter_id_re != m.encounter_id)]
    out["nhs_emergency_readmission_30d"] = (int(m.encounter_id.nunique()), len(disc))
    return out


def main() -> None:
    """Time the library and the peer; print figures and the ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--people", type=int, default=320_000)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    db = args.db or build(args.people)
    lib = load_library()
    engine = open_store(db, args.threads)
    fy = default_period(engine)
    people = duckdb.connect(str(db), read_only=True).execute("SELECT COUNT(*) FROM person").fetchone()[0]
    t0 = time.perf_counter()
    rows = run_measures(engine, lib, fy, threshold=0)
    whole = time.perf_counter() - t0
    engine3 = open_store(db, args.threads)
    t0 = time.perf_counter()
    ours = {r.measure: (r.numerator, r.denominator) for r in run_measures(engine3, lib, fy, measure_ids=THREE, threshold=0)}
    three = time.perf_counter() - t0
    t0 = time.perf_counter()
    peer = pandas_peer(db, fy)
    peer_t = time.perf_counter() - t0
    print(f"store: {db} ({people:,} persons), period {fy}, DuckDB threads {args.threads}")
    print(f"whole library: {len(lib)} measures, {len(rows)} rows in {whole:.1f} s (target <= 20 s)")
    print(f"three measures ({', '.join(THREE)}): joinedup {three:.2f} s, pandas {peer_t:.2f} s, "
          f"ratio pandas/joinedup {peer_t / three:.1f}x")
    for k in THREE:
        print(f"  {k}: joinedup {ours[k]}, pandas {peer[k]}, {'agree' if tuple(ours[k]) == peer[k] else 'DIFFER'}")


if __name__ == "__main__":
    main()
