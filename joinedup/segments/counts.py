"""Counts of people and families per segment in a period, through disclosure control."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlglot

from joinedup.measures.engine import Engine
from joinedup.measures.periods import Period
from joinedup.segments.assign import family_select, segment_select
from joinedup.segments.spec import SegmentGroup, load_groups
from joinedup.store.disclosure import Cell, policy

__all__ = ["SegmentCount", "segment_counts"]


@dataclass(frozen=True)
class SegmentCount:
    """One released count: None (and suppressed) when small or recoverable."""

    group: str
    unit: str
    segment: str
    title: str
    period: str
    count: int | None
    suppressed: bool

    def as_row(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


def _counts(engine: Engine, select, key: str) -> dict[str, int]:
    q = sqlglot.select("segment", sqlglot.exp.alias_(sqlglot.exp.Count(this=sqlglot.exp.Star()), "n")).from_(
        sqlglot.exp.Subquery(this=select, alias=sqlglot.exp.TableAlias(this=sqlglot.exp.to_identifier(key)))).group_by("segment")
    return {r["segment"]: int(r["n"]) for r in engine.query(q)}


def segment_counts(engine: Engine, period: Period, groups: list[SegmentGroup] | None = None,
                   threshold: int | None = None) -> list[SegmentCount]:
    """Every segment of every group with its count in the period (zeros included), suppressed where small."""
    groups = groups or load_groups()
    pol = policy(threshold)
    engine.setup()
    people = _counts(engine, segment_select(period, groups), "s")
    families = _counts(engine, family_select(period, groups), "f") if any(g.unit == "family" for g in groups) else {}
    out: list[SegmentCount] = []
    for g in groups:
        counts = people if g.unit == "person" else families
        cells = [Cell(s.id, counts.get(s.id, 0), None) for s in g.segments]
        total = Cell("all", sum(c.numerator or 0 for c in cells), None)
        total, cells = pol.protect(total, cells, "count")
        titles = {s.id: s.title for s in g.segments}
        out.append(SegmentCount(g.group, g.unit, "all", g.title, period.label,
                                None if total.suppressed else int(total.numerator or 0), total.suppressed))
        out += [SegmentCount(g.group, g.unit, c.group, titles[c.group], period.label,
                             None if c.suppressed else int(c.numerator or 0), c.suppressed) for c in cells]
    unknown = people.get("unknown", 0)
    if unknown:
        t, (c,) = pol.protect(None, [Cell("unknown", unknown, None)], "count")
        out.append(SegmentCount("unknown", "person", "unknown", "Age or group unknown", period.label,
                                None if c.suppressed else unknown, c.suppressed))
    return out
