"""Background jobs in the app state: start (one queued or running job per user), progress, cancel, finish,
save and attach to an action.

The job table is the only shared memory between the web process that starts a job, the worker
thread that runs it and every later page load that polls it: a progress bar survives a reload
because it reads the row. A job whose worker stopped (the app was restarted) stops sending
heartbeats and is marked failed the next time anyone looks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from joinedup.errors import UserError
from joinedup.web.state.db import State
from joinedup.web.state.joint_models import Job, JointAction

__all__ = ["JobView", "ACTIVE", "FINISHED", "STALE_AFTER", "start_job", "get_job", "job_result", "list_jobs",
           "active_job", "request_cancel", "touch", "claim", "report_progress", "finish", "save_job", "attach_job",
           "saved_runs", "runs_for_action", "latest_done", "reap_stale", "prune", "KEEP_UNSAVED", "delete_demo_jobs"]

ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")
#: A running job that has not reported for this long has lost its worker (the app stopped).
STALE_AFTER = timedelta(minutes=2)
#: Finished runs nobody saved are deleted after this long (their results can be a megabyte each).
KEEP_UNSAVED = timedelta(days=30)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class JobView:
    """A job as pages show it (the result is read separately: it can be large)."""

    id: int
    owner: str
    kind: str
    title: str
    request: dict
    status: str
    progress: float
    message: str
    cancel_requested: bool
    saved: bool
    action_id: int | None
    demo: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def active(self) -> bool:
        """True while queued or running."""
        return self.status in ACTIVE

    @property
    def percent(self) -> int:
        """Progress as a whole percentage."""
        return int(round(100 * self.progress))


def _view(j: Job) -> JobView:
    return JobView(j.id, j.owner, j.kind, j.title, json.loads(j.request), j.status, float(j.progress or 0.0),
                   j.message or "", bool(j.cancel_requested), bool(j.saved), j.action_id, bool(j.demo), j.created_at,
                   j.started_at, j.finished_at)


def reap_stale(state: State, now: datetime | None = None) -> int:
    """Mark failed the jobs whose worker stopped reporting (returns how many)."""
    cutoff = (now or _now()) - STALE_AFTER
    with state.session() as s:
        r = s.execute(update(Job).where(Job.status.in_(ACTIVE), Job.heartbeat_at < cutoff)
                      .values(status="failed", finished_at=_now(),
                              message="interrupted: the app stopped before the run finished; start it again"))
        return r.rowcount or 0


def prune(state: State, now: datetime | None = None) -> int:
    """Delete finished runs that were never saved and are older than KEEP_UNSAVED (returns how many)."""
    from sqlalchemy import delete
    cutoff = (now or _now()) - KEEP_UNSAVED
    with state.session() as s:
        return s.execute(delete(Job).where(Job.status.in_(FINISHED), Job.saved.is_(False), Job.action_id.is_(None),
                                           Job.finished_at < cutoff)).rowcount or 0


def start_job(state: State, owner: str, kind: str, title: str, request: dict, *, demo: bool = False) -> JobView:
    """Queue a job for owner; a UserError when they already have one queued or running (old unsaved runs go first)."""
    reap_stale(state)
    prune(state)
    running = active_job(state, owner)
    if running is not None:
        raise UserError(f"you already have a run in progress ({running.title}, job {running.id}): "
                        "wait for it to finish or cancel it first", field="job")
    now = _now()
    try:
        with state.session() as s:
            row = Job(owner=owner, kind=kind, title=title[:300], request=json.dumps(request, sort_keys=True),
                      status="queued", progress=0.0, message="", cancel_requested=False, saved=False, demo=demo,
                      created_at=now, heartbeat_at=now)
            s.add(row)
            s.flush()
            return _view(row)
    except IntegrityError:  # the partial unique index: another request started one at the same moment
        raise UserError("you already have a run in progress: wait for it to finish or cancel it first",
                        field="job") from None


def get_job(state: State, job_id: int) -> JobView | None:
    """One job, or None."""
    with state.session() as s:
        j = s.get(Job, job_id)
        return None if j is None else _view(j)


def job_result(state: State, job_id: int) -> dict | None:
    """The finished job's result document, or None."""
    with state.session() as s:
        text = s.scalar(select(Job.result).where(Job.id == job_id))
    return None if text is None else json.loads(text)


def list_jobs(state: State, owner: str | None = None, *, saved: bool | None = None, limit: int = 50) -> list[JobView]:
    """Jobs newest first: one owner's, or every saved one (saved=True)."""
    q = select(Job).order_by(Job.id.desc()).limit(limit)
    if owner is not None:
        q = q.where(Job.owner == owner)
    if saved is not None:
        q = q.where(Job.saved.is_(saved))
    with state.session() as s:
        return [_view(j) for j in s.scalars(q)]


