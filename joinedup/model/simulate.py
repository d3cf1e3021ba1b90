"""`joinedup simulate`: baseline and scenario ensembles of the linked models, summarised by percentiles."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from joinedup.model.catalogue import flat_model
from joinedup.model.compile import compile_model
from joinedup.model.engine import WEEKS_PER_YEAR, integrate, sample
from joinedup.model.flatten import FlatModel
from joinedup.model.scenarios import Scenario, check_scenario, lever_schedule

__all__ = ["Result", "simulate", "REPORT_EVERY_WEEKS", "PERCENTILES"]

#: outputs are kept every 4 weeks (13 points a year), which keeps 10,000-run ensembles small
REPORT_EVERY_WEEKS = 4
PERCENTILES = (5, 50, 95)


@dataclass
class Result:
    """Percentile bands per indicator for baseline, scenario and their paired difference."""

    scenario: Scenario
    runs: int
    years: float
    seed: int | None
    method: str
    weeks: np.ndarray
    bands: dict[str, dict[str, np.ndarray]]   # indicator -> {"baseline"|"scenario"|"difference": (3, T)}
    flat: FlatModel
    calibrated: dict[str, float]

    def to_json(self) -> dict:
        """The result as plain JSON: times in weeks, then per indicator p5/p50/p95 series."""
        def series(a: np.ndarray) -> dict:
            return {f"p{q}": [round(float(x), 6) for x in row] for q, row in zip(PERCENTILES, a)}
        return {
            "scenario": self.scenario.name,
            "title": self.scenario.title,
            "question": self.scenario.question,
            "runs": self.runs, "years": self.years, "seed": self.seed, "method": self.method,
            "time_units": "week",
            "weeks": [float(w) for w in self.weeks],
            "levers": [c.model_dump(exclude_none=True) for c in self.scenario.changes],
            "answer": list(self.scenario.answer),
            "calibrated_parameters": {self.flat.display(k): v for k, v in sorted(self.calibrated.items())},
            "indicators": {
                self.flat.display(n): {
                    "model": self.flat.origin[n][0],
                    "title": self.flat.indicators[n].title,
                    "units": self.flat.units_of(n),
                    "better": self.flat.indicators[n].better,
                    **{k: series(v) for k, v in b.items()},
                }
                for n, b in self.bands.items()
            },
        }


def simulate(scenario: Scenario, *, runs: int = 1000, years: float = 5, seed: int | None = 1,
             params: dict[str, float] | None = None, method: str = "euler", dt: float = 1.0,
             flat: FlatModel | None = None) -> Result:
    """Run the baseline and the scenario with the same parameter draws and summarise both."""
    flat = flat or flat_model("system")
    levers = tuple(check_scenario(flat, scenario))
    indicators = list(flat.indicators)
    weeks = years * WEEKS_PER_YEAR
    P = sample(flat, runs, seed, params)
    base_c = compile_model(flat, observe=indicators)
    scen_c = compile_model(flat, levers=levers, observe=indicators)
    L = lever_schedule(flat, scenario, P, runs, seed)
    every = max(1, int(round(REPORT_EVERY_WEEKS / dt)))
    kw = dict(runs=runs, weeks=weeks, dt=dt, method=method, save_every=every)
    base = integrate(base_c, P, {}, **kw)
    scen = integrate(scen_c, P, L, **kw)
    bands = {}
    for n in indicators:
        b, s = base.values[n], scen.values[n]
        bands[n] = {"baseline": np.percentile(b, PERCENTILES, axis=1),
                    "scenario": np.percentile(s, PERCENTILES, axis=1),
                    "difference": np.percentile(s - b, PERCENTILES, axis=1)}
    return Result(scenario, runs, years, seed, method, base.times, bands, flat, dict(params or {}))
