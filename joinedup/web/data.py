"""Everything the web app reads or writes in the store, through the stages' own functions.

Routes call only this module; it never computes a figure itself. Results are cached per store
version (a token that changes whenever a load, link or decision commits), so a page never
recomputes what no load changed.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from joinedup.errors import UserError

__all__ = ["StoreData", "MeasureInfo", "BREAKDOWN_LABELS", "SECTOR_LABELS", "ward_centroids"]

BREAKDOWN_LABELS = {"all": "Everyone", "age_band": "Age", "sex": "Sex", "ethnicity_group": "Ethnicity",
                    "deprivation_quintile": "Deprivation", "ward": "Ward", "segment": "Segment"}
SECTOR_LABELS = {"nhs": "NHS", "adult_social_care": "Adult social care", "childrens_services": "Children's services",
                 "public_health": "Public health", "education": "Education"}


@dataclass(frozen=True)
class MeasureInfo:
    """What a page shows about a measure's definition."""

    id: str
    title: str
    description: str
    kind: str
    sectors: tuple[str, ...]
    unit: str
    polarity: str
    period: str
    joined_up: bool
    breakdowns: tuple[str, ...]
    paired_with: tuple[str, ...]
    definition: str
    reference: str | None


@lru_cache(maxsize=1)
def ward_centroids() -> dict[str, dict]:
    """Each ward of the default place: name and the mean of its LSOA centroids (shipped reference data)."""
    from joinedup.reference import lsoas
    acc: dict[str, dict] = {}
    for r in lsoas():
        w = acc.setdefault(r["ward24_code"], {"name": r["ward24_name"], "lon": 0.0, "lat": 0.0, "n": 0})
        w["lon"] += r["longitude"]
        w["lat"] += r["latitude"]
        w["n"] += 1
    return {k: {"name": v["name"], "lon": v["lon"] / v["n"], "lat": v["lat"] / v["n"]} for k, v in acc.items()}


