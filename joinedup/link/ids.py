"""Stable person ids: a re-run keeps each known person's id (maximum record overlap); new persons get new ids.

The assignment is SQL run by the link engine (DuckDB or Spark), on tables that stay in the engine:

- **overlap**: each (cluster, old person id) pair with the number of records they share;
- **greedy maximum overlap**: pairs are taken best first (most shared records, then person id, then
  cluster), each cluster and each old id at most once. Taken one at a time this is a sequential loop;
  it is the same matching as taking, round after round, every pair that is the best pair of both its
  cluster and its person id (a pair the greedy loop takes is the best one left at both of its ends
  when it is taken, and a pair best at both ends is taken by the loop before anything can block it),
  so the engine runs a few set-based rounds instead (as many as the longest chain of competing pairs,
  a handful in practice);
- **new ids** for the clusters left: P + the first 12 hex characters of sha256 of the cluster's
  smallest record id. An id already given (or given to a cluster with a smaller first record) is
  tried again with a counter (`new_person_id`): with 16^12 ids that is a few clusters at the size
  of England, resolved in Python among those few.
"""

from __future__ import annotations

import hashlib

import polars as pl
from sqlglot import exp

from joinedup.link.sql import LinkSQL, as_, asc, col, concat, count, desc, nothing, over, ref, sub, text, union_all

__all__ = ["assign_ids", "assign_id_tables", "new_person_id"]

_PREFIX = "joinedup-person"


def new_person_id(seed: str, taken: set[str]) -> str:
    """P + 12 hex characters derived from the cluster's first record id, unique among ids taken."""
    for n in range(1000):
        pid = _candidate(seed, n)
        if pid not in taken:
            taken.add(pid)
            return pid
    raise RuntimeError("could not find a free person id")  # pragma: no cover - 16^12 ids


def _candidate(seed: str, n: int) -> str:
    return "P" + hashlib.sha256(f"{_PREFIX}|{seed}|{n}".encode()).hexdigest()[:12]


def assign_ids(clusters: pl.DataFrame, previous: pl.DataFrame | None, *, incremental: bool = False,
               taken: set[str] | None = None, link: LinkSQL | None = None) -> pl.DataFrame:
    """clusters (unique_id, cluster) + previous links (record_id, person_id) -> (unique_id, person_id).

    The frames are copied into `link`'s engine (by default a scratch DuckDB) and assigned there by
    `assign_id_tables`; see it for the rules.
    """
    from joinedup.store import Store

    scratch = Store.memory() if link is None else None
    link = link or LinkSQL(scratch.backend)
    try:
        c = link.put("clusters", clusters.select(pl.col("unique_id").cast(pl.Utf8), pl.col("cluster").cast(pl.Int64)))
        p = None if previous is None else link.put("previous", previous.select(
            pl.col("record_id").cast(pl.Utf8), pl.col("person_id").cast(pl.Utf8)))
        t = None if not taken else link.put("taken", pl.DataFrame({"person_id": sorted(taken)}, schema={"person_id": pl.Utf8}))
        out = assign_id_tables(link, c, p, incremental=incremental, taken=t)
        got = link.fetch(_from(out, "unique_id", "person_id"))
        link.drop(out, *(x for x in (c, p, t) if x))
        # in the clusters' row order, as the frame came in
        return clusters.select(pl.col("unique_id").cast(pl.Utf8)).join(got, on="unique_id", how="left",
                                                                      maintain_order="left")
    finally:
        if scratch is not None:
            scratch.close()


