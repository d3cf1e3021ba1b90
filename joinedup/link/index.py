"""`joinedup link`: build (or extend) the person index and the families in the store."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
from sqlglot import exp

from joinedup.console import progress
from joinedup.errors import UserError
from joinedup.link.cluster import METHOD_RANK, cluster_records, cluster_tables
from joinedup.link.decisions import (cannot_link, ensure_table, manual_edges, nhs_key_aliases, read_decisions,
                                     unmet, unpinned_records)
from joinedup.link.diagnostics import write_diagnostics
from joinedup.link.engine import Engine, vault_path
from joinedup.link.families import home_sql, household_sql, relation_sql, family_sql
from joinedup.link.ids import assign_id_tables, assign_ids
from joinedup.link.model import fit_and_score, score_with
from joinedup.link.persons import person_sql
from joinedup.link.records import put_features
from joinedup.link.rows import exact_rows, guard_keys
from joinedup.link.review import write_review_pairs
from joinedup.link.sql import (LinkSQL, as_, asc, case, cast, col, count, desc, not_null, nothing, number, over, ref, sub,
                               text, union_all, with_)
from joinedup.link.tables import columns_of, read_table, write_link_query, write_link_table, write_table
from joinedup.stages import refresh_stored
from joinedup.store.backends import BackendError

__all__ = ["IndexSummary", "build_index", "THRESHOLD", "TRAINING_ROWS"]

#: A scored pair at or above this probability is a link (the choice is justified in docs/linkage.md).
THRESHOLD = 0.8

#: Above this many rows, the model learns its parameters on a uniform sample of this size: m and u
#: are proportions a uniform sample keeps, and EM's pairs fall with the square of the rows (30,000
#: of a 20,000-person place's 57,000 identity rows gave the same links as all of them).
TRAINING_ROWS = 30_000


@dataclass
class IndexSummary:
    """What a link run made (counts only: nothing about any one person)."""

    records: int
    persons: int
    by_method: dict[str, int]
    pairs_scored: int
    households: int
    parent_child_families: int
    incremental: bool
    decisions: int = 0
    decisions_unmet: int = 0
    #: phase -> (wall seconds, CPU seconds of the process with its engine threads), in run order
    timings: dict[str, tuple[float, float]] = field(default_factory=dict)

    def describe(self) -> str:
        """Plain text for the terminal."""
        methods = ", ".join(f"{k} {v}" for k, v in sorted(self.by_method.items()))
        kind = "extended" if self.incremental else "built"
        return (f"person index {kind}: {self.records} records -> {self.persons} persons "
                f"(records by method: {methods}); {self.pairs_scored} pairs scored; "
                f"families: {self.households} households, {self.parent_child_families} parent-child"
                + (f"; clerical decisions applied: {self.decisions}" if self.decisions else "")
                + (f" ({self.decisions_unmet} match decisions could not be honoured: they contradict "
                   "no-match decisions)" if self.decisions_unmet else ""))


def stable_hash(values: pl.Series, salt: str) -> pl.Series:
    """A 64-bit hash of each value (as text) fixed by the value and the salt alone: blake2b, not polars' hash.

    Polars' `hash` is stable only within one polars version (its docs say so): a training sample drawn
    with it would change after an upgrade, and with it the model learnt and the links (and so the person
    ids). blake2b of the text is the same on every machine, in every version of every library.
    """
    text_ = values.cast(pl.Utf8).fill_null("")
    table = {v: int.from_bytes(hashlib.blake2b(f"{salt}|{v}".encode(), digest_size=8).digest(), "little")
             for v in text_.unique().to_list()}
    return text_.replace_strict(table, return_dtype=pl.UInt64)


def _edges(link: LinkSQL, features: str, present: set[str], model: dict | None) -> tuple[str, str, object]:
    """Exact edges and the scored pairs (tables in the link engine) and the model run, from the features table."""
    made = exact_rows(link, features)
    link.drop(made.clusters)
    table = link.api.register(made.rows, dataset_display_name="records_for_linkage")
    training = None
    n_rows = link.scalar(exp.select(count()).from_(ref(made.rows)))
    if n_rows > TRAINING_ROWS and not model:
        # a uniform sample of the rows, drawn by a hash of their record ids fixed on every machine and version
        ids = link.fetch(exp.select(col("unique_id")).from_(ref(made.rows)))["unique_id"]
        chosen = link.put("training_ids", ids.filter(stable_hash(ids, "training") % n_rows < TRAINING_ROWS).to_frame())
        del ids
        sample = link.table("records_for_training", exp.select(exp.Star()).from_(ref(made.rows)).where(
            col("unique_id").isin(query=exp.select(col("unique_id")).from_(ref(chosen)))).order_by(asc(col("unique_id"))))
        link.drop(chosen)
        training = [link.api.register(sample, dataset_display_name="records_for_training")]
    run = score_with([table], model) if model else fit_and_score(
        [table], present, "dedupe_only", recall=0.7, exclude_same="exact_cluster", training_tables=training)
    return made.edges, run.predictions.physical_name, run


def _edge_table(link: LinkSQL, exact: str, manual: pl.DataFrame, predictions: str) -> str:
    """Every edge (uid_l, uid_r, probability, method) as a table in the link engine: exact, manual, scored links."""
    cols = [pl.col("uid_l").cast(pl.Utf8), pl.col("uid_r").cast(pl.Utf8), pl.col("probability").cast(pl.Float64),
            pl.col("method").cast(pl.Utf8)]
    manual_t = link.put("manual_edges", manual.select(cols))
    given = union_all(*(exp.select(*map(col, ("uid_l", "uid_r", "probability", "method"))).from_(ref(t))
                        for t in (exact, manual_t)))
    scored = (exp.select(as_(col("unique_id_l"), "uid_l"), as_(col("unique_id_r"), "uid_r"),
                         as_(col("match_probability"), "probability"), as_(text("probabilistic"), "method"))
              .from_(ref(predictions)).where(exp.GTE(this=col("match_probability"), expression=number(THRESHOLD))))
    out = link.table("edges", union_all(given, scored))
    link.drop(exact, manual_t)
    return out


#: A record is `manual` only when a decision is its one link inside its person.
_RECORD_RANK = {**METHOD_RANK, "manual": 0}


def _record_methods(link: LinkSQL, edges: str, ids: str) -> str:
    """A table (unique_id, person_id, method, match_probability): a record's method is its strongest edge inside its
    own person; a record with none is a singleton."""
    def way(uid: str, other: str) -> exp.Select:
        return exp.select(as_(col(uid), "uid"), as_(col(other), "other"), col("probability"), col("method")).from_(ref(edges))
    rank = case([(text(m), number(r)) for m, r in _RECORD_RANK.items()], number(0), value=col("method", "b"))
    inside = (exp.select(col("uid", "b"), col("probability", "b"), col("method", "b"), as_(rank, "rank"))
              .from_(ref("both_ways", "b"))
              .join(ref(ids, "p"), on=col("unique_id", "p").eq(col("uid", "b")))
              .join(ref(ids, "o"), on=col("unique_id", "o").eq(col("other", "b")))
              .where(col("person_id", "p").eq(col("person_id", "o"))))
    nth = over(exp.RowNumber(), partition_by=(col("uid"),), order_by=(desc(col("rank")), desc(col("probability"))))
    best = exp.select(col("uid"), col("method"), col("probability"), as_(nth, "n")).from_(ref("inside"))
    chosen = exp.select(col("uid"), col("method"), col("probability")).from_(ref("best")).where(col("n").eq(number(1)))
    out = link.table("links", with_(
        exp.select(col("unique_id", "i"), col("person_id", "i"),
                   as_(exp.Coalesce(this=col("method", "c"), expressions=[text("singleton")]), "method"),
                   as_(exp.Coalesce(this=col("probability", "c"), expressions=[cast(number(1.0), "double")]),
                       "match_probability"))
        .from_(ref(ids, "i")).join(ref("chosen", "c"), on=col("uid", "c").eq(col("unique_id", "i")), join_type="left"),
        ("both_ways", union_all(way("uid_l", "uid_r"), way("uid_r", "uid_l"))), ("inside", inside), ("best", best),
        ("chosen", chosen)))
    link.drop(ids)
    return out


#: Rows of person_source_link moved at a time from a link engine that is not the store's (Spark) into the store.
STREAM_ROWS = 500_000


def _present_decisions(link: LinkSQL, keys: str, stored: pl.DataFrame | None) -> pl.DataFrame:
    """The analysts' decisions whose two records are both in this run (looked up in the engine's keys table)."""
    if stored is None or stored.height == 0:
        return read_decisions(None, pl.Series([], dtype=pl.Utf8))
    named = link.put("decided", pl.concat([stored["record_id_a"], stored["record_id_b"]]).unique()
                     .cast(pl.Utf8).alias("unique_id").to_frame())
    present = link.fetch(exp.select(col("unique_id", "k")).from_(ref(keys, "k"))
                         .join(ref(named, "d"), on=col("unique_id", "d").eq(col("unique_id", "k"))))
    link.drop(named)
    return read_decisions(stored, present["unique_id"])


def _lookup(link: LinkSQL, table: str, ids: list[str], *columns: str) -> pl.DataFrame:
    """The rows of a link-engine table (keyed by unique_id) for a few records only."""
    wanted = link.put("wanted", pl.DataFrame({"unique_id": sorted(set(ids))}, schema={"unique_id": pl.Utf8}))
    rows = link.fetch(exp.select(*(col(c, "t") for c in columns)).from_(ref(table, "t"))
                      .join(ref(wanted, "w"), on=col("unique_id", "w").eq(col("unique_id", "t"))))
    link.drop(wanted)
    return rows


def _nodes(link: LinkSQL, keys: str, decisions: pl.DataFrame) -> str:
    """The clustering's nodes (unique_id, nhs_key, system, local_id_pseudo): the keys table, with the NHS keys that
    match decisions make one person's replaced by one of them (only the decided records' keys come into Python)."""
    matched = manual_edges(decisions)
    if matched.height == 0:
        return keys
    decided = _lookup(link, keys, matched["uid_l"].to_list() + matched["uid_r"].to_list(), "unique_id", "nhs_key")
    aliases = nhs_key_aliases(decided, decisions)
    if aliases.height == 0:
        return keys
    mapping = link.put("nhs_alias", aliases)
    nodes = link.table("nodes", exp.select(
        col("unique_id", "k"), as_(exp.Coalesce(this=col("alias", "m"), expressions=[col("nhs_key", "k")]), "nhs_key"),
        col("system", "k"), col("local_id_pseudo", "k"))
        .from_(ref(keys, "k")).join(ref(mapping, "m"), on=col("nhs_key", "m").eq(col("nhs_key", "k")), join_type="left"))
    link.drop(mapping)
    return nodes


def _apart(link: LinkSQL, engine: Engine, keys: str, decisions: pl.DataFrame) -> str:
    """A table (uid_l, uid_r) of pairs never one person: the no-match decisions, and each record with the records of
    the person it states a relation to (a pupil contact names the pupil's mother; the mother is never the child,
    however alike their names and home). The relations are joined to the keys in the link engine."""
    refused = link.put("refused", cannot_link(decisions).select(pl.col("uid_l").cast(pl.Utf8), pl.col("uid_r").cast(pl.Utf8)))
    parts = [exp.select(col("uid_l"), col("uid_r")).from_(ref(refused))]
    if "stated_relation" in engine.tables("store"):
        if link.backend is engine.store.backend:  # the store's own engine links: read the relations where they are
            relations = ref("stated_relation", schema="store")
        else:  # another engine (Spark): the relations' two columns go to it
            relations = ref(link.put("relations", engine.query(
                exp.select(col("record_id"), col("related_local_id_pseudo")).from_(ref("stated_relation", schema="store"))
                .where(not_null(col("related_local_id_pseudo"))))))
        parts.append(exp.select(as_(col("record_id", "x"), "uid_l"), as_(col("unique_id", "k"), "uid_r"))
                     .from_(exp.alias_(relations, "x", table=True))
                     .join(ref(keys, "k"), on=col("local_id_pseudo", "k").eq(col("related_local_id_pseudo", "x")))
                     .where(exp.NEQ(this=col("record_id", "x"), expression=col("unique_id", "k"))))
    return link.table("apart", union_all(*parts, distinct=True))


def _known(link: LinkSQL, engine: Engine, previous: pl.DataFrame | None) -> str | None:
    """The last run's (record_id, person_id) as a table in the link engine, or None on a first run.

    Where the store's own engine links, the table is read in the store by SQL; otherwise (Spark) the
    two columns go to the link engine from the store (or from `previous`, when the run has read it already).
    """
    if "person_source_link" not in engine.tables("store"):
        return None
    query = exp.select(cast(col("record_id"), "varchar").as_("record_id"), cast(col("person_id"), "varchar").as_("person_id")
                       ).from_(ref("person_source_link", schema="store"))
    if link.backend is engine.store.backend:
        return link.table("known", query)
    frame = previous if previous is not None else engine.query(query)
    return link.put("known", frame.select(pl.col("record_id").cast(pl.Utf8), pl.col("person_id").cast(pl.Utf8)))


def _link_rows(links: str, now: datetime) -> exp.Select:
    """person_source_link's rows from the links table: every record linked now."""
    stamp = cast(text(now.isoformat(sep=" ")), "timestamp")
    return exp.select(as_(col("unique_id"), "record_id"), col("person_id"), col("match_probability"), col("method"),
                      as_(stamp, "linked_at")).from_(ref(links))


