"""The peer specs shipped as data: the headline measure set (with denominators) and the map from local measures."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from joinedup.specfile import load_model_file

__all__ = ["Denominator", "HeadlineMeasure", "MapEntry", "OflogMeasure", "headline_measures", "measure_map",
           "oflog_measures", "load_spec"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PopulationFrom(_Frozen):
    """A population derived from another published rate and its count (population = count / rate * per)."""

    count: str
    rate: str


class Denominator(_Frozen):
    """How a measure's denominator is known, for funnel-plot limits."""

    kind: Literal["binomial", "poisson"]
    base: str | None = None
    numerator: str | None = None
    count: str | None = None
    population_from: PopulationFrom | None = None
    per: int = 100

    @model_validator(mode="after")
    def _one_source(self) -> "Denominator":
        given = [n for n in ("base", "numerator", "count", "population_from") if getattr(self, n) is not None]
        allowed = {"binomial": {"base", "numerator"}, "poisson": {"count", "population_from"}}[self.kind]
        if len(given) != 1 or given[0] not in allowed:
            raise ValueError(f"a {self.kind} denominator needs exactly one of {sorted(allowed)}, got {given}")
        return self

    def describe(self) -> str:
        """The denominator in words, for output and documentation."""
        if self.base:
            return f"binomial; denominator is published measure {self.base}"
        if self.numerator:
            return f"binomial; denominator derived as {self.numerator} / (value / 100)"
        if self.count:
            return f"poisson; population derived as {self.count} / value * {self.per:,}"
        pf = self.population_from
        return f"poisson; child population derived as {pf.count} / {pf.rate} * {self.per:,}"


class HeadlineMeasure(_Frozen):
    """One measure of the default set: its published id, a short name and its denominator if known."""

    id: str
    short: str
    denominator: Denominator | None = None


class _Headline(_Frozen):
    measures: tuple[HeadlineMeasure, ...]


class MapEntry(_Frozen):
    """A local measure's published counterpart (or none) and how comparable they are."""

    published: str | None
    comparability: Literal["same", "similar", "none"]
    note: str

    @model_validator(mode="after")
    def _consistent(self) -> "MapEntry":
        if (self.published is None) != (self.comparability == "none"):
            raise ValueError("comparability is 'none' exactly when published is null")
        return self


class _MeasureMap(_Frozen):
    map: dict[str, MapEntry]


def load_spec(path: Path, model: type[BaseModel]) -> BaseModel:
    """Read a YAML spec into its frozen model; a bad file is a UserError naming file and field."""
    return load_model_file(path, model, what="spec")


def _packaged(name: str) -> Path:
    return Path(str(files("joinedup.peers") / name))


@lru_cache(maxsize=1)
def headline_measures() -> tuple[HeadlineMeasure, ...]:
    """The default measure set, in the order the report shows it."""
    return load_spec(_packaged("headline.yaml"), _Headline).measures


@lru_cache(maxsize=1)
def measure_map() -> dict[str, MapEntry]:
    """Local measure id -> its published counterpart."""
    return dict(load_spec(_packaged("measure_map.yaml"), _MeasureMap).map)


class OflogMeasure(_Frozen):
    """Title, unit and description of an Oflog adult social care measure (the file gives only a label)."""

    title: str
    unit: str
    description: str


class _Oflog(_Frozen):
    measures: dict[str, OflogMeasure]


@lru_cache(maxsize=1)
def oflog_measures() -> dict[str, OflogMeasure]:
    """Oflog measure code -> its title, unit and description."""
    return dict(load_spec(_packaged("oflog_measures.yaml"), _Oflog).measures)
