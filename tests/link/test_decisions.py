import json

import polars as pl
import pytest
from place import build_place, make_people, make_records

from joinedup.link.cluster import cluster_records
from joinedup.link.decisions import alias_nhs_keys
from tests.link.cluster_frames import edges as _edges, records as _records
from tests.store_con import connect


def _query(store, sql, params=None):
    con = connect(str(store), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _persons(store):
    return dict(_query(store, "SELECT record_id, person_id FROM person_source_link"))


@pytest.fixture
def linked(tmp_path, run_cli):
    store = build_place(tmp_path, n=200, seed=21)
    assert run_cli("link", "--db", str(store))[0] == 0
    return store


def _singletons(store, k):
    return [r[0] for r in _query(store, """
        SELECT l.record_id FROM person_source_link l JOIN person p USING (person_id)
        WHERE p.n_records = 1 ORDER BY l.record_id LIMIT ?""", [k])]


def _linked_pair(store):
    # two records of one person joined by the model (not by a shared identifier)
    return _query(store, """
        SELECT a.record_id, b.record_id FROM person_source_link a JOIN person_source_link b
        ON a.person_id = b.person_id AND a.record_id < b.record_id
        WHERE a.method = 'probabilistic' AND b.method = 'probabilistic' ORDER BY 1, 2 LIMIT 1""")[0]


def test_decide_match_joins_two_persons(linked, run_cli):
    a, b = _singletons(linked, 2)
    before = _persons(linked)
    assert before[a] != before[b]
    code, out, err = run_cli("link", "decide", "--db", str(linked), b, a, "--match", "--note", "same GP notes",
                             "--by", "analyst1")
    assert code == 0, err
    assert "decided match" in out
    row = _query(linked, "SELECT record_id_a, record_id_b, decision, note, decided_by FROM link_decision")
    assert row == [(min(a, b), max(a, b), "match", "same GP notes", "analyst1")]
    code, out, err = run_cli("link", "--db", str(linked))
    assert code == 0, err
    assert "clerical decisions applied: 1" in out
    after = _persons(linked)
    assert after[a] == after[b] and after[a] in {before[a], before[b]}
    links = dict(_query(linked, "SELECT record_id, method || ' ' || match_probability FROM person_source_link "
                                "WHERE record_id IN (?, ?)", [a, b]))
    assert links == {a: "manual 1.0", b: "manual 1.0"}
    # everyone else keeps their person
    assert all(after[r] == p for r, p in before.items() if r not in (a, b))


def test_decide_no_match_splits_and_later_decision_replaces(linked, run_cli):
    a, b = _linked_pair(linked)
    before = _persons(linked)
    assert run_cli("link", "decide", "--db", str(linked), a, b, "--no-match")[0] == 0
    assert run_cli("link", "--db", str(linked))[0] == 0
    after = _persons(linked)
    assert after[a] != after[b]
    assert before[a] in {after[a], after[b]}  # one side keeps the old id
    # a second decision on the same pair replaces the first
    assert run_cli("link", "decide", "--db", str(linked), b, a, "--match")[0] == 0
    assert _query(linked, "SELECT count(*), min(decision) FROM link_decision") == [(1, "match")]
    assert run_cli("link", "--db", str(linked))[0] == 0
    assert _persons(linked)[a] == _persons(linked)[b]


def test_decisions_survive_reruns_and_ids_stay(linked, run_cli):
    s1, s2 = _singletons(linked, 2)
    a, b = _linked_pair(linked)
    assert run_cli("link", "decide", "--db", str(linked), s1, s2, "--match")[0] == 0
    assert run_cli("link", "decide", "--db", str(linked), a, b, "--no-match")[0] == 0
    assert run_cli("link", "--db", str(linked))[0] == 0
    first = _persons(linked)
    # the decisions took effect before anything is re-run
    assert first[s1] == first[s2] and first[a] != first[b]
    assert run_cli("link", "--db", str(linked))[0] == 0
    assert _persons(linked) == first
    assert run_cli("link", "--db", str(linked), "--incremental")[0] == 0
    assert _persons(linked) == first


def test_incremental_run_applies_new_decisions(tmp_path, run_cli):
    people = make_people(200, 23)
    recs = make_records(people, 23)
    store = build_place(tmp_path, n=200, seed=23, records=recs[:-20])
    assert run_cli("link", "--db", str(store))[0] == 0
    before = _persons(store)
    s1, s2 = _singletons(store, 2)
    a, b = _linked_pair(store)
    assert run_cli("link", "decide", "--db", str(store), s1, s2, "--match")[0] == 0
    assert run_cli("link", "decide", "--db", str(store), a, b, "--no-match")[0] == 0
    assert _query(store, "SELECT count(*) FROM link_decision") == [(2,)]
    code, out, err = run_cli("link", "--db", str(store), "--incremental")
    assert code == 0, err
    assert "extended" in out
    after = _persons(store)
    assert after[s1] == after[s2] and after[a] != after[b]
    touched = {p for r, p in before.items() if r in (s1, s2, a, b)}
    assert all(after[r] == p for r, p in before.items() if p not in touched)
    assert before[a] in {after[a], after[b]}
    # a second incremental run changes nothing
    assert run_cli("link", "--db", str(store), "--incremental")[0] == 0
    assert _persons(store) == after


def test_review_lists_undecided_pairs_without_identifiers(linked, run_cli):
    code, out, err = run_cli("link", "review", "--db", str(linked), "--limit", "5", "--json")
    assert code == 0, err
    pairs = json.loads(out)
    assert 0 < len(pairs) <= 5
    assert set(pairs[0]) == {"pair_id", "record_id_a", "record_id_b", "match_probability", "match_weight",
                             "same_person", "levels"}
    assert "given_name" in pairs[0]["levels"] and pairs[0]["record_id_a"] < pairs[0]["record_id_b"]
    names = {r[0].lower() for r in _query(str(linked).replace(".duckdb", ".vault.duckdb"),
                                          "SELECT given_name FROM identity UNION SELECT family_name FROM identity")}
    code, text, _ = run_cli("link", "review", "--db", str(linked), "--limit", "50")
    assert code == 0 and "p=" in text
    words = set((out + text).lower().replace('"', " ").replace(",", " ").replace(":", " ").split())
    assert not words & names
    assert "DY" not in out + text
    first = pairs[0]
    code, _, err = run_cli("link", "decide", "--db", str(linked), first["record_id_a"], first["record_id_b"], "--no-match")
    assert code == 0, err
    assert _query(linked, "SELECT decision FROM link_decision") == [("no-match",)]
    code, text, err = run_cli("link", "review", "--db", str(linked), "--limit", "5", "--json")
    assert code == 0, err
    again = json.loads(text)
    assert first["pair_id"] not in {p["pair_id"] for p in again}


@pytest.mark.parametrize("args, message", [
    (["nope", "nada", "--match"], "unknown record id"),
    (["R1", "R1", "--match"], "two different records"),
    (["R1", "R2"], "exactly one of --match and --no-match"),
    (["R1", "R2", "--match", "--no-match"], "exactly one of --match and --no-match"),
])
def test_decide_errors_are_one_line(linked, run_cli, args, message):
    code, _, err = run_cli("link", "decide", "--db", str(linked), *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_review_and_decide_need_a_linked_store(tmp_path, run_cli):
    store = build_place(tmp_path, n=20, seed=2)
    code, _, err = run_cli("link", "review", "--db", str(store))
    assert code == 2 and "run `joinedup link --db` first" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli("link", "decide", "--db", str(tmp_path / "none.duckdb"), "a", "b", "--match")
    assert code == 2 and "no such store" in err



def test_cannot_link_splits_at_the_weakest_link():
    c = cluster_records(_records([None] * 4), _edges([("0", "1", 0.99, "probabilistic"),
                                                      ("1", "2", 0.85, "probabilistic"),
                                                      ("2", "3", 0.97, "probabilistic")]),
                        cannot_link=pl.DataFrame({"uid_l": ["0"], "uid_r": ["3"]}))
    labels = dict(zip(c["unique_id"], c["cluster"]))
    assert labels["0"] == labels["1"] != labels["2"] == labels["3"]


def test_match_decision_overrides_the_nhs_guard():
    decisions = pl.DataFrame({"record_id_a": ["0"], "record_id_b": ["2"], "decision": ["match"]})
    recs = alias_nhs_keys(_records(["n1", "n1", "n2", None]), decisions)
    edges = _edges([("0", "1", 1.0, "nhs_number"), ("0", "2", 1.0, "manual"), ("2", "3", 0.9, "probabilistic")])
    labels = dict(zip(*cluster_records(recs, edges).get_columns()))
    assert labels["0"] == labels["1"] == labels["2"] == labels["3"]
    # without the decision's alias the guard keeps the two numbers apart
    labels = dict(zip(*cluster_records(_records(["n1", "n1", "n2", None]), edges).get_columns()))
    assert labels["0"] != labels["2"]


def test_no_match_outranks_a_chain_of_match_decisions():
    from joinedup.link.decisions import cannot_link, manual_edges, unmet

    decisions = pl.DataFrame({"record_id_a": ["0", "1", "0"], "record_id_b": ["1", "2", "2"],
                              "decision": ["match", "match", "no-match"]})
    c = cluster_records(_records([None] * 3), manual_edges(decisions), cannot_link=cannot_link(decisions))
    labels = dict(zip(*c.get_columns()))
    assert labels["0"] != labels["2"]
    links = c.select("unique_id", person_id=pl.col("cluster").cast(pl.Utf8))
    assert unmet(decisions, links) == 1
