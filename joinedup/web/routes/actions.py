"""Joint actions tied to outcomes: list, add, edit, the action's page with its verdict, CSV export and import."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.errors import UserError
from joinedup.web.auth import allow, may
from joinedup.web.render import page
from joinedup.web.security import client_of, verify_csrf
from joinedup.web.state import audit
from joinedup.web.state.joint import (KINDS, SECTORS, STATUSES, ActionIn, add_action, export_csv, get_action,
                                      import_csv, list_actions, update_action)
from joinedup.web.verdict import financial_year_of, verdict

__all__ = ["router", "trend_figure", "action_verdicts", "attached_runs"]

router = APIRouter()

STATUS_LABELS = {"agreed": "Agreed", "in_progress": "In progress", "done": "Done", "stopped": "Stopped"}
#: Most actions are the same for every measure list: outcome measures first (the ones an action may move).
MAX_UPLOAD = 1_000_000


def _measures(request: Request) -> tuple[list, list]:
    cat = request.app.state.data.catalogue()
    return [m for m in cat if m.kind == "outcome"], [m for m in cat if m.kind == "process"]


def trend_figure(series, agreed_year: str, agreed_on: date, unit: str) -> dict:
    """Plotly figure of a measure's trend with the year the action was agreed marked."""
    shapes, notes = [], []
    if agreed_year in series.periods:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": agreed_year, "x1": agreed_year, "y0": 0, "y1": 1,
                       "line": {"color": "#b35c00", "width": 2, "dash": "dash"}})
        notes.append({"x": agreed_year, "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom", "showarrow": False,
                      "text": f"agreed {agreed_on.isoformat()}", "font": {"color": "#8a4500", "size": 12}})
    return {"data": [{"type": "scatter", "mode": "lines+markers", "x": series.periods, "y": series.values,
                      "line": {"color": "#1d5b8f"}, "connectgaps": False, "name": series.title}],
            "layout": {"margin": {"l": 60, "r": 10, "t": 40, "b": 50}, "height": 300, "shapes": shapes, "annotations": notes,
                       "xaxis": {"type": "category"},
                       "yaxis": {"title": {"text": unit.replace("_", " ")}, "rangemode": "tozero"}}}


def action_verdicts(data, action) -> list[dict]:
    """Each outcome measure of an action: info, full trend, figure and verdict."""
    out = []
    for mid in action.outcome_measures:
        info = data.info(mid)
        v = verdict(data, mid, action.agreed_on)
        series = data.trend(mid)
        out.append({"info": info, "verdict": v, "trend": series,
                    "figure": trend_figure(series, financial_year_of(action.agreed_on), action.agreed_on, info.unit)})
    return out


async def _form_action(request: Request) -> tuple[ActionIn, dict]:
    form = await request.form()
    raw = {k: form.get(k, "") for k in ("title", "agreed_on", "review_on", "process_measure", "status", "kind", "notes")}
    a = ActionIn(title=str(raw["title"]), sectors=tuple(str(s) for s in form.getlist("sectors")),
                 agreed_on=str(raw["agreed_on"]), review_on=str(raw["review_on"]),
                 outcome_measures=tuple(str(m) for m in form.getlist("outcome_measures")),
                 process_measure=str(raw["process_measure"]), status=str(raw["status"] or "agreed"),
                 urgent=form.get("urgent") == "on", important=form.get("important") == "on",
                 kind=str(raw["kind"] or "outcome"), notes=str(raw["notes"]))
    return a, raw


def _form_page(request: Request, action, values: ActionIn | None, error: str | None, status_code: int = 200) -> Response:
    outcomes, processes = _measures(request)
    return page(request, "action_form.html", status_code=status_code, title="Edit action" if action else "New action",
                action=action, v=values, error=error, outcomes=outcomes, processes=processes, sectors=SECTORS,
                statuses=STATUS_LABELS, kinds=KINDS)


@router.get("/actions")
def actions_list(request: Request, status: str = "", user=allow("actions")) -> Response:
    """Every action with its tags, owners, dates and the outcome measures it should move."""
    if status and status not in STATUSES:
        raise HTTPException(status_code=404)
    actions = [a for a in list_actions(request.app.state.state) if not status or a.status == status]
    titles = {m.id: m.title for m in request.app.state.data.catalogue()}
    today = date.today()
    return page(request, "actions.html", title="Joint actions", actions=actions, titles=titles, status=status,
                statuses=STATUS_LABELS, today=today, can_edit=may(user, "actions_edit"), imported=None, rejected=[])


