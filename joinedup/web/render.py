"""The one Jinja2 environment of the app, its filters, and the page helper every route uses."""

from __future__ import annotations

import math
from importlib.resources import files

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, Undefined, select_autoescape

from joinedup.web.auth import AREAS, current_user, may
from joinedup.web.data import BREAKDOWN_LABELS, SECTOR_LABELS
from joinedup.web.security import CSRF_COOKIE, csrf_token

__all__ = ["env", "page", "fmt_value", "sparkline", "NAV"]

#: The navigation, in order: (area, path, label).
NAV = (("overview", "/", "Overview"), ("measures", "/measures", "Measures"), ("segments", "/segments", "Segments"),
       ("peers", "/peers", "Peers"), ("scenarios", "/scenarios", "Scenarios"),
       ("ways_of_working", "/ways-of-working", "Ways of working"), ("careers", "/careers", "Careers"),
       ("actions", "/actions", "Actions"), ("actions", "/meetings", "Meetings"), ("glossary", "/glossary", "Glossary"),
       ("person", "/person", "Person"), ("linkage", "/linkage", "Linkage"),
       ("audit", "/audit", "Audit"), ("users", "/users", "Users"))

UNIT_SUFFIX = {"percent": "%", "days": " days", "rate_per_10000": " per 10,000", "rate_per_100000": " per 100,000",
               "count": ""}


def fmt_value(v: float | None, unit: str = "count", suppressed: bool = False) -> str:
    """A value as a page shows it: 'suppressed', '-' when absent, else rounded with the unit."""
    if suppressed:
        return "suppressed"
    if v is None or isinstance(v, Undefined) or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if unit == "count":
        return f"{v:,.0f}"
    return f"{v:,.1f}{UNIT_SUFFIX.get(unit, '')}"


def fmt_num(v: float | None, digits: int = 0) -> str:
    """A plain number with thousands separators ('-' when absent)."""
    if v is None or isinstance(v, Undefined):
        return "-"
    return f"{v:,.{digits}f}"


def sparkline(values: list[float | None], width: int = 120, height: int = 28) -> str:
    """SVG polyline points for a small trend line (gaps where values are suppressed are skipped)."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    lo, hi = min(v for _, v in known), max(v for _, v in known)
    span = (hi - lo) or 1.0
    step = width / max(len(values) - 1, 1)
    return " ".join(f"{i * step:.1f},{height - 3 - (v - lo) / span * (height - 6):.1f}" for i, v in known)


env = Environment(loader=FileSystemLoader(str(files("joinedup.web") / "templates")),
                  autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
env.filters.update(fmt_value=fmt_value, fmt_num=fmt_num, sparkline=sparkline,
                   names=lambda keys, mapping: ", ".join(mapping.get(k, k) for k in keys))
env.globals.update(BREAKDOWN_LABELS=BREAKDOWN_LABELS, SECTOR_LABELS=SECTOR_LABELS)


def page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """Render a page with the signed-in user, the navigation they may use and a CSRF token for forms."""
    user = current_user(request)
    cookie = getattr(request.state, "csrf_cookie", None) or request.cookies.get(CSRF_COOKIE, "")
    nav = [(path, label, area) for area, path, label in NAV if may(user, area)]
    html = env.get_template(template).render(
        request=request, user=user, nav=nav, csrf=csrf_token(request.app.state.secret, cookie),
        path=request.url.path, areas=AREAS, oidc=request.app.state.config.oidc, **context)
    return HTMLResponse(html, status_code=status_code)
