"""CSRF tokens (signed double-submit cookie), security headers, client addresses."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import HTTPException, Request

__all__ = ["CSRF_COOKIE", "SESSION_COOKIE", "csrf_token", "verify_csrf", "SECURITY_HEADERS", "client_of", "new_csrf_cookie"]

CSRF_COOKIE = "jp_csrf"
SESSION_COOKIE = "jp_session"

#: No inline script anywhere (charts read their data from JSON blocks); Plotly sets inline styles.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def new_csrf_cookie() -> str:
    """A fresh random value for the CSRF cookie."""
    return secrets.token_urlsafe(24)


def csrf_token(secret: str, cookie: str) -> str:
    """The token forms carry: an HMAC of the browser's CSRF cookie under the app secret."""
    return hmac.new(secret.encode(), f"csrf|{cookie}".encode(), hashlib.sha256).hexdigest()


async def verify_csrf(request: Request) -> None:
    """Refuse (403) an unsafe request whose form field or X-CSRF-Token header does not match the cookie."""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        sent = form.get("csrf")
    expected = csrf_token(request.app.state.secret, cookie) if cookie else None
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise HTTPException(status_code=403, detail="csrf")


def client_of(request: Request) -> str:
    """The client's address (the direct peer; a proxy in front should be configured to pass it)."""
    return request.client.host if request.client else "unknown"
