"""Who may open what: the role each page needs, checked by one dependency per route."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, HTTPException, Request

from joinedup.web.state.models import ROLES
from joinedup.web.state.users import Account

__all__ = ["AREAS", "allow", "current_user", "may"]

#: The pages each role may open. viewer: the overview only; practitioner: overview and glossary here
#: (person-level pages come in part 2); analyst: every aggregate page and linkage; admin: all, audit and users.
#: The person view is for practitioners (and admins), each opening checked against a working relationship.
#: Joint actions and meetings are read by every role (the board sees them) and changed by admins and analysts.
#: Scenarios (running the linked models), ways of working and careers are aggregate analysis: admins and analysts;
#: a saved run attached to an action is summarised on the action's page, which every role reads.
AREAS: dict[str, frozenset[str]] = {
    "overview": frozenset(ROLES),
    "account": frozenset(ROLES),
    "glossary": frozenset({"admin", "analyst", "practitioner"}),
    "measures": frozenset({"admin", "analyst"}),
    "segments": frozenset({"admin", "analyst"}),
    "peers": frozenset({"admin", "analyst"}),
    "linkage": frozenset({"admin", "analyst"}),
    "actions": frozenset(ROLES),
    "actions_edit": frozenset({"admin", "analyst"}),
    "person": frozenset({"admin", "practitioner"}),
    "person_admin": frozenset({"admin"}),
    "audit": frozenset({"admin"}),
    "users": frozenset({"admin"}),
    "scenarios": frozenset({"admin", "analyst"}),
    "ways_of_working": frozenset({"admin", "analyst"}),
    "careers": frozenset({"admin", "analyst"}),
}


def current_user(request: Request) -> Account | None:
    """The signed-in user of this request (set by the app's middleware), or None."""
    return getattr(request.state, "user", None)


def may(user: Account | None, area: str) -> bool:
    """True when the user's role opens the area."""
    return user is not None and user.role in AREAS[area]


def allow(area: str) -> Any:
    """A dependency: 401 without a session, 403 when the role does not open the area; returns the user."""
    def check(request: Request) -> Account:
        user = current_user(request)
        if user is None:
            raise HTTPException(status_code=401)
        if user.role not in AREAS[area]:
            raise HTTPException(status_code=403)
        return user
    check.__name__ = f"allow_{area}"
    return Depends(check)
