"""Admin pages: the audit log (filter, verify, export) and users (roles, disable)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.errors import UserError
from joinedup.web.auth import allow
from joinedup.web.render import page
from joinedup.web.security import client_of, verify_csrf
from joinedup.web.state import audit
from joinedup.web.state.models import ROLES
from joinedup.web.state.users import disable_user, list_users, set_role

__all__ = ["router", "AUDIT_COLUMNS"]

router = APIRouter()
AUDIT_COLUMNS = ("seq", "at", "actor", "action", "target", "detail", "client", "prev_hash", "hash")


def _filters(actor: str, action: str, since: str, until: str, text: str) -> dict:
    def day(v: str, name: str) -> str | None:
        if not v:
            return None
        try:
            return date.fromisoformat(v).isoformat()
        except ValueError:
            raise HTTPException(status_code=400, detail=f"{name}: not a date (YYYY-MM-DD)") from None
    end = day(until, "until")
    return {"actor": actor.strip() or None, "action": action.strip() or None, "since": day(since, "since"),
            "until": (date.fromisoformat(end) + timedelta(days=1)).isoformat() if end else None,
            "text": text.strip() or None}


@router.get("/audit")
def audit_page(request: Request, actor: str = "", action: str = "", since: str = "", until: str = "", text: str = "",
               user=allow("audit")) -> Response:
    """The newest 500 entries matching the filters, and whether the chain is intact."""
    st = request.app.state.state
    rows = audit.entries(st, **_filters(actor, action, since, until, text))
    return page(request, "audit.html", title="Audit", rows=rows, verdict=audit.verify(st),
                f={"actor": actor, "action": action, "since": since, "until": until, "text": text})


@router.get("/audit/export.csv")
def audit_export(request: Request, actor: str = "", action: str = "", since: str = "", until: str = "", text: str = "",
                 user=allow("audit")) -> Response:
    """Every matching entry as CSV, with the hashes (so the chain can be checked outside); audited as an export."""
    st = request.app.state.state
    rows = audit.entries(st, limit=None, **_filters(actor, action, since, until, text))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(AUDIT_COLUMNS)
    for e in reversed(rows):
        w.writerow([getattr(e, c) for c in AUDIT_COLUMNS])
    audit.record(st, user.name, "export", "/audit/export.csv",
                 {"rows": len(rows), "filters": {k: v for k, v in (("actor", actor), ("action", action), ("since", since),
                                                                   ("until", until), ("text", text)) if v}},
                 client_of(request))
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="joinedup-audit.csv"'})


@router.get("/users")
def users_page(request: Request, user=allow("users")) -> Response:
    """Every user with role and status; change a role or disable."""
    return page(request, "users.html", title="Users", users=list_users(request.app.state.state), roles=ROLES)


@router.post("/users/role")
async def users_role(request: Request, user=allow("users")) -> Response:
    """Change a user's role (audited)."""
    await verify_csrf(request)
    form = await request.form()
    name, role = str(form.get("name", "")), str(form.get("role", ""))
    try:
        old, account = set_role(request.app.state.state, name, role)
    except UserError as e:
        raise HTTPException(status_code=400, detail=str(e)) from None
    if old != role:
        audit.record(request.app.state.state, user.name, "role.change", account.name, {"from": old, "to": role},
                     client_of(request))
    return RedirectResponse("/users", status_code=303)


@router.post("/users/disable")
async def users_disable(request: Request, user=allow("users")) -> Response:
    """Disable a user and end their sessions (audited)."""
    await verify_csrf(request)
    form = await request.form()
    try:
        account = disable_user(request.app.state.state, str(form.get("name", "")))
    except UserError as e:
        raise HTTPException(status_code=400, detail=str(e)) from None
    audit.record(request.app.state.state, user.name, "user.disable", account.name, None, client_of(request))
    return RedirectResponse("/users", status_code=303)
