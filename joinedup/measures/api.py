"""The measures stage's service API: what the CLI and the web app ask of it (plain functions over a `Store`).

Every figure leaves through the store's disclosure policy (joinedup.store.disclosure), applied in
the runner; nothing here returns an unprotected count.
"""

from __future__ import annotations

import weakref
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from joinedup.errors import UserError
from joinedup.measures.catalogue import glossary_terms
from joinedup.measures.compiler import compile_measure, to_sql
from joinedup.measures.engine import StoreEngine
from joinedup.measures.paradox import Paradox
from joinedup.measures.paradox import Series, series
from joinedup.measures.paradox import paradoxes as _paradoxes
from joinedup.measures.periods import periods_for
from joinedup.measures.runner import Result, check_period, coverage as _coverage, default_period, run_measures
from joinedup.measures.spec import BREAKDOWNS, Library, Measure, load_library
from joinedup.measures.stored import StoredResults
from joinedup.store import Store

__all__ = ["MeasureInfo", "MeasureRun", "by_breakdown", "compiled_sql", "coverage", "engine_for", "library", "list_measures",
           "paradoxes", "run", "trend"]

_ENGINES: "weakref.WeakKeyDictionary[Store, StoreEngine]" = weakref.WeakKeyDictionary()


def engine_for(store: Store) -> StoreEngine:
    """One engine per open store: its person views are built once and reused by every call.

    A store opened for reading answers from the results stored with its version where they are current
    (joinedup.measures.stored); a writer always computes, since its own writes may have changed the inputs.
    """
    engine = _ENGINES.get(store)
    if engine is None:
        engine = _ENGINES[store] = StoreEngine(store)
        if store.mode != "write":
            engine.stored = StoredResults(store)
    return engine


@dataclass(frozen=True)
class MeasureInfo:
    """A measure as a list shows it."""

    id: str
    title: str
    kind: str
    sectors: list[str]
    unit: str
    polarity: str
    period: str
    joined_up: bool
    breakdowns: list[str]
    paired_with: list[str]
    definition: str
    reference: str
    glossary_terms: list[str]
    citation: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready form (the `measures list --json` row)."""
        return asdict(self)


@dataclass(frozen=True)
class MeasureRun:
    """The released rows of one run, the financial year it covered and whether a person index was used."""

    period: str
    breakdown: str
    linked: bool
    results: list[Result]

    def rows(self) -> list[dict]:
        """The rows as the CLI prints them (runner.ROW_KEYS)."""
        return [r.as_row() for r in self.results]


def library(dirs: list[Path] | None = None) -> Library:
    """The shipped measures plus a council's own folders."""
    return load_library(list(dirs or []))


def _info(m: Measure) -> MeasureInfo:
    return MeasureInfo(m.id, m.title, m.kind, list(m.sectors), m.unit, m.polarity, m.period, m.joined_up,
                       list(m.breakdowns), list(m.paired_with), m.definition.name, m.definition.reference,
                       glossary_terms(f"{m.title}. {m.description}"), m.definition.citation.model_dump())


def list_measures(dirs: list[Path] | None = None) -> list[MeasureInfo]:
    """Every measure of the library, by id (no store needed)."""
    return [_info(m) for m in sorted(library(dirs), key=lambda m: m.id)]


def coverage(store: Store) -> list[str]:
    """Financial years the store's activity covers completely."""
    return _coverage(engine_for(store))


def run(store: Store, *, period: str | None = None, by: str = "all", measures: list[str] | None = None,
        dirs: list[Path] | None = None, threshold: int | None = None,
        on_measure: Callable[[Measure], None] | None = None) -> MeasureRun:
    """Run measures (all, or those named) for a financial year (default: the latest complete), disclosure applied."""
    if by not in ("all",) + BREAKDOWNS:
        raise UserError(f"unknown breakdown {by!r} (choose from all, {', '.join(BREAKDOWNS)})", field="by")
    lib = library(dirs)
    ids = list(measures or [])
    for i in ids:
        lib.get(i)
    engine = engine_for(store)
    fy = check_period(engine, period) if period else default_period(engine)
    results = run_measures(engine, lib, fy, by, ids or None, threshold, on_measure=on_measure)
    # Answered from stored results the engine never opened the person index; the results say whether they used one.
    return MeasureRun(fy, by, engine.linked or bool(engine.stored and engine.stored.linked()), results)


def by_breakdown(store: Store, measure: str, by: str, *, period: str | None = None,
                 dirs: list[Path] | None = None, threshold: int | None = None) -> MeasureRun:
    """One measure broken down one way (the total row first, then one row per group)."""
    return run(store, period=period, by=by, measures=[measure], dirs=dirs, threshold=threshold)


def paradoxes(store: Store, *, dirs: list[Path] | None = None, threshold: int | None = None) -> list[Paradox]:
    """Each process-outcome pair's trends over the years the store covers, flagged where they diverge."""
    engine = engine_for(store)
    years = _coverage(engine)
    if len(years) < 2:
        raise UserError(f"the store covers {len(years)} complete financial year(s); a trend needs at least 2")
    return _paradoxes(engine, library(dirs), years, threshold)


def trend(store: Store, measure: str, *, dirs: list[Path] | None = None, threshold: int | None = None) -> Series:
    """One measure's released totals over every complete year the store covers, with its trend test."""
    engine = engine_for(store)
    return series(engine, library(dirs).get(measure), _coverage(engine), threshold)


def compiled_sql(measure: str, *, period: str = "2024-25", by: str = "all", dialect: str = "duckdb",
                 dirs: list[Path] | None = None) -> str:
    """The SQL one measure compiles to for one engine (the first period of the financial year)."""
    if dialect not in ("duckdb", "spark"):
        raise UserError(f"unknown dialect {dialect!r} (duckdb or spark)", field="dialect")
    if by not in ("all",) + BREAKDOWNS:
        raise UserError(f"unknown breakdown {by!r}", field="by")
    m = library(dirs).get(measure)
    return to_sql(compile_measure(m, periods_for(m.period, period)[0], by), dialect)
