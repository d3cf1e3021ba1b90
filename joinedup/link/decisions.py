"""Clerical-review decisions: record them (`link decide`) and apply them in every link run.

A `match` decision is an edge of its own (method `manual`, probability 1) that the clustering
takes before any other; it also tells the chaining guard that the two records' verified NHS
numbers belong to one person. A `no-match` decision is a cannot-link constraint: the guard
treats the two records like two different NHS numbers and splits their cluster at the weakest
link path between them.
"""

from __future__ import annotations

import getpass
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
from sqlglot import exp

from joinedup.errors import UserError
from joinedup.link.engine import Engine
from joinedup.link.sql import col, create, ref
from joinedup.store import Store
from joinedup.store.schema import LINK_TABLES

__all__ = ["DECISIONS", "decide", "read_decisions", "ensure_table", "manual_edges", "cannot_link", "alias_nhs_keys",
           "nhs_key_aliases",
           "unpinned_records", "unmet"]

#: The decisions an analyst can record.
DECISIONS = ("match", "no-match")

_TABLE = next(t for t in LINK_TABLES if t.name == "link_decision")
_COLUMNS = [(c.name, c.type) for c in _TABLE.all_columns]
_EMPTY = {"record_id_a": pl.Utf8, "record_id_b": pl.Utf8, "decision": pl.Utf8}


def ensure_table(con: Store | Engine, schema: str | None = None) -> None:
    """Create link_decision (in schema, e.g. store) when the store lacks it (a link run never replaces it)."""
    con.execute(create("link_decision", _COLUMNS, schema=schema, exists=True))


def decide(store: "Path | Store", record_a: str, record_b: str, decision: str, note: str | None = None,
           by: str | None = None) -> tuple[str, str]:
    """Record (or replace) the decision on one pair of records; returns the pair as stored (ordered)."""
    if decision not in DECISIONS:
        raise UserError(f"unknown decision {decision!r} (expected one of {', '.join(DECISIONS)})")
    given = (record_a.strip(), record_b.strip())
    a, b = sorted(given)
    if a == b:
        raise UserError("a decision needs two different records")
    if isinstance(store, Store):
        _decide(store, given, decision, note, by)
        return a, b
    if not store.exists():
        raise UserError("no such store", file=str(store))
    with Store.open(store, "write") as con:
        _decide(con, given, decision, note, by)
    return a, b


def _decide(con: Store, given: tuple[str, str], decision: str, note: str | None, by: str | None) -> None:
    a, b = sorted(given)
    if not con.has_table("person_record"):
        raise UserError("nothing ingested: the store has no person_record table", file=str(con.paths.store))
    known = {r[0] for r in con.fetchall(exp.select(col("record_id")).distinct().from_(ref("person_record"))
                                        .where(col("record_id").isin(exp.Placeholder(), exp.Placeholder())), [a, b])}
    missing = [r for r in given if r not in known]
    if missing:
        raise UserError(f"unknown record id {missing[0]!r} (not in person_record)", file=str(con.paths.store))
    ensure_table(con)
    with con.transaction():
        con.execute(exp.delete(ref("link_decision"), where=exp.and_(col("record_id_a").eq(exp.Placeholder()),
                                                                   col("record_id_b").eq(exp.Placeholder()))), [a, b])
        con.execute(exp.insert(exp.values([tuple(exp.Placeholder() for _ in _COLUMNS)]), ref("link_decision"),
                               columns=[exp.to_identifier(c, quoted=True) for c, _ in _COLUMNS]),
                    [a, b, decision, note, by or _user(), datetime.now(timezone.utc).replace(tzinfo=None)])


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def read_decisions(decisions: pl.DataFrame | None, record_ids: pl.Series) -> pl.DataFrame:
    """The decisions whose two records are both in this run (others wait until their records return)."""
    if decisions is None or decisions.height == 0:
        return pl.DataFrame(schema=_EMPTY)
    known = record_ids.unique().implode()
    return (decisions.sort("decided_at").unique(["record_id_a", "record_id_b"], keep="last")
            .filter(pl.col("record_id_a").is_in(known) & pl.col("record_id_b").is_in(known))
            .select(*_EMPTY))


