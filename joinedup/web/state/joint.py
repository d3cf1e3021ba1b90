"""Joint actions and meetings: validated writes, reads, and CSV import and export of actions.

Every function takes the state and returns plain dataclasses; the routes audit each change.
Measures are checked against the measure library, so an action can only be tied to a real
outcome measure (and, optionally, the process measure it touches).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import select

from joinedup.errors import UserError
from joinedup.web.state.db import State
from joinedup.web.state.joint_models import AgendaItem, JointAction, Meeting

__all__ = ["SECTORS", "STATUSES", "KINDS", "ACTION_COLUMNS", "ActionIn", "Action", "ItemIn", "MeetingView",
           "check_action", "add_action", "update_action", "ImportResult", "get_action", "list_actions", "export_csv", "import_csv",
           "add_meeting", "add_item", "get_meeting", "list_meetings"]

SECTORS = ("nhs", "adult_social_care", "childrens_services", "public_health", "education")
STATUSES = ("agreed", "in_progress", "done", "stopped")
KINDS = ("process", "outcome")
#: The CSV's columns, in order (multiple sectors or measures are separated by ';').
ACTION_COLUMNS = ("id", "title", "sectors", "agreed_on", "review_on", "outcome_measures", "process_measure", "status",
                  "urgent", "important", "kind", "notes")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class ActionIn:
    """An action as entered (form or CSV row), before validation."""

    title: str
    sectors: tuple[str, ...]
    agreed_on: str
    review_on: str
    outcome_measures: tuple[str, ...]
    process_measure: str = ""
    status: str = "agreed"
    urgent: bool = False
    important: bool = False
    kind: str = "outcome"
    notes: str = ""


@dataclass(frozen=True)
class Action:
    """An action as pages show it."""

    id: int
    title: str
    sectors: tuple[str, ...]
    agreed_on: date
    review_on: date
    outcome_measures: tuple[str, ...]
    process_measure: str | None
    status: str
    urgent: bool
    important: bool
    kind: str
    notes: str
    demo: bool
    created_by: str
    updated_at: datetime

    def as_row(self) -> dict:
        """The action as one CSV row."""
        return {"id": self.id, "title": self.title, "sectors": ";".join(self.sectors),
                "agreed_on": self.agreed_on.isoformat(), "review_on": self.review_on.isoformat(),
                "outcome_measures": ";".join(self.outcome_measures), "process_measure": self.process_measure or "",
                "status": self.status, "urgent": str(self.urgent).lower(), "important": str(self.important).lower(),
                "kind": self.kind, "notes": self.notes}


def _action(a: JointAction) -> Action:
    return Action(a.id, a.title, tuple(s for s in a.sectors.split(",") if s), a.agreed_on, a.review_on,
                  tuple(m for m in a.outcome_measures.split(",") if m), a.process_measure, a.status, a.urgent,
                  a.important, a.kind, a.notes, a.demo, a.created_by, a.updated_at)


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise UserError(f"{value!r} is not a date such as 2024-06-30", field=name) from None


def _measure_kinds() -> dict[str, str]:
    from joinedup.measures import api
    return {m.id: m.kind for m in api.library()}


def _tags(kind: str) -> str:
    if kind not in KINDS:
        raise UserError(f"kind {kind!r} is not one of {', '.join(KINDS)}", field="kind")
    return kind


def check_action(a: ActionIn) -> dict:
    """The action's validated column values; the first problem is a UserError naming the field."""
    title = " ".join(a.title.split())
    if not title or len(title) > 300:
        raise UserError("a title of 1 to 300 characters is needed", field="title")
    sectors = tuple(dict.fromkeys(s.strip() for s in a.sectors if s.strip()))
    if not sectors:
        raise UserError(f"at least one owning sector is needed ({', '.join(SECTORS)})", field="sectors")
    for s in sectors:
        if s not in SECTORS:
            raise UserError(f"sector {s!r} is not one of {', '.join(SECTORS)}", field="sectors")
    agreed, review = _day(a.agreed_on, "agreed_on"), _day(a.review_on, "review_on")
    if review < agreed:
        raise UserError("the review date is before the date agreed", field="review_on")
    kinds = _measure_kinds()
    outcomes = tuple(dict.fromkeys(m.strip() for m in a.outcome_measures if m.strip()))
    if not outcomes:
        raise UserError("at least one outcome measure the action should move is needed", field="outcome_measures")
    for m in outcomes:
        if kinds.get(m) != "outcome":
            why = "is a process measure" if kinds.get(m) == "process" else "is not a measure"
            raise UserError(f"{m!r} {why}; an action is tied to outcome measures", field="outcome_measures")
    process = a.process_measure.strip() or None
    if process is not None and kinds.get(process) != "process":
        raise UserError(f"{process!r} is not a process measure", field="process_measure")
    if a.status not in STATUSES:
        raise UserError(f"status {a.status!r} is not one of {', '.join(STATUSES)}", field="status")
    if len(a.notes) > 5000:
        raise UserError("notes are limited to 5,000 characters", field="notes")
    return {"title": title, "sectors": ",".join(sectors), "agreed_on": agreed, "review_on": review,
            "outcome_measures": ",".join(outcomes), "process_measure": process, "status": a.status,
            "urgent": bool(a.urgent), "important": bool(a.important), "kind": _tags(a.kind), "notes": a.notes.strip()}


