"""The people of the place: ages, sexes, ethnicity, households on real LSOAs and postcodes, names, ids.

`cohort()` builds one group of people living together in households (the residents at the
start, or the people who move in during the period); `population.build_world` in
joinedup.synth.place stitches cohorts, life events and latent needs into a `World`.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from joinedup.reference import lsoas, postcodes
from joinedup.synth import names as nm
from joinedup.synth.households import form_households

__all__ = ["AGE_BANDS", "ETHNICITY", "AddressBook", "Cohort", "cohort", "sample_ages", "area_geography", "Geography"]

# Age structure: 5-year bands (share %) shaped on Dudley, Census 2021 (allaboutdudley.info: 323,500
# residents, 20.4% aged 65+) and LAIT (~70,500 aged 0-17 = 21.8%); within 18-64 the shape of an
# English metropolitan borough (assumption, ONS Census 2021 TS007A profile of met. districts).
AGE_BANDS = (
    (0, 5.80), (5, 6.20), (10, 6.30), (15, 5.80), (20, 5.55), (25, 6.00), (30, 6.30), (35, 6.05),
    (40, 5.85), (45, 6.15), (50, 6.75), (55, 6.65), (60, 5.85), (65, 5.60), (70, 5.80), (75, 4.00),
    (80, 2.70), (85, 1.50), (90, 0.80),
)
# Share female by age (assumption: ONS mid-2022 England: ~49% under 60, rising to ~64% at 85+).
_FEMALE = ((0, 0.488), (20, 0.500), (60, 0.510), (70, 0.530), (80, 0.570), (85, 0.640), (90, 0.700))
# Ethnicity (NHS ethnic category) of the West Midlands metropolitan boroughs, Census 2021 TS021
# (Birmingham, Coventry, Dudley, Sandwell, Solihull, Walsall, Wolverhampton combined), rounded;
# assumption (?): figures recalled from the ONS tables, not checked against them here.
ETHNICITY = {"A": 58.0, "B": 0.7, "C": 3.8, "D": 2.0, "E": 0.5, "F": 1.0, "G": 0.8, "H": 6.7, "J": 10.5,
             "K": 2.5, "L": 2.5, "M": 2.6, "N": 4.3, "P": 1.0, "R": 0.7, "S": 2.4}
# Odds of a minority ethnic household by kind (assumption: minority groups are younger, so more
# often families with children and less often older people alone; Census 2021 TS021 x TS003).
_MINORITY_ODDS = {"couple": 0.8, "couple_with_children": 1.45, "lone_parent": 1.3, "older_alone": 0.3,
                  "single_adult": 1.1, "multi_generational": 3.0, "other": 1.4, "care_home": 0.15}
_SAME_ETHNICITY = 0.93  # assumption: members share the household's ethnicity (Census 2021: ~9% of couples are inter-ethnic)
# Where households live: minority ethnic and lone-parent households are more often in deprived
# LSOAs (IoD 2025 decile), older households less (assumption shaped on Census 2021 by IMD decile).
_DEPRIVATION_TILT = {"minority": 0.9, "lone_parent": 0.6, "older": -0.25, "care_home": 0.0}
_MARRIED_NAME = 0.72  # assumption: share of women in a couple who took the partner's surname
_HYPHENATED = 0.03  # assumption: children given a double-barrelled surname (mother-father)
_MIDDLE_NAME = 0.6  # assumption: share of people with a recorded middle name


@dataclass
class Geography:
    """The area's LSOAs (with IMD decile, centroid) and postcodes by LSOA."""

    lsoa: np.ndarray
    decile: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    ward: np.ndarray
    pc_lsoa_start: np.ndarray   # first position of each LSOA's postcodes in `postcode`
    pc_count: np.ndarray
    postcode: np.ndarray


@lru_cache(maxsize=4)
def area_geography(area: str) -> Geography:
    """The LSOAs and in-area postcodes of one local authority, in code order."""
    rows = sorted(lsoas(area), key=lambda r: r["lsoa21_code"])
    code = np.array([r["lsoa21_code"] for r in rows])
    pcs = [p for p in postcodes(area) if p["lsoa21_code"] is not None]
    in_area = set(code.tolist())
    pcs = sorted((p for p in pcs if p["lsoa21_code"] in in_area), key=lambda p: (p["lsoa21_code"], p["postcode"]))
    pc_lsoa = np.searchsorted(code, np.array([p["lsoa21_code"] for p in pcs]))
    counts = np.bincount(pc_lsoa, minlength=len(code))
    if (counts == 0).any():
        # an LSOA with no postcode of its own borrows the postcodes of the next LSOA in code order
        counts = np.where(counts == 0, 0, counts)
    return Geography(code, np.array([r["imd_decile"] for r in rows], dtype=np.int8),
                     np.array([r["latitude"] for r in rows]), np.array([r["longitude"] for r in rows]),
                     np.array([r["ward24_code"] for r in rows]),
                     np.r_[0, np.cumsum(counts)[:-1]], counts, np.array([p["postcode"] for p in pcs]))


