"""Which services each segment uses: people per segment known to each sector, through disclosure control."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlglot import exp

from joinedup.measures import sql
from joinedup.measures.engine import Engine
from joinedup.measures.periods import Period
from joinedup.segments.assign import segment_select
from joinedup.segments.spec import SegmentGroup, load_groups
from joinedup.store.disclosure import Cell, policy

__all__ = ["SECTORS", "SegmentService", "segment_services"]

#: The sectors a person can be known to (person.sectors), in the order pages show them.
SECTORS = ("nhs", "asc", "csc", "education")


@dataclass(frozen=True)
class SegmentService:
    """People of one segment known to one sector: None (and suppressed) when small or recoverable."""

    segment: str
    title: str
    sector: str
    people: int | None
    of: int | None
    suppressed: bool

    def as_row(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


def _known_to(sector: str) -> exp.Expression:
    # person.sectors is comma-separated; wrap it in commas so 'asc' never matches inside another name.
    padded = exp.DPipe(this=exp.DPipe(this=exp.Literal.string(","), expression=exp.column("person_sectors", table="p")),
                       expression=exp.Literal.string(","))
    hit = exp.Like(this=padded, expression=exp.Literal.string(f"%,{sector},%"))
    return exp.Sum(this=exp.Case().when(hit, exp.Literal.number(1)).else_(exp.Literal.number(0)))


def _query(period: Period, groups: list[SegmentGroup]) -> exp.Select:
    seg = exp.Subquery(this=segment_select(period, groups), alias=exp.TableAlias(this=exp.to_identifier("s")))
    person = exp.Table(this=exp.to_identifier(sql.view_name("person")), alias=exp.TableAlias(this=exp.to_identifier("p")))
    cols = [exp.alias_(exp.column("segment", table="s"), "segment"), exp.alias_(exp.Count(this=exp.Star()), "n")]
    cols += [exp.alias_(_known_to(s), f"n_{s}") for s in SECTORS]
    return (exp.select(*cols).from_(seg)
            .join(person, on=exp.EQ(this=exp.column("person_id", table="p"), expression=exp.column("person_id", table="s")))
            .group_by(exp.column("segment", table="s")))


def segment_services(engine: Engine, period: Period, groups: list[SegmentGroup] | None = None,
                     threshold: int | None = None) -> list[SegmentService]:
    """For every person segment: its people, and how many of them each sector knows (small counts suppressed)."""
    groups = [g for g in (groups or load_groups()) if g.unit == "person"]
    pol = policy(threshold)
    engine.setup()
    rows = {r["segment"]: r for r in engine.query(_query(period, groups))}
    out: list[SegmentService] = []
    for g in groups:
        for s in g.segments:
            r = rows.get(s.id) or {"n": 0, **{f"n_{x}": 0 for x in SECTORS}}
            total, cells = pol.protect(Cell("all", int(r["n"] or 0), None),
                                       [Cell(x, int(r[f"n_{x}"] or 0), None) for x in SECTORS], "count")
            of = None if total.suppressed else int(total.numerator or 0)
            out += [SegmentService(s.id, s.title, c.group, None if c.suppressed else int(c.numerator or 0), of,
                                   c.suppressed) for c in cells]
    return out
