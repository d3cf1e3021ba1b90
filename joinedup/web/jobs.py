"""Running jobs in the background: scenario requests checked as the CLI checks them, a worker pool, cancel.

A request is validated when it is made (a bad lever or range is a UserError on the form, with the
same message `joinedup simulate` gives for a scenario file); the ensemble then runs in a worker
thread that writes its progress to the job table and stops when the job's cancel flag is set.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from joinedup.errors import UserError
from joinedup.model.scenarios import Scenario
from joinedup.web.state import jobs as store
from joinedup.web.state.db import State

__all__ = ["Cancelled", "JobRunner", "scenario_request", "custom_request", "build_scenario", "run_scenario",
           "start_scenario", "execute", "calibrated_values", "PARAMS", "MAX_RUNS", "MAX_RUN_YEARS", "MIN_YEARS", "MAX_YEARS", "CUSTOM"]

log = logging.getLogger("joinedup.web.jobs")

#: `joinedup simulate` takes --runs 1 to 1,000,000 and --years 0.1 to 50; the app runs at most 20,000 runs.
MAX_RUNS = 20_000
CLI_MAX_RUNS = 1_000_000
MIN_YEARS, MAX_YEARS = 0.1, 50.0
#: runs x years the app runs in one job: every indicator is kept every 4 weeks for every run until the percentiles
MAX_RUN_YEARS = 50_000
#: The name a scenario made from the lever form carries.
CUSTOM = "custom"
#: Parameters of a run: the models' shipped defaults, or calibrated from the app's store.
PARAMS = ("default", "calibrated")
CALIBRATION_SHARE = 0.05
#: Progress is written at most this often (seconds); the cancel flag is read at the same time.
REPORT_EVERY = 0.25
#: Jobs waiting for a worker have their heartbeat refreshed this often (seconds), well inside STALE_AFTER.
HEARTBEAT_EVERY = 30.0


class Cancelled(Exception):
    """Raised inside a running job when its cancel flag was set."""


def _number(raw: object, field: str, kind: type = float) -> float:
    try:
        return kind(str(raw).strip())
    except (TypeError, ValueError):
        raise UserError(f"{raw!r} is not a {'whole ' if kind is int else ''}number", field=field) from None


def _common(runs: object, years: object, seed: object, params: object = "default") -> dict:
    if params not in PARAMS:
        raise UserError(f"parameters are {' or '.join(PARAMS)}, not {params!r}", field="params")
    n = _number(runs, "runs", int)
    if not 1 <= n <= CLI_MAX_RUNS:
        raise UserError(f"runs must be between 1 and {CLI_MAX_RUNS:,} (as joinedup simulate --runs)", field="runs")
    if n > MAX_RUNS:
        raise UserError(f"the app runs at most {MAX_RUNS:,} runs; use joinedup simulate --runs {n} for more",
                        field="runs")
    y = _number(years, "years")
    if not MIN_YEARS <= y <= MAX_YEARS:
        raise UserError(f"years must be between {MIN_YEARS:g} and {MAX_YEARS:g} (as joinedup simulate --years)",
                        field="years")
    if n * y > MAX_RUN_YEARS:
        raise UserError(f"{n:,} runs over {y:g} years is more than the app runs at once ({MAX_RUN_YEARS:,} run-years, "
                        "which keeps a run's memory under about 400 MB); use fewer runs or years, or joinedup simulate",
                        field="runs")
    return {"runs": n, "years": y, "seed": _number(seed, "seed", int), "params": params}


def scenario_request(name: str, runs: object, years: object, seed: object = 1, params: object = "default") -> dict:
    """A request to run a shipped scenario (checked now)."""
    from joinedup.model import api
    api.scenario(name)
    return {"scenario": name, **_common(runs, years, seed, params)}


def custom_request(title: str, question: str, changes: list[dict], runs: object, years: object,
                   seed: object = 1, params: object = "default") -> dict:
    """A request to run levers set in the form (checked now, exactly as a scenario file is checked)."""
    req = {"scenario": CUSTOM, "title": title.strip() or "Levers set in the browser",
           "question": question.strip() or "What if the levers were set as in the form?", "changes": changes,
           **_common(runs, years, seed, params)}
    from joinedup.model import api
    api.check(build_scenario(req))
    return req


def build_scenario(req: dict) -> Scenario:
    """The Scenario a request describes (a shipped one by name, or the form's levers)."""
    from joinedup.model import api

    from joinedup.model.spec import validation_error
    if req["scenario"] != CUSTOM:
        return api.scenario(req["scenario"])
    if not req.get("changes"):
        raise UserError("set at least one lever to a new value", field="changes")
    try:
        return Scenario.model_validate({"name": CUSTOM, "title": req["title"], "question": req["question"],
                                        "changes": req["changes"], "source_file": "the lever form"})
    except ValidationError as e:
        raise validation_error(e, "the lever form") from None


_CALIBRATED: dict[tuple[str, str], dict[str, float]] = {}
_CALIBRATED_LOCK = threading.Lock()


def calibrated_values(store_path: Path) -> dict[str, float]:
    """Parameter values calibrated from the store (as `joinedup model calibrate`), once per store version."""
    from joinedup.model import api
    from joinedup.model.flatten import SEP
    from joinedup.store import Store
    from joinedup.store.store import version_of
    key = (str(store_path), version_of(store_path))
    with _CALIBRATED_LOCK:
        if key not in _CALIBRATED:
            with Store.open(store_path, "analysis") as s:
                rows = api.calibrate(s)
            _CALIBRATED.clear()
            _CALIBRATED[key] = {r.param.replace(".", SEP, 1): float(r.value) for r in rows}
        return dict(_CALIBRATED[key])


def run_scenario(req: dict, progress: Callable[[float], None] | None = None, *, store: Path | None = None) -> dict:
    """Run the request's ensemble (baseline and scenario, same draws) and return `joinedup simulate --json`'s document.

    With params "calibrated" the parameters are first calibrated from the store (the first twentieth of the progress).
    """
    from joinedup.model import api
    sc = build_scenario(req)
    values = None
    if req.get("params", "default") == "calibrated":
        if store is None:
            raise UserError("calibrated parameters need a store", field="params")
        values = calibrated_values(store)
        if progress is not None:
            progress(CALIBRATION_SHARE)
            inner = progress
            progress = lambda f: inner(CALIBRATION_SHARE + (1 - CALIBRATION_SHARE) * f)  # noqa: E731
    return api.simulate(sc, runs=req["runs"], years=req["years"], seed=req["seed"], params=values,
                        progress=progress).to_json()


class JobRunner:
    """A small pool of worker threads that run queued jobs and write their progress to the state."""

    def __init__(self, state: State, workers: int = 1) -> None:
        self.state = state
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="joinedup-job")
        self._lock = threading.Lock()
        self._waiting: set[int] = set()
        self._stop = threading.Event()
        threading.Thread(target=self._beat, name="joinedup-job-heartbeat", daemon=True).start()

    def submit(self, job_id: int, work: Callable[[Callable[[float], None]], dict]) -> None:
        """Run work(progress) for the job in the background."""
        with self._lock:
            self._waiting.add(job_id)
        self._pool.submit(self._run, job_id, work)

    def _run(self, job_id: int, work: Callable[[Callable[[float], None]], dict]) -> None:
        with self._lock:
            self._waiting.discard(job_id)
        execute(self.state, job_id, work)

    def _beat(self) -> None:
        # jobs waiting for a free worker are alive too: keep their heartbeat fresh so none is taken for stale
        while not self._stop.wait(HEARTBEAT_EVERY):
            with self._lock:
                waiting = sorted(self._waiting)
            if waiting:
                try:
                    store.touch(self.state, waiting)
                except SQLAlchemyError:  # the state may be closing; the next beat tries again
                    log.warning("could not refresh the heartbeat of waiting jobs")

    def shutdown(self) -> None:
        """Stop taking jobs (those still queued or running are marked failed by the next app that looks)."""
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)


