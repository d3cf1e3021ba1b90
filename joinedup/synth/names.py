"""Names drawn from curated UK frequency lists by ethnic group, sex and birth cohort (data/names.yaml)."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import numpy as np
import yaml

__all__ = ["given_group", "family_group", "draw_given", "draw_family", "variants", "streets", "dfe_ethnicity"]

# NHS ethnic category -> name list used for given names and for family names (assumption: mixed
# White and Black Caribbean and Black Caribbean people mostly carry British given names and
# Caribbean-British surnames; "Any other White" is split between Eastern European and British).
_GIVEN = {"A": "british", "B": "british", "C": "east_european", "D": "british", "E": "african", "F": "british",
          "G": "british", "H": "indian", "J": "south_asian_muslim", "K": "south_asian_muslim",
          "L": "south_asian_muslim", "M": "british", "N": "african", "P": "british", "R": "chinese", "S": "other"}
_FAMILY = {**_GIVEN, "D": "caribbean", "M": "caribbean", "P": "caribbean", "E": "african"}
_DFE = {"A": "WBRI", "B": "WIRI", "C": "WOTH", "D": "MWBC", "E": "MWBA", "F": "MWAS", "G": "MOTH", "H": "AIND",
        "J": "APKN", "K": "ABAN", "L": "AOTH", "M": "BCRB", "N": "BAFR", "P": "BOTH", "R": "CHNE", "S": "OOTH"}


@lru_cache(maxsize=1)
def _data() -> dict:
    raw = yaml.safe_load((files("joinedup.synth") / "data" / "names.yaml").read_text())

    def parse(text: str) -> tuple[np.ndarray, np.ndarray]:
        pairs = [p.strip().rsplit(" ", 1) for p in text.split(",")]
        names = np.array([p[0] for p in pairs])
        w = np.array([float(p[1]) for p in pairs])
        return names, w / w.sum()

    given = {g: {s: {int(c): parse(t) for c, t in cohorts.items()} for s, cohorts in sexes.items()}
             for g, sexes in raw["given"].items()}
    family = {g: parse(t) for g, t in raw["family"].items()}
    return {"given": given, "family": family, "variants": raw["variants"],
            "streets": np.array([s.strip() for s in raw["streets"].split(",")])}


def given_group(ethnicity: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Name list for given names per person (a share of 'other White' people carry British names)."""
    g = np.vectorize(_GIVEN.get, otypes=[object])(ethnicity).astype(str)
    return np.where((ethnicity == "C") & (rng.random(len(g)) < 0.4), "british", g)


def family_group(ethnicity: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Name list for family names per person."""
    g = np.vectorize(_FAMILY.get, otypes=[object])(ethnicity).astype(str)
    return np.where((ethnicity == "C") & (rng.random(len(g)) < 0.4), "british", g)


def dfe_ethnicity(ethnicity: np.ndarray) -> np.ndarray:
    """The DfE ethnicity code of each NHS ethnic category."""
    return np.vectorize(_DFE.get, otypes=[object])(ethnicity).astype(str)


def draw_given(rng: np.random.Generator, group: np.ndarray, female: np.ndarray, birth_year: np.ndarray) -> np.ndarray:
    """A given name per person from their group's list for their sex and birth cohort."""
    out = np.empty(len(group), dtype=object)
    for g, sexes in _data()["given"].items():
        in_g = group == g
        if not in_g.any():
            continue
        for sex, cohorts in sexes.items():
            cell = in_g & (female == (sex == "F"))
            starts = np.array(sorted(cohorts))
            band = starts[np.clip(np.searchsorted(starts, birth_year, side="right") - 1, 0, None)]
            for c, (names, p) in cohorts.items():
                idx = np.flatnonzero(cell & (band == c))
                if len(idx):
                    out[idx] = names[rng.choice(len(names), size=len(idx), p=p)]
    return out.astype(str)


def draw_family(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    """A family name per person (or household head) from their group's list."""
    out = np.empty(len(group), dtype=object)
    for g, (names, p) in _data()["family"].items():
        idx = np.flatnonzero(group == g)
        if len(idx):
            out[idx] = names[rng.choice(len(names), size=len(idx), p=p)]
    return out.astype(str)


def variants() -> dict[str, list[str]]:
    """Given name -> short forms and variant spellings a record may hold instead."""
    return _data()["variants"]


def streets() -> np.ndarray:
    """Street names for synthetic addresses."""
    return _data()["streets"]