@router.get("/actions/new")
def action_new(request: Request, user=allow("actions_edit")) -> Response:
    """The form for a new action."""
    return _form_page(request, None, None, None)


@router.post("/actions/new")
async def action_create(request: Request, user=allow("actions_edit")) -> Response:
    """Record a new action (audited)."""
    await verify_csrf(request)
    values, _ = await _form_action(request)
    try:
        a = add_action(request.app.state.state, values, user.name)
    except UserError as e:
        return _form_page(request, None, values, str(e), status_code=400)
    audit.record(request.app.state.state, user.name, "action.add", f"/actions/{a.id}", a.as_row(), client_of(request))
    return RedirectResponse(f"/actions/{a.id}", status_code=303)


@router.get("/actions/export.csv")
def actions_export(request: Request, user=allow("actions")) -> Response:
    """Every action as CSV (audited as an export)."""
    actions = list_actions(request.app.state.state)
    audit.record(request.app.state.state, user.name, "export", "/actions/export.csv", {"rows": len(actions)},
                 client_of(request))
    return Response(export_csv(actions), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="joinedup-actions.csv"'})


@router.post("/actions/import")
async def actions_import(request: Request, user=allow("actions_edit")) -> Response:
    """Add and update actions from an uploaded CSV; nothing is written when any row is rejected (audited)."""
    await verify_csrf(request)
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise HTTPException(status_code=400, detail="no file")
    raw = await upload.read(MAX_UPLOAD + 1)
    name = (upload.filename or "upload.csv").rsplit("/", 1)[-1]
    st = request.app.state.state
    if len(raw) > MAX_UPLOAD:
        rejected, result = [f"{name}: the file is larger than 1 MB"], None
    else:
        try:
            result = import_csv(st, raw.decode("utf-8"), name, user.name)
            rejected = result.rejected
        except UnicodeDecodeError:
            rejected, result = [f"{name}: not UTF-8 text"], None
    if result is not None and not rejected:
        audit.record(st, user.name, "action.import", "/actions/import",
                     {"file": name, "created": result.created, "updated": result.updated}, client_of(request))
    titles = {m.id: m.title for m in request.app.state.data.catalogue()}
    return page(request, "actions.html", status_code=400 if rejected else 200, title="Joint actions",
                actions=list_actions(st), titles=titles, status="", statuses=STATUS_LABELS, today=date.today(),
                can_edit=True, imported=None if rejected else result, rejected=rejected)


def _get(request: Request, action_id: int):
    a = get_action(request.app.state.state, action_id)
    if a is None:
        raise HTTPException(status_code=404)
    return a


@router.get("/actions/{action_id}")
def action_page(request: Request, action_id: int, user=allow("actions")) -> Response:
    """One action: its owners, tags, dates, and each outcome measure's trend with the date agreed and the verdict."""
    a = _get(request, action_id)
    data = request.app.state.data
    process = data.trend(a.process_measure) if a.process_measure else None
    return page(request, "action.html", title=a.title, a=a, rows=action_verdicts(data, a), process=process,
                statuses=STATUS_LABELS, can_edit=may(user, "actions_edit"), runs=attached_runs(request.app.state.state, a.id),
                can_scenarios=may(user, "scenarios"))


def attached_runs(state, action_id: int) -> list[dict]:
    """The saved scenario runs attached to an action, each with its answer at the end of the run."""
    from joinedup.web.fans import summary_rows
    from joinedup.web.state.jobs import job_result, runs_for_action
    out = []
    for job in runs_for_action(state, action_id):
        result = job_result(state, job.id)
        if result is not None:
            answer = [n for n in result["answer"] if n in result["indicators"]] or list(result["indicators"])[:4]
            out.append({"job": job, "question": " ".join(result["question"].split()), "rows": summary_rows(result, answer)})
    return out


@router.get("/actions/{action_id}/edit")
def action_edit(request: Request, action_id: int, user=allow("actions_edit")) -> Response:
    """The form to change an action."""
    a = _get(request, action_id)
    return _form_page(request, a, None, None)


@router.post("/actions/{action_id}/edit")
async def action_update(request: Request, action_id: int, user=allow("actions_edit")) -> Response:
    """Change an action (audited with the fields that changed)."""
    await verify_csrf(request)
    a = _get(request, action_id)
    values, _ = await _form_action(request)
    try:
        a, changed = update_action(request.app.state.state, action_id, values)
    except UserError as e:
        return _form_page(request, a, values, str(e), status_code=400)
    if changed:
        audit.record(request.app.state.state, user.name, "action.change", f"/actions/{a.id}", changed, client_of(request))
    return RedirectResponse(f"/actions/{a.id}", status_code=303)
