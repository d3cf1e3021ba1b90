"""Clusters of records: connected components, with a guard that splits chains of distinct people.

A component is accepted as it stands unless it holds records that cannot be one person: two
different verified NHS numbers (and, when asked, two different local ids of one system; off by
default, because duplicate registrations - one patient, two hospital numbers - are common and
the synthetic place has them too), or two records an analyst decided are not one person (a
no-match decision: a cannot-link constraint). Such a component is rebuilt edge by edge from the strongest down, refusing any
merge that would join conflicting records, so it breaks at its weakest links.

Everything set-based runs as SQL on the link engine (DuckDB or Spark): the components are Splink's
own (`cluster_pairwise_predictions_at_threshold`, which runs on every backend), the conflicts are
found by a group-by, and only the few conflicted components (their keys and edges) come back to
Python to be split. Clusters are numbered by their smallest record id, so the numbers do not
depend on the order records or edges came in, nor on the engine.
"""

from __future__ import annotations

import polars as pl
from splink.clustering import cluster_pairwise_predictions_at_threshold

from joinedup.link.sql import LinkSQL

__all__ = ["cluster_records", "cluster_tables", "METHOD_RANK"]

#: Strength of each method when edges tie on probability (an analyst's decision, then exact rules, then the model).
METHOD_RANK = {"manual": 5, "nhs_number": 4, "upn": 3, "local_id": 2, "probabilistic": 1}

_APART = {"uid_l": pl.Utf8, "uid_r": pl.Utf8}


def cluster_records(records: pl.DataFrame, edges: pl.DataFrame, *, guard_local_ids: bool = False,
                    cannot_link: pl.DataFrame | None = None, link: LinkSQL | None = None) -> pl.DataFrame:
    """Records (unique_id, nhs_key, system, local_id_pseudo) + edges (uid_l, uid_r, probability, method) -> cluster per record.

    cannot_link (uid_l, uid_r): pairs that must end in different clusters. The frames are copied into
    `link`'s engine (by default a scratch DuckDB) and clustered there by `cluster_tables`.
    """
    from joinedup.store import Store

    scratch = Store.memory() if link is None else None
    link = link or LinkSQL(scratch.backend)
    try:
        nodes = link.put("nodes", records.select(
            pl.col("unique_id").cast(pl.Utf8), pl.col("nhs_key").cast(pl.Utf8), pl.col("system").cast(pl.Utf8),
            pl.col("local_id_pseudo").cast(pl.Utf8)))
        e = link.put("edges", edges.select(pl.col("uid_l").cast(pl.Utf8), pl.col("uid_r").cast(pl.Utf8),
                                           pl.col("probability").cast(pl.Float64), pl.col("method").cast(pl.Utf8)))
        apart = link.put("apart", (cannot_link if cannot_link is not None else pl.DataFrame(schema=_APART))
                         .select(pl.col("uid_l").cast(pl.Utf8), pl.col("uid_r").cast(pl.Utf8)))
        out = cluster_tables(link, nodes, e, apart, guard_local_ids=guard_local_ids)
        return link.fetch(f"SELECT unique_id, cluster FROM {out} ORDER BY unique_id").with_columns(
            pl.col("cluster").cast(pl.Int64))
    finally:
        if scratch is not None:
            scratch.close()


