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

from joinedup.link.sql import LinkSQL

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
        got = link.fetch(f"SELECT unique_id, person_id FROM {out}")
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
        overlap = link.table("overlap", f"SELECT c.cluster, p.person_id, COUNT(*) AS n FROM {clusters} AS c "
                                        f"JOIN {previous} AS p ON p.record_id = c.unique_id GROUP BY c.cluster, p.person_id")
        chosen = _greedy(link, overlap)
        made.append(overlap)
    if chosen is None:
        chosen = link.table("chosen", "SELECT CAST(NULL AS BIGINT) AS cluster, CAST(NULL AS VARCHAR) AS person_id WHERE FALSE")
    made.append(chosen)
    if incremental and previous is not None:
        kept = link.table("kept", f"SELECT c.unique_id, c.cluster, COALESCE(p.person_id, o.person_id) AS person_id "
                                  f"FROM {clusters} AS c LEFT JOIN {chosen} AS o ON o.cluster = c.cluster "
                                  f"LEFT JOIN {previous} AS p ON p.record_id = c.unique_id")
    else:
        kept = link.table("kept", f"SELECT c.unique_id, c.cluster, o.person_id FROM {clusters} AS c "
                                  f"LEFT JOIN {chosen} AS o ON o.cluster = c.cluster")
    made.append(kept)
    fresh = _fresh_ids(link, kept, previous, taken)
    made.append(fresh)
    out = link.table("person_ids", f"SELECT k.unique_id, COALESCE(k.person_id, f.person_id) AS person_id FROM {kept} AS k "
                                   f"LEFT JOIN {fresh} AS f ON f.cluster = k.cluster")
    link.drop(*made)
    return out


def _greedy(link: LinkSQL, overlap: str) -> str | None:
    """Greedy maximum-overlap matching of clusters to old ids, as rounds of mutually best pairs; a table (cluster, person_id)."""
    rounds: list[str] = []
    left = overlap
    while True:
        best = link.table("best", f"""
            SELECT cluster, person_id FROM (
                SELECT cluster, person_id,
                       ROW_NUMBER() OVER (PARTITION BY cluster ORDER BY n DESC, person_id) AS by_cluster,
                       ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY n DESC, cluster) AS by_person
                FROM {left}) AS ranked
            WHERE by_cluster = 1 AND by_person = 1""")
        if not link.scalar(f"SELECT COUNT(*) FROM {best}"):
            link.drop(best)
            break
        rounds.append(best)
        rest = link.table("left", f"""
            SELECT o.cluster, o.person_id, o.n FROM {left} AS o
            WHERE NOT EXISTS (SELECT 1 FROM {best} AS b WHERE b.cluster = o.cluster)
              AND NOT EXISTS (SELECT 1 FROM {best} AS b WHERE b.person_id = o.person_id)""")
        if left != overlap:
            link.drop(left)
        left = rest
    if left != overlap:
        link.drop(left)
    if not rounds:
        return None
    chosen = link.table("chosen", " UNION ALL ".join(f"SELECT cluster, person_id FROM {b}" for b in rounds))
    link.drop(*rounds)
    return chosen


def _fresh_ids(link: LinkSQL, kept: str, previous: str | None, taken: str | None) -> str:
    """New ids for the clusters with none: a table (cluster, person_id)."""
    given = [f"SELECT person_id FROM {t}" for t in (previous, taken) if t is not None]
    used = link.table("used", " UNION ".join(given) if given else
                      "SELECT CAST(NULL AS VARCHAR) AS person_id WHERE FALSE")
    # the first candidate of each cluster, by its smallest record id; a clash is a candidate already
    # given, or one given to a cluster with a smaller first record
    first = link.table("first_try", f"""
        SELECT cluster, seed, 'P' || SUBSTRING(SHA256('{_PREFIX}|' || seed || '|0'), 1, 12) AS person_id
        FROM (SELECT cluster, MIN(unique_id) AS seed FROM {kept} WHERE person_id IS NULL GROUP BY cluster) AS m""")
    ranked = link.table("tries", f"""
        SELECT f.cluster, f.seed, f.person_id,
               ROW_NUMBER() OVER (PARTITION BY f.person_id ORDER BY f.seed) AS nth,
               u.person_id IS NOT NULL AS was_given
        FROM {first} AS f LEFT JOIN {used} AS u ON u.person_id = f.person_id""")
    clashes = link.fetch(f"SELECT cluster, seed FROM {ranked} WHERE nth > 1 OR was_given ORDER BY seed")
    if clashes.height == 0:
        fresh = link.table("fresh", f"SELECT cluster, person_id FROM {ranked}")
        link.drop(used, first, ranked)
        return fresh
    # the few clashes, in record id order: each takes the first free id of its own sequence
    tries = pl.DataFrame([(s, _candidate(s, n)) for s in clashes["seed"].to_list() for n in range(20)],
                         schema={"seed": pl.Utf8, "person_id": pl.Utf8}, orient="row")
    probe = link.put("probe", tries.select("person_id").unique())
    blocked = set(link.fetch(f"""
        SELECT p.person_id FROM {probe} AS p WHERE p.person_id IN (SELECT person_id FROM {used})
           OR p.person_id IN (SELECT person_id FROM {ranked} WHERE nth = 1 AND NOT was_given)""")["person_id"].to_list())
    given_now = [new_person_id(s, blocked) for s in clashes["seed"].to_list()]
    moved = link.put("moved", pl.DataFrame({"cluster": clashes["cluster"].cast(pl.Int64), "person_id": given_now}))
    fresh = link.table("fresh", f"""
        SELECT cluster, person_id FROM {ranked} WHERE nth = 1 AND NOT was_given
        UNION ALL SELECT cluster, person_id FROM {moved}""")
    link.drop(used, first, ranked, probe, moved)
    return fresh
