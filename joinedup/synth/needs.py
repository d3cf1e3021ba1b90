"""Latent needs shared by every sector, calibrated by age and deprivation, plus care experience and staff.

Each rate is stated beside its constant with its source; deprivation enters every rate as
`exp(k * (dep - mean dep))`, dep = (10 - IMD decile) / 9, so the place-wide rate stays at the
published figure while the most deprived areas carry more of it.
"""

from __future__ import annotations

import numpy as np

from joinedup.synth.households import _by_age, _top_k

__all__ = ["latent_needs", "care_experience", "worker_sectors", "WORKFORCE_PER_PERSON", "CLA_ENTRY_AGE"]

# Dementia prevalence by age (Alzheimer's Society, Dementia UK 2014 update: 1.7% at 65-69 ... 33% at 90+).
_DEMENTIA = ((65, 0.017), (70, 0.03), (75, 0.06), (80, 0.11), (85, 0.20), (90, 0.33))
_DEMENTIA_CARE_HOME = 0.70  # Alzheimer's Society: ~70% of care home residents have dementia
# Physical disability limiting daily activities by age (assumption shaped on Census 2021 TS038
# "disabled, limited a lot": ~3% under 50, 12% at 65-74, 25%+ at 85+).
_PHYSICAL = ((0, 0.01), (18, 0.025), (50, 0.06), (65, 0.12), (75, 0.18), (85, 0.28))
_LEARNING_DISABILITY = 0.005  # NHS Digital, Health and care of people with learning disabilities: 0.5% on GP registers
# Mental health need requiring support (APMS 2014: 1 in 6 adults with a common mental disorder;
# assumption: ~11% adults needing support; NHS Digital MHCYP 2023: ~20% of 8-16s probable disorder, 9% needing support).
_MENTAL = ((0, 0.0), (5, 0.06), (11, 0.09), (16, 0.12), (25, 0.115), (65, 0.08), (80, 0.07))
# Substance misuse (OHID: ~300k opiate/crack users, ~600k dependent drinkers in England, ~2% of
# adults; assumption: 2.6% of men and 1.2% of women aged 18-64, half that at 65+).
_SUBSTANCE_M = ((18, 0.026), (65, 0.013))
_SUBSTANCE_F = ((18, 0.012), (65, 0.006))
_DOMESTIC_ABUSE = 0.05  # ONS CSEW year ending March 2024: ~5% of adults experienced domestic abuse in the last year
_CARER = 0.09  # Census 2021 England: 8.9% of people aged 5+ provide unpaid care (adults: assumption 9%)
_CARER_OF_NEED = 0.6  # assumption: share of co-resident adults who care for a partner or parent with high need
# Children looked after: ~81 per 10,000 under-18s at 31 March (LAIT, Dudley 2025: 81); started
# to be looked after by age (DfE CLA 2024: under 1 19%, 1-4 16%, 5-9 19%, 10-15 38%, 16+ 8%).
CLA_ENTRY_AGE = ((0.0, 1.0, 0.19), (1.0, 5.0, 0.16), (5.0, 10.0, 0.19), (10.0, 16.0, 0.38), (16.0, 18.0, 0.08))
_CLA_EVER = 0.0403  # calibrated (tests/synth/test_calibration.py) so that the stock is ~81 per 10,000
# Durations in care (DfE CLA 2024: ~1 in 3 ceased episodes last under 6 months; assumption lognormal median 1.6 y).
_CLA_DURATION_MEDIAN_Y, _CLA_DURATION_SIGMA = 1.6, 1.1
# Staff posts per resident (the place's staff assumed to live in it):
# adult social care: Skills for Care State of the sector 2024-25, 1.60m filled posts / 57.1m people = 2.8% -> ~9,000 per 320k;
# NHS trusts: assumption ~6,000 per 320k (one acute trust and a share of community and mental health trusts);
# children's social workers: ~150 per 320k (DfE 36,186 FTE / 12.2m children scaled to 70.5k children plus managers);
# general practice: ~700 per 320k (NHS Digital General Practice Workforce ~150k headcount scaled, assumption).
WORKFORCE_PER_PERSON = {"adult_social_care": 9000 / 320_000, "nhs": 6000 / 320_000,
                        "childrens_social_work": 150 / 320_000, "general_practice": 700 / 320_000}
# Share of women by sector (Skills for Care 2025: 79%; NHS Digital workforce: 77%; DfE CSW: 85%; GP staff ~ 85%).
_FEMALE_SHARE = {"adult_social_care": 0.79, "nhs": 0.77, "childrens_social_work": 0.85, "general_practice": 0.85}


def _dep_mult(dep: np.ndarray, k: float) -> np.ndarray:
    m = np.exp(k * dep)
    return m / m.mean()


