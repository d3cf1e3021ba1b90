"""Stable person ids: a re-run keeps each known person's id (maximum record overlap); new persons get new ids."""

from __future__ import annotations

import hashlib

import polars as pl

__all__ = ["assign_ids", "new_person_id"]


def new_person_id(seed: str, taken: set[str]) -> str:
    """P + 12 hex characters derived from the cluster's first record id, unique among ids taken."""
    for n in range(1000):
        pid = "P" + hashlib.sha256(f"joinedup-person|{seed}|{n}".encode()).hexdigest()[:12]
        if pid not in taken:
            taken.add(pid)
            return pid
    raise RuntimeError("could not find a free person id")  # pragma: no cover - 16^12 ids


def assign_ids(clusters: pl.DataFrame, previous: pl.DataFrame | None, *, incremental: bool = False,
               taken: set[str] | None = None) -> pl.DataFrame:
    """clusters (unique_id, cluster) + previous links (record_id, person_id) -> (unique_id, person_id).

    Full run: each cluster takes the old id it shares most records with (each old id once).
    Incremental run: a record already in the index keeps its person; a new record joins the person
    most of its cluster's known records belong to, or a new person. New ids avoid `taken` (ids ever given).
    """
    taken = set(taken or ()) | (set(previous["person_id"].unique().to_list()) if previous is not None else set())
    if previous is None or previous.height == 0:
        chosen = pl.DataFrame(schema={"cluster": pl.Int64, "person_id": pl.Utf8})
    else:
        overlap = (clusters.join(previous.rename({"record_id": "unique_id"}), on="unique_id")
                   .group_by("cluster", "person_id").len()
                   .sort(["len", "person_id", "cluster"], descending=[True, False, False]))
        used_c: set[int] = set()
        used_p: set[str] = set()
        rows = []
        for c, p, _ in overlap.iter_rows():
            if c in used_c or p in used_p:
                continue
            used_c.add(c)
            used_p.add(p)
            rows.append((c, p))
        chosen = pl.DataFrame(rows, schema={"cluster": pl.Int64, "person_id": pl.Utf8}, orient="row")
    out = clusters.join(chosen, on="cluster", how="left")
    if incremental and previous is not None and previous.height:
        known = previous.rename({"record_id": "unique_id", "person_id": "old"})
        out = out.join(known, on="unique_id", how="left").with_columns(
            person_id=pl.coalesce("old", "person_id")).drop("old")
    # in record id order: a clash of new ids (rare) is then resolved the same way on every run
    missing = (out.filter(pl.col("person_id").is_null()).group_by("cluster").agg(pl.col("unique_id").min())
               .sort("unique_id"))
    fresh = pl.DataFrame({"cluster": missing["cluster"],
                          "new_id": [new_person_id(s, taken) for s in missing["unique_id"].to_list()]},
                         schema={"cluster": pl.Int64, "new_id": pl.Utf8})
    out = out.join(fresh, on="cluster", how="left").with_columns(person_id=pl.coalesce("person_id", "new_id"))
    return out.select("unique_id", "person_id")
