"""The link stage's service API over a Store: summary (through the disclosure policy), review queue, decide."""

from __future__ import annotations

import pytest

from joinedup.errors import UserError
from joinedup.link import api
from joinedup.store import Store
from joinedup.store.disclosure import policy


def test_summary_counts_add_up_and_pass_the_policy(place):
    with Store.open(place) as store:
        s = api.summary(store)
        records = store.fetchall("SELECT count(*) FROM person_source_link")[0][0]
    assert s.records == records and 0 < s.persons <= s.records and 0 < s.threshold < 1
    shown = [v for v in s.by_method.values() if v != "suppressed"]
    assert all(not policy().small(v) for v in shown)
    hidden = s.records - sum(shown)
    assert hidden == 0 or hidden > policy().threshold
    assert s.blocking_rules and set(s.families) <= {"household", "parent_child"}


def test_review_queue_then_decide_through_the_api(place, tmp_path):
    import shutil
    from joinedup.store import paths_for
    copy = tmp_path / "store.duckdb"
    for a, b in ((place, copy), (paths_for(place).vault, paths_for(copy).vault)):
        shutil.copy(a, b)
    with Store.open(copy) as store:
        queue = api.review_queue(store, limit=5)
    assert 0 < len(queue) <= 5 and {"pair_id", "record_id_a", "record_id_b", "levels"} <= set(queue[0])
    first = queue[0]
    with Store.open(copy, "write") as store:
        pair = api.decide(store, first["record_id_b"], first["record_id_a"], "no-match", note="different people")
    assert pair == (first["record_id_a"], first["record_id_b"])
    with Store.open(copy) as store:
        assert store.fetchall("SELECT decision, note FROM link_decision") == [("no-match", "different people")]
        assert first["pair_id"] not in {p["pair_id"] for p in api.review_queue(store, limit=5)}
        with pytest.raises(UserError, match="mode"):
            api.decide(store, first["record_id_a"], first["record_id_b"], "match")


def test_summary_without_an_index_is_one_clear_error(tmp_path):
    with Store.open(tmp_path / "empty.db", "write", create=True):
        pass
    with Store.open(tmp_path / "empty.db") as store, pytest.raises(UserError, match="no person index"):
        api.summary(store)


def test_diagnostics_match_the_run_and_count_the_latest_decision_per_pair(place, tmp_path):
    import shutil
    from joinedup.store import paths_for
    copy = tmp_path / "store.duckdb"
    for a, b in ((place, copy), (paths_for(place).vault, paths_for(copy).vault)):
        shutil.copy(a, b)
    with Store.open(copy) as store:
        summary = api.summary(store)
        d = api.diagnostics(store)
        pair = api.review_queue(store, 5)[0]
    assert d["parameters"] and all(0 <= p["m"] <= 1 and 0 <= p["u"] <= 1 for p in d["parameters"] if p["m"] is not None)
    assert sum(h["pairs"] for h in d["histogram"]) == summary.pairs_scored
    assert d["decisions"] == {"match": 0, "no-match": 0}
    with Store.open(copy, "write") as store:
        api.decide(store, pair["record_id_a"], pair["record_id_b"], "no-match", by="tester")
        api.decide(store, pair["record_id_a"], pair["record_id_b"], "match", by="tester")
    with Store.open(copy) as store:
        assert api.diagnostics(store)["decisions"] == {"match": 1, "no-match": 0}, "a later decision replaces one before"