def _write_links(engine: Engine, link: LinkSQL, links: str, now: datetime) -> None:
    """Replace person_source_link with the links table: by SQL in the store where the store's own engine linked,
    else a batch at a time from the link engine (the whole table is never in Python at once)."""
    if link.backend is engine.store.backend:
        write_link_query(engine, "person_source_link", _link_rows(links, now))
        return
    columns = columns_of("person_source_link")
    write_table(engine, "person_source_link", pl.DataFrame(), columns)  # the empty table, then the batches
    names = [c for c, _ in columns]
    for batch in link.backend.fetch_batches(link.sql(_link_rows(links, now)), STREAM_ROWS):
        engine.write(pl.from_arrow(batch).select(names), "person_source_link", replace=False)


def _write_incremental(engine: Engine, link: LinkSQL, links: str, previous: pl.DataFrame, freed: pl.DataFrame,
                       now: datetime) -> None:
    """An incremental run: records the run did not free keep their last method, probability and time of linking."""
    got = link.fetch(exp.select(exp.Star()).from_(ref(links)))
    stayed = ~pl.col("record_id").is_in(freed["record_id"].implode())  # a freed record is linked now
    kept = (previous.filter(stayed).rename({"record_id": "unique_id"})
            .select("unique_id", "method", "match_probability", linked_old="linked_at"))
    got = got.join(kept, on="unique_id", how="left", suffix="_old").with_columns(
        method=pl.coalesce("method_old", "method"),
        match_probability=pl.coalesce("match_probability_old", "match_probability"),
        linked_at=pl.coalesce("linked_old", pl.lit(now))).drop("method_old", "match_probability_old", "linked_old")
    write_link_table(engine, "person_source_link", got.rename({"unique_id": "record_id"}))