def cluster_tables(link: LinkSQL, nodes: str, edges: str, apart: str, *, guard_local_ids: bool = False,
                   labels: bool = True) -> str:
    """Tables in the link engine -> a table (unique_id, cluster, first): cluster number and smallest record id.

    nodes (unique_id, nhs_key, system, local_id_pseudo); edges (uid_l, uid_r, probability, method);
    apart (uid_l, uid_r): pairs never in one cluster. With labels False the table has no cluster
    number (a global rank), only `first`, which names the cluster as well.
    """
    cc_edges = link.table("cc_edges", f"SELECT uid_l, uid_r, 1.0 AS match_probability FROM {edges}")
    cc = cluster_pairwise_predictions_at_threshold(nodes, cc_edges, link.api, "unique_id", "uid_l", "uid_r",
                                                   threshold_match_probability=None)
    comp = link.table("components", f"SELECT unique_id, CAST(cluster_id AS VARCHAR) AS comp FROM {cc.physical_name}")
    cc.drop_table_from_database_and_remove_from_cache()
    # one row per (record, kind, value): two values of one kind in a component are a conflict; each
    # no-match pair is a kind of its own, its two records holding two different values
    keys = [f"SELECT unique_id, 'nhs' AS kind, nhs_key AS value FROM {nodes} WHERE nhs_key IS NOT NULL"]
    if guard_local_ids:
        keys.append(f"SELECT unique_id, system AS kind, local_id_pseudo AS value FROM {nodes} "
                    "WHERE local_id_pseudo IS NOT NULL AND system IS NOT NULL")
    keys.append(f"SELECT uid_l AS unique_id, 'no-match ' || uid_l || ' ' || uid_r AS kind, uid_l AS value FROM {apart}")
    keys.append(f"SELECT uid_r AS unique_id, 'no-match ' || uid_l || ' ' || uid_r AS kind, uid_r AS value FROM {apart}")
    keyed = link.table("keys", f"SELECT k.unique_id, c.comp, k.kind, k.value FROM ({' UNION ALL '.join(keys)}) AS k "
                               f"JOIN {comp} AS c ON c.unique_id = k.unique_id")
    bad = link.table("conflicted", f"SELECT DISTINCT comp FROM {keyed} GROUP BY comp, kind "
                                   "HAVING COUNT(DISTINCT value) > 1")
    parts = link.put("split", _split_conflicted(link, comp, keyed, bad, edges))
    # a record of a split component takes its part's name; every other keeps its component's
    named = link.table("named", f"SELECT c.unique_id, COALESCE(s.part, c.comp) AS part FROM {comp} AS c "
                                f"LEFT JOIN {parts} AS s ON s.unique_id = c.unique_id")
    first = link.table("first", f"SELECT unique_id, MIN(unique_id) OVER (PARTITION BY part) AS first FROM {named}")
    link.drop(named, parts, bad, keyed, comp, cc_edges)
    if not labels:
        return first
    out = link.table("clusters", f"SELECT unique_id, first, CAST(DENSE_RANK() OVER (ORDER BY first) - 1 AS BIGINT) "
                                 f"AS cluster FROM {first}")
    link.drop(first)
    return out


def _split_conflicted(link: LinkSQL, comp: str, keyed: str, bad: str, edges: str) -> pl.DataFrame:
    """The records of conflicted components -> (unique_id, part): each component rebuilt without its conflicts."""
    members = link.fetch(f"SELECT c.unique_id, c.comp FROM {comp} AS c JOIN {bad} AS b ON b.comp = c.comp "
                         "ORDER BY c.unique_id")
    if members.height == 0:
        return pl.DataFrame(schema={"unique_id": pl.Utf8, "part": pl.Utf8})
    keys = link.fetch(f"SELECT k.unique_id, k.kind, k.value FROM {keyed} AS k JOIN {bad} AS b ON b.comp = k.comp")
    e = link.fetch(f"SELECT e.uid_l, e.uid_r, e.probability, e.method FROM {edges} AS e "
                   f"JOIN {comp} AS l ON l.unique_id = e.uid_l JOIN {bad} AS b ON b.comp = l.comp")
    # A cluster holds a set of values per kind: a match decision may have given one person two numbers.
    key_map: dict[str, dict[str, set[str]]] = {}
    for uid, kind, value in keys.iter_rows():
        key_map.setdefault(uid, {}).setdefault(kind, set()).add(value)
    # strongest first; edges that tie (many exact links have probability 1) in the order of their
    # record ids, never in the order the joins happened to produce, so a re-run splits alike
    ordered = e.with_columns(rank=pl.col("method").replace_strict(METHOD_RANK, default=0),
                             lo=pl.min_horizontal("uid_l", "uid_r"), hi=pl.max_horizontal("uid_l", "uid_r")).sort(
        ["probability", "rank", "lo", "hi"], descending=[True, True, False, False])
    parent: dict[str, str] = {}
    held: dict[str, dict[str, set[str]]] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in zip(ordered["uid_l"].to_list(), ordered["uid_r"].to_list()):
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        ki, kj = held.get(ri, key_map.get(ri, {})), held.get(rj, key_map.get(rj, {}))
        if any(kind in kj and not (kj[kind] & v) for kind, v in ki.items()):
            continue  # joining these would put two people's identifiers in one cluster
        parent[rj] = ri
        held[ri] = {k: ki.get(k, set()) | kj.get(k, set()) for k in {*ki, *kj}}
    # a part is named by its component and its root; `first` renames it by its smallest record later
    uids = members["unique_id"].to_list()
    return pl.DataFrame({"unique_id": uids,
                         "part": [f"{c}|{find(u)}" for u, c in zip(uids, members["comp"].to_list())]},
                        schema={"unique_id": pl.Utf8, "part": pl.Utf8})