def execute(state: State, job_id: int, work: Callable[[Callable[[float], None]], dict]) -> str:
    """Run one queued job here and now: claim it, report progress, honour its cancel flag, record how it ended."""
    if not store.claim(state, job_id):
        return "cancelled"  # cancelled while queued
    last = [0.0]

    def progress(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] < REPORT_EVERY and fraction < 1.0:
            return
        last[0] = now
        if store.report_progress(state, job_id, fraction):
            raise Cancelled()
    try:
        if store.report_progress(state, job_id, 0.0):
            raise Cancelled()
        result = work(progress)
    except Cancelled:
        store.finish(state, job_id, "cancelled", message="cancelled while running")
        return "cancelled"
    except UserError as e:
        store.finish(state, job_id, "failed", message=str(e))
        return "failed"
    except Exception as e:  # a failed run is reported on its page, never a dead worker
        log.exception("job %s failed", job_id)
        store.finish(state, job_id, "failed", message=f"the run failed ({type(e).__name__})")
        return "failed"
    store.finish(state, job_id, "done", result=result)
    return "done"


def start_scenario(state: State, runner: JobRunner, owner: str, req: dict, *, title: str | None = None,
                   store_path: Path | None = None) -> store.JobView:
    """Queue a scenario job for owner and hand it to the runner (store_path: where calibrated parameters come from)."""
    from joinedup.model import api
    if title is None:
        title = req["title"] if req["scenario"] == CUSTOM else api.scenario(req["scenario"]).title
    job = store.start_job(state, owner, "scenario", title, req)
    runner.submit(job.id, lambda progress: run_scenario(req, progress, store=store_path))
    return job
