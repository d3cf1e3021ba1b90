"""The plain-English wording: formatted figures and the sentence for each kind of result."""

from __future__ import annotations

import pytest

from joinedup.peers.text import fmt, ofsted_sentence, ordinal, sentence, stands_out


def _block(**over):
    block = {
        "id": "M", "short": "Re-referrals", "unit": "% of referrals", "polarity": "low",
        "latest": {"period": "2025", "value": 27.6},
        "neighbour_summary": {"with_value": 10, "of": 10, "median": 22.9, "min": 19.3, "max": 28.2},
        "england": {"value": 24.5, "period": "2025", "basis": "England"},
        "rank": {"position": 8, "of": 11, "order": "1 = best (lower is better)"},
        "direction": {"label": "improving", "periods": ["2023", "2024", "2025"], "change": -1.5, "rule": ""},
        "significance": {"method": "binomial funnel", "band": "above_95", "verdict": "worse", "target": 22.8,
                         "overdispersion": {"phi": 2.8, "band": "within", "verdict": "not different"}, "note": None},
    }
    block.update(over)
    return block


@pytest.mark.parametrize("value,unit,text", [(22.5, "% of referrals", "22.5%"), (479.7, "Rate per 10,000", "479.7 per 10,000"),
                                             (3846.98, "rate", "3,847"), (0.44, "score", "0.440"), (None, "%", "not published"),
                                             (34.9, "Turnover rate", "34.9%")])
def test_fmt(value, unit, text):
    assert fmt(value, unit) == text


@pytest.mark.parametrize("n,text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (12, "12th"), (22, "22nd"), (103, "103rd")])
def test_ordinal(n, text):
    assert ordinal(n) == text


def test_worse_beyond_the_funnel_limit_and_the_spread():
    text = sentence("Dudley", _block())
    assert text.startswith("Re-referrals: 27.6% in 2025, against a median of 22.9% among its neighbours (range 19.3% to 28.2%)")
    assert "beyond the 95% funnel limit), which is worse, since lower is better." in text
    assert "vary 2.8 times as much as chance alone would give; allowing for that, Dudley is within their usual spread." in text
    assert text.endswith("Over 2023 to 2025 it has been improving.")
    assert stands_out(_block()) == "worse"


def test_no_polarity_is_different_not_better():
    block = _block(polarity="none", significance={"method": "poisson funnel", "band": "below_99.8", "verdict": "lower",
                                                  "target": 30.0, "overdispersion": None, "note": None})
    assert "neither is better in itself" in sentence("Dudley", block)
    assert stands_out(block) == "different"


def test_no_denominator_uses_rank():
    sig = {"method": None, "band": None, "verdict": None, "target": None, "overdispersion": None, "note": "no denominator"}
    worst = _block(polarity="high", rank={"position": 11, "of": 11, "order": ""}, significance=sig)
    assert "It ranks 11th of 11 with its neighbours (worst); with no published denominator, chance cannot be ruled out." in sentence("Dudley", worst)
    assert stands_out(worst) == "worse"
    assert stands_out(_block(polarity="high", rank={"position": 5, "of": 11, "order": ""}, significance=sig)) is None


def test_median_of_councils_is_named_as_such():
    block = _block(england={"value": 78.2, "period": "2022-23", "basis": "median of councils"})
    assert "78.2% for the median English council" in sentence("Dudley", block)


def test_ofsted_sentence():
    text = ofsted_sentence("Dudley", {"overall": "requires improvement", "impact_of_leaders": "requires improvement",
                                      "help_and_protection": "good", "in_care": None,
                                      "care_leavers": "inspection_pre_dates_judgement", "framework": "standard",
                                      "publication_date": "2023-01-13", "inspection_end": "2022-11-11"})
    assert text == ("Ofsted's latest inspection of Dudley's children's services (standard inspection), published 13 January 2023, "
                    "judged overall effectiveness requires improvement (the impact of leaders: requires improvement; "
                    "help and protection: good).")
    assert "No Ofsted inspection" in ofsted_sentence("Dudley", None)


def test_rate_range_says_the_unit_once():
    block = _block(unit="Rate per 10,000", latest={"period": "2025", "value": 479.7},
                   neighbour_summary={"with_value": 10, "of": 10, "median": 607.8, "min": 304.1, "max": 934.4},
                   significance={"method": "poisson funnel", "band": "below_99.8", "verdict": "lower", "target": 532.2,
                                 "overdispersion": {"phi": 643.84, "band": "within", "verdict": "not different"}, "note": None})
    text = sentence("Dudley", block)
    assert "(range 304.1 to 934.4 per 10,000)" in text
    assert "vary 644 times as much" in text
