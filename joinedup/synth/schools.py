"""The place's schools and who goes where: primaries, secondaries (some with sixth forms) and special schools.

Schools are sited in the area's real LSOAs in proportion to where children live; a pupil goes
to the nearest school of their phase (about 85%) or another in the area, chosen once per pupil
so that the choice holds from census to census unless the family moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from joinedup.reference import DEFAULT_AREA, lsoas

__all__ = ["Schools", "build_schools", "dfe_la_number", "PRIMARY_SIZE", "SECONDARY_SIZE", "SPECIAL_SIZE"]

#: Average roll sizes (assumption; DfE Schools, pupils and their characteristics 2024: ~ 280 per
#: state-funded primary, ~ 1,050 per secondary, ~ 130 per special school).
PRIMARY_SIZE, SECONDARY_SIZE, SPECIAL_SIZE = 280, 1050, 130
#: Pupils at the nearest school of their phase (assumption).
CATCHMENT_SHARE = 0.85
_LA_NUMBERS = {DEFAULT_AREA: "332"}  # DfE LA number of Dudley (facts: DfE number 332)


def dfe_la_number(area: str) -> str:
    """The DfE LA number used in LAEstab (Dudley's is 332; other areas get 999, 'not known')."""
    return _LA_NUMBERS.get(area, "999")


@dataclass(frozen=True)
class Schools:
    """Schools of one phase: URN, LAEstab and the school nearest each LSOA (by LSOA index)."""

    urn: np.ndarray
    laestab: np.ndarray
    nearest: dict[str, int]

    def assign(self, lsoa: np.ndarray, u: np.ndarray) -> np.ndarray:
        """School index per pupil: the nearest school, or (for 1 - CATCHMENT_SHARE) another one."""
        near = pl.Series(lsoa).replace_strict(self.nearest, default=0).to_numpy().astype(np.int64)
        k = len(self.urn)
        if k == 1:
            return near
        other = (near + 1 + np.floor((u - CATCHMENT_SHARE) / (1 - CATCHMENT_SHARE) * (k - 1)).astype(np.int64)) % k
        return np.where(u < CATCHMENT_SHARE, near, other)


def build_schools(area: str, rng: np.random.Generator, pupils_by_lsoa: dict[str, int], primary: int,
                  secondary: int, special: int) -> dict[str, Schools]:
    """Sites schools in proportion to pupils and returns each phase's schools."""
    rows = lsoas(area)
    codes = np.array([r["lsoa21_code"] for r in rows])
    lat = np.array([r["latitude"] for r in rows], dtype=float)
    lon = np.array([r["longitude"] for r in rows], dtype=float) * np.cos(np.radians(np.nanmean(lat)))
    weight = np.array([pupils_by_lsoa.get(c, 0) for c in codes], dtype=float) + 0.5
    la = dfe_la_number(area)
    used: set[int] = set()
    out = {}
    for phase, count, size, base in (("primary", primary, PRIMARY_SIZE, 2000), ("secondary", secondary, SECONDARY_SIZE, 4000),
                                     ("special", special, SPECIAL_SIZE, 7000)):
        k = int(max(1, min(len(codes), round(count / size))))
        sites = rng.choice(len(codes), k, replace=False, p=weight / weight.sum())
        d = (lat[:, None] - lat[sites][None, :]) ** 2 + (lon[:, None] - lon[sites][None, :]) ** 2
        nearest = dict(zip(codes.tolist(), np.argmin(d, axis=1).tolist()))
        urns = []
        while len(urns) < k:
            u = int(rng.integers(100_000, 150_000))
            if u not in used:
                used.add(u)
                urns.append(u)
        out[phase] = Schools(urn=np.array([str(u) for u in urns]),
                             laestab=np.array([f"{la}{base + i + 1:04d}" for i in range(k)]), nearest=nearest)
    return out
