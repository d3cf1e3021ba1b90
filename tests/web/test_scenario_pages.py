"""Scenarios, ways of working and careers through the app (in-process HTTPS client): jobs started, polled,
cancelled, saved and attached, all audited; the travel figures add up; careers say where nothing is published."""

from __future__ import annotations

import re
import time

import pytest

from joinedup.web.state import audit
from joinedup.web.state import jobs as store
from tests.web.conftest import client_for, csrf_of
from tests.web.test_jobs import SMALL, seed_saved_run


def _wait(app, job_id: int, timeout: float = 120) -> store.JobView:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        j = store.get_job(app.state.state, job_id)
        if not j.active:
            return j
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def _start(c, scenario="care-worker-pay-rise", runs=SMALL["runs"], years=SMALL["years"]):
    token = csrf_of(c.get("/scenarios").text)
    return c.post("/scenarios/run", data={"scenario": scenario, "runs": str(runs), "years": str(years), "seed": "1",
                                          "csrf": token}, follow_redirects=False)


def test_a_run_from_the_browser_is_polled_saved_attached_and_audited(app):
    from joinedup.web.state.joint import ActionIn, add_action
    st = app.state.state
    action = add_action(st, ActionIn("Pay care workers more", ("adult_social_care",), "2023-05-01", "2024-05-01",
                                     ("nhs_emergency_readmission_30d",)), "t")
    c = client_for(app, "analyst")
    r = _start(c)
    assert r.status_code == 303
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    page = c.get(f"/scenarios/jobs/{job_id}").text
    assert "A 10% real pay rise for care workers" in page
    job = _wait(app, job_id)
    assert job.status == "done"
    poll = c.get(f"/scenarios/jobs/{job_id}/progress", headers={"HX-Request": "true"})
    assert poll.headers["HX-Redirect"] == f"/scenarios/jobs/{job_id}" and 'value="100"' in poll.text
    page = c.get(f"/scenarios/jobs/{job_id}").text
    for model in ("discharge", "workforce", "children", "travel"):
        assert f'id="fan-{model}"' in page, f"no fan chart of the {model} model"
    assert 'id="fan-answer"' in page and "Care workers in post" in page
    fig = re.search(r'id="fan-workforce" data-figure="([^"]+)"', page).group(1)
    assert "tonexty" in fig.replace("&#34;", '"'), "bands drawn between the 5th and 95th percentiles"

    other = client_for(app, "admin")
    assert other.get(f"/scenarios/jobs/{job_id}").status_code == 200, "admins see every run"
    token = csrf_of(c.get(f"/scenarios/jobs/{job_id}").text)
    r = c.post(f"/scenarios/jobs/{job_id}/save", data={"title": "Pay rise, small ensemble", "csrf": token},
               follow_redirects=False)
    assert r.status_code == 303 and store.get_job(st, job_id).saved
    r = c.post(f"/scenarios/jobs/{job_id}/attach", data={"action_id": str(action.id), "csrf": token},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/actions/{action.id}"
    viewer = client_for(app, "viewer")
    action_page = viewer.get(f"/actions/{action.id}").text
    assert "Scenario attached" in action_page and "Pay rise, small ensemble" in action_page
    assert f'href="/scenarios/jobs/{job_id}"' not in action_page, "viewers see the summary, not the scenarios pages"
    assert viewer.get(f"/scenarios/jobs/{job_id}").status_code == 403
    actions = [e.action for e in audit.entries(st, actor="analyst-user")]
    for a in ("scenario.start", "scenario.save", "scenario.attach"):
        assert a in actions
    polls = [e for e in audit.entries(st, actor="analyst-user", action="view") if e.target.endswith("/progress")]
    assert not polls, "htmx progress polls are not page views"


def test_one_running_job_per_user_and_cancel_through_the_app(app):
    st = app.state.state
    c = client_for(app, "analyst")
    r = _start(c, "reablement-expansion", runs=2000, years=25)
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    second = _start(c)
    assert second.status_code == 409 and "already have a run in progress" in second.text
    page = c.get("/scenarios").text
    assert f'id="progress-{job_id}"' in page and "hx-trigger=\"every 1s\"" in page, "the run's progress is on the page"
    other = client_for(app, "admin")
    assert _start(other, runs=4, years=0.2).status_code == 303, "another user may run at the same time"
    token = csrf_of(c.get(f"/scenarios/jobs/{job_id}").text)
    r = c.post(f"/scenarios/jobs/{job_id}/cancel", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    job = _wait(app, job_id)
    assert job.status == "cancelled"
    assert "scenario.cancel" in [e.action for e in audit.entries(st, actor="analyst-user")]
    r = c.post(f"/scenarios/jobs/{job_id}/cancel", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 409
    assert _start(c, runs=4, years=0.2).status_code == 303, "after a cancel the user may start again"


def test_unsaved_runs_are_their_owners_and_saved_ones_everyones(app):
    st = app.state.state
    job_id = seed_saved_run(st, owner="admin-user")
    unsaved = store.start_job(st, "admin-user", "scenario", "Private", {"scenario": "x", "runs": 1, "years": 1,
                                                                         "seed": 1})
    store.request_cancel(st, unsaved.id)
    analyst = client_for(app, "analyst")
    assert analyst.get(f"/scenarios/jobs/{job_id}").status_code == 200
    assert analyst.get(f"/scenarios/jobs/{unsaved.id}").status_code == 404
    assert "Reablement for everyone leaving hospital" in analyst.get("/scenarios").text


def test_the_lever_form_reports_an_out_of_range_value_in_one_line(app):
    c = client_for(app, "analyst")
    token = csrf_of(c.get("/scenarios").text)
    r = c.post("/scenarios/custom", data={"to.travel.gp_remote_shift": "1.5", "runs": "10", "years": "1",
                                          "csrf": token})
    assert r.status_code == 400
    alert = re.search(r'<p class="error" role="alert">([^<]+)</p>', r.text).group(1)
    assert "travel.gp_remote_shift would be 1.5, outside its range [0, 1]" in alert
    assert 'value="1.5"' in r.text, "the form keeps what was entered"


def test_ways_of_working_parts_add_up_and_every_assumption_is_shown(app):
    from joinedup.model import api
    from joinedup.web.ways import SERVICES, ways_of_working
    m = ways_of_working()
    for key, total in m["totals"].items():
        parts = sum(r[key]["baseline"] for r in m["rows"])
        assert parts == pytest.approx(total["baseline"], rel=1e-9)
        assert total["scenario"] <= total["baseline"] + 1e-9, f"{key}: remote appointments do not add travel"
    assert len(m["rows"]) == len(SERVICES)
    assert m["totals"]["vehicle_km"]["change"] < 0 and 0 < m["totals"]["traffic_share"]["baseline"] < 1
    html = client_for(app, "analyst").get("/ways-of-working").text
    for p in api.parameters("travel"):
        assert f"<code>{p['name']}</code>" in html
    assert "DESNZ 2024" in html and "BJGP 2013" in html, "the sources are the model's own"
    assert "No ensemble of this scenario has been run yet" in html


def test_careers_shows_the_extracts_peers_and_says_where_nothing_is_published(app):
    html = client_for(app, "analyst").get("/careers").text
    for group in ("Care workers and senior carers", "Nurses and nursing associates", "Children&#39;s social workers",
                  "Foster carers"):
        assert group in html
    assert "Social worker turnover (%)" in html and "DfE LAIT" in html
    for published in ("Social worker vacancies (%)", "Approved foster places", "Adult social care staff turnover (%)"):
        assert published in html, f"{published} is published and imported: it is shown"
    assert "not in this store's peer figures" not in html
    assert "no figure is published for this group in the peer data joinedup ships" in html
    assert "Care worker to nurse" in html and "NHS manager to registered manager" in html
    for title in ("A 10% real pay rise for care workers", "A funded route from care worker to registered nurse",
                  "A foster carer recruitment campaign with higher allowances"):
        assert title in html
    assert "Not run yet." in html


def test_careers_figures_go_through_the_disclosure_policy(place_store):
    from joinedup.store import Store
    from joinedup.store.disclosure import policy
    from joinedup.web.careers import foster_figures, route_counts, workforce_figures
    pol = policy()
    with Store.open(place_store, "analysis") as s:
        groups = workforce_figures(s)
        raw = {r[0]: r[1] for r in s.fetchall("SELECT role, COUNT(*) FROM workforce GROUP BY role")}
        routes, foster = route_counts(s), foster_figures(s)
    assert raw, "the place has workforce extracts"
    for g in groups:
        for v in (g.in_post, g.leavers, g.starters):
            assert isinstance(v, str) and v == f"<{pol.threshold + 1}" or v == 0 or v > pol.threshold
    for r in routes:
        assert r["people"] == 0 or isinstance(r["people"], str) or r["people"] > pol.threshold
    assert foster["households"] == 0 or isinstance(foster["households"], str) or foster["households"] > pol.threshold


def test_the_board_pack_shows_the_saved_run(app, place_store):
    from joinedup.web.board import board_pack
    st = app.state.state
    job_id = seed_saved_run(st)
    pack = board_pack(app.state.data, st, app.state.data.years()[-1], runs=5)
    sc = pack.context["scenario"]
    assert sc["saved_run"] == job_id and sc["runs"] == SMALL["runs"] and sc["name"] == "reablement-expansion"


def test_the_demo_saves_a_scenario_run_attached_to_its_reablement_action(app):
    from joinedup.measures import api
    from joinedup.web import demo_content
    from joinedup.web.state.joint import get_action
    st = app.state.state
    demo_content.seed(st, app.state.data.years(), {m.id for m in api.library()})
    small = ("reablement-expansion", SMALL["runs"], SMALL["years"])
    old, demo_content.DEMO_SCENARIO = demo_content.DEMO_SCENARIO, small
    try:
        demo_content.seed_scenario_run(st, "analyst-user")
        again, action_id = demo_content.seed_scenario_run(st, "analyst-user")
    finally:
        demo_content.DEMO_SCENARIO = old
    assert [j.id for j in store.list_jobs(st)] == [again], "a second demo replaces the first demo run"
    job = store.get_job(st, again)
    assert job.saved and job.demo and job.status == "done"
    assert get_action(st, action_id).title.startswith("Reablement")
    assert [j.id for j in store.runs_for_action(st, action_id)] == [again]
    demo_content.seed(st, app.state.data.years(), {m.id for m in api.library()})
    assert store.get_job(st, again) is None, "reseeding the demo clears its runs with its actions"


def test_a_run_with_calibrated_parameters_and_its_files_reproduce_it_with_the_cli(app, tmp_path, run_cli):
    import json

    from joinedup.web.jobs import custom_request
    st = app.state.state
    c = client_for(app, "analyst")
    token = csrf_of(c.get("/scenarios").text)
    r = c.post("/scenarios/custom", data={"to.workforce.pay_uplift": "0.2", "runs": "6", "years": "0.5", "seed": "3",
                                          "params": "calibrated", "title": "Pay", "csrf": token}, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    job = _wait(app, job_id)
    assert job.status == "done", job.message
    assert "calibrated from the store" in c.get(f"/scenarios/jobs/{job_id}").text
    result = c.get(f"/scenarios/jobs/{job_id}/result.json").json()
    assert result["calibrated_parameters"], "the run used the store's calibration"
    (tmp_path / "custom.yaml").write_text(c.get(f"/scenarios/jobs/{job_id}/scenario.yaml").text)
    code, _, err = run_cli("model", "calibrate", "--db", str(app.state.config.store), "--out", str(tmp_path / "p.yaml"))
    assert code == 0, err
    code, out, err = run_cli("simulate", str(tmp_path / "custom.yaml"), "--runs", "6", "--years", "0.5", "--seed", "3",
                             "--params", str(tmp_path / "p.yaml"), "--json")
    assert code == 0, err
    cli = json.loads(out)
    name = "workforce.care_workers"
    assert cli["indicators"][name]["scenario"]["p50"] == pytest.approx(result["indicators"][name]["scenario"]["p50"])
    assert "export" in [e.action for e in audit.entries(st, actor="analyst-user")]
    with pytest.raises(Exception, match="parameters are default or calibrated"):
        custom_request("", "", [{"lever": "workforce.pay_uplift", "to": 0.1}], 5, 1, 1, "guessed")