def _unmet(link: LinkSQL, links: str, decisions: pl.DataFrame) -> int:
    """How many decisions the final persons do not honour (only the decided records' persons are read)."""
    if decisions.height == 0:
        return 0
    ids = decisions["record_id_a"].to_list() + decisions["record_id_b"].to_list()
    return unmet(decisions, _lookup(link, links, ids, "unique_id", "person_id"))


def _by_method(engine: Engine) -> dict[str, int]:
    """person_source_link's records by method, counted in the store."""
    got = engine.query(exp.select(col("method"), as_(count(), "n")).from_(ref("person_source_link", schema="store"))
                       .group_by(col("method")))
    return dict(zip(got["method"].to_list(), got["n"].to_list()))


#: The engine's memory limit for a link run (e.g. "3GB"); beyond it DuckDB spills to STORE.tmp.
MEMORY_ENV = "JOINEDUP_LINK_MEMORY"

#: Fault injection for the crash tests: pause (and say so on stderr) at a named point of publishing.
PAUSE_ENV = "JOINEDUP_LINK_PAUSE"


def _pause(point: str) -> None:
    if os.environ.get(PAUSE_ENV) == point:
        os.write(2, f"paused at {point}\n".encode())
        signal.pause()


class _Laps:
    """Wall and CPU seconds of each phase of a run, one lap after another."""

    def __init__(self) -> None:
        self.timings: dict[str, tuple[float, float]] = {}
        self._mark = (time.perf_counter(), time.process_time())

    def lap(self, phase: str) -> None:
        """Charge the seconds since the last lap to `phase`."""
        wall, cpu = time.perf_counter(), time.process_time()
        self.timings[phase] = (wall - self._mark[0], cpu - self._mark[1])
        self._mark = (wall, cpu)