def latent_needs(rng: np.random.Generator, age: np.ndarray, female: np.ndarray, dep: np.ndarray,
                 household: np.ndarray, in_care_home: np.ndarray, partner_or_kin: tuple[np.ndarray, np.ndarray]) -> dict[str, np.ndarray]:
    """Needs per person: long-term conditions, frailty, mental health, disabilities, dementia, abuse, caring."""
    n = len(age)
    ltc = rng.poisson((0.04 + 0.00042 * np.clip(age - 15, 0, None) ** 2) * _dep_mult(dep, 0.6))
    dementia = (rng.random(n) < _by_age(_DEMENTIA, age) * _dep_mult(dep, 0.3)) & (age >= 65)
    dementia |= in_care_home & (rng.random(n) < _DEMENTIA_CARE_HOME)
    z = -5.2 + 0.065 * (age - 40) + 0.9 * dep + 0.35 * ltc + 1.5 * dementia + 2.5 * in_care_home + rng.normal(0, 0.7, n)
    frailty = (1 / (1 + np.exp(-z))).astype(np.float32)
    mental = rng.random(n) < _by_age(_MENTAL, age) * _dep_mult(dep, 0.8)
    subst = rng.random(n) < np.where(female, _by_age(_SUBSTANCE_F, age), _by_age(_SUBSTANCE_M, age)) * _dep_mult(dep, 1.2) * (age >= 18)
    ld = rng.random(n) < _LEARNING_DISABILITY * np.where(age >= 65, 0.5, 1.1)
    phys = rng.random(n) < _by_age(_PHYSICAL, age) * _dep_mult(dep, 0.7)
    # domestic abuse is a household state: drawn per household, raised where an adult misuses substances
    n_hh = int(household.max()) + 1
    hh_dep = np.bincount(household, weights=dep, minlength=n_hh) / np.maximum(np.bincount(household, minlength=n_hh), 1)
    hh_subst = np.bincount(household, weights=subst, minlength=n_hh) > 0
    hh_adult = np.bincount(household, weights=(age >= 16) & (age < 65), minlength=n_hh) > 0
    p_da = _DOMESTIC_ABUSE * _dep_mult(hh_dep, 1.0) * np.where(hh_subst, 3.0, 0.85)
    da = (rng.random(n_hh) < p_da) & hh_adult
    # carers: first those living with a partner or parent of high need, then others to the census share
    carer = np.zeros(n, dtype=bool)
    high = dementia | (frailty > 0.5) | ld | phys
    src, dst = partner_or_kin
    for a, b in ((src, dst), (dst, src)):
        cares = high[b] & (age[a] >= 16) & ~in_care_home[a] & (rng.random(len(a)) < _CARER_OF_NEED)
        carer[a[cares]] = True
    adult = (age >= 16) & ~in_care_home
    short = int(_CARER * adult.sum()) - int((carer & adult).sum())
    if short > 0:
        w = np.where(adult & ~carer, np.exp(-((age - 58) / 15) ** 2) * np.where(female, 1.4, 1.0), 0.0)
        carer[_top_k(rng, w, short)] = True
    return {"ltc_count": np.minimum(ltc, 12).astype(np.int8), "frailty": frailty, "mental_health_need": mental,
            "substance_misuse": subst, "learning_disability": ld, "physical_disability": phys,
            "dementia": dementia, "domestic_abuse_household": da[household], "is_carer": carer}


def care_experience(rng: np.random.Generator, dob: np.ndarray, period_end: int, dep: np.ndarray,
                    family_risk: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who was looked after as a child by the end of the period: flag, entry day and exit day (-1 = none)."""
    n = len(dob)
    years = 365.25
    lo, hi, p = (np.array(x) for x in zip(*CLA_ENTRY_AGE))
    band = rng.choice(len(p), size=n, p=p / p.sum())
    entry = dob + ((lo[band] + rng.random(n) * (hi[band] - lo[band])) * years).astype(np.int64)
    risk = _CLA_EVER * _dep_mult(dep, 2.0) * np.where(family_risk, 3.0, 0.8)
    chosen = (rng.random(n) < risk) & (entry <= period_end) & (dob > period_end - int(40 * years))
    duration = (rng.lognormal(np.log(_CLA_DURATION_MEDIAN_Y), _CLA_DURATION_SIGMA, n) * years).astype(np.int64)
    exit_ = np.minimum(entry + np.maximum(duration, 1), dob + int(18 * years))
    exit_ = np.where(exit_ > period_end, -1, exit_)
    return chosen, np.where(chosen, entry, -1), np.where(chosen, exit_, -1)


def worker_sectors(rng: np.random.Generator, n_place: int, age: np.ndarray, female: np.ndarray,
                   eligible: np.ndarray) -> np.ndarray:
    """The sector each member of staff works in (None for others), at the stated posts per resident."""
    out = np.full(len(age), None, dtype=object)
    free = eligible & (age >= 18) & (age <= 67)
    shape = np.exp(-((age - 42) / 16) ** 2)
    for sector, rate in WORKFORCE_PER_PERSON.items():
        fshare = _FEMALE_SHARE[sector]
        w = np.where(free, shape * np.where(female, fshare, 1 - fshare), 0.0)
        picked = _top_k(rng, w, round(rate * n_place))
        out[picked] = sector
        free[picked] = False
    return out
