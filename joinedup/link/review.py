"""Clerical review: the scored pairs nearest the threshold, kept by each link run, listed for an analyst.

The listing shows pseudonymous record ids, the match probability and the level each comparison
reached; never a name or other identifier. It reads the analysis store only (never the vault).
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import polars as pl

from joinedup.errors import UserError
from joinedup.link.engine import Engine
from joinedup.link.model import level_labels
from joinedup.link.sql import LinkSQL
from joinedup.link.tables import write_table
from joinedup.store import Store

__all__ = ["write_review_pairs", "review_pairs", "format_review", "pair_id", "KEPT_PAIRS"]

#: How many scored pairs nearest the threshold (in match weight) a link run keeps for review.
KEPT_PAIRS = 2000

_COLUMNS = [("pair_id", "VARCHAR"), ("record_id_a", "VARCHAR"), ("record_id_b", "VARCHAR"), ("match_weight", "DOUBLE"),
            ("match_probability", "DOUBLE"), ("distance", "DOUBLE"), ("levels", "VARCHAR")]


def pair_id(a: str, b: str) -> str:
    """A stable short id for an ordered pair of records."""
    return "R" + hashlib.sha256(f"joinedup-pair|{a}|{b}".encode()).hexdigest()[:10]


def write_review_pairs(engine: Engine, link: LinkSQL, run, predictions: str, threshold: float) -> None:
    """Store link_review_pairs: the KEPT_PAIRS scored pairs closest to the threshold, as levels."""
    from joinedup.link.diagnostics import gamma_columns

    cut = math.log2(threshold / (1 - threshold))
    gammas = gamma_columns(link, predictions)
    near = link.fetch(f"SELECT {', '.join(['unique_id_l', 'unique_id_r', 'match_weight', 'match_probability', *gammas])}, "
                      f"ABS(match_weight - {cut!r}) AS distance FROM {predictions} "
                      f"ORDER BY distance, unique_id_l, unique_id_r LIMIT {KEPT_PAIRS}")
    labels = level_labels(run.linker)
    rows = []
    for r in near.iter_rows(named=True):
        a, b = sorted((r["unique_id_l"], r["unique_id_r"]))
        levels = {g.removeprefix("gamma_"): labels.get(g, {}).get(r[g], str(r[g])) for g in gammas}
        rows.append({"pair_id": pair_id(a, b), "record_id_a": a, "record_id_b": b, "match_weight": r["match_weight"],
                     "match_probability": r["match_probability"], "distance": r["distance"],
                     "levels": json.dumps(levels)})
    frame = pl.DataFrame(rows, schema={"pair_id": pl.Utf8, "record_id_a": pl.Utf8, "record_id_b": pl.Utf8,
                                       "match_weight": pl.Float64, "match_probability": pl.Float64,
                                       "distance": pl.Float64, "levels": pl.Utf8})
    write_table(engine, "link_review_pairs", frame, _COLUMNS)


def review_pairs(store: "Path | Store", limit: int = 20) -> list[dict]:
    """The undecided kept pairs nearest the threshold, with whether the index now puts them in one person."""
    if isinstance(store, Store):
        return _review_pairs(store, limit)
    if not store.exists():
        raise UserError("no such store", file=str(store))
    with Store.open(store, "analysis") as con:
        return _review_pairs(con, limit)


def _review_pairs(con: Store, limit: int) -> list[dict]:
    tables = set(con.tables())
    if "link_review_pairs" not in tables or "person_source_link" not in tables:
        raise UserError("no scored pairs to review: run `joinedup link --db` first", file=str(con.paths.store))
    decided = ("AND NOT EXISTS (SELECT 1 FROM link_decision d WHERE d.record_id_a = r.record_id_a "
               "AND d.record_id_b = r.record_id_b)") if "link_decision" in tables else ""
    rows = con.fetchall(f"""
        SELECT r.pair_id, r.record_id_a, r.record_id_b, r.match_probability, r.match_weight,
               la.person_id = lb.person_id AS same_person, r.levels
        FROM link_review_pairs r
        LEFT JOIN person_source_link la ON la.record_id = r.record_id_a
        LEFT JOIN person_source_link lb ON lb.record_id = r.record_id_b
        WHERE TRUE {decided}
        ORDER BY r.distance, r.pair_id LIMIT ?""", [limit])
    keys = ("pair_id", "record_id_a", "record_id_b", "match_probability", "match_weight", "same_person", "levels")
    return [{**dict(zip(keys, r)), "levels": json.loads(r[-1])} for r in rows]


def format_review(pairs: list[dict], threshold: float | None = None) -> str:
    """Plain text: one block per pair (ids, probability, where the index puts it now, comparison levels)."""
    if not pairs:
        return "no undecided pairs near the threshold"
    lines = [f"{len(pairs)} undecided pairs nearest the threshold"
             + (f" ({threshold})" if threshold is not None else "") + ", closest first:"]
    for p in pairs:
        now = "one person now" if p["same_person"] else "two persons now"
        lines.append(f"{p['pair_id']}  p={p['match_probability']:.4f}  {now}")
        lines.append(f"  {p['record_id_a']}  {p['record_id_b']}")
        lines.append("  " + "; ".join(f"{k}: {v}" for k, v in p["levels"].items()))
    lines.append("decide with: joinedup link decide --db STORE RECORD_A RECORD_B --match|--no-match [--note TEXT]")
    return "\n".join(lines)
