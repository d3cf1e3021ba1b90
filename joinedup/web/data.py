"""Everything the web app reads or writes in the store, through the stages' own functions.

Routes call only this module; it never computes a figure: it calls each stage's service API
(`joinedup.<stage>.api`) over one `Store` opened read-only on the published snapshot. The measures
the overview and every trend need were computed by the writer that published the snapshot (a load
or link run stores them with it: `joinedup.measures.stored`), so the API reads them; anything else
(a breakdown, a segment table) is computed on first use. Every answer is cached per store version
(the token changes whenever a write publishes), so a page never recomputes what no load changed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from joinedup.errors import UserError

__all__ = ["StoreData", "MeasureInfo", "SegmentColumn", "SegmentGrid", "BREAKDOWN_LABELS", "SECTOR_LABELS"]

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


@dataclass(frozen=True)
class SegmentColumn:
    """One column of the measures-by-segment grid: a person segment and the group it belongs to."""

    group: str
    group_title: str
    segment: str
    title: str


@dataclass(frozen=True)
class SegmentGrid:
    """Every measure that can be broken down by segment, with its released rows by segment in one year."""

    period: str
    columns: list[SegmentColumn]
    rows: list[tuple[MeasureInfo, list]]

    def cell(self, results: list, segment: str) -> Any:
        """The released row of one segment in the measure's last period of the year (None: no one in it)."""
        last = results[-1].period if results else None
        return next((r for r in results if r.period == last and r.group == segment and r.breakdown == "segment"), None)


class StoreData:
    """One store as the web app sees it: cached reads per version, and the few writes pages make."""

    def __init__(self, store: Path, cache_size: int = 512) -> None:
        self.store = Path(store)
        if not self.store.is_file():
            raise UserError("store not found (build one with joinedup ingest, or run joinedup demo)", file=str(self.store))
        self._lock = threading.RLock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_size = cache_size
        self._reader = None
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
        """The published snapshot's version token (changes whenever a write publishes)."""
        from joinedup.store.store import version_of
        return version_of(self.store)

    def cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """compute() once per store version and key (under the one read connection's lock)."""
        with self._lock:
            full = (self.version(),) + key
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]
            value = compute()
            self._cache[full] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return value

    def reader(self) -> Any:
        """The store open read-only on the newest published snapshot (reopened when a write publishes)."""
        from joinedup.store import Store
        with self._lock:
            if self._reader is None or self._reader.version != self.version():
                self.close()
                self._reader = Store.open(self.store, "analysis")
            return self._reader

    def close(self) -> None:
        """Close the read connection (when the app stops)."""
        with self._lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    # Measures ----------------------------------------------------------------
    def library(self) -> Any:
        """The measure library."""
        from joinedup.measures import api
        return api.library()

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
        from joinedup.measures import api
        return self.cached(("years",), lambda: api.coverage(self.reader()))

    def results(self, measure_id: str, fy: str, breakdown: str = "all") -> list:
        """Released rows (disclosure applied) of one measure in one financial year and breakdown."""
        from joinedup.measures import api
        return self.cached(("results", measure_id, fy, breakdown),
                           lambda: api.by_breakdown(self.reader(), measure_id, breakdown, period=fy).results)

    def trend(self, measure_id: str) -> Any:
        """The measure's released totals over every complete year, with its trend test."""
        from joinedup.measures import api
        return self.cached(("trend", measure_id), lambda: api.trend(self.reader(), measure_id))

    def paradoxes(self) -> list:
        """The paradox lens: process-outcome pairs, flagged where they part ways (none before two complete years)."""
        from joinedup.measures import api

        def compute():
            try:
                return api.paradoxes(self.reader())
            except UserError:
                return []
        return self.cached(("paradoxes",), compute)

    # Segments -----------------------------------------------------------------
    def segment_counts(self, fy: str) -> list:
        """People and families per segment in the year (suppressed where small)."""
        from joinedup.segments import api
        return self.cached(("segments", fy), lambda: api.counts(self.reader(), period=fy).counts)

    def segment_services(self, fy: str) -> list:
        """People per segment known to each sector (suppressed where small)."""
        from joinedup.segments import api
        return self.cached(("segment_services", fy), lambda: api.services(self.reader(), period=fy))

    def segment_grid(self, fy: str) -> SegmentGrid:
        """Every measure by every person segment in the year (released rows, disclosure applied), cached per version."""
        from joinedup.segments import api

        def compute() -> SegmentGrid:
            columns = [SegmentColumn(g.group, g.title, s.id, s.title) for g in api.groups() if g.unit == "person"
                       for s in g.segments]
            rows = [(m, self.results(m.id, fy, "segment")) for m in self.catalogue() if "segment" in m.breakdowns]
            known = {c.segment for c in columns}
            if any(r.breakdown == "segment" and r.group not in known for _, rs in rows for r in rs):
                columns.append(SegmentColumn("unknown", "Not placed", "unknown", "Age or group unknown"))
            return SegmentGrid(fy, columns, rows)
        return self.cached(("segment_grid", fy), compute)

    # Peers --------------------------------------------------------------------
    def peers(self) -> dict | None:
        """The default place beside its neighbours and England (None when no figures were imported)."""
        from joinedup.peers import api
        from joinedup.reference import DEFAULT_AREA

        def compute():
            try:
                return api.compare(self.reader(), DEFAULT_AREA)
            except UserError:
                return None
        return self.cached(("peers",), compute)

    def peer_context(self, measure_id: str) -> dict | None:
        """The published neighbours and England beside one of the place's measures, when one corresponds."""
        from joinedup.peers import api
        from joinedup.reference import DEFAULT_AREA

        def compute():
            try:
                return api.context(self.reader(), DEFAULT_AREA, measure_id)
            except UserError:
                return None
        return self.cached(("peer_context", measure_id), compute)

    # Linkage ------------------------------------------------------------------
    def linkage(self) -> dict | None:
        """The person index's summary and diagnostics, or None before the first link run."""
        from dataclasses import asdict

        from joinedup.link import api

        def compute():
            try:
                summary = api.summary(self.reader())
            except UserError:
                return None
            return {**asdict(summary), **api.diagnostics(self.reader())}
        return self.cached(("linkage",), compute)

    def review_pairs(self, limit: int = 20) -> list[dict]:
        """Undecided scored pairs nearest the threshold (pseudonymous ids and comparison levels only)."""
        from joinedup.link import api

        def compute():
            try:
                return api.review_queue(self.reader(), limit)
            except UserError:
                return []
        return self.cached(("review", limit), compute)

    def decide(self, record_a: str, record_b: str, decision: str, by: str, note: str | None = None) -> tuple[str, str]:
        """Record a clerical-review decision exactly as `joinedup link decide` does (one write, then published)."""
        from joinedup.link import api
        from joinedup.store import Store
        with Store.open(self.store, "write", vault=False) as store:
            return api.decide(store, record_a, record_b, decision, note, by=by)
