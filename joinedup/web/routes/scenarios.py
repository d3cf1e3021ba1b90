"""Scenarios in the browser: pick a shipped scenario or set levers, run the ensemble as a background job
(progress that survives a reload, cancel, one running job per user), fan charts, save, attach to an action.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.errors import UserError
from joinedup.web.auth import allow, may
from joinedup.web.fans import MODEL_TITLES, by_model, fan_figure, summary_rows
from joinedup.web.jobs import MAX_RUN_YEARS, MAX_RUNS, MAX_YEARS, MIN_YEARS, custom_request, scenario_request, start_scenario
from joinedup.web.render import page
from joinedup.web.security import client_of, verify_csrf
from joinedup.web.state import audit
from joinedup.web.state import jobs as store
from joinedup.web.state.joint import list_actions

__all__ = ["router", "shipped", "visible"]

router = APIRouter()

STATUS_LABELS = {"queued": "Waiting to start", "running": "Running", "done": "Finished", "failed": "Failed",
                 "cancelled": "Cancelled"}
DEFAULTS = {"runs": 500, "years": 5, "seed": 1, "params": "default"}


@lru_cache(maxsize=1)
def shipped() -> list[dict]:
    """The shipped scenarios: name, title, question, levers changed and the indicators that answer it."""
    from joinedup.model import api
    out = []
    for name in api.scenarios():
        sc = api.scenario(name)
        out.append({"name": name, "title": sc.title, "question": " ".join(sc.question.split()),
                    "changes": [c.model_dump(exclude_none=True) for c in sc.changes], "answer": list(sc.answer)})
    return out


def visible(user, job: store.JobView) -> bool:
    """A run is seen by its owner, by admins, and (once saved) by everyone who may open scenarios."""
    return job.owner == user.name or user.role == "admin" or job.saved


def _levers() -> list:
    from joinedup.model import api
    return api.levers()


def _home(request: Request, user, *, error: str | None = None, form: dict | None = None, status_code: int = 200,
          levers_form: dict | None = None, lever_error: str | None = None) -> Response:
    st = request.app.state.state
    store.reap_stale(st)
    mine = store.list_jobs(st, user.name, limit=10)
    return page(request, "scenarios.html", status_code=status_code, title="Scenarios", shipped=shipped(),
                levers=_levers(), mine=mine, saved=store.saved_runs(st, limit=30), active=store.active_job(st, user.name),
                error=error, form=form or DEFAULTS, lf=levers_form or {}, lever_error=lever_error,
                statuses=STATUS_LABELS, MODEL_TITLES=MODEL_TITLES, max_runs=MAX_RUNS, max_run_years=MAX_RUN_YEARS, min_years=MIN_YEARS,
                max_years=MAX_YEARS)


@router.get("/scenarios")
def scenarios_page(request: Request, user=allow("scenarios")) -> Response:
    """The shipped scenarios, the lever form, the user's runs (with progress) and every saved run."""
    return _home(request, user)


def _start(request: Request, user, req: dict) -> Response:
    st = request.app.state.state
    job = start_scenario(st, request.app.state.jobs, user.name, req, store_path=request.app.state.config.store)
    audit.record(st, user.name, "scenario.start", f"/scenarios/jobs/{job.id}",
                 {k: v for k, v in req.items() if k != "question"}, client_of(request))
    return RedirectResponse(f"/scenarios/jobs/{job.id}", status_code=303)


@router.post("/scenarios/run")
async def scenario_run(request: Request, user=allow("scenarios")) -> Response:
    """Start a shipped scenario's ensemble as a background job (audited)."""
    await verify_csrf(request)
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in ("scenario", "runs", "years", "seed", "params")}
    try:
        req = scenario_request(values["scenario"], values["runs"], values["years"], values["seed"] or 1,
                               values["params"] or "default")
        return _start(request, user, req)
    except UserError as e:
        code = 409 if e.field == "job" else 400
        return _home(request, user, error=str(e), form=values, status_code=code)


@router.post("/scenarios/custom")
async def scenario_custom(request: Request, user=allow("scenarios")) -> Response:
    """Start an ensemble with the levers set in the form, checked as `joinedup simulate` checks a file (audited)."""
    await verify_csrf(request)
    form = await request.form()
    raw = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    changes = []
    try:
        for lever in _levers():
            to = raw.get(f"to.{lever.name}", "").strip()
            if not to:
                continue
            change = {"lever": lever.name, "to": _float(to, f"to.{lever.name}")}
            for part in ("start_year", "ramp_years"):
                v = raw.get(f"{part}.{lever.name}", "").strip()
                if v:
                    change[part] = _float(v, f"{part}.{lever.name}")
            changes.append(change)
        req = custom_request(raw.get("title", ""), raw.get("question", ""), changes, raw.get("runs", ""),
                             raw.get("years", ""), raw.get("seed", "") or 1, raw.get("params", "") or "default")
        return _start(request, user, req)
    except UserError as e:
        code = 409 if e.field == "job" else 400
        return _home(request, user, levers_form=raw, lever_error=str(e), status_code=code)


def _float(v: str, field: str) -> float:
    try:
        return float(v)
    except ValueError:
        raise UserError(f"{v!r} is not a number", file="the lever form", field=field) from None


def _job(request: Request, user, job_id: int) -> store.JobView:
    st = request.app.state.state
    store.reap_stale(st)
    job = store.get_job(st, job_id)
    if job is None or job.kind != "scenario" or not visible(user, job):
        raise HTTPException(status_code=404)
    return job


def _own_job(request: Request, user, job_id: int) -> store.JobView:
    """A run its owner (or an admin) may change: 404 if it cannot be seen, 403 if it is someone else's."""
    job = _job(request, user, job_id)
    if job.owner != user.name and user.role != "admin":
        raise HTTPException(status_code=403)
    return job


