"""The link stage's service API (plain functions over a `Store`): the index's summary, the review queue, decisions.

Counts leave through the store's disclosure policy; no identifier is returned (record ids are pseudonyms).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from joinedup.errors import UserError
from joinedup.link.decisions import decide as _decide
from joinedup.link.review import review_pairs
from joinedup.store import Store
from joinedup.store.disclosure import policy

__all__ = ["LinkSummary", "decide", "diagnostics", "review_queue", "summary"]


@dataclass(frozen=True)
class LinkSummary:
    """The person index as a report shows it: sizes, records by method and families by kind (disclosure applied)."""

    built_at: str
    records: int
    persons: int
    pairs_scored: int
    threshold: float
    blocking_rules: list[str]
    by_method: dict[str, int | str]
    families: dict[str, int | str]


def summary(store: Store) -> LinkSummary:
    """What the last link run built (a UserError when the store has no person index yet)."""
    if not (store.has_table("person_source_link") and store.has_table("link_model")):
        raise UserError("the store has no person index yet (run `joinedup link --db STORE` first)",
                        file=str(store.paths.store))
    model = store.fetchall("SELECT CAST(built_at AS VARCHAR), threshold, pairs_scored, blocking_rules FROM link_model")
    if not model:
        raise UserError("the store has no person index yet (run `joinedup link --db STORE` first)",
                        file=str(store.paths.store))
    built_at, threshold, pairs, rules = model[0]
    records, persons = store.fetchall("SELECT count(*), count(DISTINCT person_id) FROM person_source_link")[0]
    methods = dict(store.fetchall("SELECT method, count(*) FROM person_source_link GROUP BY 1 ORDER BY 1"))
    kinds = dict(store.fetchall("SELECT kind, count(*) FROM family GROUP BY 1 ORDER BY 1")) if store.has_table("family") else {}
    pol = policy()
    _, by_method = pol.protect_counts(records, methods)
    _, families = pol.protect_counts(None, kinds)
    return LinkSummary(built_at[:19], int(records), int(persons), int(pairs), float(threshold), json.loads(rules),
                       by_method, families)


def review_queue(store: Store, limit: int = 20) -> list[dict]:
    """The undecided scored pairs nearest the threshold, as comparison levels (no identifiers)."""
    return review_pairs(store, limit)


def decide(store: Store, record_a: str, record_b: str, decision: str, note: str | None = None,
           by: str | None = None) -> tuple[str, str]:
    """Record a clerical decision ('match' or 'no-match') on a pair; the store must be open in write mode."""
    return _decide(store, record_a, record_b, decision, note, by)


def diagnostics(store: Store) -> dict:
    """What the model learnt (m and u per comparison level), the match weight histogram and the decisions kept.

    Counts of pairs per weight band and of decisions are model and reviewer statistics, not people:
    they are shown as they are.
    """
    params = store.query("SELECT comparison, level, m, u, match_weight FROM link_parameters").to_pylist() \
        if store.has_table("link_parameters") else []
    hist = store.query("SELECT bin_low, bin_high, pairs FROM link_weight_histogram ORDER BY bin_low").to_pylist() \
        if store.has_table("link_weight_histogram") else []
    decided = {"match": 0, "no-match": 0}
    if store.has_table("link_decision"):
        rows = store.fetchall("SELECT decision, count(*) FROM (SELECT record_id_a, record_id_b, "
                              "arg_max(decision, decided_at) AS decision FROM link_decision GROUP BY 1, 2) GROUP BY 1")
        decided.update({d: int(n) for d, n in rows})
    return {"parameters": params, "histogram": hist, "decisions": decided}
