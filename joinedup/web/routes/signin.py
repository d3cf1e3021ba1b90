"""Sign in (password, or OpenID Connect when configured) and sign out."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from joinedup.web.auth import current_user
from joinedup.web.render import page
from joinedup.web.security import SESSION_COOKIE, client_of, verify_csrf
from joinedup.web.state import audit
from joinedup.web.state.users import SESSION_HOURS, check_password, end_session, new_session, note_failure, rate_limited

__all__ = ["router", "safe_next", "start_session"]

router = APIRouter()


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def start_session(request: Request, account, target: str) -> RedirectResponse:
    """Open a session for account and send the browser on with the cookie."""
    token = new_session(request.app.state.state, account)
    response = RedirectResponse(safe_next(target), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True,
                        secure=request.app.state.config.secure_cookies, samesite="lax")
    return response


@router.get("/signin")
def signin_page(request: Request, next: str = "/") -> Response:
    """The sign-in form (or straight on, when already signed in)."""
    if current_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return page(request, "signin.html", title="Sign in", message=None, next=safe_next(next), error=None)


@router.post("/signin")
async def signin(request: Request) -> Response:
    """Check the password; rate-limited per name and per client; every outcome is audited."""
    await verify_csrf(request)
    form = await request.form()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    target = safe_next(str(form.get("next", "/")))
    state, client = request.app.state.state, client_of(request)
    if await run_in_threadpool(rate_limited, state, name, client):
        await run_in_threadpool(audit.record, state, name or "-", "signin.refused", "", {"reason": "rate limit"}, client)
        raise HTTPException(status_code=429)
    account = await run_in_threadpool(check_password, state, name, password) if name and password else None
    if account is None:
        await run_in_threadpool(note_failure, state, name, client)
        await run_in_threadpool(audit.record, state, name or "-", "signin.failed", "", {"method": "password"}, client)
        return page(request, "signin.html", status_code=401, title="Sign in", message=None, next=target,
                    error="The name or password is not right, or the account is disabled.")
    await run_in_threadpool(audit.record, state, account.name, "signin", "", {"method": "password", "role": account.role},
                            client)
    return start_session(request, account, target)


@router.post("/signout")
async def signout(request: Request) -> Response:
    """End the session."""
    await verify_csrf(request)
    user = current_user(request)
    if user is None:
        raise HTTPException(status_code=401)
    end_session(request.app.state.state, request.cookies.get(SESSION_COOKIE))
    audit.record(request.app.state.state, user.name, "signout", "", None, client_of(request))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
