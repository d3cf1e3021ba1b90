"""Councils and aggregates in both code systems: DfE LA numbers (Dudley 332) and ONS codes (E08000027)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from joinedup.errors import UserError
from joinedup.specfile import load_model_file

__all__ = ["Area", "data_dir", "load_areas", "resolve_area"]

_ONS = r"^E\d{8}$"


def data_dir() -> Path:
    """The folder of the shipped published figures."""
    return Path(str(files("joinedup.peers") / "data"))


class _CodeFix(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    la_number: int
    ons: str
    former: tuple[str, ...] = ()
    abolished: int | None = None
    kind: Literal["council", "region", "england"] = "council"
    note: str | None = None

    @field_validator("ons")
    @classmethod
    def _ons(cls, v: str) -> str:
        import re

        if not re.match(_ONS, v):
            raise ValueError(f"not an ONS code: {v!r}")
        return v


class _AreasFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    councils: tuple[_CodeFix, ...]
    aggregates: tuple[_CodeFix, ...]


@dataclass(frozen=True)
class Area:
    """A council, region or England, with its codes in both systems."""

    code: str
    la_number: int
    name: str
    kind: str
    region: str | None = None
    former: tuple[str, ...] = ()
    abolished: int | None = None


def _read_fixes() -> _AreasFile:
    path = Path(str(files("joinedup.peers") / "areas.yaml"))
    return load_model_file(path, _AreasFile, what="areas file")


@lru_cache(maxsize=8)
def load_areas(source: Path | None = None) -> tuple[Area, ...]:
    """Every council and aggregate in the DfE LA list that has an ONS code, current codes first."""
    src = source or data_dir()
    ofsted: dict[int, str] = {}
    with open(src / "ofsted_ilacs_latest.csv", newline="") as f:
        for r in csv.DictReader(f):
            ofsted[int(r["la_code"])] = r["ltla23cd"]
    fixes = _read_fixes()
    fixed = {c.la_number: c for c in (*fixes.councils, *fixes.aggregates)}
    areas = []
    with open(src / "children_la_codes.csv", newline="") as f:
        for r in csv.DictReader(f):
            number = int(r["la_number"])
            fix = fixed.get(number)
            code = fix.ons if fix else ofsted.get(number)
            if code is None:
                continue  # e.g. 1000 "England (discontinued)": no ONS code and no figures
            kind = fix.kind if fix else "council"
            areas.append(Area(code=code, la_number=number, name=r["la_name"], kind=kind,
                              region=r["region"] or None, former=fix.former if fix else (),
                              abolished=fix.abolished if fix else None))
    return tuple(sorted(areas, key=lambda a: (a.kind != "council", a.la_number)))


def resolve_area(text: str, areas: tuple[Area, ...] | list[Area]) -> Area:
    """The area named by an ONS code, a former ONS code, a DfE LA number or an exact name."""
    key = text.strip()
    if not key:
        raise UserError("empty area: give an ONS code such as E08000027 or a DfE LA number such as 332")
    for a in areas:
        if a.code == key.upper():
            return a
    if key.isdigit():
        for a in areas:
            if a.la_number == int(key):
                return a
    for a in areas:
        if key.upper() in a.former:
            return a
    for a in areas:
        if a.name.lower() == key.lower():
            return a
    raise UserError(f"unknown area {text!r}: give an ONS code such as E08000027 or a DfE LA number such as 332 "
                    "(see `joinedup peers areas`)")
