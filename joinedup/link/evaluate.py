"""`joinedup link evaluate`: linkage quality against a synthetic place's truth (pairwise, clusters, families)."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import polars as pl

from joinedup.errors import UserError
from joinedup.link.engine import Engine
from joinedup.link.tables import read_table
from joinedup.link.truth import read_truth, record_ids

__all__ = ["evaluate_store", "pairwise_figures", "format_figures"]


def _pairs(n: pl.Expr) -> pl.Expr:
    return (n * (n - 1) / 2).sum()


def pairwise_figures(assigned: pl.DataFrame) -> tuple[dict, dict]:
    """assigned (record_id, person_id, true_id) -> pairwise precision/recall/F1 and cluster figures."""
    tp = int(assigned.group_by("person_id", "true_id").len().select(_pairs(pl.col("len"))).item() or 0)
    found = int(assigned.group_by("person_id").len().select(_pairs(pl.col("len"))).item() or 0)
    true = int(assigned.group_by("true_id").len().select(_pairs(pl.col("len"))).item() or 0)
    precision = tp / found if found else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    split = assigned.group_by("true_id").agg(pl.col("person_id").n_unique()).filter(pl.col("person_id") > 1).height
    merged = assigned.group_by("person_id").agg(pl.col("true_id").n_unique()).filter(pl.col("true_id") > 1).height
    return ({"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": found - tp, "fn": true - tp},
            {"true_persons": assigned["true_id"].n_unique(), "found_persons": assigned["person_id"].n_unique(),
             "split": split, "merged": merged})


def _family_figures(members: pl.DataFrame | None, person_truth: pl.DataFrame, truth) -> dict:
    if members is None or (truth.households is None and truth.relations is None):
        return {"precision": None, "recall": None}
    m = members.join(person_truth, on="person_id").select("family_id", "true_id").unique()
    found: set[tuple[str, str]] = set()
    for ids in m.group_by("family_id").agg(pl.col("true_id")).get_column("true_id").to_list():
        found.update(tuple(sorted(p)) for p in combinations(sorted(set(ids)), 2))
    known = set(person_truth["true_id"].to_list())
    true: set[tuple[str, str]] = set()
    if truth.households is not None:
        hh = truth.households.drop_nulls().filter(pl.col("person_id").is_in(known)).unique()
        for ids in hh.group_by("household_id").agg(pl.col("person_id")).get_column("person_id").to_list():
            true.update(tuple(sorted(p)) for p in combinations(sorted(set(ids)), 2))
    if truth.relations is not None:
        rel = truth.relations.filter(pl.col("person_id").is_in(known) & pl.col("related_person_id").is_in(known))
        true.update(tuple(sorted(p)) for p in rel.iter_rows() if p[0] != p[1])
    hit = len(found & true)
    return {"precision": hit / len(found) if found else None, "recall": hit / len(true) if true else None}


def evaluate_store(store: Path, truth_dir: Path) -> dict:
    """The figures of `link evaluate` for a store against a truth folder."""
    if not store.exists():
        raise UserError("no such store", file=str(store))
    truth = read_truth(truth_dir)
    engine = Engine(store, store_read_only=True)
    try:
        links = read_table(engine, "person_source_link")
        members = read_table(engine, "family_member")
    finally:
        engine.close()
    if links is None or links.height == 0:
        raise UserError("the store has no person index yet (run `joinedup link --db STORE` first)", file=str(store))
    t = record_ids(store, truth.records)
    assigned = links.select("record_id", "person_id").join(
        t.select("record_id", true_id="person_id"), on="record_id")
    if assigned.height < max(1, links.height // 2):
        raise UserError(f"the truth folder does not match this store ({assigned.height} of {links.height} "
                        "records found in it): a different place, or a different pseudonym key", file=str(truth_dir))
    pairwise, clusters = pairwise_figures(assigned)
    return {"pairwise": pairwise, "clusters": clusters,
            "families": _family_figures(members, majority_truth(assigned), truth)}


def majority_truth(assigned: pl.DataFrame) -> pl.DataFrame:
    """Each person's true person: the one most of its records belong to, a tie going to the smallest true id."""
    # the tie rule makes the family figures independent of the order a hash group-by happens to give
    return (assigned.group_by("person_id", "true_id").len()
            .sort(["person_id", "len", "true_id"], descending=[False, True, False])
            .group_by("person_id", maintain_order=True).first().select("person_id", "true_id"))


def format_figures(f: dict) -> str:
    """The figures as a few plain lines."""
    p, c, fam = f["pairwise"], f["clusters"], f["families"]
    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.4f}"
    return "\n".join([
        f"pairwise  precision {pct(p['precision'])}  recall {pct(p['recall'])}  f1 {pct(p['f1'])}  "
        f"(tp {p['tp']}, fp {p['fp']}, fn {p['fn']})",
        f"clusters  true persons {c['true_persons']}  found persons {c['found_persons']}  "
        f"split {c['split']}  merged {c['merged']}",
        f"families  precision {pct(fam['precision'])}  recall {pct(fam['recall'])}",
    ])
