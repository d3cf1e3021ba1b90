"""Build the `World`: residents at the start and people who arrive, their moves, births, deaths and needs."""

from __future__ import annotations

import csv
import zlib
from datetime import date
from functools import lru_cache
from importlib.resources import files

import numpy as np
import polars as pl

from joinedup.reference import DEFAULT_AREA
from joinedup.synth import identifiers as ids
from joinedup.synth import lifecourse as lc
from joinedup.synth import names as nm
from joinedup.synth.batches import PlaceState
from joinedup.synth.needs import care_experience, latent_needs, worker_sectors
from joinedup.synth.population import AddressBook, Geography, _addresses, area_geography, cohort
from joinedup.synth.world import World

__all__ = ["build_world", "period_of", "la_number", "PEOPLE_PER_PRACTICE"]

EPOCH = date(1970, 1, 1)
PEOPLE_PER_PRACTICE = 7500  # assumption: Dudley ~44 practices for ~330k registered patients (NHS Digital, patients registered 2024)
_UNKNOWN_LA = 999  # councils without children's services of their own (shire districts) take this in UPNs


def period_of(start_year: int) -> tuple[date, date]:
    """Three financial years from 1 April of start_year."""
    return date(start_year, 4, 1), date(start_year + 3, 3, 31)


@lru_cache(maxsize=1)
def _dfe_la_numbers() -> dict[str, int]:
    # copied from ../shared/reference/peers/ofsted_ilacs_latest.csv by scripts/refresh_synth_la_numbers.py
    text = (files("joinedup.synth") / "data" / "dfe_la_numbers.csv").read_text()
    return {code: int(num) for code, num in csv.reader(text.splitlines()[1:])}


def la_number(area: str) -> int:
    """The DfE LA number used in UPNs for an area (Dudley: 332)."""
    return _dfe_la_numbers().get(area, _UNKNOWN_LA)


def _day(d: date) -> int:
    return (d - EPOCH).days


def _dates(days: np.ndarray, nullable: bool = True) -> pl.Series:
    """Days since 1970 as a Date series; where nullable, -1 (no event) becomes null."""
    days = np.asarray(days, dtype=np.int64)
    s = pl.Series(np.where(days >= 0, days, 0).astype(np.int32) if nullable else days.astype(np.int32)).cast(pl.Date)
    missing = np.flatnonzero(days < 0) if nullable else np.array([], dtype=np.int64)
    return s.scatter(missing, None) if len(missing) else s


def _practices(rng: np.random.Generator, geo: Geography, n_people: int, person_lsoa: np.ndarray,
               place: PlaceState | None = None) -> np.ndarray:
    """A registered practice per person: one of the three nearest practices to their LSOA (sites place-wide)."""
    k = max(2, round(n_people / PEOPLE_PER_PRACTICE))
    def sites() -> np.ndarray:
        return rng.choice(len(geo.lsoa), size=k, replace=k > len(geo.lsoa))
    site = place.once("practice_sites", sites) if place is not None else sites()
    codes = np.array([f"M87{600 + i:03d}" for i in range(k)])  # synthetic codes in the ODS practice format
    d = (geo.lat[:, None] - geo.lat[site][None, :]) ** 2 + ((geo.lon[:, None] - geo.lon[site][None, :]) * 0.61) ** 2
    nearest = np.argsort(d, axis=1, kind="stable")[:, :3]  # equal distances by site order on every CPU (not SIMD quicksort's)
    choice = rng.choice(min(3, k), size=len(person_lsoa), p=[0.6, 0.25, 0.15][: min(3, k)] / np.sum([0.6, 0.25, 0.15][: min(3, k)]))
    return codes[nearest[person_lsoa, choice]]


def _move_within(rng: np.random.Generator, geo: Geography, lsoa: np.ndarray, kind: np.ndarray,
                 book: AddressBook) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """New LSOA, postcode and address for households moving within the area (similar deprivation, +-1 decile)."""
    dec = geo.decile.astype(int)
    near = rng.random(len(lsoa))
    new_lsoa = np.empty(len(lsoa), dtype=np.int64)
    for d in range(1, 11):
        idx = np.flatnonzero(dec[lsoa] == d)
        options = np.flatnonzero(np.abs(dec - d) <= 1)
        new_lsoa[idx] = options[(near[idx] * len(options)).astype(np.int64)]
    new_pc, new_addr = _addresses(rng, geo, new_lsoa, kind, book)
    return new_lsoa, new_pc, new_addr


