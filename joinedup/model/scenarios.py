"""Scenario files: lever changes with timing and uncertainty, checked against the linked models."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from joinedup.errors import UserError
from joinedup.model.engine import WEEKS_PER_YEAR, draw
from joinedup.model.flatten import SEP, FlatModel
from joinedup.model.spec import Distribution, read_yaml
from joinedup.specfile import load_model_file

__all__ = ["Change", "Scenario", "load_scenario", "shipped_scenarios", "lever_schedule", "check_scenario",
           "load_params", "SCENARIOS_DIR"]

SCENARIOS_DIR = Path(str(files("joinedup.model") / "scenarios"))


class Change(BaseModel):
    """One lever moved: to a new value (or by a relative change), from a start, over a ramp."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    lever: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
    to: float | None = None
    by: float | None = None
    start_year: float = Field(0.0, ge=0)
    ramp_years: float = Field(0.0, ge=0)
    uncertainty: Distribution | None = None
    why: str = ""

    @model_validator(mode="after")
    def _one_target(self) -> "Change":
        if (self.to is None) == (self.by is None):
            raise ValueError("give exactly one of to (new value) or by (relative change, 0.2 = +20%)")
        return self


class Scenario(BaseModel):
    """A question a joint board would ask, as lever changes."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    question: str
    changes: tuple[Change, ...] = Field(min_length=1)
    #: the indicators that answer the question (model.name), shown first
    answer: tuple[str, ...] = ()
    source_file: str = ""


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file (levers are checked by `check_scenario`)."""
    return load_model_file(Path(path), Scenario, what="scenario file", extra={"source_file": str(path)})


def shipped_scenarios() -> dict[str, Path]:
    """Scenario name -> file, for the scenarios shipped in the package."""
    return {p.stem: p for p in sorted(SCENARIOS_DIR.glob("*.yaml"))}


def _lever_name(flat: FlatModel, change: Change, i: int, file: str) -> str:
    model, _, name = change.lever.partition(".")
    internal = f"{model}{SEP}{name}"
    p = flat.params.get(internal)
    if p is None or not p.lever:
        levers = sorted(flat.display(n) for n, q in flat.params.items() if q.lever)
        raise UserError(f"no lever {change.lever!r} (levers: {', '.join(levers)})", file=file,
                        field=f"changes[{i}].lever")
    return internal


def check_scenario(flat: FlatModel, sc: Scenario) -> list[str]:
    """The internal names of the scenario's levers; a UserError for an unknown lever or a value out of range."""
    file = sc.source_file or sc.name
    names = []
    for i, ch in enumerate(sc.changes):
        n = _lever_name(flat, ch, i, file)
        if n in names:
            raise UserError(f"lever {ch.lever!r} is changed twice", file=file, field=f"changes[{i}].lever")
        names.append(n)
        p = flat.params[n]
        lo, hi = p.range or (-np.inf, np.inf)
        target = ch.to if ch.to is not None else p.value * (1 + ch.by)
        fld = f"changes[{i}].{'to' if ch.to is not None else 'by'}"
        if not lo <= target <= hi:
            raise UserError(f"{ch.lever} would be {target:g}, outside its range [{lo:g}, {hi:g}]", file=file, field=fld)
        u = ch.uncertainty
        if u is not None:
            bounds = [b for b in (u.low, u.high) if b is not None]
            if any(not lo <= b <= hi for b in bounds):
                raise UserError(f"uncertainty of {ch.lever} reaches outside its range [{lo:g}, {hi:g}]",
                                file=file, field=f"changes[{i}].uncertainty")
    for i, ind in enumerate(sc.answer):
        model, _, name = ind.partition(".")
        if f"{model}{SEP}{name}" not in flat.indicators:
            raise UserError(f"{ind!r} is not an indicator (see `joinedup model show`)", file=file, field=f"answer[{i}]")
    return names


def lever_schedule(flat: FlatModel, sc: Scenario, P: dict, runs: int, seed: int | None) -> dict:
    """name -> (change per run, start week, ramp weeks) for the compiled model's levers."""
    rng = np.random.default_rng(None if seed is None else seed + 7919)
    out = {}
    for n, ch in zip(check_scenario(flat, sc), sc.changes):
        base = P[n]
        if ch.uncertainty is not None and runs > 1:
            x = draw(ch.uncertainty, runs, rng)
            target = x if ch.to is not None else base * (1 + x)
        else:
            target = ch.to if ch.to is not None else base * (1 + ch.by)
        lo, hi = flat.params[n].range or (-np.inf, np.inf)
        out[n] = (np.clip(target, lo, hi) - base, ch.start_year * WEEKS_PER_YEAR, ch.ramp_years * WEEKS_PER_YEAR)
    return out


def load_params(path: Path, flat: FlatModel) -> dict[str, float]:
    """Parameter values from a `joinedup model calibrate` file, checked against names and ranges."""
    data = read_yaml(Path(path))
    params = data.get("parameters")
    if not isinstance(params, dict):
        raise UserError("expected a mapping 'parameters'", file=str(path), field="parameters")
    out = {}
    for key, v in params.items():
        fld = f"parameters.{key}"
        model, _, name = str(key).partition(".")
        n = f"{model}{SEP}{name}"
        if n not in flat.params:
            raise UserError(f"no parameter {key!r}", file=str(path), field=fld)
        value = v.get("value") if isinstance(v, dict) else v
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise UserError(f"value {value!r} is not a number", file=str(path), field=fld)
        lo, hi = flat.params[n].range or (-np.inf, np.inf)
        if not lo <= value <= hi:
            raise UserError(f"value {value:g} is outside its range [{lo:g}, {hi:g}]", file=str(path), field=fld)
        out[n] = float(value)
    return out
