"""Every route of the app x every role and anonymous -> the expected status. A route without an entry fails."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from joinedup.web.state.models import ROLES
from tests.web.conftest import client_for, csrf_of

ALL = set(ROLES)
ANALYSTS = {"admin", "analyst"}
ADMIN = {"admin"}
PERSON = {"admin", "practitioner"}

# (method, path template) -> (concrete path, form data or None, roles allowed, status when allowed, status for anonymous).
M = "ae_4_hour_performance"
EXPECTED: dict[tuple[str, str], tuple[str, dict | None, set[str], int, int]] = {
    ("GET", "/signin"): ("/signin", None, ALL, 303, 200),
    ("POST", "/signin"): ("/signin", {"name": "nobody", "password": "wrong password!"}, ALL, 401, 401),
    ("POST", "/signout"): ("/signout", {}, ALL, 303, 401),
    ("GET", "/auth/oidc/login"): ("/auth/oidc/login", None, ALL, 404, 404),
    ("GET", "/auth/oidc/callback"): ("/auth/oidc/callback", None, ALL, 404, 404),
    ("GET", "/"): ("/", None, ALL, 200, 401),
    ("GET", "/measures"): ("/measures", None, ANALYSTS, 200, 401),
    ("GET", "/measures/{measure_id}"): (f"/measures/{M}?by=sex", None, ANALYSTS, 200, 401),
    ("GET", "/measures/{measure_id}/csv"): (f"/measures/{M}/csv", None, ANALYSTS, 200, 401),
    ("GET", "/segments"): ("/segments", None, ANALYSTS, 200, 401),
    ("GET", "/segments/measures.csv"): ("/segments/measures.csv", None, ANALYSTS, 200, 401),
    ("GET", "/peers"): ("/peers", None, ANALYSTS, 200, 401),
    ("GET", "/glossary"): ("/glossary?q=care", None, {"admin", "analyst", "practitioner"}, 200, 401),
    ("GET", "/glossary/term/{term_ids}"): ("/glossary/term/delayed_discharge", None, {"admin", "analyst", "practitioner"},
                                           200, 401),
    ("POST", "/glossary/explain"): ("/glossary/explain", {"text": "The MDT reviewed the EHCP."},
                                    {"admin", "analyst", "practitioner"}, 200, 401),
    ("GET", "/linkage"): ("/linkage", None, ANALYSTS, 200, 401),
    ("POST", "/linkage/decide"): ("/linkage/decide", {"record_a": "x", "record_b": "y", "decision": "maybe"}, ANALYSTS,
                                  400, 401),
    ("GET", "/audit"): ("/audit", None, ADMIN, 200, 401),
    ("GET", "/audit/export.csv"): ("/audit/export.csv", None, ADMIN, 200, 401),
    ("GET", "/users"): ("/users", None, ADMIN, 200, 401),
    ("POST", "/users/role"): ("/users/role", {"name": "no-such-user", "role": "viewer"}, ADMIN, 400, 401),
    ("POST", "/users/disable"): ("/users/disable", {"name": "no-such-user"}, ADMIN, 400, 401),
    ("GET", "/actions"): ("/actions", None, ALL, 200, 401),
    ("GET", "/actions/new"): ("/actions/new", None, ANALYSTS, 200, 401),
    ("POST", "/actions/new"): ("/actions/new", {"title": ""}, ANALYSTS, 400, 401),
    ("GET", "/actions/export.csv"): ("/actions/export.csv", None, ALL, 200, 401),
    ("POST", "/actions/import"): ("/actions/import", {}, ANALYSTS, 400, 401),
    ("GET", "/actions/{action_id}"): ("/actions/1", None, ALL, 200, 401),
    ("GET", "/actions/{action_id}/edit"): ("/actions/1/edit", None, ANALYSTS, 200, 401),
    ("POST", "/actions/{action_id}/edit"): ("/actions/1/edit", {"title": ""}, ANALYSTS, 400, 401),
    ("GET", "/meetings"): ("/meetings", None, ALL, 200, 401),
    ("POST", "/meetings"): ("/meetings", {"title": "", "held_on": "2024-01-01"}, ANALYSTS, 400, 401),
    ("GET", "/meetings/{meeting_id}"): ("/meetings/1", None, ALL, 200, 401),
    ("POST", "/meetings/{meeting_id}/items"): ("/meetings/1/items", {"title": "", "minutes": "5"}, ANALYSTS, 400, 401),
    ("GET", "/report/board"): ("/report/board?format=nope", None, ALL, 404, 401),
    ("GET", "/person"): ("/person", None, PERSON, 200, 401),
    ("POST", "/person/search"): ("/person/search", {"nhs_number": "123"}, PERSON, 400, 401),
    ("POST", "/person/open"): ("/person/open", {"person_id": "Pnobody", "reason": "checking the matrix of routes"}, PERSON, 404, 401),
    ("GET", "/person/reviews"): ("/person/reviews", None, ADMIN, 200, 401),
    ("POST", "/person/reviews/{flag_id}"): ("/person/reviews/999", {"note": "x"}, ADMIN, 400, 401),
    ("POST", "/person/relationships"): ("/person/relationships", {"user_name": "nobody", "person_id": "P1", "basis": "x"},
                                        ADMIN, 400, 401),
    ("GET", "/static/vendor/plotly.min.js"): ("/static/vendor/plotly.min.js", None, ALL, 200, 200),
    # Scenarios, ways of working and careers (issue 13); run 1 is a saved run, run 999 does not exist.
    ("GET", "/scenarios"): ("/scenarios", None, ANALYSTS, 200, 401),
    ("POST", "/scenarios/run"): ("/scenarios/run", {"scenario": "no-such-scenario", "runs": "5", "years": "1"}, ANALYSTS,
                                 400, 401),
    ("POST", "/scenarios/custom"): ("/scenarios/custom", {"runs": "5", "years": "1"}, ANALYSTS, 400, 401),
    ("GET", "/scenarios/jobs/{job_id}"): ("/scenarios/jobs/1", None, ANALYSTS, 200, 401),
    ("GET", "/scenarios/jobs/{job_id}/progress"): ("/scenarios/jobs/1/progress", None, ANALYSTS, 200, 401),
    ("GET", "/scenarios/jobs/{job_id}/scenario.yaml"): ("/scenarios/jobs/1/scenario.yaml", None, ANALYSTS, 200, 401),
    ("GET", "/scenarios/jobs/{job_id}/result.json"): ("/scenarios/jobs/1/result.json", None, ANALYSTS, 200, 401),
    ("POST", "/scenarios/jobs/{job_id}/cancel"): ("/scenarios/jobs/999/cancel", {}, ANALYSTS, 404, 401),
    ("POST", "/scenarios/jobs/{job_id}/save"): ("/scenarios/jobs/999/save", {}, ANALYSTS, 404, 401),
    ("POST", "/scenarios/jobs/{job_id}/attach"): ("/scenarios/jobs/999/attach", {"action_id": "1"}, ANALYSTS, 404, 401),
    ("GET", "/ways-of-working"): ("/ways-of-working", None, ANALYSTS, 200, 401),
    ("GET", "/careers"): ("/careers", None, ANALYSTS, 200, 401),
}


def app_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves (the static mount aside), through included routers."""
    out: set[tuple[str, str]] = set()

    def walk(routes, prefix: str = "") -> None:
        for r in routes:
            if isinstance(r, APIRoute):
                out.update((m, prefix + r.path) for m in r.methods)
            elif hasattr(r, "original_router"):  # FastAPI >= 0.16x keeps included routers as such
                walk(r.original_router.routes, prefix + (getattr(r.include_context, "prefix", "") or ""))
    walk(app.routes)
    assert out, "no routes found"
    return out


