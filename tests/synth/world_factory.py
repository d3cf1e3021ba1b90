"""A small synthetic World for the sector generators' tests (households of families, real LSOAs).

It follows joinedup.synth.world's column contract, including the population's care status
(care_experienced, cla_entry_date), worker_sector, upn and ni_number, so that the children's,
education and workforce generators can be tested before (and independently of) the population.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from joinedup.reference import lsoas, postcodes
from joinedup.synth.sector_common import add_years, day, to_dates
from joinedup.synth.world import World

__all__ = ["make_world"]

_GIVEN_M = ["Oliver", "Jack", "Harry", "Mohammed", "George", "Noah", "Leo", "Jacob", "Liam", "Adam", "Daniel", "James"]
_GIVEN_F = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Sophie", "Aisha", "Emily", "Lily", "Sarah", "Jessica"]
_FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Khan",
           "Hussain", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Green", "Hall", "Wood", "Baker"]
_ETH = np.array(["WBRI", "WOTH", "APKN", "AIND", "MWBC", "BCRB", "BAFR", "OOTH"])
_ETH_P = np.array([0.82, 0.04, 0.05, 0.03, 0.02, 0.015, 0.01, 0.015])
_KINDS = np.array(["couple_with_children", "lone_parent", "couple", "older_alone", "single_adult", "multi_generational"])
_KIND_P = np.array([0.24, 0.10, 0.28, 0.15, 0.18, 0.05])


def make_world(people: int = 20_000, seed: int = 7, start: date = date(2022, 4, 1),
               end: date = date(2025, 3, 31), area: str = "E08000027") -> World:
    """A World of about `people` residents in households, with parents, children and workers."""
    rng = np.random.default_rng(seed)
    nh = int(people / 2.3)
    kind = rng.choice(len(_KINDS), nh, p=_KIND_P)
    kids = np.where(np.isin(kind, [0, 1, 5]), rng.choice([1, 2, 3, 4], nh, p=[0.4, 0.38, 0.16, 0.06]), 0)
    adults = np.select([kind == 0, kind == 1, kind == 2, kind == 3, kind == 4, kind == 5], [2, 1, 2, 1, 1, 3])
    size = adults + kids
    hh = np.repeat(np.arange(nh), size)
    pos = np.arange(len(hh)) - np.repeat(np.cumsum(size) - size, size)
    k = kind[hh]
    is_kid = pos >= adults[hh]
    n = len(hh)
    ref = day(start)
    kid_age = rng.uniform(0, 18, n)
    oldest = np.zeros(nh)
    np.maximum.at(oldest, hh[is_kid], kid_age[is_kid])
    parent_age = np.maximum(rng.uniform(20, 48, n), oldest[hh] + rng.uniform(17, 30, n))
    age = np.select(
        [is_kid, (k == 5) & (pos == 0), k == 3, k == 2, k == 4],
        [kid_age, parent_age + rng.uniform(22, 30, n), rng.uniform(65, 96, n), rng.uniform(20, 88, n),
         rng.uniform(18, 64, n)], parent_age)
    dob = ref - np.rint(age * 365.25).astype(np.int64)
    sex = np.where(rng.random(n) < 0.5, "M", "F")
    parent_sex = np.where((k == 1) & ~is_kid, np.where(rng.random(n) < 0.9, "F", "M"),
                          np.where(pos % 2 == 0, "F", "M"))
    sex = np.where(is_kid | (k == 3) | (k == 4), sex, parent_sex)
    lso = pl.DataFrame(lsoas(area))
    hh_lsoa = rng.integers(0, lso.height, nh)
    imd = lso["imd25_decile"].to_numpy() if "imd25_decile" in lso.columns else lso[[c for c in lso.columns if "decile" in c][0]].to_numpy()
    pcs = pl.DataFrame(postcodes(area)).select("postcode", "lsoa21_code")
    by_lsoa = pcs.group_by("lsoa21_code").agg(pl.col("postcode").first())
    lsoa_code = lso["lsoa21_code"].to_numpy()[hh_lsoa]
    pc_map = dict(zip(by_lsoa["lsoa21_code"].to_list(), by_lsoa["postcode"].to_list()))
    fam = np.array(_FAMILY)[rng.integers(0, len(_FAMILY), nh)][hh]
    given = np.where(sex == "M", np.array(_GIVEN_M)[rng.integers(0, 12, n)], np.array(_GIVEN_F)[rng.integers(0, 12, n)])
    decile = imd[hh_lsoa][hh].astype(np.int8)
    dep = (10 - decile) / 9
    adult = ~is_kid
    age_now = age
    p_mh = np.where(adult, 0.04 + 0.05 * dep, 0.0)
    p_sm = np.where(adult, 0.01 + 0.03 * dep, 0.0)
    da_hh = rng.random(nh) < (0.02 + 0.05 * dep[np.cumsum(size) - size])
    upn_age = (age_now > 2.5) & (age_now < 20)
    letters = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))[rng.integers(0, 23, n)]
    upn = np.char.add(letters, rng.integers(10**11, 10**12 - 1, n).astype(str)).astype(object)
    upn[~upn_age] = None
    ni = np.char.add(np.char.add("JT", rng.integers(10**5, 10**6, n).astype(str)), "A").astype(object)
    ni[age_now < 16] = None
    working = adult & (age_now >= 18) & (age_now < 66)
    ws = rng.choice(np.array(["adult_social_care", "nhs", "childrens_social_work", "general_practice", ""]),
                    n, p=[0.045, 0.045, 0.003, 0.006, 0.901])
    ws = ws.astype(object)
    ws[~working | (ws == "")] = None
    ld = rng.random(n) < 0.008
    # children looked after: entries across childhood (~25 per 10,000 a year, deprivation-shaped)
    ent_rate = 0.0019 * np.exp(1.2 * (dep - 0.5)) * np.where(da_hh[hh], 3.0, 1.0)
    birth = dob
    window0 = birth
    t = window0 + rng.exponential(365.25 / ent_rate)
    eighteenth = add_years(dob, 18)
    entered = t < np.minimum(eighteenth - 120, day(end))
    entry = np.where(entered, np.rint(t).astype(np.int64), 0)
    was_child_in_period = add_years(dob, 21) > ref
    care_exp = entered & was_child_in_period
    cla_entry = to_dates(entry, care_exp & (entry > ref - 365 * 12))
    people_df = pl.DataFrame({
        "person_id": pl.Series(np.arange(1, n + 1), dtype=pl.Int64),
        "sex": sex, "dob": to_dates(dob),
        "ethnicity": np.array(list("ABCDEFGHJ"))[rng.integers(0, 9, n)],
        "ethnicity_dfe": rng.choice(_ETH, n, p=_ETH_P),
        "given_name": given, "middle_name": pl.Series([None] * n, dtype=pl.Utf8),
        "family_name": fam, "birth_family_name": fam,
        "nhs_number": pl.Series(rng.integers(4 * 10**9, 5 * 10**9, n)).cast(pl.Utf8),
        "upn": pl.Series(upn.tolist(), dtype=pl.Utf8), "ni_number": pl.Series(ni.tolist(), dtype=pl.Utf8),
        "gp_practice": np.array(["M87001", "M87002", "M87003", "M87004", "M87005", "M87006"])[rng.integers(0, 6, n)],
        "date_of_death": pl.Series([None] * n, dtype=pl.Date),
        "arrived": pl.Series([None] * n, dtype=pl.Date),
        "left": to_dates(np.full(n, day(start) + 500), rng.random(n) < 0.02),
        "imd_decile": decile, "lsoa21": lsoa_code[hh],
        "ltc_count": rng.poisson(0.5, n).astype(np.int8),
        "frailty": np.zeros(n, dtype=np.float32),
        "mental_health_need": rng.random(n) < p_mh, "substance_misuse": rng.random(n) < p_sm,
        "learning_disability": ld, "physical_disability": rng.random(n) < 0.01, "dementia": np.zeros(n, bool),
        "domestic_abuse_household": da_hh[hh], "is_carer": rng.random(n) < 0.05,
        "worker_sector": pl.Series(ws.tolist(), dtype=pl.Utf8),
        "care_experienced": care_exp, "cla_entry_date": cla_entry,
    })
    households = pl.DataFrame({
        "household_id": pl.Series(np.arange(nh), dtype=pl.Int64), "kind": _KINDS[kind],
        "address": [f"{i % 200 + 1} High Street" for i in range(nh)],
        "postcode": [pc_map.get(c, "DY1 1AA") for c in lso["lsoa21_code"].to_numpy()[hh_lsoa]],
        "lsoa21": lso["lsoa21_code"].to_numpy()[hh_lsoa],
    })
    residence = pl.DataFrame({"person_id": people_df["person_id"], "household_id": pl.Series(hh, dtype=pl.Int64),
                              "from_date": to_dates(np.minimum(dob, ref - 3000)), "to_date": people_df["left"]})
    first = np.cumsum(size) - size
    pidx = np.concatenate([first[hh] + j for j in range(3)])
    cidx = np.concatenate([np.arange(n)] * 3)
    jj = np.repeat(np.arange(3), n)
    ok = is_kid[cidx] & (jj < adults[hh[cidx]])
    pidx = np.minimum(pidx, n - 1)
    ok &= ~is_kid[pidx]
    pidx, cidx, jj = pidx[ok], cidx[ok], jj[ok]
    gen = k[cidx] == 5
    rel = np.where(gen & (jj == 0), "grandparent", np.where(sex[pidx] == "F", "mother", "father"))
    relations = pl.DataFrame({"person_id": pl.Series(pidx + 1, dtype=pl.Int64),
                              "related_person_id": pl.Series(cidx + 1, dtype=pl.Int64), "relation": rel})
    world = World(people=people_df, households=households, residence=residence, relations=relations,
                  period_start=start, period_end=end, area=area, seed=seed, rng=np.random.default_rng(seed))
    # adult social care events for a share of adults with mental health or substance misuse needs
    pid = people_df["person_id"].to_numpy()
    mh = people_df["mental_health_need"].to_numpy() & (rng.random(n) < 0.3)
    sm = people_df["substance_misuse"].to_numpy() & (rng.random(n) < 0.3)
    who = np.concatenate([pid[mh], pid[sm]])
    psr = ["Mental Health Support"] * int(mh.sum()) + ["Social Support: Substance misuse support"] * int(sm.sum())
    world.events["asc.client_level_data"] = pl.DataFrame({
        "Primary_Support_Reason": psr, "Event_Type": ["Service"] * len(who),
        "Event_Start_Date": to_dates(np.full(len(who), ref + 100)),
        "_person_id": pl.Series(who, dtype=pl.Int64)})
    return world