def _identifiers(rng: np.random.Generator, area: str, people: int, geo: Geography, dob: np.ndarray, lsoa: np.ndarray,
                 start: int, end: int, place: PlaceState) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """NHS numbers for all; UPNs for those of school age in the period; NI numbers from 16; a GP practice.

    `people` is the whole place's residents (practices and schools are place-wide); numbers that
    earlier batches gave out (place.nhs_taken, ni_taken, upn_used) are never given again.
    """
    n = len(dob)
    nhs = ids.nhs_numbers(rng, n, exclude=place.nhs_taken)
    place.nhs_taken = np.union1d(place.nhs_taken, nhs.astype(np.int64)) if place.batches > 1 else place.nhs_taken
    age_start, age_end = (start - dob) / lc.YEAR, (end - dob) / lc.YEAR
    school_age = (age_end >= 4) & (age_start < 19)
    by = 1970 + (dob / lc.YEAR)
    # a child starts reception in the September after their fourth birthday
    entry_year = np.floor(by).astype(int) + np.where((by % 1) < (243 / 365.25), 4, 5)
    upn = np.full(n, None, dtype=object)
    si = np.flatnonzero(school_age)
    upn[si] = ids.upns(rng, la_number(area), entry_year[si], 2001 + rng.integers(0, max(2, people // 2800), len(si)),
                       used=place.upn_used)
    ni = np.full(n, None, dtype=object)
    adults = np.flatnonzero(age_end >= 16)
    ni[adults] = ids.ni_numbers(rng, len(adults), exclude=place.ni_taken)
    if place.batches > 1:
        place.ni_taken = np.union1d(place.ni_taken, ni[adults].astype("U9"))
    return nhs, upn, ni, _practices(rng, geo, people, lsoa, place)


def build_world(people: int, seed: int, area: str = DEFAULT_AREA, start_year: int = 2022,
                place: PlaceState | None = None) -> World:
    """The synthetic place (or one batch of it): `people` residents at the start plus arrivals and births.

    With `place` (joinedup.synth.batches), the world is one batch of a bigger place: its person and
    household ids follow the earlier batches', and the numbers and sites they gave out are kept.
    """
    place = place if place is not None else PlaceState(people=people, batch_people=people)
    start_d, end_d = period_of(start_year)
    start, end = _day(start_d), _day(end_d) + 1
    rng = np.random.default_rng([seed, zlib.crc32(b"population")])
    geo = area_geography(area)
    years = (end - start) / lc.YEAR

    book = place.once("address_book", AddressBook)  # one address per household across the whole place
    res = cohort(rng, people, geo, ref_year=start_year, book=book)
    n_in = int(round(people * lc.IN_MIGRATION * years))
    arr = cohort(rng, max(n_in, 1), geo, ref_year=start_year + 1, book=book)
    cohorts = [res, arr]
    n0, n1 = len(res.age), len(arr.age)
    hh_off = len(res.hh_kind)
    hh_arrive = np.r_[np.full(len(res.hh_kind), start), start + 1 + (rng.random(len(arr.hh_kind)) * (end - start - 1)).astype(np.int64)]
    person_hh = np.r_[res.household, arr.household + hh_off]
    arrive = hh_arrive[person_hh]
    age = np.r_[res.age, arr.age]
    dob = arrive - (age * lc.YEAR).astype(np.int64)
    n = n0 + n1

    def cat(attr: str) -> np.ndarray:
        return np.concatenate([getattr(c, attr) for c in cohorts])

    female = cat("female")
    hh_kind, hh_lsoa, hh_pc, hh_addr = cat("hh_kind"), cat("hh_lsoa"), cat("hh_postcode"), cat("hh_address")
    rel_from = np.r_[res.rel_from, arr.rel_from + n0]
    rel_to = np.r_[res.rel_to, arr.rel_to + n0]
    relation = cat("relation")
    # names were drawn for a birth year of start_year - age; arrivals have their own years
    ethnicity = cat("ethnicity")

    # --- moves of whole households
    n_hh = len(hh_kind)
    move_day, leave_day, _ = lc.household_moves(rng, n_hh, hh_arrive, end, hh_kind != "care_home")
    movers = np.flatnonzero(move_day >= 0)
    new_hh = n_hh + np.arange(len(movers))
    new_lsoa, new_pc, new_addr = _move_within(rng, geo, hh_lsoa[movers], hh_kind[movers], book)
    hh_kind = np.r_[hh_kind, hh_kind[movers]]
    hh_lsoa = np.r_[hh_lsoa, new_lsoa]
    hh_pc = np.r_[hh_pc, new_pc]
    hh_addr = np.r_[hh_addr, new_addr]
    moved_to = np.full(n_hh, -1)
    moved_to[movers] = new_hh

    # --- needs (deprivation of the LSOA lived in at the start or on arrival)
    dep = (10 - geo.decile[hh_lsoa[person_hh]].astype(float)) / 9
    in_ch = hh_kind[person_hh] == "care_home"
    kin = np.isin(relation, ["partner", "mother", "father"])
    needs = latent_needs(rng, age, female, dep, person_hh, in_ch, (rel_from[kin], rel_to[kin]))

    # --- deaths of people present at the start or on arrival
    left = leave_day[person_hh]
    exit_ = np.where(left >= 0, left, end)
    q = lc.annual_death_risk(age + 1.5, female, dep, needs["frailty"])
    death = lc.death_days(rng, q, arrive, exit_)

    # --- births to women in the place; the baby lives where the mother lives
    mother_exit = np.where(death >= 0, death, exit_)
    moms, bday = lc.birth_days(rng, age + (np.maximum(arrive, start) - arrive) / lc.YEAR, female,
                               ~in_ch, np.maximum(arrive, start), mother_exit)
    nb = len(moms)
    baby = n + np.arange(nb)
    partner_of = np.full(n, -1)
    prt = relation == "partner"
    partner_of[rel_from[prt]] = rel_to[prt]
    partner_of[rel_to[prt]] = rel_from[prt]
    dad = partner_of[moms]
    b_female = rng.random(nb) < 0.488
    b_eth = np.where(dad >= 0, np.where(rng.random(nb) < 0.5, ethnicity[moms], ethnicity[np.maximum(dad, 0)]), ethnicity[moms])
    b_year = (1970 + bday / lc.YEAR).astype(int)
    b_given = nm.draw_given(rng, nm.given_group(b_eth, rng), b_female, b_year)
    b_middle = np.where(rng.random(nb) < 0.6, nm.draw_given(rng, nm.given_group(b_eth, rng), b_female, b_year), None)
    family_name = cat("family_name")
    birth_family = cat("birth_family_name")
    b_surname = np.where(dad >= 0, family_name[np.maximum(dad, 0)], family_name[moms])
    rel_from = np.r_[rel_from, moms, dad[dad >= 0]]
    rel_to = np.r_[rel_to, baby, baby[dad >= 0]]
    relation = np.r_[relation, np.full(nb, "mother"), np.full(int((dad >= 0).sum()), "father")]
    # the baby's home: the mother's household on the day of birth (after a move, the new one)
    m_hh = person_hh[moms]
    after_move = (move_day[m_hh] >= 0) & (bday >= move_day[m_hh])
    b_hh = np.where(after_move, moved_to[m_hh], m_hh)
    b_dep = (10 - geo.decile[hh_lsoa[b_hh]].astype(float)) / 9
    b_needs = latent_needs(rng, np.zeros(nb), b_female, b_dep, np.searchsorted(np.unique(b_hh), b_hh),
                           np.zeros(nb, dtype=bool), (np.array([], dtype=np.int64), np.array([], dtype=np.int64)))
    b_left = np.where(leave_day[m_hh] >= bday, leave_day[m_hh], -1)
    b_death = lc.death_days(rng, lc.annual_death_risk(np.zeros(nb), b_female, b_dep, b_needs["frailty"]),
                            bday, np.where(b_left >= 0, b_left, end))

    # --- people table arrays (start cohorts then babies)
    N = n + nb
    female_all = np.r_[female, b_female]
    dob_all = np.r_[dob, bday]
    dep_all = np.r_[dep, b_dep]
    death_all = np.r_[death, b_death]
    left_all = np.r_[np.where((left >= 0) & ((death < 0) | (death > left)), left, -1), b_left]
    left_all = np.where((death_all >= 0) & (left_all >= 0) & (death_all <= left_all), -1, left_all)
    arrived_all = np.r_[np.where(arrive > start, arrive, -1), bday]
    home0 = np.r_[person_hh, b_hh]
    lsoa0 = hh_lsoa[home0]
    # care experience: raised where a parent misuses substances, has a mental health need or there is abuse
    fam_risk = np.zeros(N, dtype=bool)
    parent_rel = np.isin(relation, ["mother", "father", "step-parent"])
    all_subst = np.r_[needs["substance_misuse"], b_needs["substance_misuse"]]
    all_mh = np.r_[needs["mental_health_need"], b_needs["mental_health_need"]]
    all_da = np.r_[needs["domestic_abuse_household"], b_needs["domestic_abuse_household"]]
    risky_parent = all_subst[rel_from[parent_rel]] | all_mh[rel_from[parent_rel]]
    fam_risk[rel_to[parent_rel][risky_parent]] = True
    fam_risk |= all_da
    ce, ce_in, ce_out = care_experience(rng, dob_all, end - 1, dep_all, fam_risk)
    eligible = np.r_[~in_ch & ~needs["learning_disability"], np.zeros(nb, dtype=bool)]
    age_start = (start - dob_all) / lc.YEAR
    worker = worker_sectors(rng, people, age_start, female_all, eligible & (death_all < 0))

    nhs, upn, ni, practice = _identifiers(rng, area, place.people, geo, dob_all, lsoa0, start, end, place)
    p_off, h_off = place.person_offset, place.household_offset

    people_df = pl.DataFrame({
        "person_id": pl.Series(np.arange(1, N + 1) + p_off, dtype=pl.Int64),
        "sex": np.where(female_all, "F", "M"),
        "dob": _dates(dob_all, nullable=False),
        "ethnicity": np.r_[ethnicity, b_eth],
        "ethnicity_dfe": nm.dfe_ethnicity(np.r_[ethnicity, b_eth]),
        "given_name": np.r_[cat("given_name"), b_given],
        "middle_name": pl.Series(np.r_[cat("middle_name"), b_middle].tolist(), dtype=pl.Utf8),
        "family_name": np.r_[family_name, b_surname],
        "birth_family_name": np.r_[birth_family, b_surname],
        "nhs_number": nhs,
        "upn": pl.Series(upn.tolist(), dtype=pl.Utf8),
        "ni_number": pl.Series(ni.tolist(), dtype=pl.Utf8),
        "gp_practice": practice,
        "date_of_death": _dates(death_all),
        "arrived": _dates(arrived_all),
        "left": _dates(left_all),
        "imd_decile": pl.Series(geo.decile[lsoa0], dtype=pl.Int8),
        "lsoa21": geo.lsoa[lsoa0],
        **{k: np.r_[v, b_needs[k]] for k, v in needs.items()},
        "worker_sector": pl.Series(worker.tolist(), dtype=pl.Utf8),
        "care_experienced": ce,
        "cla_entry_date": _dates(ce_in),
        "cla_exit_date": _dates(ce_out),
        "ward24": geo.ward[lsoa0],
    }).with_columns(pl.col("frailty").cast(pl.Float32), pl.col("ltc_count").cast(pl.Int8))

    households = pl.DataFrame({
        "household_id": pl.Series(np.arange(1, len(hh_kind) + 1) + h_off, dtype=pl.Int64),
        "kind": hh_kind, "address": hh_addr, "postcode": hh_pc, "lsoa21": geo.lsoa[hh_lsoa],
        "imd_decile": pl.Series(geo.decile[hh_lsoa], dtype=pl.Int8),
    })
    residence = _residence(person_hh, arrive, move_day, moved_to, leave_day, death, m_hh, bday, b_death)
    if p_off or h_off:
        residence = residence.with_columns(pl.col("person_id") + p_off, pl.col("household_id") + h_off)
    relations = pl.DataFrame({"person_id": rel_from + 1 + p_off, "related_person_id": rel_to + 1 + p_off,
                              "relation": relation.astype(str)}).cast({"person_id": pl.Int64, "related_person_id": pl.Int64})
    place.person_offset += N
    place.household_offset += len(hh_kind)
    return World(people=people_df, households=households, residence=residence, relations=relations,
                 period_start=start_d, period_end=end_d, area=area, seed=seed,
                 rng=np.random.default_rng([seed, zlib.crc32(b"world")]), place=place)


def _residence(person_hh, arrive, move_day, moved_to, leave_day, death, m_hh, bday, b_death) -> pl.DataFrame:
    """Who lived where when: a row per address; moving out of the area gives a row with no household."""
    n = len(person_hh)
    pid = np.arange(n + len(m_hh))
    orig = np.r_[person_hh, m_hh]
    frm = np.r_[arrive, bday]
    dies = np.r_[death, b_death]
    mv = np.where(move_day[orig] > frm, move_day[orig], -1)
    born_after_move = (move_day[orig] >= 0) & (move_day[orig] <= frm)
    first = np.where(born_after_move, moved_to[orig], orig)
    # leaving on the first day in the data (people['left'] says so) still gives the row with no household
    lv = np.where((leave_day[orig] >= 0) & (leave_day[orig] >= frm), leave_day[orig], -1)
    m, out = mv >= 0, lv >= 0
    p = np.r_[pid, pid[m], pid[out]]
    h = np.r_[first, moved_to[orig[m]], np.full(int(out.sum()), -1)]
    f = np.r_[frm, mv[m], lv[out]]
    t = np.r_[np.where(m, mv, np.where(out, lv, -1)), np.full(int(m.sum() + out.sum()), -1)]
    d = dies[p]
    keep = (d < 0) | (f <= d)
    t = np.where((d >= 0) & ((t < 0) | (t > d)), d, t)
    p, h, f, t = p[keep], h[keep], f[keep], t[keep]
    order = np.lexsort((f, p))
    hh = pl.Series(np.where(h[order] >= 0, h[order] + 1, 0), dtype=pl.Int64)
    return pl.DataFrame({
        "person_id": pl.Series(p[order] + 1, dtype=pl.Int64),
        "household_id": hh.scatter(np.flatnonzero(h[order] < 0), None),
        "from_date": _dates(f[order]),
        "to_date": _dates(t[order]),
    })
