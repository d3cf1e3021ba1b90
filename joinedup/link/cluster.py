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

`components` is the one wrapper of Splink's clustering: the link stage calls it with the guard
(`cluster_tables`), `joinedup match` without (`joinedup.link.match.cluster_links`). Its SQL is
built as sqlglot trees (`joinedup.link.sql`), rendered for the engine that runs it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from splink.clustering import cluster_pairwise_predictions_at_threshold
from sqlglot import exp

from joinedup.link.sql import LinkSQL, as_, asc, cast, col, concat, count, over, ref, sub, text, union_all

__all__ = ["cluster_records", "cluster_tables", "components", "Guard", "METHOD_RANK"]

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
        return link.fetch(exp.select(col("unique_id"), col("cluster")).from_(ref(out)).order_by(asc(col("unique_id")))
                          ).with_columns(pl.col("cluster").cast(pl.Int64))
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
    first = components(link, nodes, edges, guard=Guard(apart, local_ids=guard_local_ids))
    if not labels:
        return first
    rank = cast(exp.Sub(this=over(exp.DenseRank(), order_by=(asc(col("first")),)), expression=exp.Literal.number(1)),
                "bigint")
    out = link.table("clusters", exp.select(col("unique_id"), col("first"), as_(rank, "cluster")).from_(ref(first)))
    link.drop(first)
    return out


@dataclass(frozen=True)
class Guard:
    """What may not share a cluster: two verified NHS numbers, the pairs of `apart`, and (with local_ids) two ids of one system.

    apart: a table (uid_l, uid_r) of no-match decisions, or None.
    """

    apart: str | None = None
    local_ids: bool = False


def components(link: LinkSQL, nodes: str, edges: str, *, left: str = "uid_l", right: str = "uid_r",
               order: str = "unique_id", guard: Guard | None = None) -> str:
    """Tables in the link engine -> a table (unique_id[, order], first): each record and its cluster's smallest `order`.

    The clusters are Splink's connected components of the edges (`cluster_pairwise_predictions_at_threshold`,
    every backend), each one kept as it stands unless a guard is given and the component holds
    records it says cannot be one person: then that component is rebuilt from its strongest edge
    down (`_split_conflicted`; the guard needs nodes (unique_id, nhs_key, system, local_id_pseudo)
    and edges (left, right, probability, method)). nodes has a unique_id and the `order` column;
    edges (left, right) name two nodes each. `first` (the smallest `order` in the record's
    cluster) names the cluster whatever order the records and edges came in.
    """
    # every edge is a link (no threshold): Splink reads only the two id columns
    cc = cluster_pairwise_predictions_at_threshold(nodes, edges, link.api, "unique_id", left, right,
                                                   threshold_match_probability=None)
    if guard is None:
        named, part, made = cc.physical_name, col("cluster_id", "p"), []
    else:
        comp = link.table("components", exp.select(col("unique_id"), as_(cast(col("cluster_id"), "varchar"), "comp"))
                          .from_(ref(cc.physical_name)))
        cc.drop_table_from_database_and_remove_from_cache()
        cc = None
        named = _guarded(link, nodes, edges, comp, guard, left, right)
        part, made = col("part", "p"), [named]
    if order == "unique_id":
        query = exp.select(col("unique_id", "p"), as_(over(exp.Min(this=col("unique_id", "p")), partition_by=(part,)),
                                                      "first")).from_(ref(named, "p"))
    else:
        query = (exp.select(col("unique_id", "n"), col(order, "n"),
                            as_(over(exp.Min(this=col(order, "n")), partition_by=(part,)), "first"))
                 .from_(ref(nodes, "n")).join(ref(named, "p"), on=col("unique_id", "p").eq(col("unique_id", "n"))))
    first = link.table("first", query)
    if cc is not None:
        cc.drop_table_from_database_and_remove_from_cache()
    link.drop(*made)
    return first


def _guarded(link: LinkSQL, nodes: str, edges: str, comp: str, guard: Guard, left: str, right: str) -> str:
    """Components (unique_id, comp) -> a table (unique_id, part): conflicted components split, the rest as they are."""
    def keyed_by(uid: str, kind: exp.Expression, value: str, table: str, *where: exp.Expression) -> exp.Select:
        q = exp.select(as_(col(uid), "unique_id"), as_(kind, "kind"), as_(col(value), "value")).from_(ref(table))
        return q.where(exp.and_(*where, copy=False), copy=False) if where else q

    def not_null(name: str) -> exp.Expression:
        return exp.Not(this=exp.Is(this=col(name), expression=exp.Null()))

    # one row per (record, kind, value): two values of one kind in a component are a conflict; each
    # no-match pair is a kind of its own, its two records holding two different values
    keys = [keyed_by("unique_id", text("nhs"), "nhs_key", nodes, not_null("nhs_key"))]
    if guard.local_ids:
        keys.append(keyed_by("unique_id", col("system"), "local_id_pseudo", nodes, not_null("local_id_pseudo"),
                             not_null("system")))
    if guard.apart is not None:
        for side in ("uid_l", "uid_r"):
            keys.append(keyed_by(side, concat(text("no-match "), col("uid_l"), text(" "), col("uid_r")), side,
                                 guard.apart))
    keyed = link.table("keys", exp.select(col("unique_id", "k"), col("comp", "c"), col("kind", "k"), col("value", "k"))
                       .from_(sub(union_all(*keys), "k"))
                       .join(ref(comp, "c"), on=col("unique_id", "c").eq(col("unique_id", "k"))))
    bad = link.table("conflicted", exp.select(col("comp")).distinct().from_(ref(keyed))
                     .group_by(col("comp"), col("kind"))
                     .having(exp.GT(this=count(col("value"), distinct=True), expression=exp.Literal.number(1))))
    parts = link.put("split", _split_conflicted(link, comp, keyed, bad, edges, left, right))
    # a record of a split component takes its part's name; every other keeps its component's
    named = link.table("named", exp.select(col("unique_id", "c"), as_(exp.Coalesce(
        this=col("part", "s"), expressions=[col("comp", "c")]), "part")).from_(ref(comp, "c"))
        .join(ref(parts, "s"), on=col("unique_id", "s").eq(col("unique_id", "c")), join_type="left"))
    link.drop(parts, bad, keyed, comp)
    return named


def _split_conflicted(link: LinkSQL, comp: str, keyed: str, bad: str, edges: str, left: str = "uid_l",
                      right: str = "uid_r") -> pl.DataFrame:
    """The records of conflicted components -> (unique_id, part): each component rebuilt without its conflicts."""
    in_bad = col("comp", "b").eq(col("comp", "c"))
    members = link.fetch(exp.select(col("unique_id", "c"), col("comp", "c")).from_(ref(comp, "c"))
                         .join(ref(bad, "b"), on=in_bad).order_by(asc(col("unique_id", "c"))))
    if members.height == 0:
        return pl.DataFrame(schema={"unique_id": pl.Utf8, "part": pl.Utf8})
    keys = link.fetch(exp.select(col("unique_id", "k"), col("kind", "k"), col("value", "k")).from_(ref(keyed, "k"))
                      .join(ref(bad, "b"), on=col("comp", "b").eq(col("comp", "k"))))
    e = link.fetch(exp.select(as_(col(left, "e"), "uid_l"), as_(col(right, "e"), "uid_r"), col("probability", "e"),
                              col("method", "e")).from_(ref(edges, "e"))
                   .join(ref(comp, "c"), on=col("unique_id", "c").eq(col(left, "e"))).join(ref(bad, "b"), on=in_bad))
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
