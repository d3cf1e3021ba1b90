"""Peers: the place beside its statistical neighbours and England, funnel plots and Ofsted judgements."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from joinedup.peers.funnel import curves
from joinedup.web.auth import allow
from joinedup.web.render import page

__all__ = ["router"]

router = APIRouter()


def _funnel_figure(block: dict, place: str) -> dict | None:
    sig = block["significance"]
    lines = curves(sig)
    if lines is None or block["latest"] is None:
        return None
    data = []
    for cov, dash in zip(lines["limits"], ("dash", "solid")):
        for side in ("lower", "upper"):
            data.append({"type": "scatter", "mode": "lines", "x": lines["n"], "y": lines["limits"][cov][side],
                         "line": {"color": "#555", "dash": dash, "width": 1}, "name": f"{cov}% limits",
                         "showlegend": side == "lower", "hoverinfo": "skip"})
    data.append({"type": "scatter", "mode": "lines", "x": [lines["n"][0], lines["n"][-1]], "y": [lines["target"]] * 2,
                 "line": {"color": "#7a7a7a", "width": 1}, "name": "neighbours' pooled figure", "hoverinfo": "skip"})
    data.append({"type": "scatter", "mode": "markers", "name": "neighbours", "x": [p["denominator"] for p in sig["points"]],
                 "y": [p["value"] for p in sig["points"]], "text": [p["name"] for p in sig["points"]],
                 "hovertemplate": "%{text}: %{y}<extra></extra>", "marker": {"color": "#7a7a7a", "size": 8}})
    data.append({"type": "scatter", "mode": "markers", "name": place, "x": [sig["denominator"]],
                 "y": [block["latest"]["value"]], "marker": {"color": "#b3261e", "size": 13, "symbol": "diamond"},
                 "hovertemplate": f"{place}: %{{y}}<extra></extra>"})
    return {"data": data, "layout": {"height": 380, "margin": {"l": 60, "r": 10, "t": 30, "b": 50},
                                     "title": {"text": f"Funnel plot, {block['period_compared']}", "font": {"size": 13}},
                                     "xaxis": {"title": {"text": "denominator"}}, "yaxis": {"title": {"text": block["unit"] or ""}}}}


@router.get("/peers")
def peers(request: Request, measure: str | None = None, user=allow("peers")) -> Response:
    """The headline comparison; one measure's funnel plot when chosen."""
    doc = request.app.state.data.peers()
    chosen, funnel = None, None
    if doc is not None:
        blocks = {b["id"]: b for b in doc["measures"]}
        if measure is not None and measure not in blocks:
            raise HTTPException(status_code=404)
        funnel_ids = [b["id"] for b in doc["measures"] if curves(b["significance"]) is not None]
        chosen = blocks.get(measure or (funnel_ids[0] if funnel_ids else ""))
        funnel = _funnel_figure(chosen, doc["area"]["name"]) if chosen else None
    return page(request, "peers.html", title="Peers", doc=doc, chosen=chosen, funnel=funnel)
