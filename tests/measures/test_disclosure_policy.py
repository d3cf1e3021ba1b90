"""Disclosure control that cannot be undone: the store's one policy, attacked by subtraction.

The attacker knows every released cell and total and that the groups of a breakdown add up to the
total (with any people in no group). The only counts they can derive are the totals minus the
shown cells: in each protected count (numerator; denominator when it counts people or records;
for proportions the people without the outcome) that must never be 1 to the threshold.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.errors import UserError
from joinedup.measures import api
from joinedup.store import Store
from joinedup.store.disclosure import Cell, DisclosurePolicy, policy

SHAPES = ("count", "rate", "proportion", "mean")


def _leaks(pol: DisclosurePolicy, total: Cell, groups: list[Cell], shape: str, record_den: bool | None) -> list[str]:
    """What subtraction reveals: every derivable count of 1..threshold, and any small count shown."""
    counts = pol.counts_of(shape, record_den)
    found = [f"{c.group} shows {f(c)}" for c in [total, *groups] if not c.suppressed for f in counts if pol.small(f(c))]
    if total.suppressed:
        return found
    shown = [g for g in groups if not g.suppressed]
    for f in counts:
        derived = f(total) - sum(f(g) for g in shown)
        if pol.small(derived):
            found.append(f"total - shown = {derived} ({f.__name__})")
    return found


@st.composite
def breakdowns(draw):
    shape = draw(st.sampled_from(SHAPES))
    n = draw(st.integers(1, 8))
    record_den = draw(st.sampled_from([None, True, False]))
    groups = []
    for i in range(n):
        size = draw(st.one_of(st.integers(0, 12), st.integers(0, 400)))
        if shape == "count":
            groups.append(Cell(f"g{i}", size, None))
        elif shape == "rate":
            groups.append(Cell(f"g{i}", size, draw(st.integers(1, 5000))))
        elif shape == "proportion":
            den = draw(st.one_of(st.integers(0, 12), st.integers(0, 400)))
            groups.append(Cell(f"g{i}", draw(st.integers(0, den)), den))
        else:
            den = draw(st.one_of(st.integers(0, 12), st.integers(0, 400)))
            groups.append(Cell(f"g{i}", float(draw(st.integers(0, 30)) * den), den, 0.0))
    unallocated = draw(st.sampled_from([0, 0, 0, 1, 3, 9]))
    num = sum(g.numerator or 0 for g in groups) + (unallocated if shape != "mean" else 0)
    den = None if shape == "count" else sum(g.denominator or 0 for g in groups) + unallocated
    if shape == "rate" and not record_den:
        den = den + draw(st.integers(0, 100_000))  # a population estimate: more than the groups' sum
    return shape, record_den, Cell("all", num, den), groups


@settings(max_examples=600, deadline=None)
@given(breakdowns(), st.integers(1, 10))
def test_disclosure_subtraction_finds_nothing_in_random_breakdowns(case, threshold):
    shape, record_den, total, groups = case
    pol = DisclosurePolicy(threshold)
    t, gs = pol.protect(total, groups, shape, record_den)
    # attack with the true numbers of the cells the policy released (hidden ones stay unknown)
    released = [g if not h.suppressed else h for g, h in zip(groups, gs)]
    assert not _leaks(pol, total if not t.suppressed else t, released, shape, record_den)
    assert [g.group for g in gs] == [g.group for g in groups]
    assert all(h.numerator is None and h.denominator is None for h in gs if h.suppressed)


@settings(max_examples=200, deadline=None)
@given(breakdowns())
def test_disclosure_rounding_to_5_rounds_every_released_count(case):
    shape, record_den, total, groups = case
    t, gs = DisclosurePolicy(7, rounding=5).protect(total, groups, shape, record_den)
    rec = shape in ("proportion", "mean") if record_den is None else record_den
    for c in [t, *gs]:
        if c.suppressed:
            continue
        if shape != "mean":
            assert c.numerator % 5 == 0
        if c.denominator is not None and (rec or shape != "rate"):
            assert c.denominator % 5 == 0


def test_disclosure_zero_totals_and_zero_cells():
    pol = DisclosurePolicy(7)
    t, gs = pol.protect(Cell("all", 0, 500), [Cell("a", 0, 3), Cell("b", 0, 497)], "proportion")
    # a is withheld for its denominator of 3; b must go too or 500 - 497 gives it back
    assert not t.suppressed and all(g.suppressed for g in gs)
    t, gs = pol.protect(Cell("all", 20, None), [Cell("a", 5, None), Cell("b", 0, None), Cell("c", 15, None)], "count")
    # hiding the zero would protect nothing: the 15 goes with the 5
    assert [g.suppressed for g in gs] == [True, False, True]


def test_disclosure_hidden_cells_add_up_to_more_than_the_threshold():
    pol = DisclosurePolicy(7)
    groups = [Cell("a", 2, None), Cell("b", 3, None), Cell("c", 9, None), Cell("d", 400, None)]
    t, gs = pol.protect(Cell("all", 414, None), groups, "count")
    # 2 + 3 = 5 would be revealed by 414 - 9 - 400: the 9 is withheld too (2 + 3 + 9 = 14)
    assert [g.suppressed for g in gs] == [True, True, True, False] and not t.suppressed


def test_disclosure_record_denominators_are_protected_like_numerators():
    pol = DisclosurePolicy(7)
    _, (g,) = pol.protect(None, [Cell("seg", 50, 5)], "rate", record_denominator=True)
    assert g.suppressed
    _, (g,) = pol.protect(None, [Cell("ward", 50, 5)], "rate")
    assert not g.suppressed  # a population estimate is a published figure


def test_disclosure_policy_from_the_environment(monkeypatch):
    monkeypatch.setenv("JOINEDUP_SUPPRESS_BELOW", "10")
    monkeypatch.setenv("JOINEDUP_ROUND_TO", "5")
    assert policy() == DisclosurePolicy(10, 5) and policy().count(9) == "<11" and policy().count(12) == 10
    monkeypatch.setenv("JOINEDUP_SUPPRESS_BELOW", "lots")
    with pytest.raises(UserError, match="JOINEDUP_SUPPRESS_BELOW"):
        policy()


# -- every measure and breakdown of a real (synthetic) place, released through the API -------------------------

@pytest.fixture(scope="module")
def place_store(tmp_path_factory):
    from joinedup.ingest.loader import ingest
    from joinedup.link.index import build_index
    from joinedup.synth.place import synthesise
    root = tmp_path_factory.mktemp("disclosure")
    synthesise(2000, 5, root / "place")
    db = root / "store.db"
    with pytest.MonkeyPatch.context() as mp:  # the key set for this module only, never leaked to later tests
        mp.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
        ingest([root / "place"], db)
        build_index(db)
        yield db


def test_disclosure_attack_on_every_measure_and_breakdown(place_store):
    pol = policy()
    lib = api.library()
    leaks, tables = [], 0
    with Store.open(place_store) as store:
        by_all = {}
        for by in ("age_band", "sex", "ethnicity_group", "deprivation_quintile", "ward", "segment"):
            rows = api.run(store, by=by).results
            cells = defaultdict(list)
            for r in rows:
                cells[(r.measure, r.period)].append(r)
            for (mid, period), rs in cells.items():
                m = lib.get(mid)
                record_den = m.shape in ("proportion", "mean") or (m.shape == "rate" and by == "segment")
                total = next(r for r in rs if r.breakdown == "all")
                as_cell = lambda r: Cell(r.group, r.numerator, r.denominator, 0.0, r.suppressed)  # noqa: E731
                found = _leaks(pol, as_cell(total), [as_cell(r) for r in rs if r.breakdown != "all"], m.shape, record_den)
                leaks += [f"{mid} {period} by {by}: {x}" for x in found]
                by_all.setdefault((mid, period), total)
                assert (total.numerator, total.suppressed) == (by_all[(mid, period)].numerator,
                                                               by_all[(mid, period)].suppressed)
                tables += 1
    assert tables > 100 and not leaks, leaks[:10]
