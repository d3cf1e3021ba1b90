"""The load: plan files, stage and validate each, map to the canonical tables, commit atomically.

Everything is set-based SQL in the engine (typing, validation, pseudonyms, joins to the
postcode lookup); Python only parses FHIR. Nothing is written to the store or the vault until
every file of the run has been read and checked; then the engine commits vault and store in
two phases (see joinedup.store.load) so that a failure or a kill leaves both as they were.
"""

from __future__ import annotations

import dataclasses

import os
import re
import secrets
import signal
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from joinedup import __version__
from joinedup.errors import UserError
from joinedup.ingest import cin_census, cld, fhir, school_census, ssda903
from joinedup.ingest.ssda903 import folder_sha256
from joinedup.ingest.detect import FilePlan, plan_paths
from joinedup.ingest.keys import load_key
from joinedup.ingest.mapping import ethnicity_group_sql, seen_for, sex_sql, targets_for
from joinedup.ingest.readers import sha256_of
from joinedup.ingest.validate import problems_queries, typed_query
from joinedup.reference import data_path, postcode_table_path
from joinedup.sources import Source, codes_of, source
from joinedup.stages import refresh_stored
from joinedup.store import schema
from joinedup.store.guard import check_store_path
from joinedup.store.keycheck import check_key
from joinedup.store.load import LoadSession
from joinedup.store.paths import paths_for
from joinedup.store.store import Store
from joinedup.store.sql import create_temp_as, ident, insert_select, lit, select

__all__ = ["FileResult", "LoadResult", "batch_rows", "ingest", "memory_limit", "new_load_id", "BATCH_ENV", "MEMORY_ENV",
           "PAUSE_ENV"]

#: The engine's memory limit for a load (e.g. "3GB"); beyond it staging spills to STORE.duckdb.tmp.
MEMORY_ENV = "JOINEDUP_INGEST_MEMORY"
#: Default: JOINEDUP_MEMORY, else 3 GB (or half the machine's memory if less), as every store
#: (joinedup.store.memory). The 320,000-person place then peaks at ~3.2 GB instead of ~6.5 GB with no
#: limit, for ~3 s more (benchmarks/ingest.py, docs/ingest.md); more memory buys little time.


def memory_limit() -> str:
    """The memory limit for a load: JOINEDUP_INGEST_MEMORY, else JOINEDUP_MEMORY, else 3 GB or half the machine's memory."""
    from joinedup.store.memory import engine_memory_limit
    return engine_memory_limit(MEMORY_ENV)

#: Fault injection for the crash tests: pause (and say so on stderr) at a named point of the commit.
PAUSE_ENV = "JOINEDUP_INGEST_PAUSE"

#: Rows of parts held staged before their versions are checked together (one look-up over the family per
#: batch, see _Run._flush); default 500,000. A batch is also at least 1/_BATCH_SHARE of the rows read so
#: far, so the look-ups of a whole run pass over at most about _BATCH_SHARE times its rows: linear in the place.
#: 0: every part is checked on its own, file by file (as before batches).
BATCH_ENV = "JOINEDUP_INGEST_BATCH_ROWS"
_BATCH_SHARE = 32


def batch_rows() -> int:
    """The least rows of a batch of parts whose versions are checked in one look-up (JOINEDUP_INGEST_BATCH_ROWS)."""
    value = os.environ.get(BATCH_ENV, "500000")
    try:
        rows = int(value)
    except ValueError:
        raise UserError(f"{BATCH_ENV} must be a whole number of rows, not {value!r}") from None
    return max(rows, 0)


def _family(src: Source) -> list[str]:
    """The sources sharing a source's record keys: itself, the national source it stands for, and that one's FHIR sources."""
    base = fhir.BASE.get(src.id, src.id)
    return sorted({src.id, base, *[f for f, b in fhir.BASE.items() if b == base]})


@dataclass
class _Pending:
    """One part staged and typed, with its version hashes, waiting for its batch's look-up."""

    plan: FilePlan
    res: "FileResult"
    src: Source
    base: str
    idx: int
    sha: str
    n: int
    typed: str
    fields: list
    raw_types: dict[str, str]
    rv: str


_EVENT_TABLES = [t.name for t in schema.TABLES if t.name not in
                 ("load", "load_file", "quarantine", "row_version", "person_record", "person_record_address")]


@dataclass
class FileResult:
    """What happened to one file."""

    path: str
    source: str
    format: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    #: accepted rows already in the store (same source, record key and values), from any earlier file
    rows_present: int = 0
    #: rows whose record key was loaded before with other values: the new version replaces the old
    rows_replaced: int = 0
    skipped: bool = False
    why: str = ""


@dataclass
class LoadResult:
    """What one run did."""

    load_id: str
    store: Path
    vault: Path
    key_origin: str
    files: list[FileResult] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        """Rows read, loaded and quarantined over every file."""
        return {k: sum(getattr(f, k) for f in self.files)
                for k in ("rows_read", "rows_loaded", "rows_quarantined", "rows_present", "rows_replaced")}

    def as_json(self) -> dict:
        """The --json object."""
        return {"load_id": self.load_id,
                "files": [{"path": f.path, "source": f.source, "rows_read": f.rows_read, "rows_loaded": f.rows_loaded,
                           "rows_quarantined": f.rows_quarantined, "rows_present": f.rows_present,
                           "rows_replaced": f.rows_replaced, "skipped": f.skipped} for f in self.files],
                "totals": self.totals()}


def key_prefix_sql(key_hash: str) -> str:
    """SQL for the first 64 bits of a row's key hash (32 hex digits) as a UBIGINT: the staged versions' look-up key."""
    return f"CAST('0x' || substr({key_hash}, 1, 16) AS UBIGINT)"


def _pause(point: str) -> None:
    if os.environ.get(PAUSE_ENV) == point:
        os.write(2, f"paused at {point}\n".encode())
        signal.pause() if hasattr(signal, "pause") else time.sleep(3600)


