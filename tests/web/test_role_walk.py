"""A role walk: on a small demo store (the place plus `joinedup demo`'s web step: its users, actions, meetings and
working relationships), sign in as each demo user and follow every link the pages offer; no page answers 5xx.

The authorisation matrix requests each route once with a chosen address; this walk requests the addresses the
app itself links to (every measure, breakdown, ward map, segment grid cell, action, meeting, CSV download), as
each role. The board pack download (/report/board) is left to tests/web/test_board.py: it runs a simulation.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urlsplit

import pytest

from tests.web.conftest import csrf_of

pytestmark = pytest.mark.slow

SKIP = ("/static/", "/report/board", "/auth/oidc/")
LIMIT = 2000


@pytest.fixture(scope="module")
def demo_app(place_store, tmp_path_factory):
    import shutil

    from joinedup.demo import DemoContext
    from joinedup.web import WebConfig, create_app
    from joinedup.web import demo
    root = tmp_path_factory.mktemp("walk")
    store = root / "store.duckdb"
    shutil.copy(place_store, store)
    ctx = DemoContext(workspace=root, people=2500)
    demo.run(ctx)
    app = create_app(WebConfig(store=store, warm=False))
    return app, ctx.signins


def _links(page: str) -> set[str]:
    out = set()
    for href in re.findall(r'\shref="([^"]+)"', page):
        href = unescape(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith(SKIP):
            continue
        out.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _walk(client) -> dict[str, int]:
    seen: dict[str, int] = {}
    todo = deque(["/"])
    while todo and len(seen) < LIMIT:
        path = todo.popleft()
        if path in seen:
            continue
        r = client.get(path, follow_redirects=False)
        seen[path] = r.status_code
        if r.status_code == 200 and r.headers.get("content-type", "").startswith("text/html"):
            todo.extend(p for p in _links(r.text) if p not in seen)
    return seen


def test_every_role_walks_every_linked_page_without_a_server_error(demo_app):
    from fastapi.testclient import TestClient
    app, signins = demo_app
    walked = {}
    for name, role, password in signins:
        c = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
        r = c.post("/signin", data={"name": name, "password": password, "csrf": csrf_of(c.get("/signin").text),
                                    "next": "/"}, follow_redirects=False)
        assert r.status_code == 303, f"{role} could not sign in"
        seen = _walk(c)
        bad = {p: s for p, s in seen.items() if s >= 500}
        assert not bad, f"{role}: server errors at {bad}"
        assert len(seen) < LIMIT, f"{role}: the walk did not finish within {LIMIT} pages"
        refused = {p: s for p, s in seen.items() if s not in (200, 303)}
        assert not refused, f"{role}: a page links where the role may not go: {refused}"
        walked[role] = seen
    assert len(walked["admin"]) > len(walked["viewer"]) >= 4
    admin = walked["admin"]
    for expected in ("/segments", "/segments/measures.csv?period=", "by=segment", "by=ward", "/actions/", "/meetings/"):
        assert any(expected in p for p in admin), f"the admin's walk never reached {expected}"
