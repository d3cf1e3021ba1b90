"""The paradox lens on a synthetic place with paradoxes planted: it finds each planted one and nothing else."""

from __future__ import annotations

import pytest

from joinedup.measures.engine import open_store
from joinedup.measures.paradox import paradoxes
from joinedup.measures.runner import coverage
from joinedup.measures.spec import load_library
from joinedup.synth.paradoxes import PLANTED

pytestmark = pytest.mark.slow


def _cli(*args: str) -> None:
    from joinedup.cli import main
    try:
        main(list(args))
    except SystemExit as e:
        assert not e.code, f"joinedup {' '.join(args)} exited {e.code}"


@pytest.mark.parametrize("planted", [True, False], ids=["planted", "not_planted"])
def test_paradox_lens_flags_the_planted_paradoxes_and_nothing_else(tmp_path, planted):
    place, store = tmp_path / "place", tmp_path / "store.duckdb"
    _cli("synth", "--people", "20000", "--seed", "11", "--out", str(place), *(["--paradoxes"] if planted else []))
    _cli("ingest", str(place), "--db", str(store))
    _cli("link", "--db", str(store))
    engine = open_store(store)
    found = paradoxes(engine, load_library(), coverage(engine))
    flagged = {(p.process.measure, p.outcome.measure) for p in found if p.flagged}
    if planted:
        assert flagged == set(PLANTED)
    else:
        # Without planting, the same place does not part these pairs (the plant makes the paradox).
        assert not flagged & set(PLANTED)
