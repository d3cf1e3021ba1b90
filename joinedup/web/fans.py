"""Fan charts (Plotly) and summary rows of a scenario run: the ensemble's 5th-95th percentile band and median
of the baseline against the scenario, per indicator, grouped by the linked model it belongs to.

Everything is read from the document `joinedup simulate --json` writes (a job's result), so a saved
run draws the same charts whenever it is opened.
"""

from __future__ import annotations

import math

from joinedup.model.engine import WEEKS_PER_YEAR

__all__ = ["MODEL_TITLES", "fan_figure", "summary_rows", "by_model", "fmt_sig", "end_value"]

MODEL_TITLES = {"discharge": "Hospital discharge and flow", "workforce": "Care workforce and careers",
                "children": "Children's social care and foster carers", "travel": "Ways of working and travel"}
COLOURS = {"baseline": ("#5b6470", "rgba(91,100,112,0.22)"), "scenario": ("#1d5b8f", "rgba(29,91,143,0.25)")}


def fmt_sig(v: float | None, units: str = "") -> str:
    """A model value as a page shows it: shares as percentages, large numbers without decimals."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if units == "1":
        return f"{100 * v:,.1f}%"
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:,.2f}"
    return f"{v:,.3f}"


def end_value(series: dict, key: str = "p50") -> float:
    """The last value of a percentile series."""
    return series[key][-1]


def by_model(result: dict) -> dict[str, list[str]]:
    """Indicator names grouped by model, in the result's order."""
    out: dict[str, list[str]] = {}
    for name, ind in result["indicators"].items():
        out.setdefault(ind["model"], []).append(name)
    return out


def fan_figure(result: dict, names: list[str], columns: int = 2) -> dict:
    """One Plotly figure with a fan chart per indicator: baseline and scenario bands (5th-95th) and medians."""
    names = [n for n in names if n in result["indicators"]]
    cols = max(1, min(columns, len(names)))
    rows = max(1, math.ceil(len(names) / cols))
    years = [round(w / WEEKS_PER_YEAR, 4) for w in result["weeks"]]
    data, notes, layout = [], [], {}
    for i, name in enumerate(names, 1):
        ind = result["indicators"][name]
        ax = "" if i == 1 else str(i)
        for key, label in (("baseline", "Baseline"), ("scenario", "Scenario")):
            line, fill = COLOURS[key]
            band = ind[key]
            common = {"type": "scatter", "x": years, "xaxis": f"x{ax}", "yaxis": f"y{ax}", "legendgroup": key}
            data.append({**common, "y": band["p95"], "mode": "lines", "line": {"width": 0}, "hoverinfo": "skip",
                         "showlegend": False, "name": f"{label} 95th percentile"})
            data.append({**common, "y": band["p5"], "mode": "lines", "line": {"width": 0}, "fill": "tonexty",
                         "fillcolor": fill, "hoverinfo": "skip", "showlegend": i == 1,
                         "name": f"{label}: 5th to 95th percentile"})
            data.append({**common, "y": band["p50"], "mode": "lines", "showlegend": i == 1,
                         "line": {"color": line, "width": 2, "dash": "dot" if key == "baseline" else "solid"},
                         "name": f"{label}: median",
                         "hovertemplate": f"{label} median %{{y:,.4g}} at year %{{x:.2f}}<extra></extra>"})
        units = ind["units"]
        layout[f"xaxis{ax}"] = {"title": {"text": "years from now"} if i > len(names) - cols else {}, "zeroline": False}
        layout[f"yaxis{ax}"] = {"title": {"text": "share" if units == "1" else units.replace("_", " ")},
                                "tickformat": ".2~%" if units == "1" else None}
        notes.append({"text": f"<b>{ind['title']}</b>", "showarrow": False, "xref": f"x{ax} domain",
                      "yref": f"y{ax} domain", "x": 0, "y": 1.0, "xanchor": "left", "yanchor": "bottom",
                      "font": {"size": 12}})
    for k in list(layout):
        if layout[k].get("tickformat") is None:
            layout[k].pop("tickformat", None)
    height = 130 + 250 * rows
    layout.update({"grid": {"rows": rows, "columns": cols, "pattern": "independent", "ygap": 0.45, "xgap": 0.12},
                   "height": height, "margin": {"l": 70, "r": 20, "t": 40, "b": 100}, "annotations": notes,
                   # the legend sits below the x-axis titles, a fixed 60 px under the plots whatever their number
                   "legend": {"orientation": "h", "x": 0, "yanchor": "top", "y": -60 / (height - 140)},
                   "hovermode": "closest"})
    return {"data": data, "layout": layout}


def summary_rows(result: dict, names: list[str] | None = None) -> list[dict]:
    """Each indicator at the end of the run: baseline and scenario medians, and the difference's median and 90% range."""
    rows = []
    for name in names if names is not None else list(result["indicators"]):
        ind = result["indicators"].get(name)
        if ind is None:
            continue
        d = ind["difference"]
        u = ind["units"]
        rows.append({"name": name, "model": ind["model"], "title": ind["title"], "units": u, "better": ind["better"],
                     "baseline": fmt_sig(end_value(ind["baseline"]), u), "scenario": fmt_sig(end_value(ind["scenario"]), u),
                     "difference": fmt_sig(end_value(d), u), "low": fmt_sig(end_value(d, "p5"), u),
                     "high": fmt_sig(end_value(d, "p95"), u), "raw_difference": end_value(d)})
    return rows
