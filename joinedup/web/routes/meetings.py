"""Meetings of the table, their tagged agenda items, and the agenda's balance by quarter."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.errors import UserError
from joinedup.web.auth import allow, may
from joinedup.web.balance import BALANCE_GROUPS, SIX_MONTHS, balance, neglected
from joinedup.web.render import page
from joinedup.web.security import client_of, verify_csrf
from joinedup.web.state import audit
from joinedup.web.state.joint import KINDS, ItemIn, add_item, add_meeting, get_meeting, list_actions, list_meetings

__all__ = ["router", "balance_model"]

router = APIRouter()


def _quarter_end(day: date) -> date:
    month = ((day.month - 1) // 3 + 1) * 3
    nxt = date(day.year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def balance_model(request_or_app, as_of: date | None = None) -> dict:
    """The quarters' balance and the outcome measures without action in the six months to as_of.

    as_of defaults to the end of the quarter of the latest meeting (today when there is none).
    """
    app = getattr(request_or_app, "app", request_or_app)
    st, data = app.state.state, app.state.data
    meetings, actions = list_meetings(st), list_actions(st)
    if as_of is None:
        as_of = _quarter_end(max(m.held_on for m in meetings)) if meetings else date.today()
    outcomes = [m for m in data.catalogue() if m.kind == "outcome"]
    quiet = set(neglected([m.id for m in outcomes], actions, meetings, as_of))
    return {"quarters": balance(meetings), "groups": BALANCE_GROUPS, "as_of": as_of, "since": as_of - SIX_MONTHS,
            "neglected": [m for m in outcomes if m.id in quiet], "outcome_count": len(outcomes), "meetings": meetings}


@router.get("/meetings")
def meetings_page(request: Request, as_of: str = "", user=allow("actions")) -> Response:
    """Meetings, the agenda's balance per quarter, and outcome measures with no action for six months."""
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise HTTPException(status_code=400, detail="as_of") from None
    return page(request, "meetings.html", title="Meetings and the agenda's balance", can_edit=may(user, "actions_edit"),
                error=None, **balance_model(request, day))


@router.post("/meetings")
async def meeting_create(request: Request, user=allow("actions_edit")) -> Response:
    """Record a meeting (audited)."""
    await verify_csrf(request)
    form = await request.form()
    try:
        m = add_meeting(request.app.state.state, str(form.get("title", "")), str(form.get("held_on", "")))
    except UserError as e:
        return page(request, "meetings.html", status_code=400, title="Meetings and the agenda's balance", can_edit=True,
                    error=str(e), **balance_model(request))
    audit.record(request.app.state.state, user.name, "meeting.add", f"/meetings/{m.id}",
                 {"title": m.title, "held_on": m.held_on.isoformat()}, client_of(request))
    return RedirectResponse(f"/meetings/{m.id}", status_code=303)


def _meeting_page(request: Request, meeting_id: int, user, error: str | None = None, status_code: int = 200) -> Response:
    m = get_meeting(request.app.state.state, meeting_id)
    if m is None:
        raise HTTPException(status_code=404)
    cat = request.app.state.data.catalogue()
    return page(request, "meeting.html", status_code=status_code, title=m.title, m=m, measures=cat,
                titles={i.id: i.title for i in cat}, actions=list_actions(request.app.state.state), kinds=KINDS,
                can_edit=may(user, "actions_edit"), error=error, groups=BALANCE_GROUPS)


@router.get("/meetings/{meeting_id}")
def meeting_page(request: Request, meeting_id: int, user=allow("actions")) -> Response:
    """One meeting's agenda with its tags."""
    return _meeting_page(request, meeting_id, user)


@router.post("/meetings/{meeting_id}/items")
async def item_create(request: Request, meeting_id: int, user=allow("actions_edit")) -> Response:
    """Add a tagged item to a meeting's agenda (audited)."""
    await verify_csrf(request)
    form = await request.form()
    try:
        minutes = int(str(form.get("minutes", "")) or "0")
    except ValueError:
        minutes = 0
    try:
        action = str(form.get("action_id", "") or "")
        item = ItemIn(title=str(form.get("title", "")), minutes=minutes, urgent=form.get("urgent") == "on",
                      important=form.get("important") == "on", kind=str(form.get("kind", "outcome")),
                      measure=str(form.get("measure", "")), action_id=int(action) if action else None)
        row = add_item(request.app.state.state, meeting_id, item)
    except (UserError, ValueError) as e:
        if get_meeting(request.app.state.state, meeting_id) is None:
            raise HTTPException(status_code=404) from None
        return _meeting_page(request, meeting_id, user, str(e), status_code=400)
    audit.record(request.app.state.state, user.name, "agenda.add", f"/meetings/{meeting_id}",
                 {"item": row.id, "title": row.title, "minutes": row.minutes, "urgent": row.urgent,
                  "important": row.important, "kind": row.kind, "measure": row.measure}, client_of(request))
    return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)
