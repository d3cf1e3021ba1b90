"""The sources joinedup reads: each national return or data set's files, fields, types and codes.

This is the contract between the stages that write extracts (synth) and read them (ingest):
one YAML file per sector under `specs/`, validated on load into frozen pydantic models.
Field names are the real return's own; `role` marks identity fields (they go to the vault).
"""

from __future__ import annotations

from pathlib import Path

from functools import lru_cache
from importlib.resources import files
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from joinedup.errors import UserError
from joinedup.specfile import load_model_file

__all__ = ["SourceField", "Source", "ROLES", "IDENTIFIER_ROLES", "sources", "source", "code_lists", "codes_of"]

FieldType = Literal["string", "int", "decimal", "date", "time", "datetime", "bool"]

#: What an identity field is, whatever the source calls it.
ROLES = (
    "nhs_number", "local_id", "related_local_id", "related_upn", "upn", "other_id",
    "given_name", "family_name", "date_of_birth", "sex", "ethnicity", "postcode", "address",
    "gp_practice",
)
#: Direct identifiers: never stored in the analysis store, only in the vault, keyed by pseudonym.
IDENTIFIER_ROLES = frozenset({
    "nhs_number", "local_id", "related_local_id", "related_upn", "upn", "other_id",
    "given_name", "family_name", "date_of_birth", "postcode", "address",
})


class SourceField(BaseModel):
    """One field of a source file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    type: FieldType
    required: bool = False
    role: Literal[ROLES] | None = None  # type: ignore[valid-type]
    codes: dict[str, str] | None = None
    codes_ref: str | None = None
    after: str | None = Field(None, description="a date field this one may not precede")
    not_future: bool = False
    extension: bool = Field(False, description="held by local systems but not by the national return")
    description: str = ""


class Source(BaseModel):
    """One kind of extract: its id (`sector.dataset`), what it imitates and its fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z]+\.[a-z0-9_]+$")
    title: str
    imitates: str
    reference: str
    date_format: str = "%Y-%m-%d"
    record_key: list[str]
    person_key: str | None = None
    system: str | None = Field(None, description="the local id space person_key belongs to; defaults to the source id")
    fields: list[SourceField]

    @property
    def sector(self) -> str:
        """The sector prefix of the id (nhs, asc, csc, education, workforce, ons)."""
        return self.id.split(".", 1)[0]

    @property
    def id_space(self) -> str:
        """The system whose local ids person_key holds (sources of one system share ids)."""
        return self.system or self.id

    @property
    def columns(self) -> list[str]:
        """Field names in file order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> SourceField:
        """The field of that name."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def role(self, role: str) -> SourceField | None:
        """The first field holding that identity role, if any."""
        return next((f for f in self.fields if f.role == role), None)

    @model_validator(mode="after")
    def _check_names(self) -> "Source":
        names = self.columns
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate field names in {self.id}")
        for key in [*self.record_key, *([self.person_key] if self.person_key else [])]:
            if key not in names:
                raise ValueError(f"{self.id}: key {key!r} is not a field")
        for f in self.fields:
            if f.after and f.after not in names:
                raise ValueError(f"{self.id}.{f.name}: after={f.after!r} is not a field")
        return self


class _SpecFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sources: list[Source]
    code_lists: dict[str, dict[str, str]] = {}


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Source], dict[str, dict[str, str]]]:
    found: dict[str, Source] = {}
    lists: dict[str, dict[str, str]] = {}
    for path in sorted(files("joinedup.sources").joinpath("specs").iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml"):
            continue
        spec = load_model_file(Path(str(path)), _SpecFile, what="source spec")
        lists.update(spec.code_lists)
        for s in spec.sources:
            if s.id in found:
                raise UserError(f"source {s.id} defined twice", file=path.name)
            found[s.id] = s
    for s in found.values():
        for f in s.fields:
            if f.codes_ref and f.codes_ref not in lists:
                raise UserError(f"unknown code list {f.codes_ref!r}", file=s.id, field=f.name)
    return found, lists


def sources() -> dict[str, Source]:
    """Every source joinedup knows, by id."""
    return _load()[0]


def source(source_id: str) -> Source:
    """One source by id; an unknown id is a user error naming the known ones."""
    known = sources()
    if source_id not in known:
        raise UserError(f"unknown source {source_id!r}; known: {', '.join(sorted(known))}")
    return known[source_id]


def code_lists() -> dict[str, dict[str, str]]:
    """Shared code lists referred to by `codes_ref`."""
    return _load()[1]


def codes_of(src: Source, field_name: str) -> dict[str, str] | None:
    """The allowed codes of a field (its own list or the shared one it refers to)."""
    f = src.field(field_name)
    return f.codes if f.codes is not None else (code_lists()[f.codes_ref] if f.codes_ref else None)
