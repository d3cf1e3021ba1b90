"""The paradox lens on a synthetic place with paradoxes planted: it finds each planted one, and planting adds nothing else.

The place has dynamics of its own (winter and delayed discharges lengthen A&E waits, care capacity
changes over the years), so an unplanted place may part a pair of its own accord, and the lens is
right to say so. What the plant must do, and what is checked here, is make each planted pair part
ways where the same seed without the plant does not improve the process nearly as much, and change
no other pair's flag. 30,000 people: at 20,000 the children's plant (about 170 assessments a year)
sits at the edge of the 5% test's power, so which seed passes would be luck.
"""

from __future__ import annotations

import pytest

from joinedup.measures.engine import open_store
from joinedup.measures.paradox import Paradox, paradoxes
from joinedup.measures.runner import coverage
from joinedup.measures.spec import load_library
from joinedup.synth.paradoxes import PLANTED
from tests.cli_run import cli as _cli

pytestmark = pytest.mark.slow

PEOPLE, SEED = "30000", "11"


def _lens(root, planted: bool) -> dict[tuple[str, str], Paradox]:
    place, store = root / "place", root / "store.duckdb"
    _cli("synth", "--people", PEOPLE, "--seed", SEED, "--out", str(place), *(["--paradoxes"] if planted else []))
    _cli("ingest", str(place), "--db", str(store))
    _cli("link", "--db", str(store))
    engine = open_store(store)
    return {(p.process.measure, p.outcome.measure): p for p in paradoxes(engine, load_library(), coverage(engine))}


@pytest.fixture(scope="module")
def lenses(tmp_path_factory) -> dict[bool, dict[tuple[str, str], Paradox]]:
    return {planted: _lens(tmp_path_factory.mktemp("planted" if planted else "unplanted"), planted)
            for planted in (True, False)}


def _gain(p: Paradox) -> float:
    """The process's change from the first year to the last, positive when it improves."""
    first, last = p.process.values[0], p.process.values[-1]
    assert first is not None and last is not None, f"{p.process.measure}: a year is suppressed"
    return (last - first) * (1 if p.process.polarity == "higher_is_better" else -1)


def test_the_lens_flags_every_planted_pair(lenses):
    flagged = {k for k, p in lenses[True].items() if p.flagged}
    assert set(PLANTED) <= flagged, {k: (lenses[True][k].process.trend, lenses[True][k].outcome.direction)
                                     for k in set(PLANTED) - flagged}


#: Pairs the plant reaches although it does not aim at them: the readmissions it adds are discharges
#: on pathways 1-3, so in the later years they lower the share of discharges on pathway 0.
REACHED = (("nhs_discharges_pathway_0", "ju_discharged_home_no_support_readmitted"),)


def test_planting_changes_no_other_pairs_flag(lenses):
    planted, unplanted = lenses[True], lenses[False]
    assert planted.keys() == unplanted.keys()
    moved = {k for k in planted if k not in PLANTED + REACHED and planted[k].flagged != unplanted[k].flagged}
    assert not moved, moved


def test_a_reached_pair_moves_only_as_the_plant_explains(lenses):
    for pair in REACHED:
        with_plant, without = lenses[True][pair].process.values, lenses[False][pair].process.values
        assert with_plant[0] == without[0], pair  # nothing is planted in the first year
        assert with_plant[-1] < without[-1], pair


def test_the_plant_makes_the_process_improve(lenses):
    for pair in PLANTED:
        with_plant, without = _gain(lenses[True][pair]), _gain(lenses[False][pair])
        assert with_plant > 0 and without < with_plant / 2, (pair, with_plant, without)
