"""The model stage's service API: the models, calibration from a `Store`, and scenario simulation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from joinedup.model.calibrate import Calibrated
from joinedup.model.calibrate import calibrate as _calibrate
from joinedup.model.catalogue import flat_model, links, model_names, model_spec
from joinedup.model.scenarios import load_scenario, shipped_scenarios
from joinedup.model.simulate import Result
from joinedup.model.simulate import simulate as _simulate
from joinedup.store import Store

__all__ = ["ModelInfo", "calibrate", "list_models", "scenarios", "simulate"]


@dataclass(frozen=True)
class ModelInfo:
    """One model: its size, its levers and what it links to."""

    name: str
    title: str
    stocks: int
    flows: int
    auxiliaries: int
    parameters: int
    levers: list[str]
    links_to: list[str]


def list_models() -> list[ModelInfo]:
    """Every shipped model (they run together as 'system')."""
    out = []
    for n in model_names():
        spec, flat = model_spec(n), flat_model(n)
        out.append(ModelInfo(n, spec.title, len(flat.stocks), len(flat.flows), len(flat.auxes), len(spec.parameters),
                             [k for k, p in spec.parameters.items() if p.lever],
                             [f"{ln.source} -> {ln.to}" for ln in links() if ln.source.startswith(n + ".")]))
    return out


def scenarios() -> dict[str, Path]:
    """The shipped scenarios by name."""
    return shipped_scenarios()


def calibrate(store: Store) -> list[Calibrated]:
    """Every parameter the store can inform, with where each value came from."""
    return _calibrate(store)


def simulate(scenario: str | Path, *, runs: int = 1000, years: float = 5, seed: int = 1,
             params: dict[str, float] | None = None, method: str = "euler") -> Result:
    """A scenario against the baseline across all linked models (a shipped scenario's name, or a YAML file)."""
    path = shipped_scenarios().get(str(scenario), Path(scenario))
    return _simulate(load_scenario(Path(path)), runs=runs, years=years, seed=seed, params=params, method=method,
                     flat=flat_model("system"))
