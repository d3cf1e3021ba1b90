"""The segments stage's service API (plain functions over a `Store`); counts leave through the disclosure policy."""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.measures.api import engine_for
from joinedup.measures.periods import financial_year, parse_financial_year
from joinedup.measures.runner import default_period
from joinedup.segments.counts import SegmentCount, segment_counts
from joinedup.segments.services import SegmentService, segment_services
from joinedup.segments.spec import SegmentGroup, load_groups
from joinedup.store import Store

__all__ = ["SegmentCounts", "counts", "groups", "services"]


@dataclass(frozen=True)
class SegmentCounts:
    """People (and families) per segment in one financial year, small numbers suppressed."""

    period: str
    counts: list[SegmentCount]

    def rows(self) -> list[dict]:
        """JSON-ready rows (the `segments --json` output)."""
        return [c.as_row() for c in self.counts]


def groups() -> list[SegmentGroup]:
    """The segment groups and their segments (no store needed)."""
    return load_groups()


def counts(store: Store, *, period: str | None = None, threshold: int | None = None) -> SegmentCounts:
    """Counts per segment for a financial year (default: the latest complete one in the store)."""
    engine = engine_for(store)
    fy = period or default_period(engine)
    return SegmentCounts(fy, segment_counts(engine, financial_year(parse_financial_year(fy)), threshold=threshold))


def services(store: Store, *, period: str | None = None, threshold: int | None = None) -> list[SegmentService]:
    """People per person segment known to each sector, for a financial year (default: the latest complete one)."""
    engine = engine_for(store)
    fy = period or default_period(engine)
    return segment_services(engine, financial_year(parse_financial_year(fy)), threshold=threshold)
