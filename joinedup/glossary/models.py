"""The glossary as data: sectors, one term, a file of terms, validated into frozen pydantic models."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["SECTORS", "SECTOR_NAMES", "Term", "TermFile", "MAX_DEFINITION_WORDS"]

#: Sector ids shared by every stage (measures, segments, web use the same ids).
SECTOR_NAMES: dict[str, str] = {
    "nhs": "the NHS",
    "adult_social_care": "adult social care",
    "childrens_services": "children's services",
    "public_health": "public health",
    "education": "education",
    "local_government": "local government and finance",
    "data_governance": "data and information governance",
}
SECTORS: tuple[str, ...] = tuple(SECTOR_NAMES)

#: The issue asks for definitions readable by anyone in one breath: at most 40 words.
MAX_DEFINITION_WORDS = 40

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class Term(BaseModel):
    """One concept: its names, sectors, plain-English meaning, neighbours in other sectors and source."""

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)

    id: str
    term: str
    expansion: str | None = None
    acronyms: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    sectors: tuple[str, ...]
    definition: str
    equivalents: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    source: str
    #: Words that, near an ambiguous acronym, point to this reading (e.g. "plan", "s47" for CP).
    context: tuple[str, ...] = ()
    #: Acronyms that are everyday words in lower case (SEND, CARE) match only as written in capitals.
    exact_case: bool = False
    #: Names kept for search only, never matched in running text (too common as plain words).
    search_only: tuple[str, ...] = ()
    #: Names that are everyday words elsewhere ('placement'): matched only near one of `context`.
    needs_context: tuple[str, ...] = ()
    #: Spelled-out names a lay reader understands from the words alone ('care home', 'life expectancy'): kept
    #: for search and for linking labels, but not highlighted when a paper is explained. Acronyms are never plain.
    plain: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"id {v!r} must be lower case letters, digits and underscores")
        return v

    @field_validator("term", "definition", "source")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v or not v.strip():
            raise ValueError("must not be empty")
        return " ".join(v.split())

    @field_validator("definition")
    @classmethod
    def _short(cls, v: str) -> str:
        words = len(v.split())
        if words > MAX_DEFINITION_WORDS:
            raise ValueError(f"has {words} words; at most {MAX_DEFINITION_WORDS}")
        return v

    @field_validator("sectors")
    @classmethod
    def _known_sectors(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("must name at least one sector")
        unknown = [s for s in v if s not in SECTOR_NAMES]
        if unknown:
            raise ValueError(f"unknown sector {unknown[0]!r}; use one of {', '.join(SECTORS)}")
        return v

    @field_validator("acronyms", "variants", "context", "search_only", "needs_context", "measures", "plain")
    @classmethod
    def _no_blank_items(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not s.strip() for s in v):
            raise ValueError("must not hold empty names")
        return v

    @model_validator(mode="after")
    def _no_self_links(self) -> "Term":
        if self.id in self.equivalents or self.id in self.related:
            raise ValueError(f"term {self.id!r} links to itself")
        if self.needs_context and not self.context:
            raise ValueError("needs_context names need a context list")
        own = {n.lower() for n in (self.term, self.expansion, *self.variants) if n}
        for n in self.plain:
            if n.lower() not in own:
                raise ValueError(f"plain name {n!r} is not the term, its expansion or a variant")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the term goes by: the term, its expansion, acronyms and variants."""
        seen: dict[str, None] = {}
        for n in (self.term, self.expansion, *self.acronyms, *self.variants, *self.search_only):
            if n:
                seen.setdefault(n, None)
        return tuple(seen)

    @property
    def label(self) -> str:
        """The term with its main acronym, e.g. 'Delayed discharge (DTOC)'."""
        if self.acronyms and self.acronyms[0].lower() != self.term.lower():
            return f"{self.term} ({self.acronyms[0]})"
        return self.term


class TermFile(BaseModel):
    """One YAML file of terms: a sector's shipped list or a council's own."""

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)

    sector: str | None = None
    description: str | None = None
    terms: tuple[Term, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _default_sector(cls, data: object) -> object:
        # A term without `sectors` belongs to the file's sector; saves repeating it 40 times.
        if isinstance(data, dict) and data.get("sector") and isinstance(data.get("terms"), list):
            for t in data["terms"]:
                if isinstance(t, dict) and not t.get("sectors"):
                    t["sectors"] = [data["sector"]]
        return data
