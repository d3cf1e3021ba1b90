"""Acute hospital activity: emergency department attendances and inpatient spells, drawn together.

Admissions via A&E come from attendances; a hip fracture in an older person is an ambulance
attendance, an emergency admission and (mostly) a discharge on pathway 1; a death in hospital
ends a spell; births are maternity spells. Delays after a person is ready to leave grow when
social care capacity is short (winter, and a slowly wandering capacity index), and the beds they
hold lengthen the waits in the emergency department on those days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from joinedup.synth.events import Exposure, by_age, seasonal_days, winter_index

__all__ = ["Hospital", "hospital_activity", "care_capacity", "HIP_FRACTURE", "PATHWAY_65"]

# ED attendances a year by age (NHS England A&E attendances 2023-24: ~26m a year for 57m people,
# ~0.46 per person; U-shaped by age, ECDS 2023-24 tables; assumption on the age profile).
_ED_RATE = ((0, 0.62), (5, 0.30), (16, 0.48), (25, 0.38), (45, 0.36), (65, 0.45), (75, 0.70), (85, 1.10))
_TYPE1_SHARE = 0.70  # NHS England A&E 2023-24: ~ two-thirds of attendances at type 1 departments
# Admitted from a type 1 department, by age (NHS England A&E 2023-24: ~27% of type 1 attendances admitted).
_ADMIT = ((0, 0.10), (18, 0.18), (65, 0.40), (80, 0.55))
_DIRECT_SHARE = 0.22  # assumption: emergency admissions not via A&E (GP, clinic, crisis team): ~ 1 in 5 (HES 2022-23 ~ 25%)
# Elective admissions a year by age incl. day cases (HES 2022-23: ~8m for 57m; assumption on age profile).
_ELECTIVE = ((0, 0.03), (18, 0.07), (50, 0.16), (65, 0.28), (80, 0.25))
_DAY_CASE = 0.72  # HES: ~ 3 in 4 elective admissions are day cases
# Clinical length of stay until ready (lognormal median days by age, sigma 0.9), tuned so emergency LOS
# including delays averages ~8-9 days and ~12.5 at 85+ (Health Foundation: emergency 9.1, 85+ 12.5 days in 2022).
_LOS_MEDIAN = ((0, 1.2), (18, 3.3), (65, 6.4), (85, 8.4))
_LOS_SIGMA = 0.9
_ELECTIVE_LOS_MEDIAN, _ELECTIVE_LOS_SIGMA = 3.6, 0.8  # Health Foundation: elective overnight mean ~5.1 days
# Discharge pathways for people aged 65+ (DHSC Hospital discharge and community support guidance:
# P0 >=50%, P1 ~45%, P2 <=4%, P3 <=1%); under 65 (assumption) mostly pathway 0.
PATHWAY_65 = (0.50, 0.45, 0.04, 0.01)
_PATHWAY_UNDER_65 = (0.955, 0.04, 0.004, 0.001)
# Days from ready to discharge by pathway (negative binomial means; Health Foundation: ~1.3 days on
# average for people with no criteria to reside, Dec 2022; long tail for pathways 1-3, assumption).
_DELAY_MEAN = (0.3, 2.6, 4.0, 6.5)
_DELAY_DISPERSION = 0.7
# Hip fracture, people 65+ (National Hip Fracture Database 2023: ~72,000 a year in England, Wales and
# NI, ~0.6% of 65+; rising steeply with age), and where they go on discharge (NHFD: most return home
# with support; assumption 70% P1, 15% P2, 7% P3, 8% P0).
HIP_FRACTURE = ((65, 0.0018), (75, 0.0065), (85, 0.020), (90, 0.032))
_HIP_PATHWAY = (0.08, 0.70, 0.15, 0.07)
_HIP_LOS_MEDIAN, _HIP_LOS_SIGMA = 11.0, 0.45
_LAST_MONTHS_ADMISSIONS = 0.7
# ED minutes arrival to departure (lognormal median, sigma) giving ~74% within 4 hours overall
# (NHS England A&E 2024-25: ~73-76% all types; target 78% for March 2025).
_ED_MINUTES = {"type3": (105, 0.5), "type1": (163, 0.6), "admitted": (297, 0.7)}
_WINTER_ED, _DELAYED_ED = 0.04, 0.10  # assumption: how strongly winter and beds held by delayed patients lengthen waits
# Arrivals by hour (NHS England ECDS: peak late morning, trough 4-6am).
_HOURS = np.array([2.2, 1.7, 1.4, 1.1, 1.0, 1.0, 1.4, 2.4, 4.2, 5.8, 6.5, 6.5, 6.2, 6.0, 5.8, 5.7, 5.6, 5.6,
                   5.5, 5.2, 4.8, 4.2, 3.5, 2.8])


@dataclass
class Hospital:
    """ED attendances and spells as numpy columns (positions into Exposure for people)."""

    ed: dict[str, np.ndarray]
    spells: dict[str, np.ndarray]
    capacity: np.ndarray  # daily social care capacity shortfall index (0 = usual), from period start


def care_capacity(rng: np.random.Generator, n_days: int, start: int) -> np.ndarray:
    """Daily shortfall of social care capacity: winter plus a slowly wandering component."""
    noise = rng.normal(0, 0.07, n_days)
    walk = np.zeros(n_days)
    for i in range(1, n_days):  # per day of the period (~1,100), not per person
        walk[i] = 0.97 * walk[i - 1] + noise[i]
    return 0.35 * winter_index(start + np.arange(n_days)) + walk


def _lognormal_days(rng: np.random.Generator, median: np.ndarray, sigma: float) -> np.ndarray:
    return np.floor(rng.lognormal(np.log(median), sigma)).astype(np.int64)


def _pathways(rng: np.random.Generator, score: np.ndarray, shares: tuple[float, ...]) -> np.ndarray:
    """Pathway 0-3 by rank of need: the most frail get 3, then 2, then 1, so shares are exact."""
    n = len(score)
    order = np.argsort(-(score + rng.normal(0, 0.15, n)), kind="stable")
    out = np.zeros(n, dtype=np.int8)
    cuts = np.round(np.cumsum([shares[3], shares[2], shares[1]]) * n).astype(int)
    out[order[: cuts[0]]] = 3
    out[order[cuts[0]: cuts[1]]] = 2
    out[order[cuts[1]: cuts[2]]] = 1
    return out


def hospital_activity(rng: np.random.Generator, E: Exposure, hospital_deaths: np.ndarray,
                      births: tuple[np.ndarray, np.ndarray, np.ndarray], capacity: np.ndarray | None = None) -> Hospital:
    """Draw ED attendances and spells for everyone in the place (see module docstring).

    `capacity`: the place's social care capacity index when an earlier batch drew it (it is place-wide).
    """
    n_days = E.end - E.start
    cap = care_capacity(rng, n_days + 60, E.start)
    cap = cap if capacity is None else capacity
    age = E.age_mid
    need = 1 + 0.12 * E.ltc_count + 0.8 * E.frailty + 0.8 * E.mental_health_need + 1.5 * E.substance_misuse
    dep = np.exp(0.7 * E.dep) / np.exp(0.7 * E.dep).mean()

    # --- random ED attendances
    n_ed = rng.poisson(by_age(_ED_RATE, age) * dep * need / 1.25 * E.span / 365.25)
    who = np.repeat(np.arange(len(E)), n_ed)
    arrive = seasonal_days(rng, E.entry[who], E.span[who], 0.08)
    type1 = rng.random(len(who)) < _TYPE1_SHARE
    admitted = type1 & (rng.random(len(who)) < by_age(_ADMIT, age[who]) * np.clip(0.8 + 0.5 * E.frailty[who], 0.8, 1.4))
    kind = np.where(admitted, 2, np.where(type1, 1, 0))  # 0 type 3, 1 type 1 not admitted, 2 admitted
    cause = np.zeros(len(who), dtype=np.int8)  # 0 ordinary, 1 hip fracture, 2 final illness

    # --- the last months of life bring more emergency admissions (Nuffield Trust: hospital use rises
    # steeply in the final year; assumption ~0.7 extra admissions in the 5 months before death)
    dying = np.flatnonzero((E.death >= E.entry) & (E.death < E.end))
    n_last = rng.poisson(_LAST_MONTHS_ADMISSIONS, len(dying))
    last = np.repeat(dying, n_last)
    last_day = np.maximum(E.death[last] - rng.integers(7, 150, len(last)), E.entry[last])
    who = np.r_[who, last]
    arrive = np.r_[arrive, last_day]
    kind = np.r_[kind, np.full(len(last), 2)]
    cause = np.r_[cause, np.zeros(len(last), dtype=np.int8)]

    # --- hip fractures (people at home aged 65+, alive through the stay)
    p_hip = by_age(HIP_FRACTURE, age) * np.exp(1.5 * (E.frailty - 0.2)).clip(0.5, 3.5) * (age >= 65) * ~E.care_home
    hip = np.flatnonzero(rng.random(len(E)) < 1 - np.exp(-p_hip * E.span / 365.25))
    hip_day = seasonal_days(rng, E.entry[hip], np.maximum(E.span[hip] - 45, 0), 0.1)
    keep = E.span[hip] > 45
    hip, hip_day = hip[keep], hip_day[keep]
    # --- final admissions of people who die in hospital
    d_los = np.minimum(_lognormal_days(rng, np.full(len(hospital_deaths), 6.0), 0.8), 40)
    d_admit = np.maximum(E.death[hospital_deaths] - d_los, E.entry[hospital_deaths])
    who = np.r_[who, hip, hospital_deaths]
    arrive = np.r_[arrive, hip_day, d_admit]
    kind = np.r_[kind, np.full(len(hip), 2), np.full(len(hospital_deaths), 2)]
    cause = np.r_[cause, np.ones(len(hip), dtype=np.int8), np.full(len(hospital_deaths), 2, dtype=np.int8)]
    direct_final = rng.random(len(hospital_deaths)) < 0.15
    via_ed = np.r_[np.ones(len(who) - len(hospital_deaths), dtype=bool), ~direct_final]

    # --- spells: emergency (via ED, and direct), elective, maternity
    adm = np.flatnonzero(kind == 2)
    e_who, e_day, e_cause, e_ed = who[adm], arrive[adm], cause[adm], adm.copy()
    e_ed[~via_ed[adm]] = -1
    n_direct = rng.poisson(_DIRECT_SHARE / (1 - _DIRECT_SHARE) * by_age(_ED_RATE, age) * dep * need / 1.25
                           * _TYPE1_SHARE * by_age(_ADMIT, age) * E.span / 365.25)
    d_who = np.repeat(np.arange(len(E)), n_direct)
    d_day = E.entry[d_who] + (rng.random(len(d_who)) * E.span[d_who]).astype(np.int64)
    n_el = rng.poisson(by_age(_ELECTIVE, age) * (1 + 0.1 * E.ltc_count) * E.span / 365.25 * ~E.care_home)
    el_who = np.repeat(np.arange(len(E)), n_el)
    el_day = E.entry[el_who] + (rng.random(len(el_who)) * E.span[el_who]).astype(np.int64)
    mothers, babies, bdays = births
    s_who = np.r_[e_who, d_who, el_who, mothers, babies]
    s_admit = np.r_[e_day, d_day, el_day, bdays, bdays]
    s_cls = np.r_[np.zeros(len(e_who)), np.ones(len(d_who)), np.full(len(el_who), 2), np.full(len(mothers), 3),
                  np.full(len(babies), 4)].astype(np.int8)  # 0 via ED, 1 direct, 2 elective, 3 mother, 4 baby
    s_cause = np.r_[e_cause, np.zeros(len(s_who) - len(e_who), dtype=np.int8)]
    s_ed = np.r_[e_ed, np.full(len(s_who) - len(e_who), -1)]
    n_s = len(s_who)
    s_age = (s_admit - E.dob[s_who]) / 365.25
    clin = _lognormal_days(rng, by_age(_LOS_MEDIAN, s_age), _LOS_SIGMA)
    el = s_cls == 2
    clin[el] = np.where(rng.random(int(el.sum())) < _DAY_CASE, 0,
                        1 + _lognormal_days(rng, np.full(int(el.sum()), _ELECTIVE_LOS_MEDIAN - 1), _ELECTIVE_LOS_SIGMA))
    mat = s_cls >= 3
    clin[mat] = rng.choice([0, 1, 2, 3], size=int(mat.sum()), p=[0.2, 0.45, 0.25, 0.1])
    hipm = s_cause == 1
    clin[hipm] = _lognormal_days(rng, np.full(int(hipm.sum()), _HIP_LOS_MEDIAN), _HIP_LOS_SIGMA)
    dies = s_cause == 2
    ready = s_admit + clin
    # --- pathways
    path = np.zeros(n_s, dtype=np.int8)
    emerg = (s_cls <= 1) & ~dies & ~hipm
    old = emerg & (s_age >= 65) & ~E.care_home[s_who]
    score = E.frailty[s_who] + 0.3 * E.dementia[s_who] + 0.15 * E.physical_disability[s_who]
    ch_old = emerg & (s_age >= 65) & E.care_home[s_who]
    # care home residents return on pathway 0; the rest of the 65+ shares fall on people at home
    n_old = int(old.sum() + ch_old.sum())
    adj = np.array(PATHWAY_65) * n_old / max(int(old.sum()), 1)
    adj[0] = 1 - adj[1:].sum()
    path[old] = _pathways(rng, score[old], tuple(adj))
    young = emerg & (s_age < 65)
    path[young] = _pathways(rng, score[young], _PATHWAY_UNDER_65)
    path[hipm] = rng.choice(4, size=int(hipm.sum()), p=_HIP_PATHWAY)
    # --- delays: longer on pathways 1-3 and when social care capacity is short
    short = np.exp(cap[np.clip(ready - E.start, 0, len(cap) - 1)])
    mean = np.array(_DELAY_MEAN)[path] * short * ~el * ~mat
    delay = rng.negative_binomial(_DELAY_DISPERSION, _DELAY_DISPERSION / (_DELAY_DISPERSION + np.maximum(mean, 1e-9)))
    discharge = ready + delay
    discharge[dies] = E.death[s_who[dies]]
    ready[dies] = -1
    # the stay ends at death or when the person leaves the place's records
    died_in = ~dies & (E.death[s_who] >= s_admit) & (E.death[s_who] <= discharge)
    discharge[died_in] = E.death[s_who[died_in]]
    ready[died_in] = np.where(ready[died_in] <= discharge[died_in], ready[died_in], -1)
    dies |= died_in
    path[dies] = -1

    # --- no one is in two beds at once: drop ordinary spells that overlap a kept one
    mandatory = dies | hipm | mat
    keep = np.ones(n_s, dtype=bool)
    m_idx = np.flatnonzero(mandatory)
    busy_start = np.r_[s_admit[m_idx]]
    busy_end = np.r_[discharge[m_idx]]
    busy_who = s_who[m_idx]
    o_idx = np.flatnonzero(~mandatory)
    # ordinary spells overlapping a mandatory one of the same person
    if len(m_idx) and len(o_idx):
        mo = np.argsort(busy_who, kind="stable")
        lo = np.searchsorted(busy_who[mo], s_who[o_idx], side="left")
        hi = np.searchsorted(busy_who[mo], s_who[o_idx], side="right")
        for k in range(int((hi - lo).max(initial=0))):
            j = np.minimum(lo + k, len(mo) - 1)
            valid = lo + k < hi
            bs, be = busy_start[mo][j], busy_end[mo][j]
            clash = valid & (s_admit[o_idx] <= be) & (discharge[o_idx] >= bs)
            keep[o_idx[clash]] = False
    # ordinary spells overlapping an earlier kept ordinary spell (sorted by person then admission)
    o_kept = o_idx[keep[o_idx]]
    o_kept = o_kept[np.lexsort((s_admit[o_kept], s_who[o_kept]))]
    prev_end = np.r_[-1, discharge[o_kept][:-1]]
    same = np.r_[False, s_who[o_kept][1:] == s_who[o_kept][:-1]]
    # running max of discharge within person (vectorised via group-wise maximum.accumulate)
    grp_start = np.flatnonzero(~same)
    seg = np.repeat(np.arange(len(grp_start)), np.diff(np.r_[grp_start, len(o_kept)]))
    off = seg * (10**6)
    running = np.maximum.accumulate(np.where(same, prev_end, -1) + off) - off
    keep[o_kept[same & (s_admit[o_kept] <= running)]] = False
    # ED attendances whose admission was dropped become ordinary discharges
    dropped_ed = s_ed[~keep & (s_ed >= 0)]
    kind[dropped_ed] = 1
    spell_of_ed = np.full(len(who), -1)
    spell_of_ed[s_ed[keep & (s_ed >= 0)]] = np.flatnonzero(keep & (s_ed >= 0))

    # --- ED waits: lognormal by kind, longer in winter and when many beds are held by delayed patients
    delayed = np.zeros(len(cap) + 1)
    k_idx = np.flatnonzero(keep & (ready >= 0) & (discharge > ready))
    np.add.at(delayed, np.clip(ready[k_idx] - E.start, 0, len(cap)), 1)
    np.add.at(delayed, np.clip(discharge[k_idx] - E.start, 0, len(cap)), -1)
    held = np.cumsum(delayed)[:len(cap)]
    z = (held - held[:n_days].mean()) / max(held[:n_days].std(), 1e-9)
    med = np.array([_ED_MINUTES["type3"][0], _ED_MINUTES["type1"][0], _ED_MINUTES["admitted"][0]])[kind]
    sig = np.array([_ED_MINUTES["type3"][1], _ED_MINUTES["type1"][1], _ED_MINUTES["admitted"][1]])[kind]
    a_idx = np.clip(arrive - E.start, 0, len(cap) - 1)
    press = np.where(kind == 0, 0.3, 1.0) * (_WINTER_ED * winter_index(arrive) + _DELAYED_ED * z[a_idx])
    minutes = np.maximum(5, rng.lognormal(np.log(med) + press, sig)).astype(np.int64)
    hour = rng.choice(24, size=len(who), p=_HOURS / _HOURS.sum())
    arr_min = hour * 60 + rng.integers(0, 60, len(who))
    dep_abs = arr_min + minutes
    ed = {"who": who, "day": arrive, "minute": arr_min, "dep_day": arrive + dep_abs // 1440,
          "dep_minute": dep_abs % 1440, "kind": kind, "cause": cause, "via_ed": via_ed, "spell": spell_of_ed}
    ed_keep = via_ed.copy()
    # an attendance ends in admission on its departure day
    s_admit = s_admit.copy()
    has = spell_of_ed >= 0
    s_admit[spell_of_ed[has]] = ed["dep_day"][has]
    dead_by = np.where(E.death[s_who] >= 0, E.death[s_who], np.iinfo(np.int64).max)
    s_admit = np.minimum(s_admit, dead_by)
    discharge = np.maximum(discharge, s_admit)
    ready = np.where(ready >= 0, np.maximum(ready, s_admit), -1)
    # a last pass once dates are final: a spell may not start before the person's previous one ended
    order = np.flatnonzero(keep)
    order = order[np.lexsort((~mandatory[order], s_admit[order], s_who[order]))]
    same = np.r_[False, s_who[order][1:] == s_who[order][:-1]]
    grp = np.cumsum(~same)
    off = grp * (10**6)
    prev_end = np.r_[-1, discharge[order][:-1]]
    running = np.maximum.accumulate(np.where(same, prev_end, -1) + off) - off
    clash = same & (s_admit[order] <= running)
    # a death, birth or hip fracture keeps its spell, starting the day after the one before ended
    shift = clash & mandatory[order] & (running + 1 <= discharge[order])
    s_admit[order[shift]] = running[shift] + 1
    ready[order[shift]] = np.where(ready[order[shift]] >= 0, np.maximum(ready[order[shift]], s_admit[order[shift]]), -1)
    keep[order[clash & ~shift]] = False
    unadmitted = np.flatnonzero(has)[~keep[spell_of_ed[has]]]
    kind[unadmitted] = 1
    # their wait is redrawn as a discharged patient's
    redo = np.maximum(5, rng.lognormal(np.log(_ED_MINUTES["type1"][0]) + press[unadmitted], _ED_MINUTES["type1"][1]))
    dep_abs = arr_min[unadmitted] + redo.astype(np.int64)
    ed["dep_day"][unadmitted] = arrive[unadmitted] + dep_abs // 1440
    ed["dep_minute"][unadmitted] = dep_abs % 1440
    spell_of_ed[np.flatnonzero(has)[~keep[spell_of_ed[has]]]] = -1
    ed["kind"] = kind
    ed["spell"] = spell_of_ed
    # nobody walks into the emergency department while they are in a hospital bed
    ks = np.flatnonzero(keep)
    ks = ks[np.lexsort((s_admit[ks], s_who[ks]))]
    big = np.int64(10**6)
    at = np.searchsorted(s_who[ks] * big + s_admit[ks], who * big + arrive, side="left") - 1
    prev = ks[np.maximum(at, 0)]
    inside = (at >= 0) & (s_who[prev] == who) & (s_admit[prev] < arrive) & (discharge[prev] > arrive) & (spell_of_ed < 0)
    ed_keep &= ~inside
    ed = {k: v[ed_keep] for k, v in ed.items()}
    spells = {"who": s_who, "admit": s_admit, "ready": ready, "discharge": discharge, "cls": s_cls, "cause": s_cause,
              "path": path, "dies": dies, "delay": discharge - np.where(ready >= 0, ready, discharge)}
    spells = {k: v[keep] for k, v in spells.items()}
    new_pos = np.cumsum(keep) - 1
    ed["spell"] = np.where(ed["spell"] >= 0, new_pos[np.maximum(ed["spell"], 0)], -1)
    return Hospital(ed, spells, cap)