def active_job(state: State, owner: str) -> JobView | None:
    """The owner's queued or running job, if any."""
    with state.session() as s:
        j = s.scalars(select(Job).where(Job.owner == owner, Job.status.in_(ACTIVE)).limit(1)).first()
        return None if j is None else _view(j)


def request_cancel(state: State, job_id: int) -> JobView:
    """Cancel a queued job at once, or ask a running one to stop at its next progress report."""
    with state.session() as s:
        j = s.get(Job, job_id)
        if j is None:
            raise UserError(f"no job {job_id}", field="job")
        if j.status not in ACTIVE:
            raise UserError(f"job {job_id} has already finished ({j.status})", field="job")
        j.cancel_requested = True
        if j.status == "queued":
            j.status, j.finished_at, j.message = "cancelled", _now(), "cancelled before it started"
        return _view(j)


def touch(state: State, job_ids: list[int]) -> None:
    """Refresh the heartbeat of queued jobs a live worker pool is holding."""
    with state.session() as s:
        s.execute(update(Job).where(Job.id.in_(job_ids), Job.status == "queued").values(heartbeat_at=_now()))


def claim(state: State, job_id: int) -> bool:
    """Move a queued job to running (False when it was cancelled or claimed meanwhile)."""
    now = _now()
    with state.session() as s:
        r = s.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                      .values(status="running", started_at=now, heartbeat_at=now))
        return (r.rowcount or 0) == 1


def report_progress(state: State, job_id: int, fraction: float) -> bool:
    """Record progress (0 to 1) and a heartbeat; returns True when the job has been asked to stop."""
    with state.session() as s:
        s.execute(update(Job).where(Job.id == job_id, Job.status == "running")
                  .values(progress=max(0.0, min(1.0, float(fraction))), heartbeat_at=_now()))
        return bool(s.scalar(select(Job.cancel_requested).where(Job.id == job_id)))


def finish(state: State, job_id: int, status: str, *, result: dict | None = None, message: str = "") -> None:
    """Record the end of a job: done with its result, failed with a message, or cancelled."""
    if status not in FINISHED:
        raise ValueError(f"not a finished status: {status}")
    with state.session() as s:
        j = s.get(Job, job_id)
        if j is None:
            return
        j.status, j.finished_at, j.message = status, _now(), message[:2000]
        if status == "done":
            j.progress, j.result = 1.0, json.dumps(result, separators=(",", ":"))


def save_job(state: State, job_id: int, title: str | None = None) -> JobView:
    """Keep a finished run (saved runs are listed for everyone who may see scenarios)."""
    with state.session() as s:
        j = s.get(Job, job_id)
        if j is None:
            raise UserError(f"no job {job_id}", field="job")
        if j.status != "done":
            raise UserError("only a finished run can be saved", field="job")
        j.saved = True
        if title and title.strip():
            j.title = title.strip()[:300]
        return _view(j)


def attach_job(state: State, job_id: int, action_id: int | None) -> JobView:
    """Attach a saved run to a joint action (None detaches)."""
    with state.session() as s:
        j = s.get(Job, job_id)
        if j is None:
            raise UserError(f"no job {job_id}", field="job")
        if not j.saved:
            raise UserError("save the run before attaching it to an action", field="action_id")
        if action_id is not None and s.get(JointAction, action_id) is None:
            raise UserError(f"no action {action_id}", field="action_id")
        j.action_id = action_id
        return _view(j)


def saved_runs(state: State, limit: int = 100) -> list[JobView]:
    """Every saved run, newest first."""
    return list_jobs(state, saved=True, limit=limit)


def runs_for_action(state: State, action_id: int) -> list[JobView]:
    """The saved runs attached to an action, newest first."""
    with state.session() as s:
        return [_view(j) for j in s.scalars(select(Job).where(Job.action_id == action_id, Job.saved.is_(True))
                                            .order_by(Job.id.desc()))]


def latest_done(state: State, scenario: str, owner: str | None = None) -> JobView | None:
    """The newest finished run of a shipped scenario: saved runs first, then the owner's own."""
    with state.session() as s:
        rows = s.scalars(select(Job).where(Job.status == "done", Job.kind == "scenario",
                                           or_(Job.saved.is_(True), Job.owner == (owner or "")))
                         .order_by(Job.saved.desc(), Job.id.desc()).limit(200))
        for j in rows:
            if json.loads(j.request).get("scenario") == scenario:
                return _view(j)
    return None


def delete_demo_jobs(state: State) -> int:
    """Remove the runs a previous `joinedup demo` saved (returns how many)."""
    from sqlalchemy import delete
    with state.session() as s:
        return s.execute(delete(Job).where(Job.demo.is_(True))).rowcount or 0