class StoreData:
    """One store as the web app sees it: cached reads per version, and the few writes pages make."""

    def __init__(self, store: Path, cache_size: int = 512) -> None:
        self.store = Path(store)
        if not self.store.is_file():
            raise UserError("store not found (build one with joinedup ingest, or run joinedup demo)", file=str(self.store))
        self._lock = threading.RLock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_size = cache_size
        self._engine = None
        self._engine_version: str | None = None
        self._warmed: str | None = None

    def warm(self, compute: Callable[["StoreData"], Any]) -> None:
        """Compute the busiest page's figures in the background once per store version (a no-op when done)."""
        v = self.version()
        if self._warmed == v:
            return
        self._warmed = v

        def run() -> None:
            try:
                compute(self)
            except Exception:  # noqa: BLE001 - the page itself will show the error when opened
                self._warmed = None
        threading.Thread(target=run, name="joinedup-warm", daemon=True).start()

    # Versions and caching ---------------------------------------------------
    def version(self) -> str:
        """A token that changes whenever a write to the store commits."""
        parts = []
        for p in (self.store, self.store.with_name(self.store.name + ".wal")):
            try:
                st = os.stat(p)
                parts.append(f"{st.st_mtime_ns}-{st.st_size}")
            except FileNotFoundError:
                parts.append("-")
        return ":".join(parts)

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """compute() once per store version and key."""
        full = (self.version(),) + key
        with self._lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]
            value = compute()
            self._cache[full] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return value

    def _measures_engine(self):
        from joinedup.measures.engine import open_store
        v = self.version()
        if self._engine is None or self._engine_version != v:
            self.close()
            self._engine, self._engine_version = open_store(self.store), v
        return self._engine

    def close(self) -> None:
        """Close the open read connection (before a write, and when the app stops)."""
        with self._lock:
            if self._engine is not None:
                self._engine.con.close()
                self._engine = None

    # Measures ----------------------------------------------------------------
    def library(self):
        """The measure library."""
        from joinedup.measures.spec import load_library
        return load_library()

    def catalogue(self) -> list[MeasureInfo]:
        """Every measure's definition, by sector then title."""
        return sorted((self.info(m.id) for m in self.library()), key=lambda i: (i.sectors[0], i.title))

    def info(self, measure_id: str) -> MeasureInfo:
        """One measure's definition; an unknown id is a UserError."""
        m = self.library().get(measure_id)
        return MeasureInfo(m.id, m.title, m.description, m.kind, tuple(m.sectors), m.unit, m.polarity, m.period,
                           m.joined_up, tuple(m.breakdowns), tuple(m.paired_with), m.definition.name,
                           m.definition.reference)

    def years(self) -> list[str]:
        """Complete financial years the store covers, oldest first."""
        def compute():
            from joinedup.measures.runner import coverage
            with self._lock:
                return coverage(self._measures_engine())
        return self.cached(("years",), compute)

    def results(self, measure_id: str, fy: str, breakdown: str = "all") -> list:
        """Released rows (disclosure applied) of one measure in one financial year and breakdown."""
        def compute():
            from joinedup.measures.runner import run_measures
            with self._lock:
                return run_measures(self._measures_engine(), self.library(), fy, breakdown, [measure_id])
        return self.cached(("results", measure_id, fy, breakdown), compute)

    def trend(self, measure_id: str):
        """The measure's released totals over every complete year, with its trend test."""
        def compute():
            from joinedup.measures.paradox import series
            years = self.years()
            with self._lock:
                return series(self._measures_engine(), self.library().get(measure_id), years)
        return self.cached(("trend", measure_id), compute)

    def paradoxes(self) -> list:
        """The paradox lens: process-outcome pairs, flagged where they part ways."""
        def compute():
            from joinedup.measures.paradox import paradoxes
            years = self.years()
            if len(years) < 2:
                return []
            with self._lock:
                return paradoxes(self._measures_engine(), self.library(), years)
        return self.cached(("paradoxes",), compute)

    # Segments -----------------------------------------------------------------
    def segment_counts(self, fy: str) -> list:
        """People and families per segment in the last period of the year (suppressed where small)."""
        def compute():
            from joinedup.measures.periods import periods_for
            from joinedup.segments.counts import segment_counts
            with self._lock:
                return segment_counts(self._measures_engine(), periods_for("financial_year", fy)[0])
        return self.cached(("segments", fy), compute)

    def segment_services(self, fy: str) -> list:
        """People per segment known to each sector in the year (suppressed where small)."""
        def compute():
            from joinedup.measures.periods import periods_for
            from joinedup.segments.services import segment_services
            with self._lock:
                return segment_services(self._measures_engine(), periods_for("financial_year", fy)[0])
        return self.cached(("segment_services", fy), compute)

    # Peers --------------------------------------------------------------------
    def peers(self) -> dict | None:
        """The default place beside its neighbours and England (None when no figures were imported)."""
        def compute():
            from joinedup.peers.compare import compare
            from joinedup.reference import DEFAULT_AREA
            with self._lock:
                try:
                    return compare(self.store, DEFAULT_AREA)
                except UserError:
                    return None
        return self.cached(("peers",), compute)

    def peer_context(self, measure_id: str) -> dict | None:
        """The published neighbours and England beside one of the place's measures, when one corresponds."""
        def compute():
            from joinedup.peers.context import peer_context
            from joinedup.reference import DEFAULT_AREA
            with self._lock:
                try:
                    return peer_context(self.store, DEFAULT_AREA, measure_id)
                except UserError:
                    return None
        return self.cached(("peer_context", measure_id), compute)

    # Linkage ------------------------------------------------------------------
    def linkage(self) -> dict | None:
        """The person index's quality summary, or None before the first link run."""
        def compute():
            from joinedup.link.quality import quality_summary
            with self._lock:
                try:
                    return quality_summary(self.store)
                except UserError:
                    return None
        return self.cached(("linkage",), compute)

    def review_pairs(self, limit: int = 20) -> list[dict]:
        """Undecided scored pairs nearest the threshold (pseudonymous ids and comparison levels only)."""
        def compute():
            from joinedup.link.review import review_pairs
            with self._lock:
                try:
                    return review_pairs(self.store, limit)
                except UserError:
                    return []
        return self.cached(("review", limit), compute)

    def decide(self, record_a: str, record_b: str, decision: str, by: str, note: str | None = None) -> tuple[str, str]:
        """Record a clerical-review decision exactly as `joinedup link decide` does."""
        from joinedup.link.decisions import decide
        with self._lock:
            self.close()
            return decide(self.store, record_a, record_b, decision, note, by=by)
