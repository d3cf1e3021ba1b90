"""Assign each person (or family) to one segment in a period, as one sqlglot query."""

from __future__ import annotations

from sqlglot import exp

from joinedup.measures import sql
from joinedup.measures.periods import Period
from joinedup.segments.spec import SegmentGroup, load_groups

__all__ = ["segment_case", "segment_select", "family_select"]


def segment_case(groups: list[SegmentGroup], period: Period) -> exp.Expression:
    """CASE over the groups in order: within the first group that applies, the first segment that holds."""
    case = exp.Case()
    for g in groups:
        trees = g.trees()
        inner = exp.Case()
        for s in g.segments:
            inner = inner.when(sql.expand(trees[s.id], period), exp.Literal.string(s.id))
        inner = inner.else_(exp.Literal.string("unknown"))
        case = case.when(sql.expand(trees["applies"], period), inner)
    return case.else_(exp.Literal.string("unknown"))


def _alive(alias: str, period: Period) -> exp.Expression:
    return exp.or_(exp.Is(this=exp.column("person_date_of_death", table=alias), expression=exp.Null()),
                   exp.GTE(this=exp.column("person_date_of_death", table=alias),
                           expression=exp.cast(exp.Literal.string(period.start.isoformat()), exp.DataType.build("date"))))


def segment_select(period: Period, groups: list[SegmentGroup] | None = None) -> exp.Select:
    """person_id, segment for everyone in the person index alive at the start of the period."""
    people = [g for g in (groups or load_groups()) if g.unit == "person"]
    src = exp.Table(this=exp.to_identifier(sql.view_name("person")), alias=exp.TableAlias(this=exp.to_identifier("person")))
    return (exp.select(exp.alias_(exp.column("person_id", table="person"), "person_id"),
                       exp.alias_(segment_case(people, period), "segment"))
            .from_(src).where(_alive("person", period)))


def family_select(period: Period, groups: list[SegmentGroup] | None = None) -> exp.Select:
    """family_id, segment for every family seen in the period."""
    fams = [g for g in (groups or load_groups()) if g.unit == "family"]
    src = exp.Table(this=exp.to_identifier(sql.view_name("family")), alias=exp.TableAlias(this=exp.to_identifier("family")))
    select = exp.select(exp.alias_(exp.column("family_id", table="family"), "family_id"),
                        exp.alias_(segment_case(fams, period), "segment")).from_(src)
    applies = [sql.expand(g.trees()["applies"], period) for g in fams]
    return select.where(exp.or_(*applies)) if applies else select
