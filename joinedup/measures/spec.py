"""Measure specs: YAML files validated on load into frozen pydantic models, SQL checked by sqlglot."""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlglot import exp

from joinedup.errors import UserError
from joinedup.measures import sql
from joinedup.specfile import read_yaml, validation_error

__all__ = ["SECTORS", "BREAKDOWNS", "UNITS", "Citation", "Definition", "History", "Numerator", "Denominator", "Measure",
           "Library", "load_measure", "load_library", "library_dir"]

SECTORS = ("nhs", "adult_social_care", "childrens_services", "public_health", "education")
BREAKDOWNS = ("age_band", "sex", "ethnicity_group", "deprivation_quintile", "ward", "segment")
UNITS = ("percent", "rate_per_10000", "rate_per_100000", "days", "count")
_ID = re.compile(r"^[a-z][a-z0-9_]{2,63}$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Citation(_Frozen):
    """Where a definition is written: the document, its version or year, and the section that defines the measure."""

    document: str = Field(min_length=8)
    version: str = Field(min_length=4)
    section: str = Field(min_length=4)
    url: str = ""

    @field_validator("version")
    @classmethod
    def _dated(cls, v: str) -> str:
        if not re.search(r"(19|20)\d\d", v):
            raise ValueError("give the year (or the dated edition) of the document, e.g. '2024-25' or 'version 1.1, March 2024'")
        return v

    @field_validator("url")
    @classmethod
    def _https(cls, v: str) -> str:
        if v and not v.startswith("https://"):
            raise ValueError("an https:// address, or leave it out")
        return v


class Definition(_Frozen):
    """The national definition a measure follows, with where to read it (citation) and how it is implemented."""

    name: str
    citation: Citation
    reference: str
    notes: str = ""


def _sql_text(v: object) -> object:
    # YAML reads a bare TRUE or 1 as a scalar; a condition is SQL text either way.
    return str(v).upper() if isinstance(v, bool) else str(v) if isinstance(v, (int, float)) else v


class Numerator(_Frozen):
    """What is counted (or summed): rows of a table meeting a condition."""

    from_: str | None = Field(None, alias="from")
    where: str = "TRUE"
    sum: str | None = None

    _text = field_validator("where", "sum", mode="before")(classmethod(lambda cls, v: _sql_text(v)))


class Denominator(_Frozen):
    """The population: mid-year estimates (`from: population`) or rows of a canonical table."""

    from_: str = Field(alias="from")
    where: str = "TRUE"

    _text = field_validator("where", mode="before")(classmethod(lambda cls, v: _sql_text(v)))


class History(_Frozen):
    """The data a measure needs around its period: days before its start (look-back) and after its end (follow-up)."""

    lookback_days: int = Field(0, ge=0, le=3660)
    follow_up_days: int = Field(0, ge=0, le=3660)


class Measure(_Frozen):
    """One measure, validated; `shape` says how numerator and denominator relate."""

    id: str
    title: str
    description: str
    sectors: tuple[Literal["nhs", "adult_social_care", "childrens_services", "public_health", "education"], ...]
    kind: Literal["outcome", "process"]
    joined_up: bool = False
    definition: Definition
    period: Literal["financial_year", "quarter", "rolling_12_months"]
    unit: Literal["percent", "rate_per_10000", "rate_per_100000", "days", "count"]
    polarity: Literal["higher_is_better", "lower_is_better"]
    counts: Literal["persons", "rows"] = "persons"
    history: History = History()
    breakdowns: tuple[Literal["age_band", "sex", "ethnicity_group", "deprivation_quintile", "ward", "segment"], ...] = ()
    paired_with: tuple[str, ...] = ()
    numerator: Numerator
    denominator: Denominator | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("must be snake_case: lower-case letters, digits and _ (3-64 characters)")
        return v

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("at least one sector")
        return v

    @model_validator(mode="after")
    def _shape_rules(self) -> "Measure":
        shape = self.shape
        if shape == "count" and self.numerator.from_ is None:
            raise ValueError("numerator.from: a count needs a table")
        if shape == "rate":
            if not self.unit.startswith("rate_"):
                raise ValueError("unit: a population denominator gives a rate (rate_per_10000 or rate_per_100000)")
            if self.numerator.from_ is None:
                raise ValueError("numerator.from: a rate needs the table its events come from")
            if "ethnicity_group" in self.breakdowns:
                raise ValueError("breakdowns: population estimates have no ethnicity, so a rate cannot use ethnicity_group")
        if shape in ("proportion", "mean"):
            if self.numerator.from_ is not None:
                raise ValueError("numerator.from: the numerator is a subset of the denominator's rows; give only where")
            if self.unit == "percent" and self.numerator.sum is not None:
                raise ValueError("numerator.sum: a percentage counts rows or persons; use unit days for a mean")
            if self.unit == "days" and self.numerator.sum is None:
                raise ValueError("numerator.sum: a mean (unit days) needs the value to average")
            if self.unit.startswith("rate_"):
                raise ValueError("unit: a rate needs denominator.from: population")
        if self.unit == "days" and self.counts != "rows":
            raise ValueError("counts: a mean is taken over rows (counts: rows)")
        return self

    @property
    def shape(self) -> str:
        """count | rate | proportion | mean."""
        if self.denominator is None:
            return "count"
        if self.denominator.from_ == "population":
            return "rate"
        return "mean" if self.unit == "days" else "proportion"

    @property
    def source_table(self) -> str:
        """The table whose rows make the numerator."""
        return self.numerator.from_ or self.denominator.from_  # type: ignore[union-attr]

    @cached_property
    def trees(self) -> dict[str, exp.Expression]:
        """Parsed and checked SQL of each field (checked on load; cached)."""
        return _check_sql(self)


def _check_sql(m: Measure) -> dict[str, exp.Expression]:
    out: dict[str, exp.Expression] = {}
    fields = [("numerator.where", m.numerator.where, m.source_table, sql.parse_condition)]
    if m.numerator.sum is not None:
        fields.append(("numerator.sum", m.numerator.sum, m.source_table, sql.parse_value))
    if m.denominator is not None:
        fields.append(("denominator.where", m.denominator.where, m.denominator.from_, sql.parse_condition))
    for name, table in (("numerator.from", m.numerator.from_), ("denominator.from", m.denominator.from_ if m.denominator else None)):
        if table is not None and table not in sql._schema():
            raise UserError(f"measure {m.id}: unknown table {table!r}", field=name)
    for name, text, table, parse in fields:
        try:
            tree = parse(text)
            sql.check(tree, table)
        except sql.SqlProblem as e:
            raise UserError(f"measure {m.id}: {e}", field=name) from None
        out[name] = tree
    return out


def library_dir() -> Path:
    """The folder of the shipped measure library."""
    return Path(str(files("joinedup.measures") / "library"))


def load_measure(path: Path) -> Measure:
    """Read, validate and check one measure file (UserError naming file, measure and field)."""
    data = read_yaml(path, what="measure file")
    try:
        measure = Measure.model_validate(data)
    except ValidationError as e:
        raise validation_error(e, str(path), f"measure {data.get('id', path.stem)}: ") from None
    try:
        measure.trees  # noqa: B018 - checks the SQL now, at load time
    except UserError as e:
        raise UserError(str(e), file=str(path)) from None
    return measure


class Library:
    """A set of measures by id (the shipped library plus any council folders)."""

    def __init__(self, measures: list[Measure]):
        self.measures = {m.id: m for m in measures}

    def __iter__(self):
        return iter(self.measures.values())

    def __len__(self) -> int:
        return len(self.measures)

    def get(self, measure_id: str) -> Measure:
        """A measure by id, or a UserError listing the nearest ids."""
        if measure_id not in self.measures:
            import difflib
            near = difflib.get_close_matches(measure_id, self.measures, n=3)
            hint = f" (did you mean {', '.join(near)}?)" if near else ""
            raise UserError(f"unknown measure {measure_id!r}{hint}", field="measure")
        return self.measures[measure_id]

    def pairs(self) -> list[tuple[Measure, Measure]]:
        """(process, outcome) pairs declared by paired_with."""
        seen, out = set(), []
        for m in self:
            for other_id in m.paired_with:
                o = self.measures[other_id]
                proc, outc = (m, o) if m.kind == "process" else (o, m)
                if (proc.id, outc.id) not in seen and proc.kind == "process" and outc.kind == "outcome":
                    seen.add((proc.id, outc.id))
                    out.append((proc, outc))
        return out


def load_library(extra_dirs: list[Path] | None = None) -> Library:
    """Load the shipped measures and any extra folders; ids must be unique, pairs must resolve."""
    if not extra_dirs:
        return _shipped()
    return _load_library(tuple(Path(d) for d in extra_dirs))


@lru_cache(maxsize=1)
def _shipped() -> Library:
    # The shipped files do not change while the process runs: parse them once.
    return _load_library(())


def _load_library(extra_dirs: tuple[Path, ...]) -> Library:
    measures: dict[str, tuple[Measure, Path]] = {}
    dirs = [library_dir()] + list(extra_dirs or [])
    for d in dirs:
        if not d.is_dir():
            raise UserError("measures folder not found", file=str(d))
        for path in sorted(d.glob("*.y*ml")):
            m = load_measure(path)
            if m.id in measures:
                raise UserError(f"measure {m.id}: id already defined in {measures[m.id][1].name}",
                                file=str(path), field="id")
            measures[m.id] = (m, path)
    for m, path in measures.values():
        for other in m.paired_with:
            if other not in measures:
                raise UserError(f"measure {m.id}: paired_with names unknown measure {other!r}",
                                file=str(path), field="paired_with")
            if measures[other][0].kind == m.kind:
                raise UserError(f"measure {m.id}: paired_with {other!r} has the same kind ({m.kind}); "
                                "pair a process with an outcome", file=str(path), field="paired_with")
    return Library([m for m, _ in measures.values()])
