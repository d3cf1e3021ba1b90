"""The job table (migration 0003) on SQLite and a real PostgreSQL, the worker that runs scenario jobs, and the
scenario requests checked exactly as `joinedup simulate` checks a scenario file."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from joinedup.errors import UserError
from joinedup.web.jobs import JobRunner, custom_request, execute, run_scenario, scenario_request
from joinedup.web.state import jobs as store
from joinedup.web.state.db import HEAD
from joinedup.web.state.joint import ActionIn, add_action
from tests.web.test_state import state  # noqa: F401 - the SQLite and PostgreSQL state fixture

SMALL = {"runs": 8, "years": 0.5}


def small_request(name: str = "reablement-expansion", **kw) -> dict:
    """A shipped scenario with a tiny ensemble (a few tenths of a second)."""
    return scenario_request(name, kw.get("runs", SMALL["runs"]), kw.get("years", SMALL["years"]), 1)


def seed_saved_run(st, owner: str = "admin-user") -> int:
    """A finished, saved scenario run of a tiny ensemble (for pages that need one)."""
    req = small_request()
    job = store.start_job(st, owner, "scenario", "Reablement for everyone leaving hospital", req)
    assert execute(st, job.id, lambda progress: run_scenario(req, progress)) == "done"
    store.save_job(st, job.id)
    return job.id


def test_migration_0003_follows_0002_and_creates_the_job_table(state):  # noqa: F811
    assert HEAD == "0003" and state.revision() == "0003"
    with state.engine.connect() as con:
        assert con.execute(text("SELECT COUNT(*) FROM job")).scalar() == 0
    from alembic.script import ScriptDirectory
    from alembic.config import Config
    from importlib.resources import files
    cfg = Config()
    cfg.set_main_option("script_location", str(files("joinedup.web.state") / "migrations"))
    script = ScriptDirectory.from_config(cfg)
    assert [r.revision for r in script.walk_revisions()] == ["0003", "0002", "0001"], "one linear chain"
    assert script.get_revision("0003").down_revision == "0002"


def test_one_queued_or_running_job_per_user(state):  # noqa: F811
    first = store.start_job(state, "ada", "scenario", "A", {"scenario": "x", "runs": 1})
    with pytest.raises(UserError, match="already have a run in progress"):
        store.start_job(state, "ada", "scenario", "B", {"scenario": "y", "runs": 1})
    other = store.start_job(state, "bob", "scenario", "C", {"scenario": "x", "runs": 1})
    assert other.status == "queued" and store.active_job(state, "ada").id == first.id
    # the database itself refuses a second active job (two requests racing past the check)
    with pytest.raises(IntegrityError):
        with state.engine.begin() as con:
            con.execute(text("INSERT INTO job (owner, kind, title, request, status, progress, message, cancel_requested,"
                             " saved, demo, created_at) VALUES ('ada', 'scenario', 'D', '{}', 'running', 0, '', false,"
                             " false, false, CURRENT_TIMESTAMP)"))
    cancelled = store.request_cancel(state, first.id)
    assert cancelled.status == "cancelled" and cancelled.cancel_requested, "a queued job is cancelled at once"
    assert not store.claim(state, first.id), "a cancelled job is never started"
    again = store.start_job(state, "ada", "scenario", "B", {"scenario": "y", "runs": 1})
    assert again.id != first.id
    with pytest.raises(UserError, match="already finished"):
        store.request_cancel(state, first.id)


def test_progress_cancel_flag_finish_save_and_attach(state):  # noqa: F811
    job = store.start_job(state, "ada", "scenario", "Run", {"scenario": "x", "runs": 1})
    assert store.claim(state, job.id) and not store.claim(state, job.id)
    assert store.report_progress(state, job.id, 0.4) is False
    assert store.get_job(state, job.id).percent == 40
    store.request_cancel(state, job.id)
    assert store.get_job(state, job.id).status == "running", "a running job stops at its next report"
    assert store.report_progress(state, job.id, 0.5) is True
    store.finish(state, job.id, "cancelled", message="cancelled while running")
    assert store.get_job(state, job.id).status == "cancelled"
    with pytest.raises(UserError, match="only a finished run"):
        store.save_job(state, job.id)

    done = store.start_job(state, "ada", "scenario", "Run 2", {"scenario": "x", "runs": 1})
    store.claim(state, done.id)
    store.finish(state, done.id, "done", result={"answer": [], "indicators": {"a.b": [1, 2]}})
    assert store.job_result(state, done.id) == {"answer": [], "indicators": {"a.b": [1, 2]}}
    action = add_action(state, ActionIn("Home first", ("nhs",), "2023-05-01", "2024-05-01",
                                        ("nhs_emergency_readmission_30d",)), "ada")
    with pytest.raises(UserError, match="save the run"):
        store.attach_job(state, done.id, action.id)
    saved = store.save_job(state, done.id, "  Kept run  ")
    assert saved.saved and saved.title == "Kept run"
    with pytest.raises(UserError, match="no action"):
        store.attach_job(state, done.id, 999)
    store.attach_job(state, done.id, action.id)
    assert [j.id for j in store.runs_for_action(state, action.id)] == [done.id]
    assert [j.id for j in store.saved_runs(state)] == [done.id]
    assert store.list_jobs(state, "ada")[0].id == done.id


def test_a_job_whose_worker_stopped_is_marked_failed(state):  # noqa: F811
    job = store.start_job(state, "ada", "scenario", "Run", {"scenario": "x", "runs": 1})
    store.claim(state, job.id)
    assert store.reap_stale(state) == 0
    assert store.reap_stale(state, now=store._now() + store.STALE_AFTER + timedelta(seconds=1)) == 1
    j = store.get_job(state, job.id)
    assert j.status == "failed" and "interrupted" in j.message
    assert store.active_job(state, "ada") is None


def test_unsaved_runs_are_pruned_after_thirty_days_saved_ones_kept(state):  # noqa: F811
    ids = []
    for owner in ("ada", "bob"):
        j = store.start_job(state, owner, "scenario", "Run", {"scenario": "x"})
        store.claim(state, j.id)
        store.finish(state, j.id, "done", result={"x": 1})
        ids.append(j.id)
    store.save_job(state, ids[1])
    later = store._now() + store.KEEP_UNSAVED + timedelta(days=1)
    assert store.prune(state) == 0
    assert store.prune(state, now=later) == 1
    assert store.get_job(state, ids[0]) is None and store.get_job(state, ids[1]).saved


def test_a_scenario_job_runs_with_progress_and_its_result_covers_the_four_models(state):  # noqa: F811
    req = small_request()
    job = store.start_job(state, "ada", "scenario", "Reablement", req)
    seen: list[float] = []

    def work(progress):
        def spy(f):
            seen.append(f)
            progress(f)
        return run_scenario(req, spy)
    assert execute(state, job.id, work) == "done"
    j = store.get_job(state, job.id)
    assert j.status == "done" and j.progress == 1.0 and j.finished_at is not None
    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] == 1.0 and len(seen) > 4
    result = store.job_result(state, job.id)
    assert result["scenario"] == "reablement-expansion" and result["runs"] == SMALL["runs"]
    assert {i["model"] for i in result["indicators"].values()} == {"discharge", "workforce", "children", "travel"}


def test_the_runner_cancels_a_running_job_in_the_background(tmp_path):
    from joinedup.web.state import open_state
    st = open_state(f"sqlite:///{tmp_path / 'state.sqlite'}")
    runner = JobRunner(st, workers=1)
    req = small_request(runs=2000, years=20)
    job = store.start_job(st, "ada", "scenario", "Long", req)
    runner.submit(job.id, lambda progress: run_scenario(req, progress))
    deadline = time.monotonic() + 120
    while store.get_job(st, job.id).progress <= 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store.get_job(st, job.id).status == "running"
    store.request_cancel(st, job.id)
    while store.get_job(st, job.id).active and time.monotonic() < deadline:
        time.sleep(0.05)
    j = store.get_job(st, job.id)
    assert j.status == "cancelled" and j.progress < 1 and store.job_result(st, job.id) is None
    runner.shutdown()
    st.close()


def test_two_users_start_at_once_and_each_gets_one_job(tmp_path):
    from joinedup.web.state import open_state
    st = open_state(f"sqlite:///{tmp_path / 'state.sqlite'}")
    outcomes: list[str] = []

    def start(owner: str) -> None:
        try:
            store.start_job(st, owner, "scenario", "Run", {"scenario": "x", "runs": 1})
            outcomes.append("ok")
        except UserError:
            outcomes.append("refused")
    threads = [threading.Thread(target=start, args=(o,)) for o in ("ada", "ada", "ada", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 2 and outcomes.count("refused") == 2
    st.close()


@pytest.mark.parametrize("args, field, message", [
    (("no-such-scenario", 10, 5), "scenario", "no shipped scenario 'no-such-scenario'"),
    (("reablement-expansion", 0, 5), "runs", "between 1 and 1,000,000"),
    (("reablement-expansion", 50_000, 5), "runs", "the app runs at most 20,000"),
    (("reablement-expansion", "ten", 5), "runs", "is not a whole number"),
    (("reablement-expansion", 10, 60), "years", "between 0.1 and 50"),
    (("reablement-expansion", 20_000, 5), "runs", "more than the app runs at once"),
])
def test_scenario_requests_are_checked_before_a_job_starts(args, field, message):
    with pytest.raises(UserError, match=message) as e:
        scenario_request(*args)
    assert e.value.field == field


@pytest.mark.parametrize("change, message", [
    ({"lever": "workforce.pay_uplift", "to": 0.9}, "workforce.pay_uplift would be 0.9, outside its range [-0.1, 0.5]"),
    ({"lever": "travel.gp_remote_shift", "to": -0.5}, "travel.gp_remote_shift would be -0.5, outside its range [0, 1]"),
    ({"lever": "travel.no_such_lever", "to": 1}, "no lever 'travel.no_such_lever'"),
    ({"lever": "workforce.pay_uplift", "to": 0.1, "start_year": -1}, "greater than or equal to 0"),
])
def test_levers_from_the_form_are_checked_exactly_as_the_cli_checks_a_file(change, message, tmp_path, run_cli):
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        custom_request("Mine", "What if?", [change], 10, 1)
    import yaml
    f = tmp_path / "mine.yaml"
    f.write_text(yaml.safe_dump({"name": "mine", "title": "Mine", "question": "What if?", "changes": [change]}))
    code, _, err = run_cli("simulate", str(f), "--runs", "10", "--years", "1")
    assert code == 2 and message in err, err


def test_levers_within_range_make_a_runnable_request():
    req = custom_request("", "", [{"lever": "workforce.pay_uplift", "to": 0.2, "ramp_years": 1}], 8, 0.5)
    assert req["scenario"] == "custom" and req["title"] == "Levers set in the browser"
    result = run_scenario(req)
    assert result["levers"] == [{"lever": "workforce.pay_uplift", "to": 0.2, "start_year": 0.0, "ramp_years": 1.0,
                                 "why": ""}]
    assert result["indicators"]["workforce.care_workers"]["difference"]["p50"][-1] > 0
    with pytest.raises(UserError, match="at least one lever"):
        custom_request("", "", [], 8, 0.5)


def test_jobs_waiting_for_a_worker_keep_their_heartbeat(tmp_path, monkeypatch):
    from joinedup.web import jobs as runner_module
    from joinedup.web.state import open_state
    monkeypatch.setattr(runner_module, "HEARTBEAT_EVERY", 0.05)
    st = open_state(f"sqlite:///{tmp_path / 'state.sqlite'}")
    runner = JobRunner(st, workers=1)
    gate = threading.Event()
    first = store.start_job(st, "ada", "scenario", "Blocking", {"scenario": "x"})
    runner.submit(first.id, lambda progress: (gate.wait(30), {"ok": True})[1])
    waiting = store.start_job(st, "bob", "scenario", "Waiting", {"scenario": "x"})
    runner.submit(waiting.id, lambda progress: {"ok": True})
    with st.engine.begin() as con:  # as if it had waited for a long time
        con.execute(text("UPDATE job SET heartbeat_at = '2000-01-01 00:00:00' WHERE id = :i"), {"i": waiting.id})
    time.sleep(0.5)  # several beats
    assert store.reap_stale(st) == 0
    assert store.get_job(st, waiting.id).status == "queued", "a job waiting in a live pool is not taken for stale"
    deadline = time.monotonic()
    gate.set()
    while store.get_job(st, waiting.id).active and time.monotonic() < deadline + 20:
        time.sleep(0.05)
    assert store.get_job(st, first.id).status == "done" and store.get_job(st, waiting.id).status == "done"
    runner.shutdown()
    st.close()