def assign_id_tables(link: LinkSQL, clusters: str, previous: str | None, *, incremental: bool = False,
                     taken: str | None = None) -> str:
    """Tables in the link engine -> a new table (unique_id, person_id).

    clusters (unique_id, cluster); previous (record_id, person_id): the last run's links, or None;
    taken (person_id): ids given before that must not be given again (previous's ids always are).
    Full run: each cluster takes the old id it shares most records with (each old id once).
    Incremental run: a record already in the index keeps its person; a new record joins the person
    most of its cluster's known records belong to, or a new person.
    """
    made: list[str] = []
    chosen = None
    if previous is not None:
        overlap = link.table("overlap", exp.select(col("cluster", "c"), col("person_id", "p"), as_(count(), "n"))
                             .from_(ref(clusters, "c"))
                             .join(ref(previous, "p"), on=col("record_id", "p").eq(col("unique_id", "c")))
                             .group_by(col("cluster", "c"), col("person_id", "p")))
        chosen = _greedy(link, overlap)
        made.append(overlap)
    if chosen is None:
        chosen = link.table("chosen", nothing(cluster="bigint", person_id="varchar"))
    made.append(chosen)
    on_cluster = col("cluster", "o").eq(col("cluster", "c"))
    if incremental and previous is not None:
        kept = link.table("kept", exp.select(col("unique_id", "c"), col("cluster", "c"), as_(exp.Coalesce(
            this=col("person_id", "p"), expressions=[col("person_id", "o")]), "person_id"))
            .from_(ref(clusters, "c")).join(ref(chosen, "o"), on=on_cluster, join_type="left")
            .join(ref(previous, "p"), on=col("record_id", "p").eq(col("unique_id", "c")), join_type="left"))
    else:
        kept = link.table("kept", exp.select(col("unique_id", "c"), col("cluster", "c"), col("person_id", "o"))
                          .from_(ref(clusters, "c")).join(ref(chosen, "o"), on=on_cluster, join_type="left"))
    made.append(kept)
    fresh = _fresh_ids(link, kept, previous, taken)
    made.append(fresh)
    out = link.table("person_ids", exp.select(col("unique_id", "k"), as_(exp.Coalesce(
        this=col("person_id", "k"), expressions=[col("person_id", "f")]), "person_id"))
        .from_(ref(kept, "k")).join(ref(fresh, "f"), on=col("cluster", "f").eq(col("cluster", "k")), join_type="left"))
    link.drop(*made)
    return out


def _from(table: str, *columns: str) -> exp.Select:
    """SELECT columns FROM table."""
    return exp.select(*map(col, columns)).from_(ref(table))


def _greedy(link: LinkSQL, overlap: str) -> str | None:
    """Greedy maximum-overlap matching of clusters to old ids, as rounds of mutually best pairs; a table (cluster, person_id)."""
    rounds: list[str] = []
    left = overlap
    while True:
        by_cluster = over(exp.RowNumber(), partition_by=(col("cluster"),), order_by=(desc(col("n")), asc(col("person_id"))))
        by_person = over(exp.RowNumber(), partition_by=(col("person_id"),), order_by=(desc(col("n")), asc(col("cluster"))))
        ranked = exp.select(col("cluster"), col("person_id"), as_(by_cluster, "by_cluster"), as_(by_person, "by_person")
                            ).from_(ref(left))
        one = exp.Literal.number(1)
        best = link.table("best", _from_query(ranked, "ranked", "cluster", "person_id").where(
            exp.and_(col("by_cluster").eq(one), col("by_person").eq(one.copy()))))
        if not link.scalar(exp.select(count()).from_(ref(best))):
            link.drop(best)
            break
        rounds.append(best)
        rest = link.table("left", exp.select(col("cluster", "o"), col("person_id", "o"), col("n", "o"))
                          .from_(ref(left, "o")).where(exp.and_(_untaken(best, "cluster"), _untaken(best, "person_id"))))
        if left != overlap:
            link.drop(left)
        left = rest
    if left != overlap:
        link.drop(left)
    if not rounds:
        return None
    chosen = link.table("chosen", union_all(*(_from(b, "cluster", "person_id") for b in rounds)))
    link.drop(*rounds)
    return chosen


