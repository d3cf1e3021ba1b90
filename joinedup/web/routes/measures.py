"""The measure explorer: any measure by period and breakdown, as chart, map, table and CSV."""

from __future__ import annotations

import csv
import io
import math

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from joinedup.errors import UserError
from joinedup.web.auth import allow
from joinedup.web.data import BREAKDOWN_LABELS, SECTOR_LABELS
from joinedup.web.render import fmt_value, page
from joinedup.web.security import client_of
from joinedup.web.state import audit

__all__ = ["router", "CSV_COLUMNS", "MAP_NOTE", "csv_of", "map_figure"]

router = APIRouter()

#: The CSV download's columns (the same rows `joinedup measures run --json` prints).
CSV_COLUMNS = ("measure", "kind", "period", "breakdown", "group", "numerator", "denominator", "value", "ci_low",
               "ci_high", "suppressed")


def csv_of(rows: list) -> str:
    """Released rows as CSV text with CSV_COLUMNS (suppressed cells empty, with suppressed=true)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        d = r.as_row()
        w.writerow(["" if d[k] is None else str(d[k]).lower() if isinstance(d[k], bool) else d[k] for k in CSV_COLUMNS])
    return buf.getvalue()


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


def group_labels(by: str) -> dict[str, str]:
    """Readable names of a breakdown's groups where the rows hold codes (wards: ONS code -> ward name)."""
    if by != "ward":
        return {}
    from joinedup.web.geo import ward_geojson
    return {f["id"]: f["properties"]["name"] for f in ward_geojson()["features"]}


def _bar_figure(info, rows: list, labels: dict[str, str] | None = None) -> dict:
    """Plotly figure: one bar per group of the last period, 95% CI as error bars; suppressed groups named."""
    labels = labels or {}
    last = rows[-1].period if rows else None
    groups = [r for r in rows if r.period == last and r.breakdown != "all"]
    shown = [r for r in groups if not r.suppressed and r.value is not None]
    hidden = [labels.get(r.group, r.group) for r in groups if r.suppressed]
    trace = {"type": "bar", "x": [labels.get(r.group, r.group) for r in shown], "y": [r.value for r in shown], "marker": {"color": "#1d5b8f"},
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


#: The caption under every ward map: the boundaries are drawn from centroids, not published boundary files.
MAP_NOTE = ("Ward boundaries are approximated from the shipped LSOA centroids (each LSOA's Voronoi cell, merged by "
            "ward); they are not the published boundaries. No map tiles are used.")
SUPPRESSED_FILL = {"fillcolor": "#d9d9d9", "fillpattern": {"shape": "/", "fgcolor": "#6b6b6b", "size": 8, "solidity": 0.2}}


def _rings(geometry: dict) -> tuple[list, list]:
    """x and y of every ring of a GeoJSON (Multi)Polygon, rings separated by None (Plotly draws each closed)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    xs: list = []
    ys: list = []
    for polygon in polygons:
        for ring in polygon:
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
    return xs[:-1], ys[:-1]


def map_figure(info, rows: list) -> dict | None:
    """Ward choropleth of the last period: every ward a filled shape; suppressed wards hatched grey, named as such."""
    from plotly.colors import sample_colorscale

    from joinedup.web.geo import ward_geojson
    last = rows[-1].period if rows else None
    cells = {r.group: r for r in rows if r.period == last and r.breakdown == "ward"}
    if not cells:
        return None
    features = ward_geojson()["features"]
    values = [c.value for c in cells.values() if not c.suppressed and c.value is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    span = (hi - lo) or 1.0
    data: list[dict] = []
    for f in features:
        name, r = f["properties"]["name"], cells.get(f["id"])
        x, y = _rings(f["geometry"])
        trace = {"type": "scatter", "mode": "lines", "x": x, "y": y, "fill": "toself", "hoveron": "fills",
                 "line": {"color": "#ffffff", "width": 1}, "showlegend": False, "meta": {"ward": f["id"]}}
        if r is None:
            trace.update(name=f"{name}: no one counted", fillcolor="#ffffff", line={"color": "#8a8a8a", "width": 1})
            trace["meta"]["state"] = "none"
        elif r.suppressed or r.value is None:
            trace.update(name=f"{name}: suppressed (small numbers)", **SUPPRESSED_FILL)
            trace["meta"]["state"] = "suppressed"
        else:
            trace.update(name=f"{name}: {fmt_value(r.value, info.unit)}",
                         fillcolor=sample_colorscale("Blues", [0.15 + 0.85 * (r.value - lo) / span])[0])
            trace["meta"].update(state="value", value=r.value)
        data.append(trace)
    if values:  # the colour scale's key: invisible markers carrying the values
        data.append({"type": "scatter", "mode": "markers", "x": [None], "y": [None], "hoverinfo": "skip",
                     "showlegend": False, "marker": {"color": [lo], "cmin": lo, "cmax": hi, "showscale": True,
                                                     "colorscale": [[0, sample_colorscale("Blues", [0.15])[0]],
                                                                    [1, sample_colorscale("Blues", [1.0])[0]]],
                                                     "colorbar": {"title": {"text": info.unit.replace("_", " ")},
                                                                  "thickness": 14}}})
    if any(t["meta"]["state"] == "suppressed" for t in data if "meta" in t):
        data.append({"type": "scatter", "mode": "lines", "x": [None], "y": [None], "fill": "toself",
                     "name": "suppressed (small numbers)", "showlegend": True, "hoverinfo": "skip", **SUPPRESSED_FILL})
    lat0 = sum(f["properties"]["lat"] for f in features) / len(features)
    return {"data": data, "layout": {"height": 460, "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
                                     "showlegend": True, "legend": {"x": 0, "y": 0, "bgcolor": "rgba(255,255,255,0.8)"},
                                     "hovermode": "closest",
                                     "title": {"text": f"By ward, {last}", "font": {"size": 13}},
                                     "xaxis": {"visible": False},
                                     "yaxis": {"visible": False, "scaleanchor": "x",
                                               "scaleratio": round(1 / math.cos(math.radians(lat0)), 4)}}}


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
    labels = group_labels(by)
    context = {"info": info, "years": years, "period": period, "by": by, "rows": rows, "labels": labels,
               "bar": _bar_figure(info, rows, labels) if by != "all" and rows else None,
               "map": map_figure(info, rows) if by == "ward" else None, "map_note": MAP_NOTE,
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
    text = csv_of(rows)
    audit.record(request.app.state.state, user.name, "export", f"/measures/{measure_id}/csv",
                 {"measure": measure_id, "period": period, "by": by, "rows": len(rows)}, client_of(request))
    name = f"{measure_id}_{period}_{by}.csv"
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
