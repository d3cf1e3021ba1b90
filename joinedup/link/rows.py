"""What the model compares: the features in the engine, the exact rules' clusters, and one row per identity in each.

A link run makes the records' comparison features by SQL in the store's engine
(`joinedup.link.records.put_features`), or sends them to a Spark link engine a batch at a time
(`put_feature_batches`); from there the exact rules' edges (`joinedup.link.exact`), their clusters and the model's rows
(`model_rows`) are SQL in that engine (DuckDB or Spark, sqlglot trees rendered for it), held and
spilled by the engine within its memory limit, so no whole-place frame of features is ever made in
Python: it holds one batch at a time. The cluster guard's keys of each record (`guard_keys`) are a table there too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl
from sqlglot import exp

from joinedup.link.cluster import cluster_tables
from joinedup.link.exact import exact_edges, nhs_key
from joinedup.link.sql import LinkSQL, as_, asc, case, col, nothing, number, over, ref, sub

__all__ = ["PSEUDONYMS", "POOLED", "NOT_SENT", "ExactRows", "PutFeatures", "put_feature_batches", "guard_keys",
           "exact_rows", "model_rows"]

#: Pseudonymised identifiers: the exact rules and the cluster guard read them; the model never does.
PSEUDONYMS = ("record_id", "source", "system", "local_id_pseudo", "nhs_number_pseudo", "nhs_number_verified",
              "upn_pseudo", "nhs_key")

#: History lists pooled over an exact cluster: each identity row carries every value its cluster has held.
POOLED = ("given_canon", "family_names", "postcodes", "addresses")


#: Columns the link engine never needs (the record id is the features' unique_id).
NOT_SENT = ("record_id", "source")


@dataclass(frozen=True)
class PutFeatures:
    """The features table in the link engine, its number of records and the compared features present."""

    name: str
    records: int
    present: frozenset[str]  # the compared features that at least one record carries


def put_feature_batches(link: LinkSQL, batches: Iterable[pl.DataFrame], compared: Sequence[str]) -> PutFeatures:
    """Send each batch of features into one new table of the link engine as it comes, rows in order.

    Only the batch in hand is held in Python. On DuckDB the batches are appended to one temporary
    table; on Spark each is a view and the table their union.
    """
    present: set[str] = set()
    records = 0

    def sent() -> Iterable[pl.DataFrame]:
        nonlocal records
        for batch in batches:
            records += batch.height
            present.update(c for c in compared if c in batch.columns and batch[c].null_count() < batch.height)
            yield batch.drop(*(c for c in NOT_SENT if c in batch.columns))

    name = link.put_all("features", sent())
    if name is None:
        raise ValueError("no features to put")  # callers pass at least one batch (records.py raises first)
    return PutFeatures(name, records, frozenset(present))


def guard_keys(link: LinkSQL, features: str) -> str:
    """A table in the link engine: each record's keys for the cluster guard and the stated relations
    (unique_id, nhs_key, system, local_id_pseudo); it stays in the engine, never in Python."""
    return link.table("guard_keys", exp.select(col("unique_id"), as_(nhs_key(), "nhs_key"), col("system"),
                                               col("local_id_pseudo")).from_(ref(features)))


@dataclass(frozen=True)
class ExactRows:
    """Tables in the link engine: the exact edges, each record's exact cluster, and the model's rows."""

    edges: str
    clusters: str
    rows: str


def exact_rows(link: LinkSQL, features: str) -> ExactRows:
    """The exact rules' edges and clusters over `features`, and the model's rows made from them (all tables)."""
    edges = exact_edges(link, features)
    nodes = link.table("exact_nodes", exp.select(col("unique_id"), as_(nhs_key(), "nhs_key"), col("system"),
                                                 col("local_id_pseudo")).from_(ref(features)))
    apart = link.table("exact_apart", nothing(uid_l="varchar", uid_r="varchar"))  # no decisions at this stage
    clusters = cluster_tables(link, nodes, edges, apart)
    link.drop(nodes, apart)
    return ExactRows(edges, clusters, model_rows(link, features, clusters))


def model_rows(link: LinkSQL, features: str, clusters: str) -> str:
    """A table: one row per distinct identity within each exact cluster, carrying the cluster's pooled histories.

    Records joined by an exact rule need no comparing with each other, and identical identities
    within one cluster need comparing only once: the model sees far fewer rows and pairs. Of
    identical identities the row of the smallest record id is kept; the rows are in record id order.
    """
    columns = [name for name, _ in link.backend.columns(features)]
    identity = sorted(c for c in columns if c not in PSEUDONYMS and c not in POOLED and c != "unique_id")
    joined = (exp.select(col("unique_id", "f"), *(col(c, "f") for c in identity + [p for p in POOLED if p in columns]),
                         as_(col("cluster", "c"), "exact_cluster"))
              .from_(ref(features, "f")).join(ref(clusters, "c"), on=col("unique_id", "c").eq(col("unique_id", "f"))))
    f = link.table("model_input", joined)

    def pooled(name: str) -> exp.Expression:
        # every value the cluster's records hold, once each, in order; NULL when there is none
        values = exp.ArraySort(this=exp.ArrayDistinct(this=exp.Flatten(this=exp.ArrayAgg(this=col(name)))))
        return as_(case([(exp.GT(this=exp.ArraySize(this=values), expression=number(0)), values.copy())]), name)

    present = [p for p in POOLED if p in columns]
    lists = link.table("pooled", exp.select(col("exact_cluster"), *map(pooled, present)).from_(ref(f))
                       .group_by(col("exact_cluster")))
    nth = over(exp.RowNumber(), partition_by=tuple(col(c) for c in ["exact_cluster", *identity]),
               order_by=(asc(col("unique_id")),))
    first = exp.select(col("unique_id"), col("exact_cluster"), *map(col, identity), as_(nth, "nth")).from_(ref(f))
    rows = (exp.select(col("unique_id", "r"), col("exact_cluster", "r"), *(col(c, "r") for c in identity),
                       *(col(p, "p") for p in present))
            .from_(sub(first, "r")).join(ref(lists, "p"), on=col("exact_cluster", "p").eq(col("exact_cluster", "r")))
            .where(col("nth", "r").eq(number(1))).order_by(asc(col("unique_id", "r"))))
    out = link.table("records_for_linkage", rows)
    link.drop(f, lists)
    return out
