"""The ways-of-working page's figures: the travel model's vehicle-km, CO2e, staff hours and cost of face-to-face
contacts by service, their share of the place's daytime traffic, and the remote-appointments scenario.

Each service's part is what the travel model loses when that service's face-to-face contacts are taken
out (its appointments set to zero, or its visits' distance): the model is linear in them, so the parts add
up to the total exactly (checked here). Every figure is the model's, at its central parameter values;
the assumptions behind them are the model's parameters, shown with their sources.
"""

from __future__ import annotations

from functools import lru_cache

from joinedup.model.engine import WEEKS_PER_YEAR

__all__ = ["SERVICES", "SCENARIO", "METRICS", "ways_of_working", "assumptions", "services_figure"]

SCENARIO = "remote-appointments"
#: (id, label, the parameters that take the service's face-to-face contacts out of the model)
SERVICES = (
    ("gp", "General practice appointments", {"travel.gp_appointments": 0}),
    ("outpatient", "Hospital outpatient appointments", {"travel.outpatient_appointments": 0}),
    ("community", "Community health clinics and home visits", {"travel.community_appointments": 0}),
    ("social_care", "Adult social care assessments and reviews", {"travel.social_care_appointments": 0}),
    ("care_visits", "Home care and reablement visits", {"travel.home_care_km_per_visit": 0}),
    ("children", "Children's social work statutory visits", {"travel.children_base_km": 0}),
)
#: (key, label, indicator, how a year is read from it, units shown)
METRICS = (
    ("vehicle_km", "Vehicle-km a year", "travel__vehicle_km", "weekly", "km"),
    ("co2e_tonnes", "CO2e a year (tonnes)", "travel__co2e_total", "cumulative_tonnes", "t"),
    ("staff_hours", "Staff hours driving a year", "travel__staff_hours_total", "cumulative", "hours"),
    ("cost", "Travel cost a year (GBP)", "travel__travel_cost_total", "cumulative", "GBP"),
    ("patient_trips", "Patient car trips a year", "travel__patient_trips", "weekly", "trips"),
    ("traffic_share", "Share of the place's daytime vehicle-km", "travel__share_of_daytime_traffic", "level", "%"),
)


def _year(series, how: str, points_a_year: int) -> float:
    """The final year's figure from a saved series (weekly rates x 52, cumulative totals' last-year increase)."""
    if how == "weekly":
        return float(series[-1]) * WEEKS_PER_YEAR
    if how == "level":
        return float(series[-1])
    gain = float(series[-1] - series[-1 - points_a_year])
    return gain / 1000 if how == "cumulative_tonnes" else gain


@lru_cache(maxsize=4)
def ways_of_working(years: int = 5) -> dict:
    """Per service and in total: each metric in the final simulated year, baseline and remote-appointments scenario."""
    from joinedup.model import api
    from joinedup.model.simulate import REPORT_EVERY_WEEKS
    sc = api.scenario(SCENARIO)
    variants = {"all": {}, **{sid: over for sid, _, over in SERVICES}}
    v = api.variants(sc, variants, years=years)
    per_year = WEEKS_PER_YEAR // REPORT_EVERY_WEEKS
    rows, totals = [], {}
    for key, _, ind, how, _ in METRICS:
        base, scen = v.baseline[ind], v.scenario_values[ind]
        b_all, s_all = _year(base[:, 0], how, per_year), _year(scen[:, 0], how, per_year)
        totals[key] = {"baseline": b_all, "scenario": s_all, "change": s_all - b_all}
    for i, (sid, label, over) in enumerate(SERVICES, 1):
        row = {"id": sid, "label": label, "taken_out": ", ".join(f"{k} = {x:g}" for k, x in over.items())}
        for key, _, ind, how, _ in METRICS:
            base, scen = v.baseline[ind], v.scenario_values[ind]
            b = totals[key]["baseline"] - _year(base[:, i], how, per_year)
            s = totals[key]["scenario"] - _year(scen[:, i], how, per_year)
            row[key] = {"baseline": b, "scenario": s, "change": s - b}
        rows.append(row)
    for key in totals:  # the parts add up to the whole (the model is linear in each service's contacts)
        parts = sum(r[key]["baseline"] for r in rows)
        whole = totals[key]["baseline"]
        if abs(parts - whole) > 1e-6 * max(1.0, abs(whole)):
            raise RuntimeError(f"{key}: the services add up to {parts:g}, not the model's total {whole:g}")
    return {"scenario": {"name": SCENARIO, "title": sc.title, "question": " ".join(sc.question.split()),
                         "changes": [c.model_dump(exclude_none=True) for c in sc.changes]},
            "years": years, "rows": rows, "totals": totals, "metrics": METRICS}


@lru_cache(maxsize=1)
def assumptions() -> list[dict]:
    """Every parameter and input of the travel model with its value and source."""
    from joinedup.model import api
    return api.parameters("travel")


def services_figure(model: dict) -> dict:
    """A Plotly bar chart of vehicle-km a year by service: baseline against the remote-appointments scenario."""
    labels = [r["label"] for r in model["rows"]]
    data = [{"type": "bar", "orientation": "h", "y": labels, "x": [round(r["vehicle_km"][k]) for r in model["rows"]],
             "name": name, "marker": {"color": colour},
             "hovertemplate": "%{y}: %{x:,.0f} vehicle-km a year<extra>" + name + "</extra>"}
            for k, name, colour in (("baseline", "Baseline", "#5b6470"), ("scenario", "Remote appointments", "#1d5b8f"))]
    return {"data": data, "layout": {"barmode": "group", "height": 380, "margin": {"l": 260, "r": 20, "t": 20, "b": 50},
                                     "xaxis": {"title": {"text": "vehicle-km a year"}, "rangemode": "tozero"},
                                     "yaxis": {"autorange": "reversed"}, "legend": {"orientation": "h", "y": -0.2}}}
