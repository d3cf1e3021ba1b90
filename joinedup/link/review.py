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
from sqlglot import exp

from joinedup.errors import UserError
from joinedup.link.engine import Engine
from joinedup.link.model import level_labels
from joinedup.link.sql import LinkSQL, as_, asc, col, number, ref
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
    distance = exp.Abs(this=exp.Sub(this=col("match_weight"), expression=number(cut)))
    near = link.fetch(exp.select(*(col(c) for c in ("unique_id_l", "unique_id_r", "match_weight", "match_probability", *gammas)),
                                 as_(distance, "distance")).from_(ref(predictions))
                      .order_by(*(asc(col(c)) for c in ("distance", "unique_id_l", "unique_id_r"))).limit(KEPT_PAIRS))
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
    query = (exp.select(*(col(c, "r") for c in ("pair_id", "record_id_a", "record_id_b", "match_probability", "match_weight")),
                        as_(col("person_id", "la").eq(col("person_id", "lb")), "same_person"), col("levels", "r"))
             .from_(ref("link_review_pairs", "r"))
             .join(ref("person_source_link", "la"), on=col("record_id", "la").eq(col("record_id_a", "r")), join_type="left")
             .join(ref("person_source_link", "lb"), on=col("record_id", "lb").eq(col("record_id_b", "r")), join_type="left")
             .order_by(asc(col("distance", "r")), asc(col("pair_id", "r"))).limit(exp.Placeholder()))
    if "link_decision" in tables:
        query = query.where(exp.Not(this=exp.Exists(this=exp.select(number(1)).from_(ref("link_decision", "d")).where(exp.and_(
            col("record_id_a", "d").eq(col("record_id_a", "r")), col("record_id_b", "d").eq(col("record_id_b", "r")))))))
    rows = con.fetchall(query, [limit])
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
