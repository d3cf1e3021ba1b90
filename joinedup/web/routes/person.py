"""The person and family view for practitioners: search and open through the vault, every step audited.

Identifiers travel only in POST bodies (never in addresses, so never in server logs or history),
responses are `no-store`, and the audit log holds pseudonymous person ids, never an identifier.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from joinedup.errors import UserError
from joinedup.web import person
from joinedup.web.auth import allow
from joinedup.web.render import page
from joinedup.web.security import client_of, verify_csrf
from joinedup.web.state import audit
from joinedup.web.state.access import MIN_REASON, add_relationship, flag_break_glass, has_relationship, open_flags, review_flag
from joinedup.web.state.users import list_users

__all__ = ["router"]

router = APIRouter()


def _store(request: Request):
    return request.app.state.config.store


@router.get("/person")
def person_search_form(request: Request, user=allow("person")) -> Response:
    """The search form: an NHS number, or a name and date of birth."""
    return page(request, "person_search.html", title="Find a person", found=None, error=None, searched=None)


@router.post("/person/search")
async def person_search(request: Request, user=allow("person")) -> Response:
    """People matching the search, each with whether the user has a working relationship (audited)."""
    await verify_csrf(request)
    form = await request.form()
    fields = {k: str(form.get(k, "")) for k in ("nhs_number", "family_name", "given_name", "date_of_birth")}
    by = "nhs_number" if fields["nhs_number"].strip() else "name_and_date_of_birth"
    try:
        found = await run_in_threadpool(person.find, _store(request), user.name, "person view: search", **fields)
    except UserError as e:
        return page(request, "person_search.html", status_code=400, title="Find a person", found=None, error=str(e),
                    searched=None)
    st = request.app.state.state
    audit.record(st, user.name, "person.search", "/person/search", {"by": by, "found": [f.person_id for f in found]},
                 client_of(request))
    rel = {f.person_id: has_relationship(st, user.name, f.person_id) for f in found}
    return page(request, "person_search.html", title="Find a person", found=found, rel=rel, error=None, searched=by,
                min_reason=MIN_REASON)


@router.post("/person/open")
async def person_open(request: Request, user=allow("person")) -> Response:
    """One person's view: with a working relationship, or with a break-glass reason flagged for review (audited)."""
    await verify_csrf(request)
    form = await request.form()
    pid, reason = str(form.get("person_id", "")).strip(), " ".join(str(form.get("reason", "")).split())
    st = request.app.state.state
    related = has_relationship(st, user.name, pid)
    if not related and len(reason) < MIN_REASON:
        audit.record(st, user.name, "person.refused", pid, {"why": "no working relationship and no break-glass reason"},
                     client_of(request))
        return page(request, "person_reason.html", status_code=403, title="A reason is needed", person_id=pid,
                    min_reason=MIN_REASON, reason=reason)
    purpose = "person view: working relationship" if related else f"person view: break glass: {reason}"
    try:
        v = await run_in_threadpool(person.view, _store(request), user.name, purpose, pid)
    except UserError:
        raise HTTPException(status_code=404) from None
    detail = {"person": pid, "basis": "working relationship" if related else "break glass", "sections": list(v.sections)}
    if not related:
        detail["reason"] = reason
    seq = audit.record(st, user.name, "person.open", pid, detail, client_of(request))
    if not related:
        flag_break_glass(st, user.name, pid, reason, seq)
    return page(request, "person.html", title="Person view", v=v, related=related, reason=reason)


@router.get("/person/reviews")
def person_reviews(request: Request, all: bool = False, user=allow("person_admin")) -> Response:
    """Break-glass openings for an admin to review, and the form to record a working relationship."""
    st = request.app.state.state
    practitioners = [u.name for u in list_users(st) if u.role in ("practitioner", "admin") and not u.disabled]
    return page(request, "person_reviews.html", title="Break-glass review", flags=open_flags(st, include_reviewed=all),
                all=all, practitioners=practitioners, error=None)


@router.post("/person/reviews/{flag_id}")
async def person_review(request: Request, flag_id: int, user=allow("person_admin")) -> Response:
    """Mark a break-glass opening reviewed (audited)."""
    await verify_csrf(request)
    form = await request.form()
    try:
        f = review_flag(request.app.state.state, flag_id, user.name, str(form.get("note", "")))
    except UserError as e:
        raise HTTPException(status_code=400, detail=str(e)) from None
    audit.record(request.app.state.state, user.name, "person.review", f.person_id,
                 {"break_glass": f.id, "audit_entry": f.audit_seq, "of": f.user_name, "note": f.review_note},
                 client_of(request))
    return RedirectResponse("/person/reviews", status_code=303)


@router.post("/person/relationships")
async def person_relationship(request: Request, user=allow("person_admin")) -> Response:
    """Record a practitioner's working relationship with a person (audited)."""
    await verify_csrf(request)
    form = await request.form()
    name, pid, basis = (str(form.get(k, "")).strip() for k in ("user_name", "person_id", "basis"))
    st = request.app.state.state
    if name not in {u.name for u in list_users(st)}:
        raise HTTPException(status_code=400, detail="user")
    try:
        add_relationship(st, name, pid, basis, user.name)
    except UserError as e:
        raise HTTPException(status_code=400, detail=str(e)) from None
    audit.record(st, user.name, "relationship.add", pid, {"user": name, "basis": basis}, client_of(request))
    return RedirectResponse("/person/reviews", status_code=303)
