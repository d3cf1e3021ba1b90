"""Against the synthetic place, where the generator knows the true rate.

A small place goes the whole way (synth -> ingest -> link -> measures) and each children's and
education measure is compared with the rate the generator measures on its own truth (the true
person behind every row, before defects are added). The tolerances allow for definitional
detail (ONS mid-year denominators; 12 calendar months against 365 days; bank holidays) and for
duplicates and linkage errors that the extracts carry on purpose.
"""

from __future__ import annotations

import math

import pytest

from joinedup.measures.engine import open_store
from joinedup.measures.runner import run_measures
from joinedup.measures.spec import load_library
from tests.cli_run import cli as _cli

pytestmark = pytest.mark.slow

# (measure id, generator's key, tolerance, relative?)
CASES = [
    ("csc_referral_rate", "referrals_per_10k", 0.12, True),
    ("csc_re_referrals_12m", "re_referral_pct", 4.0, False),
    ("csc_assessments_45_days", "assessments_45wd_pct", 5.0, False),
    ("csc_s47_rate", "s47_per_10k", 0.15, True),
    ("csc_cin_rate", "cin_per_10k", 0.15, True),
    ("csc_cp_plan_rate", "cp_per_10k", 0.25, True),
    ("cla_rate", "cla_per_10k", 0.2, True),
    ("csc_cp_second_plan", "cp_second_plus_pct", 12.0, False),
    ("edu_persistent_absence", "persistent_absence_pct", 2.0, False),
]


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """5,000 people synthesised in process (keeping the generator's truth), ingested and linked."""
    from joinedup.reference import DEFAULT_AREA
    from joinedup.synth.place import build_world, generate_frames, synthesise
    from joinedup.synth.sector_rates import csc_rates, education_rates
    root = tmp_path_factory.mktemp("synthetic_place")
    synthesise(5000, 21, root / "place")
    # The writer releases the clean frames as it writes them, so the generator's own rates come
    # from a second, identical build (same seed, same version: the same people and events).
    world = build_world(5000, 21, DEFAULT_AREA, 2022)
    generate_frames(world, None, {})
    truth = csc_rates(world.events, world) | education_rates(world.events, world)
    store = root / "store.duckdb"
    _cli("ingest", str(root / "place"), "--db", str(store))
    _cli("link", "--db", str(store))
    rows = run_measures(open_store(store), load_library(), "2024-25", measure_ids=[c[0] for c in CASES], threshold=0)
    return truth, {r.measure: r for r in rows}


@pytest.mark.parametrize("measure_id,key,tolerance,relative", CASES)
def test_measure_recovers_the_generators_true_rate(place, measure_id, key, tolerance, relative):
    truth, got = place
    expected, value = truth[key], got[measure_id].value
    assert value is not None and not math.isnan(expected)
    allowed = tolerance * expected if relative else tolerance
    row = got[measure_id]
    if not relative and row.denominator:
        # A few dozen assessments or plans: allow the sampling error of a proportion of that size too.
        p = expected / 100
        allowed = max(allowed, 100 * 1.96 * math.sqrt(p * (1 - p) / row.denominator))
    assert abs(value - expected) <= allowed, f"{measure_id}: {value:.2f} against the true {expected:.2f}"
