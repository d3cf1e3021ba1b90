"""Funnel limits, rank by polarity and the direction-of-travel rule."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.peers.funnel import band, limits
from joinedup.peers.specs import Denominator
from joinedup.peers.stats import denominator_for, direction, rank_among


@given(st.floats(min_value=0.01, max_value=0.99), st.integers(min_value=5, max_value=200_000))
def test_binomial_limits_bracket_the_target_and_nest(p, n):
    lo95, hi95 = limits("binomial", p, n, 0.95)
    lo998, hi998 = limits("binomial", p, n, 0.998)
    assert lo998 <= lo95 <= p + 1e-9 and p - 1e-9 <= hi95 <= hi998
    assert 0 <= lo998 and hi998 <= 1


def test_binomial_limits_close_to_normal_for_large_n():
    lo, hi = limits("binomial", 0.2, 10_000, 0.95)
    half = 1.959964 * math.sqrt(0.2 * 0.8 / 10_000)
    assert lo == pytest.approx(0.2 - half, abs=2e-4) and hi == pytest.approx(0.2 + half, abs=2e-4)


def test_poisson_limits_narrow_as_population_grows():
    widths = [limits("poisson", 0.008, n, 0.998) for n in (5_000, 50_000, 500_000)]
    spans = [hi - lo for lo, hi in widths]
    assert spans[0] > spans[1] > spans[2]
    lo, hi = limits("poisson", 0.008, 500_000, 0.95)
    half = 1.959964 * math.sqrt(0.008 / 500_000)
    assert lo == pytest.approx(0.008 - half, rel=2e-3) and hi == pytest.approx(0.008 + half, rel=2e-3)


def test_bands():
    assert band("binomial", 0.2, 3412, 0.2) == "within"
    assert band("binomial", 0.2, 3412, 0.215) == "above_95"
    assert band("binomial", 0.2, 3412, 0.23) == "above_99.8"
    assert band("binomial", 0.2, 3412, 0.17) == "below_99.8"
    assert band("binomial", 0.2, 3412, 0.18) == "below_95"


@pytest.mark.parametrize("polarity,expected", [("high", (3, 5)), ("low", (3, 5)), ("none", (3, 5))])
def test_rank_middle(polarity, expected):
    assert rank_among(20, [10, 15, 25, 30], polarity) == expected


def test_rank_follows_polarity():
    assert rank_among(30, [10, 15, 25], "high") == (1, 4)
    assert rank_among(30, [10, 15, 25], "low") == (4, 4)
    assert rank_among(30, [10, 30, 25], "high") == (1, 4)  # ties share the better rank


@pytest.mark.parametrize("values,polarity,label", [
    ([20, 21, 22.5], "low", "worsening"),
    ([20, 21, 22.5], "high", "improving"),
    ([20, 19, 20.9], "high", "stable"),         # +4.5% of the first value
    ([100, 90, 80], "none", "decreasing"),
    ([50, 60], "high", "not enough data"),
])
def test_direction_rule(values, polarity, label):
    points = [(str(2020 + i), v) for i, v in enumerate(values)]
    d = direction(points, polarity)
    assert d["label"] == label
    assert "5%" in d["rule"]


def test_denominators():
    assert denominator_for(Denominator(kind="binomial", base="N"), 22.5, {"N": 3412}) == 3412
    assert denominator_for(Denominator(kind="binomial", numerator="K"), 50.0, {"K": 105}) == pytest.approx(210)
    assert denominator_for(Denominator(kind="poisson", per=10000, count="C"), 81.0, {"C": 575}) == pytest.approx(70987.65, rel=1e-6)
    assert denominator_for(Denominator(kind="binomial", base="N"), 22.5, {"N": None}) is None
    with pytest.raises(ValueError):
        Denominator(kind="binomial", count="C")


def test_funnel_curves_surround_the_target_and_narrow_as_the_denominator_grows():
    from joinedup.peers.funnel import curves
    sig = {"method": "binomial funnel", "per": 100, "target": 20.0, "denominator": 400.0,
           "points": [{"denominator": 100.0, "value": 25.0}, {"denominator": 1000.0, "value": 18.0}]}
    c = curves(sig, points=50)
    assert len(c["n"]) == 50 and c["n"][0] == 50.0 and c["n"][-1] == 1200.0
    for cov in ("95", "99.8"):
        lo, hi = c["limits"][cov]["lower"], c["limits"][cov]["upper"]
        assert all(a < 20.0 < b for a, b in zip(lo, hi))
        assert hi[0] - lo[0] > hi[-1] - lo[-1]
    assert c["limits"]["99.8"]["upper"][0] > c["limits"]["95"]["upper"][0]
    assert curves({**sig, "points": []}) is None
