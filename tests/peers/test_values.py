"""Published cell values and period labels: marks become a status and reason, never zero."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.peers.values import MARKS, parse_value, period_end


@pytest.mark.parametrize("mark,status", [("c", "suppressed"), ("x", "suppressed"), ("-", "missing"), ("..", "missing"),
                                         ("z", "not_applicable"), (":", "missing"), ("", "missing"), ("low", "suppressed")])
def test_marks_are_not_zero(mark, status):
    parsed = parse_value(mark)
    assert parsed.value is None
    assert parsed.status == status
    assert parsed.reason and parsed.reason.startswith(mark or "blank")


def test_numbers_as_published():
    assert parse_value("9.3699999999999992").value == pytest.approx(9.37)
    assert parse_value(" 1,234 ").value == 1234.0
    assert parse_value("0").value == 0.0 and parse_value("0").status == "value"
    assert parse_value("12.5%").value == 12.5
    assert parse_value(None).status == "missing"
    assert parse_value(float("nan")).value is None


def test_unknown_marks_are_kept_with_the_text():
    parsed = parse_value("n.a.?")
    assert parsed.value is None and parsed.status == "missing" and "n.a.?" in parsed.reason


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_any_number_round_trips(x):
    parsed = parse_value(repr(x))
    assert parsed.status == "value" and parsed.value == x


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=6))
def test_text_without_digits_is_never_a_value(text):
    parsed = parse_value(text)
    assert parsed.value is None and parsed.status != "value" and parsed.reason


def test_every_mark_has_a_reason():
    assert all(status in {"suppressed", "missing", "not_applicable"} and reason for status, reason in MARKS.values())


@pytest.mark.parametrize("label,end", [("2016", 2016), ("2018 (Rev)", 2018), ("2025 (prov)", 2025), ("2016-17", 2017),
                                       ("2016/17", 2017), ("2014-16", 2016), ("2013/14-15/16", 2016),
                                       ("2024-25 (OT)", 2025), ("1999/00", 2000), ("0", None), ("later", None)])
def test_period_end(label, end):
    assert period_end(label) == end


@given(st.integers(min_value=1990, max_value=2098))
def test_financial_years_end_the_next_year(year):
    assert period_end(f"{year}-{(year + 1) % 100:02d}") == year + 1
    assert period_end(f"{year}/{(year + 1) % 100:02d}") == year + 1
    assert period_end(str(year)) == year