def ingest(paths: list[Path], db: Path, *, progress: Callable[[str, int], None] | None = None,
           threads: int | None = None, returns: bool = True) -> LoadResult:
    """Load every file under the given paths into the store (atomically) and return what happened.

    With `returns`, a place's manifest also gives the returns as submitted it lists (after the copies).
    """
    check_store_path(Path(db))
    plans = plan_paths([Path(p) for p in paths], returns)
    key = load_key(Path(db), create=not paths_for(db).store.exists())
    store = Store.open(db, "write", create=True, vault=True, threads=threads, memory_limit=memory_limit())
    store.on_publish = _pause
    try:
        check_key(store, key)
        result = _Run(LoadSession(store, key), plans, key.origin, progress).run()
        if store.has_table("person_source_link"):
            # A load into a linked store (the one a web app serves): the new version carries its measure
            # results. A first load is followed by a link run, which stores them then.
            refresh_stored(store, after="ingest")
    except store.backend.resource_errors as err:
        store.close(publish=False)
        # disk full, out of memory, a locked file: nothing was published, store and vault are as they were
        raise UserError(f"load failed, nothing was changed: {str(err).splitlines()[0][:300]}", file=str(db)) from None
    except BaseException:
        store.close(publish=False)
        raise
    store.close()
    return result


def new_load_id() -> str:
    """A load's id: its UTC start to the microsecond, then 6 random hex digits; ids sort as the loads ran (readers ORDER BY load_id)."""
    return datetime.now(timezone.utc).strftime("L%Y%m%dT%H%M%S%f") + secrets.token_hex(3)


