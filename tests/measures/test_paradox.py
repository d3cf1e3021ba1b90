"""The paradox lens on a hand-made store with known trends."""

from __future__ import annotations

from joinedup.measures.engine import StoreEngine
from joinedup.measures.paradox import paradoxes
from joinedup.measures.runner import coverage, default_period
from joinedup.measures.spec import load_library
from tests.measures.spec_store import three_year_store


def test_process_improving_while_outcome_stalls_is_flagged():
    engine = StoreEngine(three_year_store().con)
    years = coverage(engine)
    assert years == ["2022-23", "2023-24", "2024-25"] and default_period(engine) == "2024-25"
    found = {(p.process.measure, p.outcome.measure): p for p in paradoxes(engine, load_library(), years)}
    pair = found[("ae_4_hour_performance", "nhs_emergency_readmission_30d")]
    assert pair.process.values == [60.0, 75.0, 90.0]
    # Readmissions: 40 of 440 discharges each year (the readmission spells are discharges too).
    # The store ends in March 2025, so 2024-25's discharges lack their 30 days of follow-up: that
    # year is left out of the outcome's trend and named, never compared as if complete.
    assert pair.outcome.values == [round(100 * 40 / 440, 4)] * 2
    assert pair.outcome.history_missing == ["2024-25"] and "2024-25 left out" in pair.sentence
    assert pair.process.direction == "improving" and pair.outcome.direction == "stalled"
    assert pair.flagged and "Cochran-Armitage" in pair.test
    assert pair.sentence.startswith("A&E attendances seen within 4 hours improved (60.0% to 90.0%, 2022-23 to 2024-25; trend p < 0.001)")
    # Pairs without data cannot be judged and are not flagged.
    empty = found[("csc_assessments_45_days", "csc_re_referrals_12m")]
    assert not empty.flagged and "cannot be compared" in empty.sentence


def test_trend_test_runs_on_unsuppressed_counts_only():
    engine = StoreEngine(three_year_store().con)
    found = {p.process.measure: p for p in paradoxes(engine, load_library(), ["2022-23", "2023-24", "2024-25"],
                                                   threshold=1000)}
    # A threshold above every count hides the numbers, so no trend is claimed.
    assert found["ae_4_hour_performance"].process.trend is None
    assert not found["ae_4_hour_performance"].flagged


def test_trend_service_gives_one_measure_over_every_complete_year():
    from joinedup.measures import api
    s = api.trend(three_year_store().con, "ae_4_hour_performance")
    assert s.periods == ["2022-23", "2023-24", "2024-25"] and s.values == [60.0, 75.0, 90.0]
    assert s.direction == "improving" and s.trend is not None
