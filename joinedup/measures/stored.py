"""Measure results stored with the store version that produced them, so that readers never recompute them.

A writer that changes what measures read (a load, a link run) calls `refresh` in its own write
session, before it publishes: every shipped measure's total over every period of every complete
financial year (the overview's sparklines and trend tests, the paradox lens, a measure page's
trend), as released rows (disclosure already applied), in the table `measure_result`, and what they were computed from in `store_meta`. A reader uses the
stored rows only while they are still true: the same committed loads, the same person index and
families, the same code and measure library, and the same disclosure policy; otherwise (and for
anything not stored) it computes as before. Stored rows are aggregates that have passed disclosure
control, so storing them releases nothing new.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa

from joinedup.errors import UserError
from sqlglot import exp

from joinedup.measures import derived, sql
from joinedup.measures.engine import StoreEngine
from joinedup.measures.periods import periods_for
from joinedup.measures.runner import Result, coverage, run_measure
from joinedup.measures.spec import Measure, load_library
from joinedup.store import Store
from joinedup.store.backends.base import STORE
from joinedup.store.disclosure import DisclosurePolicy, policy
from joinedup.store.schema import LINK_TABLES, META_TABLE, TABLES

__all__ = ["TABLE", "Refreshed", "StoredResults", "inputs_fingerprint", "reads_persons", "refresh"]

TABLE = "measure_result"
_INPUTS_KEY, _YEARS_KEY, _LINKED_KEY = "measure_results_inputs", "measure_results_years", "measure_results_linked"
#: The digest of every input but the person index and families: while it holds, the stored rows of a
#: measure that reads no person (`reads_persons`) are still true after a link run, which recomputes the rest.
_BASE_KEY = "measure_results_base"
_COLUMNS = pa.schema([
    ("measure", pa.string()), ("period", pa.string()), ("breakdown", pa.string()), ("ord", pa.int32()),
    ("grp", pa.string()), ("numerator", pa.float64()), ("denominator", pa.float64()), ("value", pa.float64()),
    ("ci_low", pa.float64()), ("ci_high", pa.float64()), ("suppressed", pa.bool_()), ("sum_sq", pa.float64()),
    ("history", pa.string()),
])
# The person index and families decide who is one person; link decisions only act through a link run.
_LINK_INPUTS = tuple(t.name for t in LINK_TABLES if t.name != "link_decision")
_READ = {t.name for t in TABLES + LINK_TABLES}


@dataclass(frozen=True)
class Refreshed:
    """What `refresh` stored: rows, measures, complete years, seconds (rows 0 and a reason when it stored none)."""

    rows: int
    measures: int
    years: list[str]
    seconds: float
    skipped: str = ""


@lru_cache(maxsize=1)
def _code_hash() -> str:
    """The code and data that shape a result: the measures and segments packages, disclosure, reference areas."""
    import joinedup
    root = Path(joinedup.__file__).parent
    files = sorted([*root.joinpath("measures").rglob("*.py"), *root.joinpath("measures", "library").rglob("*.y*ml"),
                    *root.joinpath("segments").rglob("*.py"), *root.joinpath("segments").rglob("*.y*ml"),
                    root / "stages.py", root / "store" / "disclosure.py", root / "reference" / "data" / "lsoa21.parquet"])
    h = hashlib.sha256(joinedup.__version__.encode())
    for f in files:
        h.update(str(f.relative_to(root)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _fingerprints(store: Store, pol: DisclosurePolicy) -> tuple[str, str]:
    """(everything but the person index and families, everything) a measure result depends on."""
    h = hashlib.sha256(_code_hash().encode())
    h.update(f"engine {store.dialect}; schema {store.schema_version}; suppress below {pol.threshold}; "
             f"round to {pol.rounding}\n".encode())
    tables = set(store.tables())
    # Which of the tables measures read are present (a table appearing changes a result); others (peers) do not count.
    h.update(("tables " + ",".join(sorted((tables & _READ) - set(_LINK_INPUTS))) + "\n").encode())
    if "load" in tables:
        # Only a load writes the canonical tables, and each committed load leaves its row here.
        for (load_id,) in store.fetchall("SELECT load_id FROM load WHERE status = 'committed' ORDER BY load_id"):
            h.update(f"load {load_id}\n".encode())
    base = h.hexdigest()
    h.update(("link tables " + ",".join(sorted(tables & set(_LINK_INPUTS))) + "\n").encode())
    for name in _LINK_INPUTS:
        if name in tables:
            # An incremental link run may change few rows and no model: the contents themselves are digested.
            # A sum, not BIT_XOR: a row's hash takes its last column by XOR alone, so a XOR over rows missed two
            # rows swapping their last values, and a last value shared by an even number of rows cancelled out.
            n, digest = store.fetchall(_content_digest(name, store.dialect))[0]
            h.update(f"{name} {n} {digest}\n".encode())
    return base, h.hexdigest()


def _content_digest(name: str, dialect: str) -> exp.Select:
    """A query of (row count, sum of 64-bit row hashes) of one table, in the engine's own hash.

    DuckDB hashes the row itself; Spark hashes the row's JSON (field names with their values,
    so a null moving between columns changes it). The sums differ between engines, so the
    fingerprint names the engine and results stored by one are never taken as current by another.
    """
    if dialect == "duckdb":
        row = exp.func("HASH", exp.column("t"), dialect=dialect)
        wide = exp.DataType.build("HUGEINT", dialect=dialect)
    else:
        whole = exp.Column(this=exp.Star(), table=exp.to_identifier("t"))
        row = exp.func("XXHASH64", exp.func("TO_JSON", exp.Struct(expressions=[whole])), dialect=dialect)
        wide = exp.DataType.build("DECIMAL(38, 0)")
    return exp.select(exp.Count(this=exp.Star()), exp.Sum(this=exp.cast(row, wide))).from_(exp.to_table(name).as_("t"))


def inputs_fingerprint(store: Store, pol: DisclosurePolicy | None = None) -> str:
    """A digest of everything a measure result depends on, as the store holds it now."""
    return _fingerprints(store, pol or policy())[1]


#: Tables whose rows only a link run writes: a measure reading one reads the person index.
_LINK_READ = frozenset(_LINK_INPUTS)


def reads_persons(m: Measure) -> bool:
    """Whether a measure's total can change with the person index: it counts persons, or reads a person or link column.

    Every record-bearing table is read through a view that left-joins one person per record, so a
    measure that counts rows and reads none of the person columns (nor a link table, nor a derived
    relation that does) gets the same rows whoever the records belong to.
    """
    if m.counts == "persons":
        return True
    period = periods_for(m.period, "2024-25")[0]  # any period: only the names read matter
    trees = [sql.expand(t, period, views=False) for t in m.trees.values()]
    tables = {m.source_table} | ({m.denominator.from_} if m.denominator is not None else set())
    trees += [derived.relation(t, period) for t in tables if derived.is_derived(t)]
    person = set(sql.PERSON_COLUMNS)
    for tree in trees:
        if any(c.name in person for c in tree.find_all(exp.Column)):
            return True
        tables |= {t.name for t in tree.find_all(exp.Table)}
    return bool(tables & _LINK_READ)


def _meta(store: Store) -> dict[str, str]:
    if not store.has_table(META_TABLE.name):
        return {}
    return dict(store.fetchall(f"SELECT key, value FROM {META_TABLE.name} WHERE key LIKE 'measure_results_%'"))


def _set_meta(store: Store, values: dict[str, str]) -> None:
    store.record_schema_version()  # makes store_meta where it is missing
    for k, v in values.items():
        store.execute(f"DELETE FROM {META_TABLE.name} WHERE key = ?", [k])
        store.execute(f"INSERT INTO {META_TABLE.name} VALUES (?, ?)", [k, v])


def _row(ord_: int, r: Result) -> dict[str, Any]:
    return {"measure": r.measure, "period": r.period, "breakdown": r.breakdown, "ord": ord_, "grp": r.group,
            "numerator": r.numerator, "denominator": r.denominator, "value": r.value, "ci_low": r.ci_low,
            "ci_high": r.ci_high, "suppressed": r.suppressed, "sum_sq": r.sum_sq, "history": r.history}


def _kept_rows(store: Store, keep: set[str]) -> list[dict[str, Any]]:
    """The stored rows of the named measures, as `refresh` wrote them."""
    if not keep:
        return []
    table = store.query(f"SELECT * FROM {TABLE} ORDER BY measure, period, breakdown, ord")
    return [r for r in table.to_pylist() if r["measure"] in keep]


def refresh(store: Store, on_measure: Callable[[str], None] | None = None) -> Refreshed:
    """Compute and store the shipped measures' results in this write session (a no-op when still current).

    When only the person index and families changed since the rows were stored (a link run), the
    rows of measures that read no person are kept and only the others are computed again.
    """
    started = time.perf_counter()
    store.backend.use(STORE)  # a link run leaves its connection in Splink's scratch catalog; measures read the store's
    pol = policy()
    base, fingerprint = _fingerprints(store, pol)
    meta = _meta(store)
    if meta.get(_INPUTS_KEY) == fingerprint and store.has_table(TABLE):
        years = json.loads(meta.get(_YEARS_KEY, "[]"))
        return Refreshed(0, 0, years, time.perf_counter() - started, "already current")
    library = load_library()
    same_base = bool(meta.get(_INPUTS_KEY)) and meta.get(_BASE_KEY) == base and store.has_table(TABLE)
    kept = {m.id for m in library if not reads_persons(m)} if same_base else set()
    engine = StoreEngine(store)
    if same_base:
        years = json.loads(meta.get(_YEARS_KEY, "[]"))  # the years come from activity dates, which only loads change
    else:
        try:
            years = coverage(engine)
        except UserError as e:  # no canonical tables yet: nothing to measure
            _set_meta(store, {_INPUTS_KEY: "", _BASE_KEY: "", _YEARS_KEY: "[]"})
            return Refreshed(0, 0, [], time.perf_counter() - started, str(e))
    rows: list[dict[str, Any]] = _kept_rows(store, kept)
    try:
        for m in library:
            if m.id not in kept:
                for fy in years:
                    for period in periods_for(m.period, fy):
                        rows += [_row(k, r) for k, r in enumerate(run_measure(engine, m, period, "all", pol.threshold))]
            if on_measure:
                on_measure(m.id)
    except UserError as e:
        # A measure the data cannot answer must not stop a load or a link run: readers compute (and show the error).
        _set_meta(store, {_INPUTS_KEY: "", _BASE_KEY: "", _YEARS_KEY: "[]"})
        return Refreshed(0, 0, years, time.perf_counter() - started, str(e))
    store.write_arrow(TABLE, pa.Table.from_pylist(rows, schema=_COLUMNS))
    linked = {"person", "person_source_link"} <= set(store.tables())  # as the engine's setup decides
    _set_meta(store, {_INPUTS_KEY: fingerprint, _BASE_KEY: base, _YEARS_KEY: json.dumps(years),
                      _LINKED_KEY: "true" if linked else "false"})
    return Refreshed(len(rows), len(library), years, time.perf_counter() - started)


class StoredResults:
    """A reader's view of the stored results: used only while they match the store, the code and the policy."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._loaded: tuple[DisclosurePolicy, dict[tuple[str, str, str], list[dict]] | None, dict] | None = None

    def _load(self) -> tuple[dict[tuple[str, str, str], list[dict]] | None, dict]:
        pol = policy()
        if self._loaded is not None and self._loaded[0] == pol:
            return self._loaded[1], self._loaded[2]
        rows: dict[tuple[str, str, str], list[dict]] | None = None
        meta = _meta(self.store)
        if meta.get(_INPUTS_KEY) and self.store.has_table(TABLE):
            try:
                current = inputs_fingerprint(self.store, pol)
            except UserError:  # a table the engine cannot digest: compute live
                current = None
            if current == meta[_INPUTS_KEY]:
                rows = {}
                table = self.store.query(f"SELECT * FROM {TABLE} ORDER BY measure, period, breakdown, ord")
                for r in table.to_pylist():
                    rows.setdefault((r["measure"], r["period"], r["breakdown"]), []).append(r)
        self._loaded = (pol, rows, meta)
        return rows, meta

    def years(self) -> list[str] | None:
        """The complete financial years stored with the results (None when the results are not current)."""
        rows, meta = self._load()
        return None if rows is None else json.loads(meta.get(_YEARS_KEY, "[]"))

    def linked(self) -> bool | None:
        """Whether the stored results used a person index (None when the results are not current)."""
        rows, meta = self._load()
        return None if rows is None else meta.get(_LINKED_KEY) == "true"

    def get(self, m: Any, period: str, breakdown: str, threshold: int | None) -> list[Result] | None:
        """The stored released rows of one measure, period and breakdown, or None to compute them."""
        if m.id not in load_library().measures or load_library().get(m.id) != m:
            return None  # a council's own measure (or one shadowing a shipped id) is never stored
        if threshold is not None and threshold != policy().threshold:
            return None
        rows, _ = self._load()
        found = None if rows is None else rows.get((m.id, period, breakdown))
        if found is None:
            return None
        return [Result(m.id, m.kind, list(m.sectors), r["period"], r["breakdown"], r["grp"], _num(r["numerator"]),
                       _num(r["denominator"]), r["value"], r["ci_low"], r["ci_high"], r["suppressed"],
                       r["sum_sq"] or 0.0, r["history"]) for r in found]


def _num(v: float | None) -> float | int | None:
    return None if v is None else int(v) if float(v).is_integer() else v
