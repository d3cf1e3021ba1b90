"""Segment groups: YAML files validated on load into frozen pydantic models, SQL checked by sqlglot."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator
from sqlglot import exp

from joinedup.errors import UserError
from joinedup.measures import sql
from joinedup.specfile import load_model_file

__all__ = ["Segment", "SegmentGroup", "load_group", "load_groups", "library_dir"]

_ID = re.compile(r"^[a-z][a-z0-9_]{2,63}$")


class Segment(BaseModel):
    """One segment: an id, a plain-English description and the condition that places someone in it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    title: str
    description: str
    where: str

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("must be snake_case")
        return v

    @field_validator("where", mode="before")
    @classmethod
    def _text(cls, v: object) -> object:
        return str(v).upper() if isinstance(v, bool) else v


class SegmentGroup(BaseModel):
    """An ordered list of segments over persons or families; the first that holds wins."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    group: str
    unit: Literal["person", "family"]
    title: str
    description: str
    applies: str
    segments: tuple[Segment, ...]

    @property
    def table(self) -> str:
        """The canonical table the conditions are written over."""
        return "person" if self.unit == "person" else "family"

    def trees(self) -> dict[str, exp.Expression]:
        """Parsed, checked conditions: 'applies' and each segment id."""
        out = {}
        for name, text in [("applies", self.applies)] + [(s.id, s.where) for s in self.segments]:
            try:
                tree = sql.parse_condition(text)
                sql.check(tree, self.table)
            except sql.SqlProblem as e:
                field = "applies" if name == "applies" else f"segments.{name}.where"
                raise UserError(f"segment group {self.group}: {e}", field=field) from None
            out[name] = tree
        return out


def library_dir() -> Path:
    """The folder of the shipped segment groups."""
    return Path(str(files("joinedup.segments") / "library"))


def load_group(path: Path) -> SegmentGroup:
    """Read, validate and check one segment group file."""
    group = load_model_file(path, SegmentGroup, what="segment group file")
    try:
        group.trees()
    except UserError as e:
        raise UserError(str(e), file=str(path)) from None
    return group


def load_groups(folder: Path | None = None) -> list[SegmentGroup]:
    """Every segment group in file-name order (people before families); segment ids unique."""
    groups = [load_group(p) for p in sorted((folder or library_dir()).glob("*.y*ml"))]
    seen: dict[str, str] = {}
    for g in groups:
        for s in g.segments:
            if s.id in seen:
                raise UserError(f"segment {s.id} is defined in groups {seen[s.id]} and {g.group}", field="segments.id")
            seen[s.id] = g.group
    return groups
