"""Chromium journeys of scenarios in the browser: run one with a progress bar that survives a reload, save it;
start another and cancel it; the ways-of-working and careers pages. axe-core on every new page at 1280 and 390 px."""

from __future__ import annotations

import re

import pytest

from joinedup.web.state import audit
from joinedup.web.state import jobs as store
from tests.web.test_browser import _shots, _sign_in, browser, server  # noqa: F401 - fixtures used by name

pytestmark = pytest.mark.slow


def _page(browser):  # noqa: F811 - browser is the fixture
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    return ctx, page


def test_run_a_scenario_with_progress_then_cancel_another(browser, server):  # noqa: F811
    base, app = server
    ctx, page = _page(browser)
    _sign_in(page, base, "analyst")
    page.click("nav >> text=Scenarios")
    _shots(page, "scenarios")
    page.check("input[name=scenario][value=care-worker-pay-rise]")
    page.fill("#runs", "1500")
    page.fill("#years", "20")
    page.click("#run-shipped button[type=submit]")
    page.wait_for_url(re.compile(r".*/scenarios/jobs/\d+$"))
    job_id = int(page.url.rsplit("/", 1)[1])
    bar = page.locator(f"#progress-{job_id} progress")
    bar.wait_for()
    seen = []
    for _ in range(300):  # htmx swaps the bar every second while the job runs (the CSP forbids page.wait_for_function)
        seen.append(int(bar.get_attribute("value", timeout=5000) or 0))
        if seen[-1] > 0:
            break
        page.wait_for_timeout(200)
    assert seen[-1] > 0 and seen[0] < 100, f"the bar never moved: {seen}"
    page.reload()  # the progress comes from the job table: a reload keeps it
    after = int(page.locator(f"#progress-{job_id} progress").get_attribute("value", timeout=5000))
    assert after >= seen[-1] and store.get_job(app.state.state, job_id).active
    _shots(page, "scenario-running")
    # htmx polls until the run ends, then the page is reloaded with the fan charts
    page.wait_for_selector("#fan-answer[data-drawn='1']")
    page.wait_for_selector("#fan-travel[data-drawn='1']", state="attached")
    assert "Care workers in post" in page.locator("#answer-h + div table").inner_text()
    _shots(page, "scenario-result")
    page.fill("#save-title", "Pay rise for care workers, 1,500 runs")
    page.click("text=Save the run")
    page.wait_for_selector("text=Saved: everyone who may see scenarios can open it")

    # a second, long run: cancelled from its page
    page.goto(base + "/scenarios")
    page.check("input[name=scenario][value=foster-carer-campaign]")
    page.fill("#runs", "2000")
    page.fill("#years", "25")
    page.click("#run-shipped button[type=submit]")
    page.wait_for_url(re.compile(r".*/scenarios/jobs/\d+$"))
    second = int(page.url.rsplit("/", 1)[1])
    assert second != job_id
    page.click("#cancel-run")
    page.wait_for_selector("text=Cancelled")
    assert store.get_job(app.state.state, second).status == "cancelled"
    page.goto(base + "/scenarios")
    assert "Pay rise for care workers, 1,500 runs" in page.locator("#saved-h + div").inner_text()
    actions = [e.action for e in audit.entries(app.state.state, actor="analyst-user")]
    assert actions.count("scenario.start") == 2 and "scenario.cancel" in actions and "scenario.save" in actions
    ctx.close()


def test_ways_of_working_and_careers_pages(browser, server):  # noqa: F811
    base, _ = server
    ctx, page = _page(browser)
    _sign_in(page, base, "analyst")
    page.click("nav >> text=Ways of working")
    page.wait_for_selector("#services-plot[data-drawn='1']")
    assert "All services" in page.locator("table.data").first.inner_text()
    _shots(page, "ways-of-working")
    page.click("nav >> text=Careers")
    assert "Not published" in page.locator("#peers-h").locator("..").inner_text()
    _shots(page, "careers")
    ctx.close()
