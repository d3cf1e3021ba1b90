"""`joinedup simulate`: baseline and scenario ensembles of the linked models, summarised by percentiles."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np

from joinedup.model.catalogue import flat_model
from joinedup.model.compile import compile_model
from joinedup.model.engine import WEEKS_PER_YEAR, integrate, sample
from joinedup.model.flatten import FlatModel
from joinedup.model.scenarios import Scenario, check_scenario, lever_schedule

__all__ = ["Result", "Variants", "simulate", "simulate_variants", "REPORT_EVERY_WEEKS", "PERCENTILES"]

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


_COMPILED: dict[tuple, object] = {}
_COMPILED_LOCK = threading.Lock()


def _compiled(flat: FlatModel, levers: tuple[str, ...]):
    """The model compiled to observe every indicator, once per model and set of levers (compiling takes a second)."""
    key = (id(flat), flat.name, levers)
    with _COMPILED_LOCK:
        hit = _COMPILED.get(key)
        if hit is None or hit[0] is not flat:
            if len(_COMPILED) > 64:
                _COMPILED.clear()
            hit = _COMPILED[key] = (flat, compile_model(flat, levers=levers, observe=list(flat.indicators)))
        return hit[1]


def simulate(scenario: Scenario, *, runs: int = 1000, years: float = 5, seed: int | None = 1,
             params: dict[str, float] | None = None, method: str = "euler", dt: float = 1.0,
             flat: FlatModel | None = None, progress: Callable[[float], None] | None = None) -> Result:
    """Run the baseline and the scenario with the same parameter draws and summarise both.

    `progress` (optional) is called with the share done, 0 to 1: baseline first, then the scenario.
    """
    flat = flat or flat_model("system")
    levers = tuple(check_scenario(flat, scenario))
    indicators = list(flat.indicators)
    weeks = years * WEEKS_PER_YEAR
    P = sample(flat, runs, seed, params)
    base_c = _compiled(flat, ())
    scen_c = _compiled(flat, levers)
    L = lever_schedule(flat, scenario, P, runs, seed)
    every = max(1, int(round(REPORT_EVERY_WEEKS / dt)))
    kw = dict(runs=runs, weeks=weeks, dt=dt, method=method, save_every=every)
    half = (None, None) if progress is None else (lambda f: progress(0.5 * f), lambda f: progress(0.5 + 0.5 * f))
    base = integrate(base_c, P, {}, progress=half[0], **kw)
    scen = integrate(scen_c, P, L, progress=half[1], **kw)
    bands = {}
    for n in indicators:
        b, s = base.values[n], scen.values[n]
        bands[n] = {"baseline": np.percentile(b, PERCENTILES, axis=1),
                    "scenario": np.percentile(s, PERCENTILES, axis=1),
                    "difference": np.percentile(s - b, PERCENTILES, axis=1)}
    return Result(scenario, runs, years, seed, method, base.times, bands, flat, dict(params or {}))


@dataclass
class Variants:
    """Deterministic runs (every parameter at its central value) of baseline and scenario, one per variant."""

    scenario: Scenario
    weeks: np.ndarray
    names: list[str]
    baseline: dict[str, np.ndarray]   # indicator -> (saved times, variants)
    scenario_values: dict[str, np.ndarray]
    flat: FlatModel


def simulate_variants(scenario: Scenario, variants: dict[str, dict[str, float]], *, years: float = 5,
                      flat: FlatModel | None = None) -> Variants:
    """Baseline and scenario at central values, once per variant of parameter overrides (internal names), in one batch.

    A variant that sets one service's volume to zero tells how much of an indicator that service makes.
    """
    flat = flat or flat_model("system")
    central = scenario.model_copy(update={"changes": tuple(c.model_copy(update={"uncertainty": None})
                                                           for c in scenario.changes)})
    levers = tuple(check_scenario(flat, central))
    names = list(variants)
    runs = len(names)
    P: dict = sample(flat, 1, None, uncertain=False)
    for i, name in enumerate(names):
        for key, value in variants[name].items():
            if key not in flat.params:
                raise ValueError(f"no parameter {key}")
            if not isinstance(P[key], np.ndarray):
                P[key] = np.full(runs, float(P[key]))
            P[key][i] = float(value)
    P = {k: (v if isinstance(v, np.ndarray) else np.full(runs, v)) for k, v in P.items()}
    L = lever_schedule(flat, central, P, runs, None)
    every = REPORT_EVERY_WEEKS
    kw = dict(runs=runs, weeks=years * WEEKS_PER_YEAR, dt=1.0, method="euler", save_every=every)
    base = integrate(_compiled(flat, ()), P, {}, **kw)
    scen = integrate(_compiled(flat, levers), P, L, **kw)
    return Variants(central, base.times, names, base.values, scen.values, flat)