def test_every_route_has_an_entry(app):
    routes = app_routes(app)
    missing = routes - set(EXPECTED)
    assert not missing, f"routes without an authorisation entry: {sorted(missing)}"
    assert not set(EXPECTED) - routes, f"entries for routes that no longer exist: {sorted(set(EXPECTED) - routes)}"


def _seed(state) -> None:
    """Action 1 and meeting 1, so their pages exist."""
    from joinedup.web.state.joint import ActionIn, add_action, add_meeting
    add_action(state, ActionIn("Home first", ("nhs",), "2023-05-01", "2024-05-01", ("nhs_emergency_readmission_30d",)), "t")
    add_meeting(state, "Board", "2024-05-01")
    from tests.web.test_jobs import seed_saved_run
    seed_saved_run(state)


@pytest.fixture(scope="module")
def clients(place_store, tmp_path_factory):
    from tests.web.conftest import make_app
    app = make_app(place_store, f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'state.sqlite'}", audit_views=False)
    _seed(app.state.state)
    return {role: client_for(app, role) for role in (None, *ROLES)}


@pytest.mark.parametrize("key", sorted(EXPECTED), ids=lambda k: f"{k[0]} {k[1]}")
@pytest.mark.parametrize("role", [None, *ROLES], ids=lambda r: r or "anonymous")
def test_route_status_for_role(clients, key, role):
    path, form, allowed, ok, anonymous = EXPECTED[key]
    c = clients[role]
    if key[0] == "GET":
        r = c.get(path, follow_redirects=False)
    else:
        token = csrf_of(c.get("/signin" if role is None else "/", follow_redirects=True).text)
        r = c.post(path, data={**form, "csrf": token}, follow_redirects=False)
        if key == ("POST", "/signout") and role is not None:
            client_again = client_for(c.app, role)  # signed out: sign back in for the other routes
            clients[role].cookies = client_again.cookies
    expected = anonymous if role is None else ok if role in allowed else 403
    assert r.status_code == expected, f"{key} as {role or 'anonymous'}: {r.status_code}\n{r.text[:300]}"


@pytest.mark.parametrize("key", [k for k in sorted(EXPECTED) if k[0] == "POST"], ids=lambda k: k[1])
def test_every_form_refuses_a_missing_csrf_token(clients, key):
    path, form, *_ = EXPECTED[key]
    r = clients["admin"].post(path, data=form, follow_redirects=False)
    assert r.status_code == 403 and "Form expired" in r.text
