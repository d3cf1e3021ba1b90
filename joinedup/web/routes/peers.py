"""Peers: the place beside its statistical neighbours and England, funnel plots and Ofsted judgements."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from joinedup.peers.funnel import curves
from joinedup.peers.text import ofsted_sentence, sentence
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
    said = {"ofsted": ofsted_sentence(doc["area"]["name"], doc.get("ofsted")),
            "chosen": sentence(doc["area"]["name"], chosen) if chosen else None} if doc is not None else {}
    return page(request, "peers.html", title="Peers", doc=doc, chosen=chosen, funnel=funnel, said=said,
                ofsted=_ofsted_rows(doc.get("ofsted") if doc else None))


_JUDGEMENTS = (("overall", "Overall effectiveness"), ("impact_of_leaders", "Impact of leaders"),
               ("help_and_protection", "Help and protection"), ("in_care", "Children in care"),
               ("care_leavers", "Care leavers"))


def _ofsted_rows(ofsted: dict | None) -> list[tuple[str, str]]:
    """The inspection's judgements and dates as (label, plain words) rows."""
    if not ofsted:
        return []
    rows = []
    for key, label in _JUDGEMENTS:
        v = ofsted.get(key)
        if v:
            # Judgements introduced after the inspection are recorded as e.g. "inspection_pre_dates_judgement".
            rows.append((label, "not judged: the inspection came before this judgement existed" if "_" in v else v))
    if ofsted.get("framework"):
        rows.append(("Kind of inspection", str(ofsted["framework"])))
    if ofsted.get("inspection_start"):
        rows.append(("Inspected", f"{ofsted['inspection_start']} to {ofsted.get('inspection_end') or '?'}"))
    if ofsted.get("publication_date"):
        rows.append(("Published", str(ofsted["publication_date"])))
    return rows
