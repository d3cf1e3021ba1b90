"""Linkage: the person index's quality report and the clerical-review queue (the same decisions as `link decide`)."""

from __future__ import annotations

import math

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from joinedup.errors import UserError
from joinedup.link.decisions import DECISIONS
from joinedup.web.auth import allow
from joinedup.web.render import page
from joinedup.web.security import client_of, verify_csrf
from joinedup.web.state import audit

__all__ = ["router"]

router = APIRouter()


def _histogram(summary: dict) -> dict | None:
    h = summary["histogram"]
    if not h:
        return None
    t = summary["threshold"]
    line = math.log2(t / (1 - t)) if 0 < t < 1 else 0.0  # the threshold as a match weight, where the line is drawn
    return {"data": [{"type": "bar", "x": [(r["bin_low"] + r["bin_high"]) / 2 for r in h], "y": [r["pairs"] for r in h],
                      "marker": {"color": "#1d5b8f"}, "hovertemplate": "weight %{x}: %{y} pairs<extra></extra>"}],
            "layout": {"height": 300, "margin": {"l": 60, "r": 10, "t": 30, "b": 50}, "bargap": 0.05,
                       "title": {"text": "Scored pairs by match weight (line: threshold)", "font": {"size": 13}},
                       "xaxis": {"title": {"text": "match weight (log2 Bayes factor)"}},
                       "yaxis": {"title": {"text": "pairs"}, "type": "log"},
                       "shapes": [{"type": "line", "x0": line, "x1": line,
                                   "y0": 0, "y1": 1, "yref": "paper", "line": {"color": "#b3261e", "width": 2}}]}}


def _queue(request: Request, message: str | None = None, status_code: int = 200) -> Response:
    pairs = request.app.state.data.review_pairs(20)
    return page(request, "review_queue.html", status_code=status_code, pairs=pairs, message=message)


@router.get("/linkage")
def linkage(request: Request, user=allow("linkage")) -> Response:
    """Quality summary and the review queue."""
    data = request.app.state.data
    summary = data.linkage()
    return page(request, "linkage.html", title="Linkage", summary=summary,
                histogram=_histogram(summary) if summary else None, pairs=data.review_pairs(20), message=None)


@router.post("/linkage/decide")
async def decide(request: Request, user=allow("linkage")) -> Response:
    """Record match or no-match on a pair; the next link run applies it."""
    await verify_csrf(request)
    form = await request.form()
    a, b, decision = str(form.get("record_a", "")), str(form.get("record_b", "")), str(form.get("decision", ""))
    note = str(form.get("note", "")).strip() or None
    if decision not in DECISIONS:
        raise HTTPException(status_code=400)
    try:
        a, b = await run_in_threadpool(request.app.state.data.decide, a, b, decision, user.name, note)
    except UserError as e:
        if request.headers.get("hx-request") == "true":
            return _queue(request, f"Not recorded: {e}", 400)
        raise HTTPException(status_code=400, detail=str(e)) from None
    audit.record(request.app.state.state, user.name, "link.decide", f"{a} {b}", {"decision": decision},
                 client_of(request))
    message = f"Recorded {decision} for {a} and {b}. The next link run applies it."
    if request.headers.get("hx-request") == "true":
        return _queue(request, message)
    return RedirectResponse("/linkage", status_code=303)