@router.get("/scenarios/jobs/{job_id}")
def job_page(request: Request, job_id: int, user=allow("scenarios")) -> Response:
    """One run: its progress while it runs, then fan charts of baseline against scenario across the four models."""
    job = _job(request, user, job_id)
    st = request.app.state.state
    result = store.job_result(st, job.id) if job.status == "done" else None
    ctx: dict = {"job": job, "result": None, "statuses": STATUS_LABELS, "MODEL_TITLES": MODEL_TITLES,
                 "is_owner": job.owner == user.name, "can_attach": may(user, "actions_edit")}
    if result is not None:
        groups = by_model(result)
        answer = [n for n in result["answer"] if n in result["indicators"]]
        ctx.update(result=result, answer=summary_rows(result, answer),
                   answer_figure=fan_figure(result, answer) if answer else None,
                   models=[{"model": m, "title": MODEL_TITLES.get(m, m), "rows": summary_rows(result, names),
                            "figure": fan_figure(result, names)} for m, names in groups.items()],
                   actions=list_actions(st) if ctx["can_attach"] else [],
                   attached=next((a for a in list_actions(st) if a.id == job.action_id), None))
    return page(request, "scenario_job.html", title=f"Run {job.id}: {job.title}", **ctx)


@router.get("/scenarios/jobs/{job_id}/progress")
def job_progress(request: Request, job_id: int, user=allow("scenarios")) -> Response:
    """The progress bar alone (htmx polls it); once the run has finished the page is reloaded to show it."""
    job = _job(request, user, job_id)
    resp = page(request, "scenario_progress.html", job=job, statuses=STATUS_LABELS)
    if not job.active and request.headers.get("hx-request"):
        resp.headers["HX-Redirect"] = f"/scenarios/jobs/{job.id}"
    return resp


@router.post("/scenarios/jobs/{job_id}/cancel")
async def job_cancel(request: Request, job_id: int, user=allow("scenarios")) -> Response:
    """Cancel a queued or running run (its owner or an admin; audited)."""
    await verify_csrf(request)
    job = _own_job(request, user, job_id)
    st = request.app.state.state
    try:
        job = store.request_cancel(st, job.id)
    except UserError as e:
        raise HTTPException(status_code=409, detail=str(e)) from None
    audit.record(st, user.name, "scenario.cancel", f"/scenarios/jobs/{job.id}", {"status": job.status},
                 client_of(request))
    return RedirectResponse(f"/scenarios/jobs/{job.id}", status_code=303)


@router.post("/scenarios/jobs/{job_id}/save")
async def job_save(request: Request, job_id: int, user=allow("scenarios")) -> Response:
    """Save a finished run under a title so everyone who may see scenarios can open it (its owner; audited)."""
    await verify_csrf(request)
    job = _own_job(request, user, job_id)
    form = await request.form()
    st = request.app.state.state
    try:
        job = store.save_job(st, job.id, str(form.get("title", "")))
    except UserError as e:
        raise HTTPException(status_code=409, detail=str(e)) from None
    audit.record(st, user.name, "scenario.save", f"/scenarios/jobs/{job.id}", {"title": job.title}, client_of(request))
    return RedirectResponse(f"/scenarios/jobs/{job.id}", status_code=303)


@router.post("/scenarios/jobs/{job_id}/attach")
async def job_attach(request: Request, job_id: int, user=allow("actions_edit")) -> Response:
    """Attach a saved run to a joint action, or detach it (audited)."""
    await verify_csrf(request)
    if not may(user, "scenarios"):
        raise HTTPException(status_code=403)
    job = _job(request, user, job_id)
    form = await request.form()
    raw = str(form.get("action_id", "")).strip()
    st = request.app.state.state
    try:
        action_id = int(raw) if raw else None
    except ValueError:
        raise HTTPException(status_code=400) from None
    try:
        job = store.attach_job(st, job.id, action_id)
    except UserError as e:
        raise HTTPException(status_code=400, detail=str(e)) from None
    audit.record(st, user.name, "scenario.attach", f"/scenarios/jobs/{job.id}", {"action_id": action_id},
                 client_of(request))
    return RedirectResponse(f"/actions/{action_id}" if action_id else f"/scenarios/jobs/{job.id}", status_code=303)


@router.get("/scenarios/jobs/{job_id}/scenario.yaml")
def job_scenario_file(request: Request, job_id: int, user=allow("scenarios")) -> Response:
    """The run's scenario as a file `joinedup simulate` reads (the shipped file, or the levers set in the form)."""
    import yaml

    from joinedup.model import api
    job = _job(request, user, job_id)
    req = job.request
    if req["scenario"] == "custom":
        text = yaml.safe_dump({"name": "custom", "title": req["title"], "question": req["question"],
                               "changes": req["changes"]}, sort_keys=False, allow_unicode=True)
    else:
        text = api.scenarios()[req["scenario"]].read_text(encoding="utf-8")
    name = "custom" if req["scenario"] == "custom" else req["scenario"]
    return Response(text, media_type="application/yaml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.yaml"'})


@router.get("/scenarios/jobs/{job_id}/result.json")
def job_result_file(request: Request, job_id: int, user=allow("scenarios")) -> Response:
    """The finished run's result, as `joinedup simulate --json` prints it (audited as an export)."""
    import json
    job = _job(request, user, job_id)
    st = request.app.state.state
    result = store.job_result(st, job.id) if job.status == "done" else None
    if result is None:
        raise HTTPException(status_code=404)
    audit.record(st, user.name, "export", f"/scenarios/jobs/{job.id}/result.json", {"job": job.id}, client_of(request))
    return Response(json.dumps(result), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="joinedup-run-{job.id}.json"'})
