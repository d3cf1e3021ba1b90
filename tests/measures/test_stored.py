"""Measure results stored at the link (and later load) commit: readers use them only while they are true.

A small place goes synth -> ingest -> link through the CLI; the link run stores every shipped measure's
total over every period of every complete year. A reader then answers from the stored rows without
building a single person view, and gets exactly what a live computation gives. A write that changes
the person index without storing new results, or another disclosure policy, makes the reader compute.
"""

from __future__ import annotations

import shutil

import pytest

from joinedup.measures import api
from joinedup.measures.engine import StoreEngine
from joinedup.measures.periods import periods_for
from joinedup.measures.runner import coverage, run_measure
from joinedup.measures.stored import TABLE, StoredResults, reads_persons
from joinedup.store import Store
from tests.cli_run import cli as _cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """A linked place of 1,200 people (its folder, its store)."""
    root = tmp_path_factory.mktemp("stored")
    _cli("synth", "--people", "1200", "--seed", "3", "--out", str(root / "place"))
    _cli("ingest", str(root / "place"), "--db", str(root / "store.duckdb"))
    _cli("link", "--db", str(root / "store.duckdb"))
    return root


@pytest.fixture
def store_path(linked, tmp_path):
    """A private copy of the linked store (with its vault and key), for tests that write."""
    for name in ("store.duckdb", "store.vault.duckdb", "store.key"):
        if (linked / name).exists():
            shutil.copy(linked / name, tmp_path / name)
    return tmp_path / "store.duckdb"


def test_the_link_run_stores_results_that_a_reader_uses_without_computing(linked):
    with Store.open(linked / "store.duckdb", "analysis") as s:
        assert s.fetchall(f"SELECT COUNT(*) FROM {TABLE}")[0][0] > 0
        reader = api.engine_for(s)
        years = api.coverage(s)
        found = api.paradoxes(s)
        trend = api.trend(s, "ae_4_hour_performance")
        assert years and found and trend.periods
        assert not reader._ready, "the reader built person views: it computed instead of reading"
        live = StoreEngine(s)
        assert coverage(live) == years
        compared = 0
        for m in api.library():
            for fy in years:
                for p in periods_for(m.period, fy):
                    assert run_measure(reader, m, p) == run_measure(live, m, p), (m.id, p.label)
                    compared += 1
        assert compared > len(api.library())
        assert api.run(s, measures=["ae_4_hour_performance"]).linked


def test_a_breakdown_that_was_not_stored_is_computed(linked):
    with Store.open(linked / "store.duckdb", "analysis") as s:
        run = api.by_breakdown(s, "ae_4_hour_performance", "deprivation_quintile")
        assert {r.breakdown for r in run.results} == {"all", "deprivation_quintile"}
        assert api.engine_for(s)._ready


def test_a_write_that_changes_the_person_index_without_storing_makes_readers_compute(store_path):
    with Store.open(store_path, "write", vault=False) as w:
        w.execute("DELETE FROM person_source_link WHERE record_id = (SELECT MIN(record_id) FROM person_source_link)")
    with Store.open(store_path, "analysis") as s:
        assert StoredResults(s).years() is None
        api.coverage(s)
        assert api.engine_for(s)._ready


def test_a_clerical_decision_and_a_peers_import_keep_the_stored_results(store_path):
    with Store.open(store_path, "analysis") as s:
        before = s.version
        a, b = s.fetchall("SELECT record_id FROM person_source_link ORDER BY record_id LIMIT 2")
    with Store.open(store_path, "write", vault=False) as w:
        from joinedup.link import api as link_api
        link_api.decide(w, a[0], b[0], "no-match", "test", by="tester")
    _cli("peers", "import", "--db", str(store_path))  # new tables, none of them read by measures
    with Store.open(store_path, "analysis") as s:
        assert s.version != before and s.has_table("peer_value")
        assert StoredResults(s).years()


def test_another_disclosure_policy_is_never_answered_from_stored_rows(linked, monkeypatch):
    monkeypatch.setenv("JOINEDUP_SUPPRESS_BELOW", "3")
    with Store.open(linked / "store.duckdb", "analysis") as s:
        assert StoredResults(s).years() is None


def test_a_load_into_a_linked_store_stores_results_for_the_new_version(linked, store_path):
    _cli("ingest", str(linked / "place"), "--db", str(store_path))  # every file known: a load that adds nothing
    with Store.open(store_path, "analysis") as s:
        assert StoredResults(s).years() == coverage(StoreEngine(s))
        assert not api.engine_for(s)._ready


def test_which_measures_read_persons():
    lib = api.library()
    assert not reads_persons(lib.get("ae_4_hour_performance"))  # counts rows, reads no person column
    assert reads_persons(lib.get("ascof_2a_short_term_outcome"))  # counts rows of a relation that reads person_id
    assert all(reads_persons(m) for m in lib if m.counts == "persons")
    assert any(reads_persons(m) for m in lib if m.counts == "rows")  # e.g. an age from AGE_ON (person_birth_year)


def test_a_link_run_keeps_the_rows_of_measures_that_read_no_person_and_computes_the_rest(store_path):
    kept, computed = "ae_4_hour_performance", "ascof_2a_short_term_outcome"
    with Store.open(store_path, "write", vault=False) as w:
        # marks on two stored rows: the run must keep the first (its measure reads no person) and replace the second
        w.execute(f"UPDATE {TABLE} SET value = -1 WHERE measure IN ('{kept}', '{computed}') AND breakdown = 'all'")
        a, b = w.fetchall("SELECT l.record_id FROM person_source_link AS l JOIN (SELECT person_id FROM person_source_link "
                          "GROUP BY person_id HAVING COUNT(*) > 1 ORDER BY person_id LIMIT 1) AS p USING (person_id) "
                          "ORDER BY l.record_id LIMIT 2")
        from joinedup.link import api as link_api
        link_api.decide(w, a[0], b[0], "no-match", "test", by="tester")
    _cli("link", "--db", str(store_path))  # the decision splits a person: the index changes
    with Store.open(store_path, "analysis") as s:
        reader, live = api.engine_for(s), StoreEngine(s)
        years = StoredResults(s).years()
        assert years, "the link run did not store its results"
        for m in api.library():
            for fy in years:
                for p in periods_for(m.period, fy):
                    got = run_measure(reader, m, p)
                    if m.id == kept:
                        assert {r.value for r in got} == {-1}, "a person-free measure was computed again"
                    else:
                        assert got == run_measure(live, m, p), (m.id, p.label)


def test_two_persons_swapping_their_last_column_makes_readers_compute(store_path):
    """The digest of the person index sees two rows swap a value of the table's last column.

    DuckDB's hash of a row folds its columns in order, so the last column enters it by XOR alone: a
    XOR over the rows (the digest before) missed such a swap, and a value shared by an even number of
    rows cancelled out.
    """
    with Store.open(store_path, "write", vault=False) as w:
        last = [c for c, _ in w.backend.columns("person")][-1]
        (a, va), (b, vb) = w.fetchall(f"SELECT person_id, {last} FROM (SELECT person_id, {last}, ROW_NUMBER() OVER "
                                      f"(PARTITION BY {last} ORDER BY person_id) AS n FROM person "
                                      f"WHERE {last} IS NOT NULL) WHERE n = 1 ORDER BY person_id LIMIT 2")
        assert va != vb
        w.execute(f"UPDATE person SET {last} = CASE WHEN person_id = ? THEN ? ELSE ? END WHERE person_id IN (?, ?)",
                  [a, vb, va, a, b])
    with Store.open(store_path, "analysis") as s:
        assert StoredResults(s).years() is None