def manual_edges(decisions: pl.DataFrame) -> pl.DataFrame:
    """Edges (uid_l, uid_r, probability 1, method manual) from the match decisions."""
    return decisions.filter(pl.col("decision") == "match").select(
        uid_l="record_id_a", uid_r="record_id_b", probability=pl.lit(1.0), method=pl.lit("manual"))


def cannot_link(decisions: pl.DataFrame) -> pl.DataFrame:
    """Pairs (uid_l, uid_r) that must never be one person."""
    return decisions.filter(pl.col("decision") == "no-match").select(uid_l="record_id_a", uid_r="record_id_b")


def alias_nhs_keys(records: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    """records with nhs_key: a match decision between two verified numbers makes them one person's numbers.

    Without this the guard against chaining would refuse the analyst's join.
    """
    mapping = nhs_key_aliases(records, decisions)
    if mapping.height == 0:
        return records
    return records.join(mapping, on="nhs_key", how="left").with_columns(
        nhs_key=pl.coalesce("alias", "nhs_key")).drop("alias")


def nhs_key_aliases(records: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    """(nhs_key, alias): the NHS keys that match decisions make one, each with the key that stands for them all.

    `records` needs only the records the decisions name (unique_id, nhs_key): the link run looks those up
    in the engine and applies the mapping there, so the place's records never come into Python.
    """
    keys = dict(zip(records["unique_id"].to_list(), records["nhs_key"].to_list()))
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in manual_edges(decisions).select("uid_l", "uid_r").iter_rows():
        ka, kb = keys.get(a), keys.get(b)
        if ka and kb and find(ka) != find(kb):
            ra, rb = sorted((find(ka), find(kb)))
            parent[rb] = ra
    return pl.DataFrame({"nhs_key": list(parent), "alias": [find(k) for k in parent]},
                        schema={"nhs_key": pl.Utf8, "alias": pl.Utf8})


def unpinned_records(decisions: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """Incremental runs: known records whose person a decision changes (they are re-clustered, not kept).

    A match across two known persons frees both; a no-match inside one known person frees it;
    a decision naming a record not yet in the index frees the known person of the other record.
    """
    person = previous.select(record_id="record_id", person_id="person_id")
    d = (decisions.join(person.rename({"record_id": "record_id_a", "person_id": "pa"}), on="record_id_a", how="left")
         .join(person.rename({"record_id": "record_id_b", "person_id": "pb"}), on="record_id_b", how="left"))
    new_record = pl.col("pa").is_null() | pl.col("pb").is_null()
    changes = (((pl.col("decision") == "match") & (pl.col("pa") != pl.col("pb")))
               | ((pl.col("decision") == "no-match") & (pl.col("pa") == pl.col("pb"))) | new_record)
    freed = d.filter(changes).select(pl.concat_list("pa", "pb").alias("p")).explode("p").drop_nulls().unique()
    return person.filter(pl.col("person_id").is_in(freed["p"].implode()))


def unmet(decisions: pl.DataFrame, links: pl.DataFrame) -> int:
    """How many decisions the final persons do not honour (a match contradicted by no-match decisions)."""
    p = links.select("unique_id", "person_id")
    d = (decisions.join(p.rename({"unique_id": "record_id_a", "person_id": "pa"}), on="record_id_a")
         .join(p.rename({"unique_id": "record_id_b", "person_id": "pb"}), on="record_id_b"))
    wrong = ((pl.col("decision") == "match") & (pl.col("pa") != pl.col("pb"))) | (
        (pl.col("decision") == "no-match") & (pl.col("pa") == pl.col("pb")))
    return d.filter(wrong).height
