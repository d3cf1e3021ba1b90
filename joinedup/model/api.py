"""The model stage's service API: the models, calibration from a `Store`, and scenario simulation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from joinedup.errors import UserError
from joinedup.model.calibrate import Calibrated
from joinedup.model.calibrate import calibrate as _calibrate
from joinedup.model.catalogue import flat_model, links, model_names, model_spec
from joinedup.model.scenarios import Scenario, check_scenario, load_scenario, shipped_scenarios
from joinedup.model.simulate import Result, Variants, simulate_variants
from joinedup.model.simulate import simulate as _simulate
from joinedup.store import Store

__all__ = ["ModelInfo", "Lever", "calibrate", "list_models", "levers", "scenarios", "scenario", "check", "simulate",
           "variants", "parameters"]


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


@dataclass(frozen=True)
class Lever:
    """A lever of the linked models: its name (model.parameter), value, range and description."""

    name: str
    model: str
    value: float
    low: float | None
    high: float | None
    units: str
    description: str
    source: str


def levers() -> list[Lever]:
    """Every lever of the linked models, in model order."""
    flat = flat_model("system")
    out = []
    for n, p in flat.params.items():
        if p.lever:
            lo, hi = p.range if p.range is not None else (None, None)
            out.append(Lever(flat.display(n), flat.origin[n][0], p.value, lo, hi, p.units, p.description or "", p.source))
    return out


def scenario(name: str) -> Scenario:
    """A shipped scenario by name, read and checked against the linked models (an unknown name is a UserError)."""
    shipped = shipped_scenarios()
    if name not in shipped:
        raise UserError(f"no shipped scenario {name!r} (shipped: {', '.join(shipped)})", field="scenario")
    sc = load_scenario(shipped[name])
    check(sc)
    return sc


def check(sc: Scenario) -> list[str]:
    """Check a scenario's levers and ranges exactly as `joinedup simulate` does (a UserError when one is wrong)."""
    return check_scenario(flat_model("system"), sc)


def scenarios() -> dict[str, Path]:
    """The shipped scenarios by name."""
    return shipped_scenarios()


def calibrate(store: Store) -> list[Calibrated]:
    """Every parameter the store can inform, with where each value came from."""
    return _calibrate(store)


def simulate(scenario: str | Path | Scenario, *, runs: int = 1000, years: float = 5, seed: int = 1,
             params: dict[str, float] | None = None, method: str = "euler",
             progress: Callable[[float], None] | None = None) -> Result:
    """A scenario against the baseline across all linked models (a shipped scenario's name, a YAML file or a Scenario)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(Path(shipped_scenarios().get(str(scenario), Path(scenario))))
    return _simulate(scenario, runs=runs, years=years, seed=seed, params=params, method=method,
                     flat=flat_model("system"), progress=progress)


def variants(which: str | Scenario, overrides: dict[str, dict[str, float]], *, years: float = 5) -> Variants:
    """Baseline and scenario at central values once per variant; overrides name parameters as model.parameter."""
    from joinedup.model.flatten import SEP
    sc = which if isinstance(which, Scenario) else scenario(which)
    flat = flat_model("system")
    internal = {}
    for name, values in overrides.items():
        internal[name] = {}
        for key, v in values.items():
            model, _, param = key.partition(".")
            n = f"{model}{SEP}{param}"
            if n not in flat.params:
                raise UserError(f"no parameter {key!r}", field="overrides")
            internal[name][n] = v
    return simulate_variants(sc, internal, years=years, flat=flat)


def parameters(model: str) -> list[dict]:
    """Every parameter and input of one model with its value, units, range, uncertainty and source (as `model show`)."""
    flat = flat_model(model)
    spec = model_spec(model)
    out = []
    for n, p in flat.params.items():
        d = p.distribution
        out.append({"name": flat.display(n), "kind": "lever" if p.lever else "derived" if p.derived else "parameter",
                    "value": p.value, "units": p.units, "range": list(p.range) if p.range is not None else None,
                    "uncertainty": None if d is None else d.model_dump(exclude_none=True),
                    "description": p.description or "", "source": " ".join(str(p.source).split())})
    for name, i in getattr(spec, "inputs", {}).items():
        out.append({"name": f"{model}.{name}", "kind": "input", "value": i.default, "units": i.units, "range": None,
                    "uncertainty": None, "description": i.description or "", "source": " ".join(str(i.source).split())})
    return out
