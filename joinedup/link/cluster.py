"""Clusters of records: connected components, with a guard that splits chains of distinct people.

A component is accepted as it stands unless it holds records that cannot be one person: two
different verified NHS numbers (and, when asked, two different local ids of one system; off by
default, because duplicate registrations - one patient, two hospital numbers - are common and
the synthetic place has them too), or two records an analyst decided are not one person (a
no-match decision: a cannot-link constraint). Such a component is rebuilt edge by edge from the strongest down, refusing any
merge that would join conflicting records, so it breaks at its weakest links.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["cluster_records", "METHOD_RANK"]

#: Strength of each method when edges tie on probability (an analyst's decision, then exact rules, then the model).
METHOD_RANK = {"manual": 5, "nhs_number": 4, "upn": 3, "local_id": 2, "probabilistic": 1}


def cluster_records(records: pl.DataFrame, edges: pl.DataFrame, *, guard_local_ids: bool = False,
                    cannot_link: pl.DataFrame | None = None) -> pl.DataFrame:
    """Records (unique_id, nhs_key, system, local_id_pseudo) + edges (uid_l, uid_r, probability, method) -> cluster per record.

    cannot_link (uid_l, uid_r): pairs that must end in different clusters.
    """
    ids = records["unique_id"]
    index = pl.DataFrame({"unique_id": ids, "i": np.arange(len(ids), dtype=np.int64)})
    e = (edges.join(index.rename({"unique_id": "uid_l"}), on="uid_l")
              .join(index.rename({"unique_id": "uid_r", "i": "j"}), on="uid_r"))
    n = len(ids)
    graph = coo_matrix((np.ones(e.height), (e["i"].to_numpy(), e["j"].to_numpy())), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)
    keys = _conflict_keys(records, guard_local_ids, cannot_link, index)
    conflicted = _conflicted_components(labels, keys)
    if conflicted.size:
        labels = _split(labels, conflicted, keys, e)
    return _canonical(pl.DataFrame({"unique_id": ids, "cluster": labels}))


def _canonical(clusters: pl.DataFrame) -> pl.DataFrame:
    """Clusters numbered by their smallest record id, so the numbers do not depend on the order records came in."""
    first = clusters.group_by("cluster").agg(pl.col("unique_id").min().alias("first")).with_columns(
        number=pl.col("first").rank("ordinal").cast(pl.Int64) - 1)
    return clusters.join(first.select("cluster", "number"), on="cluster").select(
        "unique_id", cluster="number")


def _conflict_keys(records: pl.DataFrame, guard_local_ids: bool, cannot_link: pl.DataFrame | None,
                   index: pl.DataFrame) -> pl.DataFrame:
    # One row per (record, kind, value): two values of one kind in a cluster are a conflict.
    parts = [records.select(i=pl.int_range(pl.len()), kind=pl.lit("nhs"), value=pl.col("nhs_key"))]
    if guard_local_ids:
        parts.append(records.select(i=pl.int_range(pl.len()), kind=pl.col("system"), value=pl.col("local_id_pseudo")))
    parts = [p.with_columns(pl.col("i").cast(pl.Int64)) for p in parts]
    if cannot_link is not None and cannot_link.height:
        # Each no-match pair is a kind of its own, its two records holding two different values.
        pairs = cannot_link.with_columns(kind=pl.format("no-match {}", pl.int_range(pl.len())))
        for side in ("uid_l", "uid_r"):
            parts.append(pairs.join(index.rename({"unique_id": side}), on=side).select(
                pl.col("i").cast(pl.Int64), "kind", value=pl.col(side)))
    return pl.concat(parts).drop_nulls()


def _conflicted_components(labels: np.ndarray, keys: pl.DataFrame) -> np.ndarray:
    k = keys.with_columns(c=pl.Series(labels)[keys["i"]])
    bad = k.group_by("c", "kind").agg(pl.col("value").n_unique().alias("n")).filter(pl.col("n") > 1)
    return bad["c"].unique().to_numpy()


def _split(labels: np.ndarray, conflicted: np.ndarray, keys: pl.DataFrame, e: pl.DataFrame) -> np.ndarray:
    in_bad = np.isin(labels, conflicted)
    # A cluster holds a set of values per kind: a match decision may have given one person two numbers.
    key_map: dict[int, dict[str, set[str]]] = {}
    for i, kind, value in keys.filter(pl.Series(in_bad)[keys["i"]]).iter_rows():
        key_map.setdefault(i, {}).setdefault(kind, set()).add(value)
    # strongest first; edges that tie (many exact links have probability 1) in the order of their
    # record ids, never in the order the joins happened to produce, so a re-run splits alike
    bad_edges = e.filter(pl.Series(in_bad)[e["i"]]).with_columns(
        rank=pl.col("method").replace_strict(METHOD_RANK, default=0),
        lo=pl.min_horizontal("uid_l", "uid_r"), hi=pl.max_horizontal("uid_l", "uid_r")).sort(
        ["probability", "rank", "lo", "hi"], descending=[True, True, False, False])
    parent: dict[int, int] = {}
    held: dict[int, dict[str, set[str]]] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in zip(bad_edges["i"].to_list(), bad_edges["j"].to_list()):
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        ki, kj = held.get(ri, key_map.get(ri, {})), held.get(rj, key_map.get(rj, {}))
        if any(kind in kj and not (kj[kind] & v) for kind, v in ki.items()):
            continue  # joining these would put two people's identifiers in one cluster
        parent[rj] = ri
        held[ri] = {k: ki.get(k, set()) | kj.get(k, set()) for k in {*ki, *kj}}
    out = labels.copy()
    next_label = int(labels.max()) + 1
    roots: dict[int, int] = {}
    for i in np.flatnonzero(in_bad):
        r = find(int(i))
        if r not in roots:
            roots[r] = next_label
            next_label += 1
        out[i] = roots[r]
    return out
