"""Ways of working and their economic impact: the travel model's page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from joinedup.web.auth import allow, may
from joinedup.web.fans import fan_figure, summary_rows
from joinedup.web.render import page
from joinedup.web.state import jobs as store
from joinedup.web.ways import SCENARIO, assumptions, services_figure, ways_of_working

__all__ = ["router"]

router = APIRouter()


@router.get("/ways-of-working")
async def ways_page(request: Request, user=allow("ways_of_working")) -> Response:
    """Vehicle-km, CO2e, staff hours and cost of face-to-face contacts by service; the remote-appointments scenario."""
    model = await run_in_threadpool(ways_of_working)
    st = request.app.state.state
    run = store.latest_done(st, SCENARIO, user.name)
    ensemble = None
    if run is not None:
        result = store.job_result(st, run.id)
        names = [n for n in result["answer"] if n in result["indicators"]]
        ensemble = {"job": run, "rows": summary_rows(result, names), "figure": fan_figure(result, names)}
    return page(request, "ways_of_working.html", title="Ways of working", m=model, params=assumptions(),
                figure=services_figure(model), ensemble=ensemble, can_run=may(user, "scenarios"),
                active=store.active_job(st, user.name))
