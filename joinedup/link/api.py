"""The link stage's service API (plain functions over a `Store`): the index's summary, the review queue, decisions.

Counts leave through the store's disclosure policy; no identifier is returned (record ids are pseudonyms).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlglot import exp

from joinedup.errors import UserError
from joinedup.link.decisions import decide as _decide
from joinedup.link.review import review_pairs
from joinedup.link.sql import as_, asc, cast, col, count, ref, sub
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
    model = store.fetchall(exp.select(cast(col("built_at"), "varchar"), col("threshold"), col("pairs_scored"), col("blocking_rules"))
                           .from_(ref("link_model")))
    if not model:
        raise UserError("the store has no person index yet (run `joinedup link --db STORE` first)",
                        file=str(store.paths.store))
    built_at, threshold, pairs, rules = model[0]
    records, persons = store.fetchall(exp.select(count(), count(col("person_id"), distinct=True)).from_(ref("person_source_link")))[0]
    methods = dict(store.fetchall(_counts_by("method", "person_source_link")))
    kinds = dict(store.fetchall(_counts_by("kind", "family"))) if store.has_table("family") else {}
    pol = policy()
    _, by_method = pol.protect_counts(records, methods)
    _, families = pol.protect_counts(None, kinds)
    return LinkSummary(built_at[:19], int(records), int(persons), int(pairs), float(threshold), json.loads(rules),
                       by_method, families)


def _counts_by(column: str, table: str) -> exp.Select:
    """SELECT column, COUNT(*) FROM table GROUP BY column ORDER BY column."""
    return exp.select(col(column), count()).from_(ref(table)).group_by(col(column)).order_by(asc(col(column)))


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
    params = store.query(exp.select(*map(col, ("comparison", "level", "m", "u", "match_weight"))).from_(ref("link_parameters"))
                         ).to_pylist() if store.has_table("link_parameters") else []
    hist = store.query(exp.select(*map(col, ("bin_low", "bin_high", "pairs"))).from_(ref("link_weight_histogram"))
                       .order_by(asc(col("bin_low")))).to_pylist() if store.has_table("link_weight_histogram") else []
    decided = {"match": 0, "no-match": 0}
    if store.has_table("link_decision"):
        pair = (col("record_id_a"), col("record_id_b"))
        latest = (exp.select(*pair, as_(exp.ArgMax(this=col("decision"), expression=col("decided_at")), "decision"))
                  .from_(ref("link_decision")).group_by(*(c.copy() for c in pair)))  # each pair's latest decision
        rows = store.fetchall(exp.select(col("decision"), count()).from_(sub(latest, "d")).group_by(col("decision")))
        decided.update({d: int(n) for d, n in rows})
    return {"parameters": params, "histogram": hist, "decisions": decided}
