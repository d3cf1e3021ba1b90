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

__all__ = ["LinkSummary", "decide", "review_queue", "summary"]


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
