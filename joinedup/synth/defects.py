"""Realistic defects in identity fields, at configurable rates, applied as real systems hold them.

A system (a hospital's patient administration system, a council's case system, a GP system)
registers a person once and reuses that registration on every record: so most defects are drawn
per registration (a misspelt name stays misspelt), and a duplicate registration is a second
local id for the same person whose details were keyed again, often differently.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from joinedup.errors import UserError

from joinedup.synth import identifiers as ids
from joinedup.synth.names import variants
from joinedup.specfile import load_model_file

__all__ = ["DefectRates", "DefectConfig", "load_defects", "typo", "nickname", "transpose_day_month", "mistype_nhs", "hyphen_variant"]


class DefectRates(BaseModel):
    """Rates for one sector (each a probability per registration unless stated)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    typo: float = Field(0.02, ge=0, le=1, description="a keying error in a name (per name field)")
    nickname: float = Field(0.04, ge=0, le=1, description="a short form or variant spelling of the given name")
    surname_change: float = Field(0.35, ge=0, le=1, description="of people whose surname changed, records holding the other one")
    hyphen_variant: float = Field(0.4, ge=0, le=1, description="of double-barrelled surnames, records holding one part or a space")
    dob_transposed: float = Field(0.004, ge=0, le=1, description="day and month of birth swapped (where day <= 12)")
    nhs_missing: float = Field(0.01, ge=0, le=1, description="no NHS number on the registration")
    nhs_mistyped: float = Field(0.002, ge=0, le=1, description="an NHS number with a keying error")
    nhs_missing_row: float = Field(0.0, ge=0, le=1, description="no NHS number on one record (per row)")
    stale_address: float = Field(0.3, ge=0, le=1, description="of people who moved, registrations still holding the old postcode")
    duplicate: float = Field(0.01, ge=0, le=1, description="a second registration (local id) for the same person")


def _nhs_defaults() -> DefectRates:
    # NHS Digital data quality: NHS number ~99% complete in SUS+ APC/ECDS (DQMI); assumption 1% missing.
    return DefectRates(nhs_missing=0.01, nhs_mistyped=0.002, nhs_missing_row=0.005, duplicate=0.012)


def _asc_defaults() -> DefectRates:
    # Adult social care: NHS number completeness ~90-95% in CLD (assumption; DHSC CLD data quality reports).
    return DefectRates(nhs_missing=0.08, nhs_mistyped=0.01, duplicate=0.03, typo=0.03, stale_address=0.4)


def _csc_defaults() -> DefectRates:
    return DefectRates(nhs_missing=0.2, nhs_mistyped=0.01, duplicate=0.02, typo=0.03, stale_address=0.4)


class DefectConfig(BaseModel):
    """Defect rates per sector; the source's sector prefix picks the rates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nhs: DefectRates = Field(default_factory=_nhs_defaults)
    asc: DefectRates = Field(default_factory=_asc_defaults)
    csc: DefectRates = Field(default_factory=_csc_defaults)
    education: DefectRates = Field(default_factory=lambda: DefectRates(duplicate=0.005, typo=0.01, nickname=0.02))
    workforce: DefectRates = Field(default_factory=lambda: DefectRates(duplicate=0.005, typo=0.01, nickname=0.05))
    ons: DefectRates = Field(default_factory=lambda: DefectRates(typo=0, nickname=0, dob_transposed=0, nhs_missing=0,
                                                                   nhs_mistyped=0, stale_address=0, duplicate=0))
    #: how much more often a duplicate registration carries each defect than a first one
    duplicate_multiplier: float = Field(3.0, ge=1)
    #: sources that never hold two records for one person (a death is registered once)
    no_duplicates: tuple[str, ...] = ("nhs.deaths",)

    def for_sector(self, sector: str) -> DefectRates:
        """The rates for a sector (defaults for an unknown one)."""
        return getattr(self, sector, DefectRates())

    @classmethod
    def none(cls) -> "DefectConfig":
        """No defects at all (clean extracts)."""
        zero = {k: 0.0 for k in DefectRates.model_fields}
        return cls(**{s: DefectRates(**zero) for s in ("nhs", "asc", "csc", "education", "workforce", "ons")})


def load_defects(path: Path) -> DefectConfig:
    """Defect rates from a YAML (or JSON) file: sector -> rate name -> value; unknown names are errors."""
    if not path.is_file():
        raise UserError("no such defects file", file=str(path))
    return load_model_file(path, DefectConfig, what="defects file", prefix="invalid defect rates: ", empty={})


_KEYBOARD = {c: n for c, n in zip("qwertyuiopasdfghjklzxcvbnm", "wqrtyuiopoadsfghjklkzxcvbn")}


def typo(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """One keying error per value: a dropped, doubled, swapped or neighbouring-key letter."""
    out = values.astype(object).copy()
    kind = rng.integers(0, 4, len(values))
    where = rng.random(len(values))
    for i, v in enumerate(values):
        if not isinstance(v, str) or len(v) < 3:
            continue
        p = 1 + int(where[i] * (len(v) - 2))
        k = kind[i]
        if k == 0:
            out[i] = v[:p] + v[p + 1:]
        elif k == 1:
            out[i] = v[:p] + v[p] + v[p:]
        elif k == 2:
            out[i] = v[:p] + v[p + 1] + v[p] + v[p + 2:]
        else:
            c = v[p].lower()
            out[i] = v[:p] + _KEYBOARD.get(c, c) + v[p + 1:]
    return out


def nickname(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """A short form or variant of each given name where one is known (else unchanged)."""
    table = variants()
    pick = rng.random(len(values))
    out = values.astype(object).copy()
    for i, v in enumerate(values):
        opts = table.get(v)
        if opts:
            out[i] = opts[int(pick[i] * len(opts))]
    return out


def hyphen_variant(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """A double-barrelled surname held as its first part, its last part, or with a space."""
    pick = rng.integers(0, 3, len(values))
    out = values.astype(object).copy()
    for i, v in enumerate(values):
        if isinstance(v, str) and "-" in v:
            a, b = v.split("-", 1)
            out[i] = (a, b, f"{a} {b}")[pick[i]]
    return out


def transpose_day_month(days: np.ndarray) -> np.ndarray:
    """Dates (days since 1970) with day and month swapped where the day is 12 or less."""
    d = np.asarray(days, dtype="datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = (d.astype("datetime64[M]") - y).astype(int) + 1
    dd = (d - d.astype("datetime64[M]")).astype(int) + 1
    ok = (dd <= 12) & (dd != m)
    swapped = (y + np.where(ok, dd - 1, m - 1).astype("timedelta64[M]")).astype("datetime64[D]") + \
        np.where(ok, m - 1, dd - 1).astype("timedelta64[D]")
    return swapped.astype(np.int64)


def mistype_nhs(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """NHS numbers with one digit changed or two neighbouring digits swapped (check digit then fails)."""
    out = values.astype(object).copy()
    pos = rng.integers(0, 9, len(values))
    new = rng.integers(1, 10, len(values))
    swap = rng.random(len(values)) < 0.5
    for i, v in enumerate(values):
        if not isinstance(v, str):
            continue
        p = pos[i]
        if swap[i] and v[p] != v[p + 1]:
            w = v[:p] + v[p + 1] + v[p] + v[p + 2:]
        else:
            w = v[:p] + str((int(v[p]) + new[i]) % 10) + v[p + 1:]
        if ids.nhs_number_valid(np.array([w], dtype=object))[0]:
            w = w[:9] + str((int(w[9]) + 1) % 10)
        out[i] = w
    return out
