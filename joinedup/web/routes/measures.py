"""The measure explorer: any measure by period and breakdown, as chart, map, table and CSV."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from joinedup.errors import UserError
from joinedup.web.auth import allow
from joinedup.web.data import BREAKDOWN_LABELS, SECTOR_LABELS, ward_centroids
from joinedup.web.render import fmt_value, page
from joinedup.web.security import client_of
from joinedup.web.state import audit

__all__ = ["router", "CSV_COLUMNS"]

router = APIRouter()

#: The CSV download's columns (the same rows `joinedup measures run --json` prints).
CSV_COLUMNS = ("measure", "kind", "period", "breakdown", "group", "numerator", "denominator", "value", "ci_low",
               "ci_high", "suppressed")


def _info(request: Request, measure_id: str):
    try:
        return request.app.state.data.info(measure_id)
    except UserError:
        raise HTTPException(status_code=404) from None


def _choice(request: Request, info, period: str | None, by: str) -> tuple[list[str], str | None, str]:
    years = request.app.state.data.years()
    if by != "all" and by not in info.breakdowns:
        raise HTTPException(status_code=404)
    if period is not None and period not in years:
        raise HTTPException(status_code=404)
    return years, period or (years[-1] if years else None), by


def _bar_figure(info, rows: list) -> dict:
    """Plotly figure: one bar per group of the last period, 95% CI as error bars; suppressed groups named."""
    last = rows[-1].period if rows else None
    groups = [r for r in rows if r.period == last and r.breakdown != "all"]
    shown = [r for r in groups if not r.suppressed and r.value is not None]
    hidden = [r.group for r in groups if r.suppressed]
    trace = {"type": "bar", "x": [r.group for r in shown], "y": [r.value for r in shown], "marker": {"color": "#1d5b8f"},
             "error_y": {"type": "data", "symmetric": False, "array": [(r.ci_high or r.value) - r.value for r in shown],
                         "arrayminus": [r.value - (r.ci_low if r.ci_low is not None else r.value) for r in shown],
                         "color": "#222"},
             "hovertemplate": "%{x}: %{y}<extra></extra>"}
    note = f"Suppressed (small numbers): {', '.join(hidden)}" if hidden else ""
    return {"data": [trace], "layout": {"margin": {"l": 60, "r": 10, "t": 30, "b": 90}, "height": 360,
                                        "yaxis": {"title": {"text": info.unit.replace("_", " ")}, "rangemode": "tozero"},
                                        "title": {"text": f"{last}: 95% confidence intervals", "font": {"size": 13}},
                                        "annotations": [{"text": note, "xref": "paper", "yref": "paper", "x": 0, "y": -0.42,
                                                         "showarrow": False, "font": {"size": 11}}] if note else []}}


def _trend_figure(info, series) -> dict:
    return {"data": [{"type": "scatter", "mode": "lines+markers", "x": series.periods, "y": series.values,
                      "line": {"color": "#1d5b8f"}, "connectgaps": False}],
            "layout": {"margin": {"l": 60, "r": 10, "t": 30, "b": 50}, "height": 300,
                       "yaxis": {"title": {"text": info.unit.replace("_", " ")}, "rangemode": "tozero"},
                       "title": {"text": "Trend over complete years (gaps are suppressed)", "font": {"size": 13}}}}


def _map_figure(info, rows: list) -> dict | None:
    """Ward centroids (from the shipped LSOA centroids) coloured by value; suppressed wards hollow."""
    wards = ward_centroids()
    last = rows[-1].period if rows else None
    cells = [r for r in rows if r.period == last and r.breakdown == "ward" and r.group in wards]
    if not cells:
        return None
    shown = [r for r in cells if not r.suppressed and r.value is not None]
    hidden = [r for r in cells if r.suppressed]
    data = [{"type": "scatter", "mode": "markers", "name": "value",
             "x": [wards[r.group]["lon"] for r in shown], "y": [wards[r.group]["lat"] for r in shown],
             "text": [f"{wards[r.group]['name']}: {fmt_value(r.value, info.unit)}" for r in shown],
             "hovertemplate": "%{text}<extra></extra>",
             "marker": {"size": 18, "color": [r.value for r in shown], "colorscale": "Blues", "showscale": True,
                        "line": {"color": "#333", "width": 1}, "colorbar": {"title": {"text": info.unit.replace("_", " ")}}}}]
    if hidden:
        data.append({"type": "scatter", "mode": "markers", "name": "suppressed",
                     "x": [wards[r.group]["lon"] for r in hidden], "y": [wards[r.group]["lat"] for r in hidden],
                     "text": [f"{wards[r.group]['name']}: suppressed" for r in hidden],
                     "hovertemplate": "%{text}<extra></extra>",
                     "marker": {"size": 14, "symbol": "circle-open", "color": "#666"}})
    return {"data": data, "layout": {"height": 420, "margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "showlegend": bool(hidden),
                                     "title": {"text": f"By ward, {last} (ward centres; no map tiles)", "font": {"size": 13}},
                                     "xaxis": {"visible": False}, "yaxis": {"visible": False, "scaleanchor": "x",
                                                                           "scaleratio": 1.6}}}


@router.get("/measures")
def measures_list(request: Request, q: str = "", user=allow("measures")) -> Response:
    """Every measure, by sector, with a search box."""
    catalogue = request.app.state.data.catalogue()
    needle = q.strip().lower()
    shown = [m for m in catalogue if not needle or needle in m.title.lower() or needle in m.id or needle in m.description.lower()]
    by_sector = [(label, [m for m in shown if m.sectors[0] == s]) for s, label in SECTOR_LABELS.items()]
    return page(request, "measures.html", title="Measures", q=q, by_sector=[b for b in by_sector if b[1]],
                count=len(shown))


@router.get("/measures/{measure_id}")
def measure_page(request: Request, measure_id: str, period: str | None = None, by: str = "all",
                 user=allow("measures")) -> Response:
    """One measure: definition, chart, map, table with CIs, trend, peers; a breakdown change swaps the results."""
    from joinedup import glossary
    info = _info(request, measure_id)
    data = request.app.state.data
    years, period, by = _choice(request, info, period, by)
    rows = data.results(measure_id, period, by) if period else []
    context = {"info": info, "years": years, "period": period, "by": by, "rows": rows,
               "bar": _bar_figure(info, rows) if by != "all" and rows else None,
               "map": _map_figure(info, rows) if by == "ward" else None,
               "breakdowns": ["all", *info.breakdowns], "BREAKDOWN_LABELS": BREAKDOWN_LABELS}
    if request.headers.get("hx-request") == "true":
        response = page(request, "measure_results.html", **context)
        # The address bar follows the choice, so the view can be bookmarked and shared.
        response.headers["HX-Push-Url"] = f"/measures/{measure_id}?period={period}&by={by}"
        return response
    trend = data.trend(measure_id) if years else None
    definition = glossary.link_html(info.description, link="/glossary/term/{id}")
    return page(request, "measure.html", title=info.title, trend=trend,
                trend_plot=_trend_figure(info, trend) if trend else None, definition=definition,
                peer=data.peer_context(measure_id), paired=[data.info(p) for p in info.paired_with], **context)


@router.get("/measures/{measure_id}/csv")
def measure_csv(request: Request, measure_id: str, period: str | None = None, by: str = "all",
                user=allow("measures")) -> Response:
    """The rows on the page as CSV (suppressed cells empty, with suppressed=true); audited as an export."""
    info = _info(request, measure_id)
    _, period, by = _choice(request, info, period, by)
    if period is None:
        raise HTTPException(status_code=404)
    rows = request.app.state.data.results(measure_id, period, by)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        d = r.as_row()
        w.writerow(["" if d[k] is None else str(d[k]).lower() if isinstance(d[k], bool) else d[k] for k in CSV_COLUMNS])
    audit.record(request.app.state.state, user.name, "export", f"/measures/{measure_id}/csv",
                 {"measure": measure_id, "period": period, "by": by, "rows": len(rows)}, client_of(request))
    name = f"{measure_id}_{period}_{by}.csv"
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
