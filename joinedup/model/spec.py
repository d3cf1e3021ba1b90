"""A model as data: the YAML schema of a stock-and-flow model, validated into frozen pydantic models."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from joinedup.specfile import load_model_file, read_yaml, validation_error

__all__ = [
    "Distribution", "Parameter", "Input", "Stock", "Flow", "Auxiliary", "Lookup", "Indicator",
    "ModelSpec", "load_model", "read_yaml", "validation_error",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Distribution(_Frozen):
    """Uncertainty about a value: sampled once per ensemble run."""

    kind: Literal["uniform", "triangular", "normal", "lognormal", "beta", "pert"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None

    @model_validator(mode="after")
    def _complete(self) -> "Distribution":
        need = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"),
                "pert": ("low", "mode", "high"), "normal": ("mean", "sd"),
                "lognormal": ("mean", "sd"), "beta": ("mean", "sd")}[self.kind]
        missing = [n for n in need if getattr(self, n) is None]
        if missing:
            raise ValueError(f"a {self.kind} distribution needs {', '.join(missing)}")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low is above high")
        if self.mode is not None and not (self.low <= self.mode <= self.high):
            raise ValueError("mode is outside low..high")
        if self.kind == "beta" and not (0 < self.mean < 1 and 0 < self.sd ** 2 < self.mean * (1 - self.mean)):
            raise ValueError("a beta distribution needs 0 < mean < 1 and sd^2 < mean*(1-mean)")
        if self.kind == "lognormal" and not (self.mean > 0 and self.sd > 0):
            raise ValueError("a lognormal distribution needs mean > 0 and sd > 0")
        return self


class Parameter(_Frozen):
    """A constant (per run) with its units, plausible range, uncertainty and source."""

    value: float | None = None
    units: str = "1"
    range: tuple[float, float] | None = None
    #: computed at load from shipped reference data, e.g. {fn: nearest_site_km, sites: 40}
    derived: dict[str, float | str] | None = None
    distribution: Distribution | None = None
    lever: bool = False
    #: a count that grows with the place: calibrate scales it by the store's population
    scale: Literal["population", "children"] | None = None
    description: str = ""
    source: str

    @model_validator(mode="after")
    def _in_range(self) -> "Parameter":
        if self.value is None:
            if self.derived is None:
                raise ValueError("a parameter needs a value (or derived)")
            return self
        if self.range is not None:
            lo, hi = self.range
            if lo > hi:
                raise ValueError("range low is above range high")
            if not lo <= self.value <= hi:
                raise ValueError(f"value {self.value:g} is outside its range [{lo:g}, {hi:g}]")
        return self


class Input(_Frozen):
    """A value another linked model provides; the default stands in when this model runs alone."""

    units: str
    default: float
    description: str = ""
    source: str = ""


class Stock(_Frozen):
    """An accumulation: changes only through its inflows and outflows."""

    initial: str
    units: str
    inflows: tuple[str, ...] = ()
    outflows: tuple[str, ...] = ()
    description: str = ""

    @field_validator("initial", mode="before")
    @classmethod
    def _number_as_text(cls, v: object) -> object:
        return repr(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


class _Equation(_Frozen):
    """A named equation with units (a bare number in the YAML is read as its text)."""

    equation: str
    units: str
    description: str = ""

    @field_validator("equation", mode="before")
    @classmethod
    def _number_as_text(cls, v: object) -> object:
        return repr(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


class Flow(_Equation):
    """A rate of movement into, out of or between stocks (units per time unit)."""


class Auxiliary(_Equation):
    """A value computed from others at each step."""


class Lookup(_Frozen):
    """A graphical function: piecewise linear through (x, y), flat beyond the ends."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    x_units: str = "1"
    y_units: str = "1"
    description: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _shape(self) -> "Lookup":
        if len(self.x) != len(self.y) or len(self.x) < 2:
            raise ValueError("x and y need the same length, at least 2")
        if any(b <= a for a, b in zip(self.x, self.x[1:])):
            raise ValueError("x must be strictly increasing")
        return self


class Indicator(_Frozen):
    """A variable reported by `joinedup simulate`, with a plain title."""

    title: str
    better: Literal["higher", "lower", "neither"] = "neither"


class ModelSpec(_Frozen):
    """One stock-and-flow model of the place."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str = ""
    time_units: str = "week"
    parameters: dict[str, Parameter] = {}
    inputs: dict[str, Input] = {}
    stocks: dict[str, Stock]
    flows: dict[str, Flow] = {}
    auxiliaries: dict[str, Auxiliary] = {}
    lookups: dict[str, Lookup] = {}
    indicators: dict[str, Indicator] = {}
    source_file: str = ""


def load_model(path: Path) -> ModelSpec:
    """Read and validate one model file; names and units are checked by `joinedup.model.check`."""
    return load_model_file(path, ModelSpec, what="model file", extra={"source_file": str(path)})