def _untaken(best: str, name: str) -> exp.Expression:
    """NOT EXISTS (a row of best with o's value of `name`): o's cluster (or person id) was not taken this round."""
    return exp.Not(this=exp.Exists(this=exp.select(exp.Literal.number(1)).from_(ref(best, "b"))
                                   .where(col(name, "b").eq(col(name, "o")))))


def _from_query(query: exp.Query, alias: str, *columns: str) -> exp.Select:
    """SELECT columns FROM (query) AS alias."""
    return exp.select(*map(col, columns)).from_(sub(query, alias))


def _fresh_ids(link: LinkSQL, kept: str, previous: str | None, taken: str | None) -> str:
    """New ids for the clusters with none: a table (cluster, person_id)."""
    given = [_from(t, "person_id") for t in (previous, taken) if t is not None]
    used = link.table("used", union_all(*given, distinct=True) if given else nothing(person_id="varchar"))
    # the first candidate of each cluster, by its smallest record id (as `_candidate` makes it with n = 0);
    # a clash is a candidate already given, or one given to a cluster with a smaller first record
    seeds = (exp.select(col("cluster"), as_(exp.Min(this=col("unique_id")), "seed")).from_(ref(kept))
             .where(exp.Is(this=col("person_id"), expression=exp.Null())).group_by(col("cluster")))
    digest = exp.SHA2(this=concat(text(f"{_PREFIX}|"), col("seed"), text("|0")), length=exp.Literal.number(256))
    candidate = concat(text("P"), exp.Substring(this=digest, start=exp.Literal.number(1), length=exp.Literal.number(12)))
    first = link.table("first_try", exp.select(col("cluster"), col("seed"), as_(candidate, "person_id")).from_(sub(seeds, "m")))
    nth = over(exp.RowNumber(), partition_by=(col("person_id", "f"),), order_by=(asc(col("seed", "f")),))
    was_given = exp.Not(this=exp.Is(this=col("person_id", "u"), expression=exp.Null()))
    ranked = link.table("tries", exp.select(col("cluster", "f"), col("seed", "f"), col("person_id", "f"), as_(nth, "nth"),
                                            as_(was_given, "was_given"))
                        .from_(ref(first, "f"))
                        .join(ref(used, "u"), on=col("person_id", "u").eq(col("person_id", "f")), join_type="left"))
    first_free = exp.and_(col("nth").eq(exp.Literal.number(1)), exp.Not(this=col("was_given")))
    clash = exp.or_(exp.GT(this=col("nth"), expression=exp.Literal.number(1)), col("was_given"))
    clashes = link.fetch(_from(ranked, "cluster", "seed").where(clash).order_by(asc(col("seed"))))
    if clashes.height == 0:
        fresh = link.table("fresh", _from(ranked, "cluster", "person_id"))
        link.drop(used, first, ranked)
        return fresh
    # the few clashes, in record id order: each takes the first free id of its own sequence
    tries = pl.DataFrame([(s, _candidate(s, n)) for s in clashes["seed"].to_list() for n in range(20)],
                         schema={"seed": pl.Utf8, "person_id": pl.Utf8}, orient="row")
    probe = link.put("probe", tries.select("person_id").unique())
    in_used = col("person_id", "p").isin(query=_from(used, "person_id"))
    in_ranked = col("person_id", "p").isin(query=_from(ranked, "person_id").where(first_free.copy()))
    blocked = set(link.fetch(exp.select(col("person_id", "p")).from_(ref(probe, "p")).where(exp.or_(in_used, in_ranked))
                             )["person_id"].to_list())
    given_now = [new_person_id(s, blocked) for s in clashes["seed"].to_list()]
    moved = link.put("moved", pl.DataFrame({"cluster": clashes["cluster"].cast(pl.Int64), "person_id": given_now}))
    fresh = link.table("fresh", union_all(_from(ranked, "cluster", "person_id").where(first_free),
                                          _from(moved, "cluster", "person_id")))
    link.drop(used, first, ranked, probe, moved)
    return fresh
