"""The link stage's service API as the web app calls it: summary, diagnostics, review queue, decide."""

from __future__ import annotations

from joinedup.link import api
from joinedup.store import Store


def test_diagnostics_match_the_run_and_count_decisions(place):
    with Store.open(place, "analysis") as store:
        summary = api.summary(store)
        d = api.diagnostics(store)
        queue = api.review_queue(store, 5)
    assert d["parameters"] and all(0 <= p["m"] <= 1 and 0 <= p["u"] <= 1 for p in d["parameters"] if p["m"] is not None)
    assert sum(h["pairs"] for h in d["histogram"]) == summary.pairs_scored
    assert d["decisions"] == {"match": 0, "no-match": 0}
    pair = queue[0]
    with Store.open(place, "write") as store:
        api.decide(store, pair["record_id_a"], pair["record_id_b"], "no-match", by="tester")
        api.decide(store, pair["record_id_a"], pair["record_id_b"], "match", by="tester")
    with Store.open(place, "analysis") as store:
        assert api.diagnostics(store)["decisions"] == {"match": 1, "no-match": 0}, "a later decision replaces one before"
        assert pair["pair_id"] not in {p["pair_id"] for p in api.review_queue(store, 20)}