def build_index(store: Path, *, incremental: bool = False, memory_limit: str | None = None,
                engine: str = "duckdb", spark_master: str | None = None) -> IndexSummary:
    """Link every person record in the store into persons and families; write the link tables.

    The engine works within `memory_limit` (default: JOINEDUP_LINK_MEMORY, else JOINEDUP_MEMORY, else 3 GB or half the
    machine's memory) and spills beyond it to the store's temp folder. With `engine="spark"` Splink's
    training and scoring and the clustering run on Spark (on `spark_master`, local mode by default);
    the store file stays the one writer.
    """
    if engine not in ("duckdb", "spark"):
        raise UserError(f"unknown engine {engine!r} (choose from duckdb, spark)", field="engine")
    if not store.exists():
        raise UserError("no such store", file=str(store))
    if not vault_path(store).exists():
        raise UserError(f"no identity vault beside the store (expected {vault_path(store).name})", file=str(store))
    from joinedup.store.memory import engine_memory_limit
    writer = Engine(store, vault=True, memory_limit=engine_memory_limit(MEMORY_ENV, memory_limit))
    writer.store.on_publish = _pause
    scratch = None
    laps = _Laps()
    try:
        link, scratch = _link_engine(writer, engine, spark_master, store)
        with progress() as bar:
            task = bar.add_task("reading records", total=7)
            # the features are made by SQL in the store's engine (Python maps only distinct values) and
            # used there, or sent to a Spark link engine a batch at a time
            put = put_features(link, writer, str(store))
            model_rows = read_table(writer, "link_model")
            model = json.loads(model_rows["model_json"][0]) if incremental and model_rows is not None and model_rows.height else None
            if model is not None and model.get("sql_dialect") not in (None, link.dialect):
                model = None  # a model saved by the other engine: its SQL is in that engine's dialect; learn afresh
            bar.update(task, advance=1, description="exact rules and probabilistic scoring")
            ensure_table(writer, "store")
            present, n_records, features = set(put.present), put.records, put.name
            # every record's guard keys stay a table in the link engine: only the few records that
            # decisions name are looked up in Python
            keys = guard_keys(link, features)
            decisions = _present_decisions(link, keys, read_table(writer, "link_decision"))
            nodes = _nodes(link, keys, decisions)
            apart = _apart(link, writer, keys, decisions)
            laps.lap("read records")
            exact, predictions, run = _edges(link, features, present, model)
            link.drop(features)
            laps.lap("exact rules, training and scoring")
            edges = _edge_table(link, exact, manual_edges(decisions), predictions)
            bar.update(task, advance=1, description="clustering")
            clusters = cluster_tables(link, nodes, edges, apart)
            bar.update(task, advance=1, description="stable person ids")
            # the last run's persons: a table in the link engine (read in the store itself where the store's
            # engine links); an incremental run also reads them in Python, to keep what it does not redo
            previous = read_table(writer, "person_source_link") if incremental else None
            known_t = _known(link, writer, previous)
            freed = pl.DataFrame(schema={"record_id": pl.Utf8, "person_id": pl.Utf8})
            moved = bool(incremental and previous is not None and previous.height and decisions.height)
            if moved:
                known = previous.select("record_id", "person_id")
                recs = link.fetch(exp.select(exp.Star()).from_(ref(nodes)))  # an incremental run with decisions
                known, freed = _apply_to_known(link, recs, edges, decisions, known)
                del recs
                link.drop(*(t for t in (known_t,) if t))
                known_t = link.put("known", known.select(pl.col("record_id").cast(pl.Utf8),
                                                         pl.col("person_id").cast(pl.Utf8)))
            # the last run's ids are never given anew: known holds them all unless decisions moved records
            ids = _ids(link, clusters, known_t, incremental, previous if moved else None)
            links = _record_methods(link, edges, ids)
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            if incremental and previous is not None and previous.height:
                _write_incremental(writer, link, links, previous, freed, now)
            else:
                _write_links(writer, link, links, now)
            unmet_n = _unmet(link, links, decisions)
            by_method = _by_method(writer)
            bar.update(task, advance=1, description="persons")
            # the person table is folded by SQL in the store itself: its records never come into Python
            has_death = "death" in writer.tables("store")
            n_persons = write_link_query(writer, "person", person_sql(
                ref("person_record", schema="store"), ref("person_source_link", schema="store"),
                ref("death", schema="store") if has_death else None))
            bar.update(task, advance=1, description="families")
            households, parent_child = _families(writer)
            pairs_scored = write_diagnostics(writer, link, run, predictions, THRESHOLD, n_records)
            write_review_pairs(writer, link, run, predictions, THRESHOLD)
            bar.update(task, advance=1, description="measure results")
            laps.lap("clusters, ids, persons, families, writes")
            # Stored with this version of the store, so that readers (the web app) never compute them.
            refresh_stored(writer.store, after="link")
            laps.lap("measure results (stored for readers)")
            bar.update(task, advance=1, description="done")
    except BaseException:
        if scratch is not None:
            scratch.close()
        writer.close(publish=False)  # a failed run publishes nothing
        raise
    if scratch is not None:
        scratch.close()
    _pause("before publish")
    writer.close()
    laps.lap("publish")
    return IndexSummary(
        records=sum(by_method.values()), persons=n_persons, by_method=by_method,
        pairs_scored=pairs_scored, households=households,
        parent_child_families=parent_child, incremental=incremental,
        decisions=decisions.height, decisions_unmet=unmet_n, timings=laps.timings)