def _by_age(table: tuple[tuple[int, float], ...], age: np.ndarray) -> np.ndarray:
    edges = np.array([a for a, _ in table])
    vals = np.array([v for _, v in table])
    return vals[np.clip(np.searchsorted(edges, age, side="right") - 1, 0, None)]


def sample_ages(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ages in (fractional) years from the borough's age bands; 90+ spread over 90-104."""
    lo = np.array([a for a, _ in AGE_BANDS], dtype=float)
    p = np.array([s for _, s in AGE_BANDS])
    band = rng.choice(len(lo), size=n, p=p / p.sum())
    width = np.where(lo[band] >= 90, rng.exponential(3.5, n).clip(0, 14.9), rng.random(n) * 5)
    return lo[band] + width


@dataclass
class Cohort:
    """People (arrays per person) in households (arrays per household) with true relations."""

    age: np.ndarray
    female: np.ndarray
    household: np.ndarray
    ethnicity: np.ndarray
    given_name: np.ndarray
    middle_name: np.ndarray
    family_name: np.ndarray
    birth_family_name: np.ndarray
    hh_kind: np.ndarray
    hh_lsoa: np.ndarray          # position in Geography.lsoa
    hh_postcode: np.ndarray
    hh_address: np.ndarray
    rel_from: np.ndarray
    rel_to: np.ndarray
    relation: np.ndarray


def _hh_ethnicity(rng: np.random.Generator, kind: np.ndarray, size: np.ndarray) -> np.ndarray:
    codes = np.array(list(ETHNICITY))
    share = np.array(list(ETHNICITY.values())) / 100
    target = 1 - share[0]
    mult = np.vectorize(_MINORITY_ODDS.get)(kind)
    lo, hi = 0.01, 10.0
    for _ in range(40):  # solve for the base odds that give the target share of people
        s = (lo + hi) / 2
        p = s * mult / (1 + s * mult)
        lo, hi = (s, hi) if (p * size).sum() / size.sum() < target else (lo, s)
    minority = rng.random(len(kind)) < p
    other = rng.choice(np.arange(1, len(codes)), size=len(kind), p=share[1:] / share[1:].sum())
    return codes[np.where(minority, other, 0)]


def _place(rng: np.random.Generator, geo: Geography, kind: np.ndarray, minority: np.ndarray,
           size: np.ndarray) -> np.ndarray:
    """An LSOA per household: tilted by deprivation, balanced so LSOA populations stay alike."""
    dep = (10 - geo.decile.astype(float)) / 9  # 1 = most deprived decile
    group = (np.searchsorted(np.array(sorted(_MINORITY_ODDS)), kind) * 2 + minority.astype(int))
    n_groups = len(_MINORITY_ODDS) * 2
    tilt = np.zeros(n_groups)
    for i, k in enumerate(sorted(_MINORITY_ODDS)):
        base = {"lone_parent": _DEPRIVATION_TILT["lone_parent"], "older_alone": _DEPRIVATION_TILT["older"],
                "couple": _DEPRIVATION_TILT["older"] / 2}.get(k, 0.0)
        tilt[2 * i] = base
        tilt[2 * i + 1] = base + _DEPRIVATION_TILT["minority"]
    w = np.exp(tilt[:, None] * 2.2 * dep[None, :])
    people = np.bincount(group, weights=size, minlength=n_groups)
    target = rng.lognormal(0, 0.12, len(geo.lsoa))
    target = target / target.sum() * people.sum()
    for _ in range(25):  # iterative proportional fitting: keep each LSOA near its target size
        w /= w.sum(axis=1, keepdims=True)
        load = (people[:, None] * w).sum(axis=0)
        w *= (target / np.maximum(load, 1e-9))[None, :]
    w /= w.sum(axis=1, keepdims=True)
    out = np.empty(len(kind), dtype=np.int64)
    for g in range(n_groups):
        idx = np.flatnonzero(group == g)
        if len(idx):
            out[idx] = rng.choice(len(geo.lsoa), size=len(idx), p=w[g])
    return out


class AddressBook:
    """The house numbers already given out in each postcode: no two households ever share an address.

    Real addresses are unique per home. One book serves a whole place (the residents, the people who
    arrive, and the homes households move to), so a household never shares its address with another.
    """

    _STRIDE = 1 << 24  # key = postcode position * stride + house number

    def __init__(self) -> None:
        self.used = np.array([], dtype=np.int64)

    def claim(self, pick: np.ndarray, number: np.ndarray) -> np.ndarray:
        """Numbers as drawn, each one already taken in its postcode moved two doors on (same side)."""
        number = number.astype(np.int64).copy()
        while True:
            key = pick.astype(np.int64) * self._STRIDE + number
            first = np.zeros(len(key), dtype=bool)
            first[np.unique(key, return_index=True)[1]] = True
            # the book is kept sorted: a binary search per key (np.isin would re-sort the whole book each
            # pass, and a place built in batches holds every earlier batch's homes in it)
            at = np.minimum(np.searchsorted(self.used, key), max(len(self.used) - 1, 0))
            taken = self.used[at] == key if len(self.used) else np.zeros(len(key), dtype=bool)
            clash = ~first | taken
            if not clash.any():
                break
            number[clash] += 2
        self.used = np.union1d(self.used, key)
        return number


def _addresses(rng: np.random.Generator, geo: Geography, lsoa: np.ndarray, kind: np.ndarray,
               book: AddressBook | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A postcode in each household's LSOA and an address (house number and street) no other household has."""
    pick = geo.pc_lsoa_start[lsoa] + (rng.random(len(lsoa)) * geo.pc_count[lsoa]).astype(np.int64)
    postcode = geo.postcode[pick]
    streets = nm.streets()
    street = streets[[zlib.crc32(p.encode()) % len(streets) for p in geo.postcode]][pick]
    number = (book or AddressBook()).claim(pick, rng.integers(1, 181, len(lsoa))).astype(str)
    care = kind == "care_home"
    address = np.char.add(np.char.add(number, " "), street)
    if care.any():
        # a care home is named after its street, as many are ("Pedmore House, 12 Pedmore Road")
        home = np.char.replace(np.char.replace(street[care], " Road", ""), " Street", "")
        address = address.astype(object)
        address[care] = np.char.add(np.char.add(home, " House, "), address[care].astype(str))
        address = address.astype(str)
    return postcode, address


def cohort(rng: np.random.Generator, n: int, geo: Geography, ref_year: int = 2022,
           age: np.ndarray | None = None, book: AddressBook | None = None) -> Cohort:
    """n people in households on the area's LSOAs, with ethnicity, names and relations (addresses from `book`)."""
    age = sample_ages(rng, n) if age is None else age
    female = rng.random(n) < _by_age(_FEMALE, age)
    h = form_households(rng, age, female)
    size = np.bincount(h.household, minlength=len(h.kind))
    hh_eth = _hh_ethnicity(rng, h.kind, size)
    own = rng.random(n) >= _SAME_ETHNICITY
    codes = np.array(list(ETHNICITY))
    share = np.array(list(ETHNICITY.values()))
    eth = np.where(own, codes[rng.choice(len(codes), size=n, p=share / share.sum())], hh_eth[h.household])
    lsoa = _place(rng, geo, h.kind, hh_eth != "A", size)
    postcode, address = _addresses(rng, geo, lsoa, h.kind, book)

    by = (ref_year - age).astype(int)
    given = nm.draw_given(rng, nm.given_group(eth, rng), female, by)
    middle = np.where(rng.random(n) < _MIDDLE_NAME, nm.draw_given(rng, nm.given_group(eth, rng), female, by), "")
    own_surname = nm.draw_family(rng, nm.family_group(eth, rng))
    # children and married partners take the surname of the family head
    head_name = own_surname[h.family_head]
    child_of = np.zeros(n, dtype=bool)
    kid_rel = np.isin(h.relation, ["mother", "father", "step-parent"])
    child_of[h.rel_to[kid_rel]] = True
    is_partner_taker = np.zeros(n, dtype=bool)
    partner_rows = h.relation == "partner"
    takers = h.rel_from[partner_rows]
    is_partner_taker[takers[female[takers]]] = True
    married = is_partner_taker & (rng.random(n) < _MARRIED_NAME)
    birth_name = np.where(child_of, head_name, own_surname)
    # a hyphenated name joins the mother's own surname to the father's
    mother_of = np.full(n, -1)
    mrows = h.relation == "mother"
    mother_of[h.rel_to[mrows]] = h.rel_from[mrows]
    hyph = child_of & (mother_of >= 0) & (rng.random(n) < _HYPHENATED) & (age < 40)
    with_mother = np.where(mother_of >= 0, mother_of, 0)
    hyph &= own_surname[with_mother] != head_name
    birth_name = np.where(hyph, np.char.add(np.char.add(own_surname[with_mother], "-"), head_name), birth_name)
    current = np.where(married, head_name, birth_name)
    return Cohort(age, female, h.household, eth, given, np.where(middle == "", None, middle).astype(object),
                  current, birth_name, h.kind, lsoa, postcode, address, h.rel_from, h.rel_to, h.relation)