def add_action(state: State, a: ActionIn, by: str, demo: bool = False) -> Action:
    """Record a new action; returns it with its id."""
    values = check_action(a)
    with state.session() as s:
        row = JointAction(**values, created_by=by, updated_at=_now(), demo=demo)
        s.add(row)
        s.flush()
        return _action(row)


def update_action(state: State, action_id: int, a: ActionIn) -> tuple[Action, dict]:
    """Change an action; returns it and the fields that changed as {field: [old, new]}."""
    values = check_action(a)
    with state.session() as s:
        row = s.get(JointAction, action_id)
        if row is None:
            raise UserError(f"no action {action_id}", field="id")
        changed = {}
        for k, v in values.items():
            old = getattr(row, k)
            if old != v:
                changed[k] = [old.isoformat() if isinstance(old, date) else old, v.isoformat() if isinstance(v, date) else v]
                setattr(row, k, v)
        if changed:
            row.updated_at = _now()
        return _action(row), changed


def get_action(state: State, action_id: int) -> Action | None:
    """One action, or None."""
    with state.session() as s:
        row = s.get(JointAction, action_id)
        return _action(row) if row else None


def list_actions(state: State) -> list[Action]:
    """Every action, by review date then id."""
    with state.session() as s:
        return [_action(a) for a in s.scalars(select(JointAction).order_by(JointAction.review_on, JointAction.id))]