def _link_engine(writer: Engine, engine: str, spark_master: str | None, store: Path) -> tuple[LinkSQL, object]:
    """Where Splink and the clustering run: the store's own DuckDB, or a scratch Spark session (and that store)."""
    if engine == "duckdb":
        return LinkSQL(writer.store.backend, writer.api), None
    from joinedup.store import Store
    try:
        scratch = Store.memory("spark", spark_master)
    except BackendError as e:
        raise UserError(str(e), file=str(store)) from None
    return LinkSQL(scratch.backend), scratch


def _ids(link: LinkSQL, clusters: str, known: str | None, incremental: bool, taken: pl.DataFrame | None) -> str:
    """A table (unique_id, person_id) of stable person ids, assigned by SQL in the link engine; ids of known and
    taken are never given anew."""
    taken_t = None if taken is None else link.put("taken", taken.select(
        pl.col("record_id").cast(pl.Utf8), pl.col("person_id").cast(pl.Utf8)))
    out = assign_id_tables(link, clusters, known, incremental=incremental, taken=taken_t)
    link.drop(*(t for t in (known, taken_t) if t))
    return out


def _apply_to_known(link: LinkSQL, recs: pl.DataFrame, edges: str, decisions: pl.DataFrame,
                    known: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Incremental runs: re-cluster the known persons that decisions change; every other known record stays.

    The freed records are clustered among themselves with their edges, the decisions, and a weak
    edge from each to its old person (so a no-match splits the person only at its weakest link
    path, and a record with no edge left keeps its old company). Returns the known persons to pin
    (with the freed records' new persons) and the freed records.
    """
    freed = unpinned_records(decisions, known)
    if freed.height == 0:
        return known, freed
    ids = freed["record_id"].implode()
    free = link.put("freed", freed.select(pl.col("record_id").cast(pl.Utf8)))
    inner = link.fetch(exp.select(*(col(c, "e") for c in ("uid_l", "uid_r", "probability", "method"))).from_(ref(edges, "e"))
                       .join(ref(free, "a"), on=col("record_id", "a").eq(col("uid_l", "e")))
                       .join(ref(free, "b"), on=col("record_id", "b").eq(col("uid_r", "e"))))
    anchor = freed.with_columns(anchor=pl.col("record_id").min().over("person_id")).filter(
        pl.col("record_id") != pl.col("anchor")).select(
        uid_l="anchor", uid_r="record_id", probability=pl.lit(0.0), method=pl.lit("previous"))
    sub = cluster_records(recs.filter(pl.col("unique_id").is_in(ids)), pl.concat([inner, anchor]),
                          cannot_link=cannot_link(decisions), link=link)
    moved = assign_ids(sub, freed, taken=set(known["person_id"].to_list()), link=link).rename({"unique_id": "record_id"})
    return pl.concat([known.filter(~pl.col("record_id").is_in(ids)), moved]), freed


def _families(engine: Engine) -> tuple[int, int]:
    """Write family and family_member by SQL in the store (households and stated relations); their counts by kind."""
    have = engine.tables("store")
    links, records = ref("person_source_link", schema="store"), ref("person_record", schema="store")
    parts = []
    if "person_record_address" in have:
        parts.append(household_sql(home_sql(ref("person_record_address", schema="store"), records), links,
                                   ref("person", schema="store")))
    relations = []
    if "stated_relation" in have:
        relations.append(exp.select(col("record_id", "x"), col("relation", "x"), col("related_local_id_pseudo", "x"), col("source", "r"))
                         .from_(ref("stated_relation", "x", schema="store"))
                         .join(ref("person_record", "r", schema="store"), on=col("record_id", "r").eq(col("record_id", "x")),
                               join_type="left"))
    if "asc_event" in have and any(c == "cared_for_local_id_pseudo" for c, _ in engine.store.backend.columns("store.asc_event")):
        relations.append(exp.select(col("record_id"), as_(text("carer"), "relation"),
                                    as_(col("cared_for_local_id_pseudo"), "related_local_id_pseudo"),
                                    as_(text("asc.client_level_data"), "source")).distinct()
                         .from_(ref("asc_event", schema="store")).where(not_null(col("cared_for_local_id_pseudo"))))
    if relations:
        parts.append(relation_sql(union_all(*relations), records, links))
    members = union_all(*(exp.select(exp.Star()).from_(sub(q, f"p{i}")) for i, q in enumerate(parts))) if parts else nothing(
        family_id="varchar", person_id="varchar", role="varchar", evidence="varchar", first_seen="date", last_seen="date",
        kind="varchar")
    write_link_query(engine, "family_member", members)
    write_link_query(engine, "family", family_sql(members))
    counts = engine.query(exp.select(col("kind"), as_(count(), "n")).from_(ref("family", schema="store")).group_by(col("kind")))
    by_kind = dict(zip(counts["kind"].to_list(), counts["n"].to_list()))
    return int(by_kind.get("household", 0)), int(by_kind.get("parent_child", 0))