class _Run:
    def __init__(self, engine: LoadSession, plans: list[FilePlan], key_origin: str,
                 progress: Callable[[str, int], None] | None) -> None:
        self.e, self.plans, self.progress = engine, plans, progress or (lambda d, n: None)
        self.load_id = new_load_id()
        self.result = LoadResult(self.load_id, engine.store, engine.vault, key_origin)
        self.started = datetime.now(timezone.utc).replace(tzinfo=None)
        self.n = 0
        # parts staged and typed, their versions not yet checked (see _flush)
        self.pending: list[_Pending] = []
        self.pending_rows = self.rows_seen = 0
        self.batch = batch_rows()

    # -- staging ------------------------------------------------------------------------------
    def _setup(self) -> None:
        e = self.e
        def create(name: str, cols, more: str = "") -> None:
            body = ", ".join(f"{c.name} {c.type}" for c in cols) + more
            e.execute(f"CREATE OR REPLACE TEMP TABLE st_{name} ({body})")

        person_extra = ", _ord BIGINT, _postcode VARCHAR"
        for name in ["quarantine", "person_record", "person_record_address", *_EVENT_TABLES]:
            create(name, schema.table(name).all_columns, person_extra if name.startswith("person_record") else "")
        # _k: the key hash's first 64 bits as a number, what a file's keys are looked up by (see _versions);
        # _v: the staged version's own number, what a later file's replacing it notes (`gone`)
        create("row_version", schema.table("row_version").all_columns, ", _k UBIGINT, _v BIGINT")
        create("rv_recent", schema.table("row_version").all_columns, ", _k UBIGINT, _v BIGINT")
        # `_v` of staged versions a later file of the run replaced (see _versions); deleted before the commit
        e.execute("CREATE OR REPLACE TEMP TABLE st_row_version_gone (rid BIGINT)")
        e.execute("CREATE OR REPLACE TEMP TABLE st_gone_recent (rid BIGINT)")
        e.execute("CREATE OR REPLACE TEMP TABLE st_superseded (source VARCHAR, file_sha256 VARCHAR, row_number BIGINT)")
        for name in ("identity", "identity_history", "pseudonym"):
            create(name, schema.table(name).all_columns, ", _ord BIGINT" if name == "identity" else "")

    def run(self) -> LoadResult:
        done = {r[0] for r in self.e.fetchall(f"SELECT file_sha256 FROM {self.e.s('load_file')} WHERE NOT skipped")}
        self._setup()
        fhir_plans = [p for p in self.plans if p.format.startswith("fhir")]
        patients, organizations = fhir.collect_references([p.path for p in fhir_plans]) if fhir_plans else ({}, {})
        for idx, plan in enumerate(self.plans, start=1):
            sha = (folder_sha256(plan.path) if plan.format == "ssda903" else
                   cin_census.folder_sha256(plan.path) if plan.format == "cin-xml" else
                   cld.folder_sha256(plan.path) if plan.format == "cld" else
                   school_census.folder_sha256(plan.path) if plan.format == "school-census-xml" else
                   sha256_of(plan.path))
            if plan.manifest_sha256 and plan.manifest_sha256 != sha:
                raise UserError("sha256 differs from manifest.json (file changed or truncated)", file=str(plan.path))
            res = FileResult(str(plan.path), plan.source or "fhir", plan.format, sha, why=plan.why)
            self.result.files.append(res)
            if sha in done:
                res.skipped, res.why = True, "skipped: the same file (sha256) was loaded before"
                self.progress(plan.path.name, 1)
                continue
            done.add(sha)
            if plan.format in ("csv", "parquet"):
                src = source(plan.source)
                raw = self._stage_tabular(plan, src)
                self._part(plan, res, src, src.id, raw, idx)
            elif plan.format in ("cld", "ssda903", "school-census-xml"):
                # one part per quarter's, year's or school's file, so a rejected row names the file and row it came from
                # school census parts come one school at a time (a generator): the sources are named after
                parts3, not_loaded = (cld.read_parts(plan.path), []) if plan.format == "cld" else \
                    (school_census.read_parts(plan.path), []) if plan.format == "school-census-xml" else \
                    ssda903.read_parts(plan.path)
                if not_loaded:
                    res.why += "; not held by the store: " + ", ".join(not_loaded)
                seen: set[str] = set()
                for src, table, fpath in parts3:
                    seen.add(src.id)
                    self.n += 1
                    raw = f"temp.raw_{self.n}"
                    self.e.stage_arrow(raw, table)
                    del table
                    self._part(dataclasses.replace(plan, path=fpath), res, src, src.id, raw, idx, sha256_of(fpath))
                res.source = f"{plan.format} (" + ", ".join(sorted(seen)) + ")"
            elif plan.format == "cin-xml":
                parts, not_loaded = cin_census.read_parts(plan.path), cin_census.NOT_LOADED
                res.source = f"{plan.format} (" + ", ".join(s.id for s, _ in parts) + ")"
                if not_loaded:
                    res.why += "; not held by the store: " + ", ".join(not_loaded)
                for src, table in parts:
                    self.n += 1
                    raw = f"temp.raw_{self.n}"
                    self.e.stage_arrow(raw, table)
                    self._part(plan, res, src, src.id, raw, idx)
            else:
                parts = fhir.read_parts(plan.path, plan.format, patients, organizations)
                res.source = "fhir (" + ", ".join(sorted({s.id for s, _ in parts})) + ")" if parts else "fhir"
                for src, table in parts:
                    self.n += 1
                    raw = f"temp.raw_{self.n}"
                    self.e.stage_arrow(raw, table)
                    self._part(plan, res, src, fhir.BASE[src.id], raw, idx)
            if plan.manifest_rows is not None and plan.manifest_rows != res.rows_read:
                raise UserError(f"manifest.json says {plan.manifest_rows} rows, the file has {res.rows_read}",
                                file=str(plan.path))
            self.progress(plan.path.name, 1)
        self._flush()
        self._commit()
        return self.result

    def _stage_tabular(self, plan: FilePlan, src: Source) -> str:
        self.n += 1
        raw = f"temp.raw_{self.n}"
        try:
            if plan.format == "csv":
                from joinedup.ingest.readers import csv_header
                self.e.stage_csv(raw, plan.path, csv_header(plan.path))
            else:
                from joinedup.ingest.readers import parquet_columns
                parquet_columns(plan.path)
                self.e.stage_parquet(raw, plan.path)
        except self.e.backend.errors as err:
            row = _engine_row(err)
            field = _long_field(plan.path, row) if "maximum line size" in str(err).lower() else None
            raise UserError(_engine_message(err), file=str(plan.path), row=row, field=field) from None
        return raw

    # -- one source's rows of one file ---------------------------------------------------------
    def _part(self, plan: FilePlan, res: FileResult, src: Source, base: str, raw: str, idx: int,
              sha: str | None = None) -> None:
        """Stage and type one source's rows and hash their versions; the rest waits for the batch (see _flush).

        `sha` names the file they came from when a set of files loads as one."""
        e, d = self.e, self.e.dialect
        sha = sha or res.sha256
        raw_types = {n: t for n, t in e.columns(raw) if n != "_row"}
        for f in src.fields:
            if f.required and f.name not in raw_types:
                raise UserError(f"a column {src.id} needs is missing", file=str(plan.path), row=0, field=f.name)
        typed = f"temp.typed_{self.n}"
        query, fields = typed_query(src, raw, raw_types, d)
        e.execute(create_temp_as(typed, query, d))
        e.execute(f"DROP TABLE {raw}")  # typed holds all it had: free its memory before the next copy
        self._coarsen_birth_dates(src, typed)
        n_all = e.fetchall(f"SELECT count(*) FROM {typed}")[0][0]
        res.rows_read += n_all
        rv = self._hashes(src, typed, self.n)
        self.pending.append(_Pending(plan, res, src, base, idx, sha, self.n, typed, fields, raw_types, rv))
        self.pending_rows += n_all
        self.rows_seen += n_all
        if not self.batch or self.pending_rows >= max(self.batch, self.rows_seen // _BATCH_SHARE):
            self._flush()

    def _flush(self) -> None:
        """Check the versions of every pending part against the family in one look-up, then load each in order."""
        if not self.pending:
            return
        self._known([p.rv for p in self.pending], sorted({s for p in self.pending for s in _family(p.src)}))
        for p in self.pending:
            self._finish(p)
        self.pending, self.pending_rows = [], 0

    def _finish(self, p: "_Pending") -> None:
        """Load one staged part: drop rows already present, note replaced versions, map to the tables."""
        e, d = self.e, self.e.dialect
        plan, res, src, base, idx, sha, typed, fields, raw_types = (p.plan, p.res, p.src, p.base, p.idx, p.sha,
                                                                    p.typed, p.fields, p.raw_types)
        prov = {"load_id": self.load_id, "path": str(plan.path), "source": src.id, "file_sha256": sha}
        self._sha = sha
        n_present, n_replaced = self._versions(src, typed, sha, rv=p.rv, part=p.n)
        cols = schema.table("quarantine").column_names
        # every field's problems in one statement (a UNION ALL), not one statement per field
        queries = problems_queries(src, typed, fields, prov, d, has_problem="_problem" in raw_types)
        if queries:
            e.execute(insert_select("temp.st_quarantine", cols, " UNION ALL ".join(f"({q})" for q in queries), d))
        n_read, n_bad = e.fetchall(f"SELECT count(*), count(*) FILTER (WHERE __rejected) FROM {typed}")[0]
        res.rows_quarantined += n_bad
        res.rows_loaded += n_read - n_bad
        res.rows_present += n_present
        res.rows_replaced += n_replaced

        acc = f"temp.acc_{p.n}"
        first, last = seen_for(base)
        has_space = "_id_space" in raw_types
        space = ident("_id_space") if has_space else lit(src.id_space)
        pm = _PseudoMaps(self, typed, p.n)
        roles = {r: (ident(src.role(r).name) if src.role(r) else None)
                 for r in ("nhs_number", "upn", "postcode")}
        extra = [f"{first} AS _seen_from", f"{last} AS _seen_to"]
        if src.person_key:
            local = ident(src.person_key)
            pm.add("_record_id", lit(src.id), f"{space} || '|' || {local}" if has_space else local, "record_id")
            pm.add("_local_pseudo", space, local, "local_id")
            extra.append(f"{local} AS _local_id")
            for role, kind, alias, pkind in (("nhs_number", "nhs", "_nhs_pseudo", "nhs_number"),
                                             ("upn", "upn", "_upn_pseudo", "upn"),
                                             ("postcode", "address", "_address_key", "address_key")):
                if roles[role]:
                    pm.add(alias, lit(kind), _address_key_sql(roles[role], src) if role == "postcode" else roles[role],
                           pkind)
        if not has_space:
            extra.append(f"{space} AS _id_space")
        extra.append(f"CAST(date_diff('day', DATE '1900-01-01', coalesce({last}, DATE '1900-01-01')) AS BIGINT) "
                     f"* 1000000000000 + CAST({idx} AS BIGINT) * 1000000000 + _row AS _ord")
        targets = []
        for tgt in targets_for(base):
            cols = {}
            for name, expr in tgt.columns.items():
                for kind, fld in re.findall(r"pseudo\(('[^']+'|_id_space), \"([^\"]+)\"\)", expr):
                    role = src.field(fld).role
                    what = "local_id" if role in ("related_local_id", "related_upn") else "event_id"
                    # the record key is unique among accepted rows: hash it in the row, no distinct and join
                    inline = list(src.record_key) == [fld]
                    alias = pm.add(None, space if kind == "_id_space" else kind, ident(fld), what, inline=inline)
                    expr = expr.replace(f'pseudo({kind}, "{fld}")', alias)
                cols[name] = expr
            targets.append((tgt, cols))
        # the accepted rows keep their typed values only (not the raw text and reasons): a quarter of the size
        keep = ["_row", "__nhs_ok", *[ident(f.name) for f in src.fields],
                *[ident(c) for c in raw_types if c.startswith("_") and c != "_row"]]
        e.execute(create_temp_as(acc, pm.join_query(extra, keep), d))
        e.execute(f"DROP TABLE {typed}")
        pm.register_pseudonyms(acc)
        pm.drop()
        pv = [lit(src.id), lit(sha), lit(self.load_id), "_row"]
        pnames = [c.name for c in schema.PROVENANCE]
        for tgt, cols in targets:
            names = list(cols)
            exprs = [cols[c] for c in names] + pv
            e.execute(insert_select(f"temp.st_{tgt.table}", names + pnames,
                                    select(exprs, acc, where=tgt.where, dialect=d), d))
        if src.person_key:
            # rows about the same person with the same identity values collapse first (GP appointments: ~15 to 1)
            keep = ["_record_id", "_id_space", "_local_id", "_local_pseudo", "__nhs_ok"]
            keep += [a for a in ("_nhs_pseudo", "_upn_pseudo", "_address_key") if a in pm.aliases]
            keep += [ident(f.name) for f in src.fields if f.role in (
                "nhs_number", "upn", "date_of_birth", "sex", "ethnicity", "postcode", "address", "gp_practice",
                "other_id", "given_name", "family_name")]
            if "NHS_Number_Status_Indicator_Code" in src.columns:
                keep.append(ident("NHS_Number_Status_Indicator_Code"))
            people = f"temp.people_{p.n}"
            e.execute(create_temp_as(people, select(
                [*keep, "min(_seen_from) AS _seen_from", "max(_seen_to) AS _seen_to", "max(_ord) AS _ord",
                 "arg_max(_row, _ord) AS _row"], acc, group_by=keep, dialect=d), d))
            self._person(src, people, pnames)
            e.execute(f"DROP TABLE {people}")
        e.execute(f"DROP TABLE {acc}")

    def _coarsen_birth_dates(self, src: Source, typed: str) -> None:
        """Rows with a date equal to their date of birth (a birth spell's admission, a newborn's first contact)
        move every date back by the same days, to the first of the birth month.

        The analysis store keeps only the year and month of birth; such a date (and `first_seen`, and a
        discharge minus the length of stay) would give it the full date. Shifting the whole row keeps its
        durations, its order and its month; the vault keeps the true date of birth."""
        dob = src.role("date_of_birth")
        dates = [f for f in src.fields if f.type in ("date", "datetime") and f.role != "date_of_birth"]
        if dob is None or not dates:
            return
        born, days = ident(dob.name), f"CAST(day({ident(dob.name)}) - 1 AS INTEGER)"
        hit = " OR ".join(f"CAST({ident(f.name)} AS DATE) = {born}" for f in dates)
        sets = ", ".join(f"{ident(f.name)} = {ident(f.name)} - " + (days if f.type == "date" else f"to_days({days})")
                         for f in dates)
        self.e.execute(f"UPDATE {typed} SET {sets} WHERE NOT __rejected AND {born} IS NOT NULL AND ({hit})")

    def _hashes(self, src: Source, typed: str, part: int) -> str:
        """The accepted rows' key and row hashes (keyed: the store holds no unkeyed digest of identifiers).

        A FHIR source shares its record keys with the national source it stands for (an Appointment
        is the GP appointments row with the same Appointment_ID): the key is hashed under the national
        source's id, so a Bundle loaded beside the copy replaces the copy's row instead of adding a second one."""
        text = ", ".join(f"coalesce(CAST({ident(f.name)} AS VARCHAR), chr(0))" for f in src.fields)
        keys = [k for k in src.record_key if k in {f.name for f in src.fields}]
        key_text = (", ".join(f"coalesce(CAST({ident(k)} AS VARCHAR), chr(0))" for k in keys) if keys else text)
        base = fhir.BASE.get(src.id, src.id)
        self.e.execute(f"CREATE OR REPLACE TEMP TABLE rv_{part} AS SELECT *, {key_prefix_sql('key_hash')} AS _k FROM "
                       f"(SELECT _row, "
                       f"pseudo({lit('row-key')}, {lit(base)} || chr(31) || concat_ws(chr(31), {key_text})) AS key_hash, "
                       f"pseudo({lit('row')}, concat_ws(chr(31), {text})) AS row_hash FROM {typed} WHERE NOT __rejected)")
        return f"temp.rv_{part}"

    def _known(self, rvs: list[str], family: list[str]) -> None:
        """The known versions of a batch's keys, read in one semi-join over the family: `temp.st_known`.

        Stored ones, and ones staged by this run before the batch (with their `_v`, less those a later
        file replaced). The staged ones are found by `_k` (a number: a third of the time of the text); every
        join after is on key_hash. Each part of the batch then looks up this table and the versions staged
        since (`temp.st_rv_recent`), not the whole family: one pass over the family per batch, not per file."""
        e = self.e
        fam = ", ".join(lit(s) for s in family)
        keys = " UNION ALL ".join(f"SELECT key_hash, _k FROM {rv}" for rv in rvs)
        e.execute(f"CREATE OR REPLACE TEMP TABLE st_batch_keys AS {keys}")
        e.execute(f"CREATE OR REPLACE TEMP TABLE st_known AS "
                  f"SELECT source, key_hash, row_hash, file_sha256, row_number, CAST(NULL AS BIGINT) AS _rid "
                  f"FROM {e.s('row_version')} WHERE source IN ({fam}) "
                  f"AND key_hash IN (SELECT key_hash FROM temp.st_batch_keys) "
                  f"UNION ALL SELECT source, key_hash, row_hash, file_sha256, row_number, _v "
                  f"FROM temp.st_row_version WHERE source IN ({fam}) AND _k IN (SELECT _k FROM temp.st_batch_keys)")
        e.execute("DELETE FROM temp.st_known WHERE key_hash NOT IN (SELECT key_hash FROM temp.st_batch_keys)")
        e.execute("DELETE FROM temp.st_known WHERE _rid IN (SELECT rid FROM temp.st_row_version_gone)")
        e.execute("DROP TABLE temp.st_batch_keys")
        e.execute("DELETE FROM temp.st_rv_recent")
        e.execute("DELETE FROM temp.st_gone_recent")

    def _versions(self, src: Source, typed: str, sha: str, rv: str | None = None,
                  part: int | None = None) -> tuple[int, int]:
        """Drop accepted rows already loaded (by content); stage the new versions; count both kinds.

        `rv`: the part's hashes (`_hashes`) with its batch's known versions read (`_known`); without it, the
        part is a batch of its own. A version is known when stored, or staged by this run and not replaced
        since; a row equal to a known version is present, one differing from it replaces it."""
        e = self.e
        part = self.n if part is None else part
        family = _family(src)
        if rv is None:
            rv = self._hashes(src, typed, part)
            self._known([rv], family)
        fam = ", ".join(lit(s) for s in family)
        kn = f"temp.kn_{part}"
        # this file's keys' known versions: from the batch's look-up, and staged by the batch's earlier files
        # (less those a file of the batch replaced since: `gone` never holds a NULL, so NOT IN is exact)
        not_gone = "NOT IN (SELECT rid FROM temp.st_gone_recent)"
        e.execute(f"CREATE OR REPLACE TEMP TABLE kn_{part} AS "
                  f"SELECT source, key_hash, row_hash, file_sha256, row_number, _rid FROM temp.st_known "
                  f"WHERE source IN ({fam}) AND key_hash IN (SELECT key_hash FROM {rv}) "
                  f"AND (_rid IS NULL OR _rid {not_gone}) "
                  f"UNION ALL SELECT source, key_hash, row_hash, file_sha256, row_number, _v "
                  f"FROM temp.st_rv_recent WHERE source IN ({fam}) AND _k IN (SELECT _k FROM {rv}) "
                  f"AND key_hash IN (SELECT key_hash FROM {rv}) AND _v {not_gone}")
        n_present = n_replaced = 0
        # most files bring keys never seen before: then nothing is present, replaced or gone
        if e.fetchall(f"SELECT count(*) FROM {kn}")[0][0]:
            e.execute(f"CREATE OR REPLACE TEMP TABLE present_{part} AS SELECT DISTINCT r._row FROM {rv} r "
                      f"JOIN {kn} k ON k.key_hash = r.key_hash AND k.row_hash = r.row_hash")
            n_present = e.fetchall(f"SELECT count(*) FROM temp.present_{part}")[0][0]
            if n_present:
                e.execute(f"DELETE FROM {typed} WHERE _row IN (SELECT _row FROM temp.present_{part})")
                e.execute(f"DELETE FROM {rv} WHERE _row IN (SELECT _row FROM temp.present_{part})")
            e.execute(f"DROP TABLE temp.present_{part}")
            # the old version's own source, file and row: its rows leave the store, or the staging tables, at commit
            e.execute(f"INSERT INTO temp.st_superseded SELECT DISTINCT k.source, k.file_sha256, k.row_number "
                      f"FROM {rv} r JOIN {kn} k ON k.key_hash = r.key_hash AND k.row_hash <> r.row_hash")
            n_replaced = e.fetchall(f"SELECT count(DISTINCT r._row) FROM {rv} r JOIN {kn} k "
                                    f"ON k.key_hash = r.key_hash AND k.row_hash <> r.row_hash")[0][0]
            # the staged versions of the keys this file brings anew leave the staging: their `_v` are noted here
            # and deleted once, before the commit (a DELETE per file would pass over the whole family again)
            for gone in ("st_row_version_gone", "st_gone_recent"):
                e.execute(f"INSERT INTO temp.{gone} SELECT k._rid FROM {kn} k WHERE k._rid IS NOT NULL AND "
                          f"k.key_hash IN (SELECT key_hash FROM {rv})")
        # `_v`: a staged version's own number (the part's, then the row's): what `gone` names it by
        for staged in ("st_row_version", "st_rv_recent"):
            e.execute(f"INSERT INTO temp.{staged} SELECT {lit(src.id)}, key_hash, row_hash, {lit(sha)}, _row, "
                      f"{lit(self.load_id)}, _k, CAST({part} AS BIGINT) * 4294967296 + _row FROM {rv}")
        e.execute(f"DROP TABLE {rv}")
        e.execute(f"DROP TABLE {kn}")
        return n_present, n_replaced

    def _person(self, src: Source, acc: str, pnames: list[str]) -> None:
        e, d = self.e, self.e.dialect

        def col(role: str) -> str | None:
            f = src.role(role)
            return ident(f.name) if f else None

        nhs, upn, dob, sexf, eth, pcode, gp = (col(r) for r in ("nhs_number", "upn", "date_of_birth", "sex",
                                                                 "ethnicity", "postcode", "gp_practice"))
        status = "NHS_Number_Status_Indicator_Code" if "NHS_Number_Status_Indicator_Code" in src.columns else None
        verified = "NULL"
        if nhs:
            verified = f"(__nhs_ok AND {ident(status)} = '01')" if status else "__nhs_ok"
        sex_expr = sex_sql(sexf, codes_of(src, src.role("sex").name)) if sexf else "NULL"
        eth_expr = ethnicity_group_sql(eth, src.role("ethnicity").codes_ref) if eth else "NULL"
        # the LSOA is looked up once for the whole run, at the merge (see _merged)
        from_, lsoa = acc, "NULL"

        def latest(x: str, present: str | None = None) -> str:
            if x == "NULL":
                return "NULL"
            return f"arg_max({x}, _ord) FILTER (WHERE {present or x} IS NOT NULL)"

        prov = [lit(src.id), lit(self._sha), lit(self.load_id), "arg_max(_row, _ord)"]
        e.execute(insert_select("temp.st_person_record", [
            "record_id", "system", "local_id_pseudo", "nhs_number_pseudo", "nhs_number_verified", "upn_pseudo",
            "birth_year", "birth_month", "sex", "ethnicity_group", "lsoa21", "gp_practice", "first_seen",
            "last_seen", *pnames, "_ord", "_postcode"], select([
                "_record_id", "any_value(_id_space)", "any_value(_local_pseudo)",
                latest("_nhs_pseudo") if nhs else "NULL", latest(verified, "_nhs_pseudo") if nhs else "NULL",
                latest("_upn_pseudo") if upn else "NULL",
                f"year({latest(dob)})" if dob else "NULL", f"month({latest(dob)})" if dob else "NULL",
                latest(sex_expr), latest(eth_expr), latest(lsoa), latest(gp) if gp else "NULL",
                "min(_seen_from)", "max(_seen_to)", *prov, "max(_ord)", latest(pcode) if pcode else "NULL"],
                from_,
                group_by=["_record_id"], dialect=d), d))
        if pcode:
            e.execute(insert_select("temp.st_person_record_address", [
                "record_id", "address_key", "lsoa21", "first_seen", "last_seen", *pnames, "_ord", "_postcode"], select([
                    "_record_id", "_address_key", "NULL", "min(_seen_from)", "max(_seen_to)",
                    lit(src.id), lit(self._sha), lit(self.load_id), "arg_max(_row, _ord)", "max(_ord)",
                    f"any_value({pcode})"],
                    from_, where="_address_key IS NOT NULL", group_by=["_record_id", "_address_key"], dialect=d), d))
        other = col("other_id")
        given, family = col("given_name"), col("family_name")
        id_cols = ["source", "system", "local_id", "nhs_number", "nhs_number_valid", "given_name", "family_name",
                   "date_of_birth", "sex", "postcode", "address", "upn", "other_id"]
        per_record = [lit(src.id), "any_value(_id_space)", "any_value(_local_id)", latest(nhs) if nhs else "NULL",
                      latest("__nhs_ok", nhs) if nhs else "NULL", latest(given or "NULL"), latest(family or "NULL"),
                      latest(dob or "NULL"), latest(sex_expr), latest(pcode or "NULL"), latest(col("address") or "NULL"),
                      latest(upn or "NULL"), latest(other or "NULL")]
        e.execute(insert_select("temp.st_identity", ["record_id", *id_cols, "_ord"], select(
            ["_record_id", *per_record, "max(_ord)"], acc, group_by=["_record_id"], dialect=d), d))
        hist = [("given_name", given), ("family_name", family),
                ("date_of_birth", f"strftime({dob}, '%Y-%m-%d')" if dob else None),
                ("postcode", pcode), ("address", col("address")), ("nhs_number", nhs)]
        for fname, expr in hist:
            if expr:
                e.execute(insert_select("temp.st_identity_history", ["record_id", "field", "value", "first_seen",
                                                                     "last_seen"], select([
                    "_record_id", lit(fname), f"{expr} AS _v", "min(_seen_from)", "max(_seen_to)"], acc,
                    where=f"{expr} IS NOT NULL", group_by=["_record_id", "_v"], dialect=d), d))

    # -- merge with what the store holds, then commit ----------------------------------------
    def _merged(self) -> None:
        e = self.e
        pcs = f"read_parquet('{postcode_table_path()}')"
        for t in ("st_person_record", "st_person_record_address"):
            # the LSOA of each postcode, looked up once for the whole run (a join, not an UPDATE: faster)
            cols = [f"s.{n}" if n != "lsoa21" else "coalesce(s.lsoa21, pc.lsoa21_code) AS lsoa21"
                    for n in schema.table(t[3:]).column_names] + ["s._ord"]
            e.execute(f"CREATE OR REPLACE TEMP TABLE {t}_l AS SELECT {', '.join(cols)} FROM temp.{t} s "
                      f"LEFT JOIN {pcs} pc ON pc.postcode = s._postcode")
            e.execute(f"DROP TABLE temp.{t}")
            e.execute(f"ALTER TABLE temp.{t}_l RENAME TO {t}")
        pr = schema.table("person_record").column_names
        latest = ["system", "local_id_pseudo", "upn_pseudo", "birth_year", "birth_month", "sex",
                  "ethnicity_group", "lsoa21", "gp_practice", "source", "file_sha256", "load_id", "row_number"]
        aggs = [f"arg_max({c}, _ord) FILTER (WHERE {c} IS NOT NULL) AS {c}" for c in latest]
        aggs += ["arg_max(nhs_number_pseudo, _ord) FILTER (WHERE nhs_number_pseudo IS NOT NULL) AS nhs_number_pseudo",
                 "arg_max(nhs_number_verified, _ord) FILTER (WHERE nhs_number_pseudo IS NOT NULL) AS nhs_number_verified",
                 "min(first_seen) AS first_seen", "max(last_seen) AS last_seen"]
        base = [c for c in pr if c not in ("imd_decile", "ward_code")]
        e.execute(f"""CREATE OR REPLACE TEMP TABLE fin_person_record AS
            WITH allrows AS (
                SELECT {', '.join(base)}, _ord FROM temp.st_person_record
                UNION ALL SELECT {', '.join(base)}, -1 AS _ord FROM {e.s('person_record')}
                WHERE record_id IN (SELECT record_id FROM temp.st_person_record)),
            m AS (SELECT record_id, {', '.join(aggs)} FROM allrows GROUP BY record_id)
            SELECT {', '.join('m.' + c if c not in ('imd_decile', 'ward_code') else
                              ('CAST(l.imd_decile AS TINYINT) AS imd_decile' if c == 'imd_decile'
                               else 'l.ward24_code AS ward_code') for c in pr)}
            FROM m LEFT JOIN read_parquet('{data_path("lsoa21.parquet")}') l ON l.lsoa21_code = m.lsoa21""")
        ad = schema.table("person_record_address").column_names
        prov = ["source", "file_sha256", "load_id", "row_number"]
        e.execute(f"""CREATE OR REPLACE TEMP TABLE fin_person_record_address AS
            WITH allrows AS (SELECT {', '.join(ad)}, _ord FROM temp.st_person_record_address
                UNION ALL SELECT {', '.join(ad)}, -1 FROM {e.s('person_record_address')} x
                WHERE EXISTS (SELECT 1 FROM temp.st_person_record_address n
                              WHERE n.record_id = x.record_id AND n.address_key = x.address_key))
            SELECT record_id, address_key, arg_max(lsoa21, _ord) FILTER (WHERE lsoa21 IS NOT NULL) AS lsoa21,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen,
                   {', '.join(f'arg_max({c}, _ord) AS {c}' for c in prov)}
            FROM allrows GROUP BY record_id, address_key""")
        rel = schema.table("stated_relation").column_names
        keys = ["record_id", "relation", "related_system", "related_local_id_pseudo"]
        others = [c for c in rel if c not in keys]
        # a relation is stated by the rows that stand after this load: never by a row it supersedes (a copy's row
        # whose return changed it), so its provenance is the row that replaced it; and a relation the store already
        # states is not stated twice, unless the store's row is one this load supersedes (a return loaded apart
        # from its copy): that row is deleted at commit, and this load's must stand in its place, or it is lost
        sup = "SELECT 1 FROM temp.st_superseded o WHERE o.source = {0}.source AND o.file_sha256 = {0}.file_sha256 " \
              "AND o.row_number = {0}.row_number"
        e.execute(f"""CREATE OR REPLACE TEMP TABLE fin_stated_relation AS
            SELECT {', '.join(keys)}, {', '.join(f'arg_max({c}, row_number) AS {c}' for c in others)}
            FROM temp.st_stated_relation s
            WHERE NOT EXISTS ({sup.format('s')}) AND NOT EXISTS (SELECT 1 FROM {e.s('stated_relation')} x WHERE
                {' AND '.join(f's.{k} IS NOT DISTINCT FROM x.{k}' for k in keys)}
                AND NOT EXISTS ({sup.format('x')}))
            GROUP BY {', '.join(keys)}""")
        ident_cols = schema.table("identity").column_names
        e.execute(f"""CREATE OR REPLACE TEMP TABLE fin_identity AS
            WITH allrows AS (SELECT {', '.join(ident_cols)}, _ord FROM temp.st_identity
                UNION ALL SELECT {', '.join(ident_cols)}, -1 FROM {e.p('identity')}
                WHERE record_id IN (SELECT record_id FROM temp.st_identity))
            SELECT record_id, {', '.join(f'arg_max({c}, _ord) FILTER (WHERE {c} IS NOT NULL) AS {c}'
                                         for c in ident_cols if c not in ('record_id', 'nhs_number_valid'))},
                arg_max(nhs_number_valid, _ord) FILTER (WHERE nhs_number IS NOT NULL) AS nhs_number_valid
            FROM allrows GROUP BY record_id""")
        e.execute(f"""CREATE OR REPLACE TEMP TABLE fin_identity_history AS
            WITH allrows AS (SELECT record_id, field, value, first_seen, last_seen FROM temp.st_identity_history
                UNION ALL SELECT record_id, field, value, first_seen, last_seen FROM {e.p('identity_history')} x
                WHERE record_id IN (SELECT record_id FROM temp.st_identity_history))
            SELECT record_id, field, value, min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM allrows GROUP BY record_id, field, value""")
        e.execute(f"""CREATE OR REPLACE TEMP TABLE fin_pseudonym AS
            SELECT DISTINCT pseudonym, kind, value FROM temp.st_pseudonym s
            WHERE NOT EXISTS (SELECT 1 FROM {e.v('pseudonym')} x WHERE x.pseudonym = s.pseudonym AND x.kind = s.kind)""")

    def _commit(self) -> None:
        e = self.e
        e.execute("DELETE FROM temp.st_row_version WHERE _v IN (SELECT rid FROM temp.st_row_version_gone)")
        self._merged()
        finished = datetime.now(timezone.utc).replace(tzinfo=None)
        vault_steps = []
        for t in ("identity", "identity_history", "pseudonym"):
            vault_steps += e.upsert_vault_sql(t, f"temp.fin_{t}", self.load_id)
        store_steps = [
            f"INSERT INTO {e.s('load')} VALUES ({lit(self.load_id)}, TIMESTAMP {lit(str(self.started))}, "
            f"TIMESTAMP {lit(str(finished))}, {lit(__version__)}, 'committed')"]
        for f in self.result.files:
            fmt = f.format
            store_steps.append(f"INSERT INTO {e.s('load_file')} VALUES ({lit(self.load_id)}, {lit(f.path)}, "
                               f"{lit(f.source)}, {lit(f.sha256)}, {lit(fmt)}, {f.rows_read}, {f.rows_loaded}, "
                               f"{f.rows_quarantined}, {lit(f.skipped)})")
        store_steps.append(f"INSERT INTO {e.s('quarantine')} SELECT * FROM temp.st_quarantine")
        # a changed row replaces its old version (by record key) in every table it went to: in the store, and
        # in this run's staging when the old version came earlier in the same run (a copy, then its return)
        for t in _EVENT_TABLES:
            e.execute(f"DELETE FROM temp.st_{t} x WHERE EXISTS (SELECT 1 FROM temp.st_superseded o WHERE "
                      "o.source = x.source AND o.file_sha256 = x.file_sha256 AND o.row_number = x.row_number)")
            store_steps.append(f"DELETE FROM {e.s(t)} x WHERE EXISTS (SELECT 1 FROM temp.st_superseded o WHERE "
                               "o.source = x.source AND o.file_sha256 = x.file_sha256 AND o.row_number = x.row_number)")
        # the key hash names its source (a FHIR source's, the national one it shares keys with)
        store_steps += [f"DELETE FROM {e.s('row_version')} x WHERE EXISTS (SELECT 1 FROM temp.st_row_version n "
                        "WHERE n.key_hash = x.key_hash)",
                        f"INSERT INTO {e.s('row_version')} SELECT {', '.join(schema.table('row_version').column_names)} "
                        "FROM temp.st_row_version"]
        for t in _EVENT_TABLES:
            if t == "stated_relation":
                cols = schema.table(t).column_names
                store_steps.append(f"INSERT INTO {e.s(t)} ({', '.join(cols)}) SELECT {', '.join(cols)} "
                                   f"FROM temp.fin_stated_relation")
            else:
                store_steps.append(f"INSERT INTO {e.s(t)} SELECT * FROM temp.st_{t}")
        for t, keys in (("person_record", ("record_id",)), ("person_record_address", ("record_id", "address_key"))):
            cols = schema.table(t).column_names
            match = " AND ".join(f"n.{k} = x.{k}" for k in keys)
            store_steps += [f"DELETE FROM {e.s(t)} x WHERE EXISTS (SELECT 1 FROM temp.fin_{t} n WHERE {match})",
                            f"INSERT INTO {e.s(t)} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM temp.fin_{t}"]
        _pause("before commit")
        e.commit_load(self.load_id, vault_steps, store_steps, checkpoint=_pause)


class _PseudoMaps:
    """Pseudonyms computed once per distinct value of a file (HMAC is the costly step), joined back."""

    def __init__(self, run: "_Run", typed: str, tag: int) -> None:
        self.run, self.typed, self.tag = run, typed, tag
        self.tables: dict[tuple[str, str], str] = {}  # (kind, value) -> map table
        self.columns: list[tuple[str, str, str]] = []  # (alias, map table, pseudonym kind)
        self.inline: dict[str, tuple[str, str, str]] = {}  # alias -> (kind, value, pseudonym kind)

    def add(self, alias: str | None, kind: str, value: str, pkind: str, inline: bool = False) -> str:
        """Register a pseudonym column (kind and value are SQL over the typed table); returns its alias.

        inline: the value is unique per accepted row (the record key), so it is hashed in the row
        rather than through a distinct map and a join (which would be as long as the file)."""
        key = (kind, value)
        e = self.run.e
        if inline and key not in self.tables:
            for a, (k, v, pk) in self.inline.items():
                if (k, v, pk) == (kind, value, pkind) and (alias is None or alias == a):
                    return a
            alias = alias or f"__p{len(self.columns) + len(self.inline)}"
            self.inline[alias] = (kind, value, pkind)
            return alias
        if key not in self.tables:
            self.tables[key] = f"temp.pm_{self.tag}_{len(self.tables)}"
            e.execute(create_temp_as(self.tables[key], select(
                ["__k", "__v", "pseudo(__k, __v) AS __p"],
                f"(SELECT DISTINCT {kind} AS __k, {value} AS __v FROM {self.typed} "
                f"WHERE NOT __rejected AND {value} IS NOT NULL)", dialect=e.dialect), e.dialect))
        tbl = self.tables[key]
        for a, t, k in self.columns:
            if t == tbl and (alias is None or a == alias):
                if k != pkind:
                    self.columns.append((a, t, pkind))
                return a
        alias = alias or f"__p{len(self.columns) + len(self.inline)}"
        self.columns.append((alias, tbl, pkind))
        return alias

    @property
    def aliases(self) -> set[str]:
        """The pseudonym columns added so far."""
        return {a for a, _t, _k in self.columns} | set(self.inline)

    def join_query(self, extra: list[str], keep: list[str]) -> str:
        """The accepted rows with every pseudonym column."""
        aliases = {}
        for alias, tbl, _ in self.columns:
            aliases.setdefault(alias, tbl)
        cols = [f"t.{k}" for k in keep] + extra + [f"{tbl.split('.')[1]}.__p AS {alias}" for alias, tbl in aliases.items()]
        cols += [f"pseudo({kind}, {value}) AS {alias}" for alias, (kind, value, _pk) in self.inline.items()]
        joins = "".join(f" LEFT JOIN {tbl} ON {tbl.split('.')[1]}.__k = {kind} AND {tbl.split('.')[1]}.__v = {value}"
                        for (kind, value), tbl in self.tables.items())
        return select(cols, f"{self.typed} t{joins}", where="NOT t.__rejected", dialect=self.run.e.dialect)

    def register_pseudonyms(self, acc: str) -> None:
        """Pseudonym -> value rows for the vault (inline ones from the accepted rows `acc`)."""
        e = self.run.e
        for tbl, pkind in sorted({(t, k) for _a, t, k in self.columns}):
            value = "__v" if pkind in ("nhs_number", "upn", "address_key") else "__k || '|' || __v"
            e.execute(insert_select("temp.st_pseudonym", ["pseudonym", "kind", "value"],
                                    select(["__p", lit(pkind), value], tbl, dialect=e.dialect), e.dialect))
        for alias, (kind, value, pkind) in self.inline.items():
            shown = value if pkind in ("nhs_number", "upn", "address_key") else f"{kind} || '|' || {value}"
            e.execute(insert_select("temp.st_pseudonym", ["pseudonym", "kind", "value"],
                                    select([alias, lit(pkind), shown], acc, where=f"{value} IS NOT NULL",
                                           dialect=e.dialect), e.dialect))

    def drop(self) -> None:
        """Drop the maps."""
        for tbl in self.tables.values():
            self.run.e.execute(f"DROP TABLE {tbl}")


def _engine_message(err: Exception) -> str:
    text = str(err)
    first = text.splitlines()[0] if text else type(err).__name__
    if "unicode" in text.lower() or "utf" in text.lower():
        return "not UTF-8 text; save the file as UTF-8"
    m = re.search(r"Maximum line size of (\d+) bytes exceeded", text)
    if m:
        return f"a line longer than {int(m.group(1)):,} bytes, the most a row may hold (a runaway field?)"
    m = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if m:
        return f"expected {m.group(1)} fields, found {m.group(2)}"
    if "unterminated" in text.lower() or "quote" in text.lower():
        return "unterminated quoted field"
    return first[:300]


def _long_field(path: Path, row: int | None) -> str | None:
    """The name of the longest field of a data row (1-based), read in Python: only on the error path."""
    import csv

    if row is None:
        return None
    csv.field_size_limit(2**31 - 1)
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        for i, rec in enumerate(reader, start=1):
            if i == row:
                longest = max(range(len(rec)), key=lambda j: len(rec[j]), default=None)
                return header[longest] if longest is not None and longest < len(header) else None
    return None


def _engine_row(err: Exception) -> int | None:
    m = re.search(r"[Ll]ine:? (\d+)", str(err))
    return int(m.group(1)) - 1 if m else None


def _address_key_sql(postcode: str, src: Source) -> str:
    """What an address key is made of: the postcode and the address line where the source carries one.

    A source with an address line keys a home (postcode + normalised line, or nothing when either
    is missing); a source without one keys its postcode alone, and only a full postcode (a
    district such as SSDA903's HOME_POST is no address at all). Households are formed from home
    keys only (joinedup.link.families), never from a postcode shared by about fifteen homes.
    """
    line = src.role("address")
    if line is not None:
        a = ident(line.name)
        return (f"CASE WHEN {postcode} IS NOT NULL AND nullif(trim({a}), '') IS NOT NULL THEN "
                f"upper(replace({postcode}, ' ', '')) || '|' || lower(regexp_replace(trim({a}), '[^A-Za-z0-9]+', ' ', 'g')) END")
    return f"CASE WHEN regexp_matches(upper({postcode}), '^[A-Z]{{1,2}}[0-9][A-Z0-9]? ?[0-9][A-Z]{{2}}$') THEN {postcode} END"