def export_csv(actions: list[Action]) -> str:
    """Actions as CSV with ACTION_COLUMNS (the file import_csv reads back)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=ACTION_COLUMNS, lineterminator="\n")
    w.writeheader()
    for a in actions:
        w.writerow(a.as_row())
    return buf.getvalue()


_TRUE, _FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0", "")


def _flag(value: str, name: str) -> bool:
    v = (value or "").strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise UserError(f"{value!r} is not true or false", field=name)


def _row_in(row: dict) -> ActionIn:
    split = lambda v: tuple(p.strip() for p in (v or "").split(";") if p.strip())  # noqa: E731
    return ActionIn(title=row.get("title") or "", sectors=split(row.get("sectors")), agreed_on=row.get("agreed_on") or "",
                    review_on=row.get("review_on") or "", outcome_measures=split(row.get("outcome_measures")),
                    process_measure=row.get("process_measure") or "", status=(row.get("status") or "agreed").strip(),
                    urgent=_flag(row.get("urgent", ""), "urgent"), important=_flag(row.get("important", ""), "important"),
                    kind=(row.get("kind") or "outcome").strip(), notes=row.get("notes") or "")


@dataclass
class ImportResult:
    """What an import did: ids created and updated, and each rejected row with its reason (nothing written then)."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def import_csv(state: State, text: str, filename: str, by: str) -> ImportResult:
    """Read actions from CSV: a row with an id updates that action, one without adds an action.

    All rows are checked first; when any is rejected nothing is written and every reason is returned.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ACTION_COLUMNS if c != "id" and c not in (reader.fieldnames or [])]
    if missing:
        return ImportResult(rejected=[str(UserError(f"missing column(s) {', '.join(missing)}", file=filename, row=1))])
    known = {a.id for a in list_actions(state)}
    checked: list[tuple[int | None, ActionIn]] = []
    result = ImportResult()
    for n, row in enumerate(reader, start=2):
        try:
            raw = (row.get("id") or "").strip()
            aid = int(raw) if raw else None
            if aid is not None and aid not in known:
                raise UserError(f"no action {aid} to update (leave id empty to add one)", field="id")
            a = _row_in(row)
            check_action(a)
            checked.append((aid, a))
        except ValueError:
            result.rejected.append(str(UserError(f"{row.get('id')!r} is not a whole number", file=filename, row=n, field="id")))
        except UserError as e:
            result.rejected.append(str(UserError(str(e).split(": ", 1)[-1], file=filename, row=n, field=e.field)))
    if result.rejected:
        return result
    for aid, a in checked:
        if aid is None:
            result.created.append(add_action(state, a, by).id)
        else:
            update_action(state, aid, a)
            result.updated.append(aid)
    return result


# Meetings -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemIn:
    """An agenda item as entered."""

    title: str
    minutes: int
    urgent: bool
    important: bool
    kind: str
    measure: str = ""
    action_id: int | None = None


@dataclass(frozen=True)
class MeetingView:
    """A meeting with its agenda items."""

    id: int
    title: str
    held_on: date
    demo: bool
    items: tuple[AgendaItem, ...]

    @property
    def minutes(self) -> int:
        """Minutes on the agenda."""
        return sum(i.minutes for i in self.items)


def add_meeting(state: State, title: str, held_on: str, demo: bool = False) -> MeetingView:
    """Record a meeting."""
    clean = " ".join(title.split())
    if not clean or len(clean) > 300:
        raise UserError("a title of 1 to 300 characters is needed", field="title")
    with state.session() as s:
        m = Meeting(title=clean, held_on=_day(held_on, "held_on"), demo=demo)
        s.add(m)
        s.flush()
        return MeetingView(m.id, m.title, m.held_on, m.demo, ())


def add_item(state: State, meeting_id: int, item: ItemIn) -> AgendaItem:
    """Add one tagged item to a meeting's agenda."""
    title = " ".join(item.title.split())
    if not title or len(title) > 300:
        raise UserError("a title of 1 to 300 characters is needed", field="title")
    if not 1 <= item.minutes <= 600:
        raise UserError("minutes must be between 1 and 600", field="minutes")
    measure = item.measure.strip() or None
    if measure is not None and measure not in _measure_kinds():
        raise UserError(f"{measure!r} is not a measure", field="measure")
    with state.session() as s:
        if s.get(Meeting, meeting_id) is None:
            raise UserError(f"no meeting {meeting_id}", field="meeting")
        if item.action_id is not None and s.get(JointAction, item.action_id) is None:
            raise UserError(f"no action {item.action_id}", field="action_id")
        row = AgendaItem(meeting_id=meeting_id, title=title, minutes=item.minutes, urgent=bool(item.urgent),
                         important=bool(item.important), kind=_tags(item.kind), measure=measure, action_id=item.action_id)
        s.add(row)
        s.flush()
        s.expunge(row)
        return row


def get_meeting(state: State, meeting_id: int) -> MeetingView | None:
    """One meeting with its items, or None."""
    with state.session() as s:
        m = s.get(Meeting, meeting_id)
        if m is None:
            return None
        items = tuple(s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == m.id).order_by(AgendaItem.id)))
        for i in items:
            s.expunge(i)
        return MeetingView(m.id, m.title, m.held_on, m.demo, items)


def list_meetings(state: State) -> list[MeetingView]:
    """Every meeting with its items, newest first."""
    with state.session() as s:
        meetings = list(s.scalars(select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc())))
        items = list(s.scalars(select(AgendaItem).order_by(AgendaItem.id)))
        for i in items:
            s.expunge(i)
    by: dict[int, list[AgendaItem]] = {}
    for i in items:
        by.setdefault(i.meeting_id, []).append(i)
    return [MeetingView(m.id, m.title, m.held_on, m.demo, tuple(by.get(m.id, []))) for m in meetings]
