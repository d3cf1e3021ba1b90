"""Disclosure control at the one exit, and the interval and trend methods against published values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.store.disclosure import Cell, DisclosurePolicy
from joinedup.measures.stats import byar, mean_ci, trend, wilson


def protect(total, groups, shape, threshold=7):
    """The store's policy at a given threshold."""
    return DisclosurePolicy(threshold).protect(total, groups, shape)


def test_counts_1_to_7_suppressed_zero_and_8_not():
    total, groups = protect(Cell("all", 100, None), [Cell("a", 0, None), Cell("b", 7, None), Cell("c", 8, None),
                                                     Cell("d", 85, None)], "count")
    shown = {g.group: g for g in groups}
    assert shown["b"].suppressed and shown["b"].numerator is None
    assert not shown["a"].suppressed and shown["a"].numerator == 0
    # One hidden cell could be recovered from the total: the next smallest non-zero goes too.
    assert shown["c"].suppressed and not shown["d"].suppressed and not total.suppressed


def test_proportion_complement_is_as_disclosive_as_the_numerator():
    total, _ = protect(Cell("all", 95, 100), [], "proportion")
    assert total.suppressed and total.numerator is None and total.denominator is None


def test_population_denominators_alone_do_not_suppress_a_rate():
    total, _ = protect(Cell("all", 50, 3), [], "rate")
    assert not total.suppressed


def test_threshold_is_configurable():
    total, _ = protect(Cell("all", 9, None), [], "count", threshold=10)
    assert total.suppressed
    total, _ = protect(Cell("all", 9, None), [], "count", threshold=0)
    assert not total.suppressed


@given(st.lists(st.integers(0, 40), min_size=2, max_size=8), st.integers(1, 10))
def test_no_suppressed_cell_can_be_recovered_from_the_total(counts, k):
    cells = [Cell(str(i), c, None) for i, c in enumerate(counts)]
    total, out = protect(Cell("all", sum(counts), None), cells, "count", threshold=k)
    hidden = [g for g in out if g.suppressed]
    assert all(not (0 < (g.numerator or 0) <= k) for g in out if not g.suppressed)
    if not total.suppressed:
        assert len(hidden) != 1
    assert all(g.numerator is None and g.denominator is None for g in hidden)


def test_wilson_matches_published_example():
    # Newcombe (1998) example: 81 of 263 -> 0.2553 to 0.3662.
    lo, hi = wilson(81, 263)
    assert lo == pytest.approx(0.2553, abs=1e-4) and hi == pytest.approx(0.3662, abs=1e-4)
    assert wilson(0, 10)[0] == 0.0


def test_byar_is_close_to_the_exact_poisson_interval():
    # Byar's approximation for 10 events (worked by hand): 4.7875 to 18.3916; within 0.01 of the
    # exact Poisson limits 4.7954 to 18.3904, which is why PHE/OHID use it.
    lo, hi = byar(10)
    assert lo == pytest.approx(4.7875, abs=1e-3) and hi == pytest.approx(18.3916, abs=1e-3)
    assert abs(lo - 4.7954) < 0.01 and abs(hi - 18.3904) < 0.01
    assert byar(0)[0] == 0.0


def test_mean_ci_is_the_t_interval():
    values = [2.0, 4.0, 6.0]
    lo, hi = mean_ci(sum(values), 3, sum(v * v for v in values))
    assert (lo + hi) / 2 == pytest.approx(4.0) and hi - 4.0 == pytest.approx(4.303 * 2 / math.sqrt(3), rel=1e-3)


def test_trend_in_proportions_matches_cochran_armitage():
    # Rising 10%, 20%, 30% of 200 each: strongly significant upward trend of 10 points a year.
    t = trend("proportion", [20, 40, 60], [200, 200, 200])
    assert t.slope == pytest.approx(10.0) and t.p_value < 1e-6
    assert t.direction("higher_is_better") == "improving" and t.direction("lower_is_better") == "worsening"
    flat = trend("proportion", [20, 21, 20], [200, 200, 200])
    assert flat.direction("higher_is_better") == "stalled" and flat.p_value > 0.5


def test_trend_in_rates_and_means():
    t = trend("rate", [100, 150, 200], [10000, 10000, 10000])
    assert t.p_value < 1e-4 and t.slope > 0
    m = trend("mean", [400.0, 420.0, 440.0], [100, 100, 100], [400 * 4 + 100 * 16 * 0 + 1700, 1900, 2100])
    assert m.slope == pytest.approx(0.2, abs=1e-6)


def test_normal_quantile_and_tail_agree_with_scipy():
    """Z95 and the two-sided normal p-value (computed without importing scipy.stats) are scipy's."""
    from scipy.stats import norm

    from joinedup.measures import stats as ms
    assert ms.Z95 == float(norm.ppf(0.975))
    for z in (0.0, 0.5, 1.96, -3.0, 8.0, 20.0):
        assert math.isclose(ms._p(z), float(2 * norm.sf(abs(z))), rel_tol=1e-12, abs_tol=1e-300)
