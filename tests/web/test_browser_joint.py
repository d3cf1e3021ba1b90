"""Chromium journeys of the joint table, part 2: actions with their verdict, the agenda's balance, the person view.

axe-core runs on every new page (zero serious or critical violations), at 1280 and 390 px.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import USERS
from tests.web.test_browser import _free_port, _shots, _sign_in, browser  # noqa: F401 - fixtures used by name

pytestmark = pytest.mark.slow
OUTCOME = "nhs_falls_admissions_65_plus"


@pytest.fixture(scope="module")
def server(tmp_path_factory, place_store):
    """The app over a private copy of the place with its identity vault (the person view reads it)."""
    import shutil
    import threading
    import time

    import uvicorn

    from tests.web.conftest import make_app
    root = tmp_path_factory.mktemp("served-joint")
    for f in place_store.parent.glob("store.*duckdb"):
        shutil.copy(f, root / f.name)
    app = make_app(root / "store.duckdb", f"sqlite:///{root / 'state.sqlite'}", warm=True)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    while not srv.started:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    t.join(timeout=30)


def _page(browser, base):  # noqa: F811 - browser is the fixture
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    return ctx, page


def test_an_action_tied_to_a_measure_shows_its_trend_and_verdict(browser, server):  # noqa: F811
    base, _ = server
    ctx, page = _page(browser, base)
    _sign_in(page, base, "analyst")
    page.click("nav >> text=Actions")
    _shots(page, "actions-empty")
    page.click("text=New action")
    _shots(page, "action-form")
    page.fill("#title", "Falls prevention in care homes")
    page.check("input[name=sectors][value=adult_social_care]")
    page.check("input[name=sectors][value=public_health]")
    page.fill("#agreed_on", "2022-06-15")
    page.fill("#review_on", "2025-06-30")
    page.select_option("#outcome_measures", [OUTCOME])
    page.check("input[name=important]")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#trend-1[data-drawn='1']")
    assert page.locator("h1").inner_text() == "Falls prevention in care homes"
    verdict = page.locator("p.verdict").inner_text()
    assert verdict.split(".")[0] in ("Moved", "Not yet", "Too small to tell"), verdict
    assert "agreed 2022-06-15" in page.locator("#trend-1").inner_text()
    _shots(page, "action")
    page.goto(base + "/actions")
    assert "Falls prevention in care homes" in page.locator("#actions").inner_text()
    _shots(page, "actions")
    ctx.close()


def test_a_meetings_tagged_agenda_gives_the_quarters_balance(browser, server):  # noqa: F811
    base, _ = server
    ctx, page = _page(browser, base)
    _sign_in(page, base, "analyst")
    page.goto(base + "/meetings")
    page.fill("#m-title", "Health and wellbeing board")
    page.fill("#m-held", "2024-05-10")
    page.click("#new-meeting button[type=submit]")
    page.wait_for_selector("#i-title")
    for title, minutes, urgent, important, kind in (("A&E recovery plan", "45", True, False, "process"),
                                                    ("Falls: what moved", "15", False, True, "outcome")):
        page.fill("#i-title", title)
        page.fill("#i-minutes", minutes)
        if urgent:
            page.check("input[name=urgent]")
        if important:
            page.check("input[name=important]")
        page.select_option("#i-kind", kind)
        page.click("form[action$='/items'] button[type=submit]")
        page.wait_for_selector(f"#agenda >> text={title}")
    _shots(page, "meeting")
    page.click("text=Meetings")
    row = page.locator("#balance tbody tr", has_text="2024-25 Q1").inner_text().split("\t")
    assert row[1:] == ["1", "2", "60", "75%", "25%", "0%"], row
    _shots(page, "meetings")
    with page.expect_download(timeout=600_000) as dl:
        page.click("text=Download the board pack (PDF)")
    assert dl.value.suggested_filename.startswith("joinedup-board-") and Path(dl.value.path()).read_bytes()[:4] == b"%PDF"
    ctx.close()


def test_break_glass_opening_is_found_by_the_admin_and_viewers_are_refused(browser, server):  # noqa: F811
    base, app = server
    from joinedup.store import Store
    with Store.open(app.state.config.store, "identify", user="tests", purpose="test set-up") as s:
        nhs, pid = s.fetchall("SELECT i.nhs_number, l.person_id FROM vault.identity i JOIN person_source_link l "
                              "USING (record_id) WHERE i.nhs_number_valid ORDER BY i.record_id LIMIT 1")[0]
    ctx, page = _page(browser, base)
    _sign_in(page, base, "practitioner")
    page.click("nav >> text=Person")
    _shots(page, "person-search")
    page.fill("#nhs_number", nhs)
    page.click("form[action='/person/search'] button[type=submit]")
    page.wait_for_selector("form.found")
    _shots(page, "person-found")
    page.fill("#reason-1", "Safeguarding concern from the emergency department")
    page.click("form.found button[type=submit]")
    page.wait_for_selector("#timeline")
    assert nhs in page.locator("dl.facts").inner_text()
    _shots(page, "person")
    ctx.close()

    ctx, page = _page(browser, base)
    _sign_in(page, base, "admin")
    page.goto(base + "/person/reviews")
    flags = page.locator("#flags").inner_text()
    assert USERS["practitioner"] in flags and pid in flags and "Safeguarding concern" in flags
    _shots(page, "person-reviews")
    page.goto(f"{base}/audit?action=person.open")
    assert pid in page.locator("table.audit tbody").inner_text()
    ctx.close()

    ctx, page = _page(browser, base)
    _sign_in(page, base, "viewer")
    assert page.locator("nav >> text=Person").count() == 0
    response = page.goto(base + "/person")
    assert response.status == 403 and "Not available to your role" in page.content()
    ctx.close()
