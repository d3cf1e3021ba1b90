"""Journeys in headless Chromium (Debian's chromium, Playwright without a browser download), axe-core on every page.

Screenshots of every page at 1280 and 390 px wide are kept in test-artefacts/web/ (ignored by git).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORD, USERS, make_app

CHROMIUM = os.environ.get("JOINEDUP_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "web"
M = "ae_4_hour_performance"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} not found (.ci/run installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} not found")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, place_store):
    """The app over a private copy of the place, served by uvicorn on a free port."""
    import uvicorn
    root = tmp_path_factory.mktemp("served")
    store = root / "store.duckdb"
    shutil.copy(place_store, store)
    app = make_app(store, f"sqlite:///{root / 'state.sqlite'}", warm=True)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    while not srv.started:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    t.join(timeout=30)


def _axe(page, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: " + "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at "
                                             f"{[n['target'] for n in v['nodes']][:3]}" for v in bad)


def _shots(page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTEFACTS / f"{name}-{width}.png"), full_page=True)
        _axe(page, f"{name} at {width} px")
    page.set_viewport_size({"width": 1280, "height": 900})


def _sign_in(page, base: str, role: str) -> None:
    page.goto(base + "/")
    page.fill("#name", USERS[role])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def test_journey_then_every_step_in_the_audit(browser, server, tmp_path):
    base, app = server
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(180_000)  # the first overview of a store version is computed while the page waits
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base + "/")
    _shots(page, "signin")
    _sign_in(page, base, "analyst")
    assert page.locator("h1").inner_text() == "System overview"
    _shots(page, "overview")

    page.click("nav >> text=Measures")
    _shots(page, "measures")
    page.goto(f"{base}/measures/{M}")
    page.wait_for_selector("#trend-plot[data-drawn='1']")
    page.select_option("#by", "deprivation_quintile")
    page.wait_for_selector("#results #bar-plot[data-drawn='1']")
    assert "by deprivation" in page.locator("#results caption").inner_text()
    assert "by=deprivation_quintile" in page.evaluate("location.href"), "the breakdown is in the address, to share"
    _shots(page, "measure-deprivation")
    with page.expect_download() as dl:
        page.click("text=Download CSV")
    csv_text = Path(dl.value.path()).read_text()
    assert csv_text.startswith("measure,kind,period,breakdown,group") and "deprivation_quintile" in csv_text

    page.goto(f"{base}/measures/{M}?by=ward")
    page.wait_for_selector("#map-plot[data-drawn='1']")
    _shots(page, "measure-ward-map")

    page.goto(base + "/glossary")
    _shots(page, "glossary")
    paper = tmp_path / "board-paper.md"
    paper.write_text("# Joint board\n\nDelayed transfers of care (DToC) rose; the MDT asked for more reablement.\n")
    page.set_input_files("#paper", str(paper))
    page.click("form[action='/glossary/explain'] button[type=submit]")
    page.wait_for_selector("text=Terms in this paper")
    assert page.locator("abbr.term").count() >= 2
    _shots(page, "explain")
    page.goto(base + "/glossary/term/delayed_discharge")
    _shots(page, "glossary-term")

    page.goto(f"{base}/measures/{M}?by=ward")
    page.wait_for_selector("#map-plot[data-drawn='1']")
    assert "approximated from the shipped LSOA centroids" in page.locator("#results figcaption").last.inner_text()
    assert page.locator("#map-plot path.js-fill").count() >= 24, "every ward is a filled shape"

    page.goto(base + "/segments")
    _shots(page, "segments")
    assert page.locator("#segment-grid td[data-suppressed='true']").count() > 0
    with page.expect_download() as dl:
        page.click("a[href^='/segments/measures.csv']")
    grid_csv = Path(dl.value.path()).read_text()
    assert grid_csv.startswith("measure,kind,period,breakdown,group") and ",segment," in grid_csv
    page.locator(f"#segment-grid a[href^='/measures/{M}?']").first.click()
    page.wait_for_selector("#results #bar-plot[data-drawn='1']")
    assert "by=segment" in page.url and "by segment" in page.locator("#results caption").inner_text()

    page.goto(base + "/peers")
    _shots(page, "peers")

    page.goto(base + "/linkage")
    _shots(page, "linkage")
    first = page.locator("li.pair").first
    pair = first.locator("h3").inner_text().split()[1]
    first.locator("button[value=match]").click()
    page.wait_for_selector("text=Recorded match")
    assert page.locator(f"#pair-{pair}").count() == 0, "the decided pair leaves the queue"
    page.click("text=Sign out")
    page.wait_for_url(re.compile(r".*/signin$"))

    _sign_in(page, base, "admin")
    page.goto(f"{base}/audit?actor={USERS['analyst']}")
    _shots(page, "audit")
    table = page.locator("table.audit tbody").inner_text()
    for expected in ("signin", "by=deprivation_quintile", "export", "/segments/measures.csv", "glossary.explain",
                     "board-paper.md",
                     "link.decide", "signout"):
        assert expected in table, f"{expected!r} missing from the audit"
    page.goto(base + "/users")
    _shots(page, "users")
    page.goto(base + "/no/such/page")
    _shots(page, "not-found")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    ctx.close()


def test_keyboard_only_sign_in_and_navigation(browser, server):
    base, _ = server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    page.goto(base + "/")
    assert page.evaluate("document.activeElement.id") == "name", "the sign-in page starts in the name field"
    page.keyboard.type(USERS["analyst"])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "System overview"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip", "the first stop is the skip link"
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Glossary":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == base + "/glossary"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link moves focus to the content
    assert page.evaluate("document.activeElement.id") == "main"
    ctx.close()
