"""Who may open whom: practitioners' working relationships, and break-glass openings flagged for review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select

from joinedup.errors import UserError
from joinedup.web.state.db import State
from joinedup.web.state.joint_models import BreakGlass, WorkingRelationship

__all__ = ["add_relationship", "has_relationship", "flag_break_glass", "open_flags", "review_flag", "Flag", "MIN_REASON"]

#: A break-glass reason is at least this many characters (a word or two is not a reason).
MIN_REASON = 15


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def add_relationship(state: State, user_name: str, person_id: str, basis: str, by: str, ends_on: date | None = None) -> int:
    """Record that a practitioner works with a person (basis: e.g. 'allocated social worker')."""
    if not person_id.strip() or not basis.strip():
        raise UserError("a person id and the basis of the relationship are needed", field="basis")
    with state.session() as s:
        row = WorkingRelationship(user_name=user_name, person_id=person_id.strip(), basis=basis.strip()[:300],
                                  recorded_by=by, recorded_at=_now(), ends_on=ends_on)
        s.add(row)
        s.flush()
        return row.id


def has_relationship(state: State, user_name: str, person_id: str, on: date | None = None) -> bool:
    """True when the user has a working relationship with the person that has not ended."""
    today = on or date.today()
    with state.session() as s:
        for r in s.scalars(select(WorkingRelationship).where(WorkingRelationship.user_name == user_name,
                                                            WorkingRelationship.person_id == person_id)):
            if r.ends_on is None or r.ends_on >= today:
                return True
    return False


@dataclass(frozen=True)
class Flag:
    """A break-glass opening as the review page shows it."""

    id: int
    at: datetime
    user_name: str
    person_id: str
    reason: str
    audit_seq: int
    reviewed_by: str | None
    review_note: str | None


def flag_break_glass(state: State, user_name: str, person_id: str, reason: str, audit_seq: int) -> int:
    """Flag an opening without a working relationship for an admin to review."""
    with state.session() as s:
        row = BreakGlass(at=_now(), user_name=user_name, person_id=person_id, reason=reason, audit_seq=audit_seq)
        s.add(row)
        s.flush()
        return row.id


def open_flags(state: State, include_reviewed: bool = False) -> list[Flag]:
    """Break-glass openings, newest first (those not yet reviewed, unless include_reviewed)."""
    q = select(BreakGlass).order_by(BreakGlass.id.desc())
    if not include_reviewed:
        q = q.where(BreakGlass.reviewed_by.is_(None))
    with state.session() as s:
        return [Flag(b.id, b.at, b.user_name, b.person_id, b.reason, b.audit_seq, b.reviewed_by, b.review_note)
                for b in s.scalars(q)]


def review_flag(state: State, flag_id: int, by: str, note: str) -> Flag:
    """Mark a break-glass opening reviewed, with the admin's note."""
    with state.session() as s:
        b = s.get(BreakGlass, flag_id)
        if b is None:
            raise UserError(f"no break-glass entry {flag_id}", field="id")
        if b.user_name == by:
            raise UserError("a break-glass opening is reviewed by another admin than the one who made it", field="id")
        b.reviewed_by, b.reviewed_at, b.review_note = by, _now(), note.strip()[:2000]
        return Flag(b.id, b.at, b.user_name, b.person_id, b.reason, b.audit_seq, b.reviewed_by, b.review_note)
