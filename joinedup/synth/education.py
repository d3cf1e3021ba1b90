"""Education: the spring school census, termly attendance, suspensions and exclusions, pupil contacts.

One census a year, the spring census (third Thursday of January), for every child of school age
(Reception to Year 11, and the sixth form for those who stay) living in the place. A looked-after
child is in the census with the same UPN the children's social care returns hold, marked InCare.
Free school meals, SEN support and EHC plans are a stable trait of each pupil (drawn once), shaped
by deprivation, sex and children's social care involvement; absence and suspensions are drawn
each year around each pupil's own propensity.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from joinedup.synth.education_activity import attendance, exclusions
from joinedup.synth.schools import build_schools
from joinedup.synth.sector_common import (
    add_years, address_at, day, days_of, deprivation_weight, frame_for, lives_in_area, local_ids, parent_links,
    to_dates, years_between,
)

__all__ = ["generate", "census_dates", "FSM_SHARE", "SEN_SUPPORT_SHARE", "EHC_SHARE"]

#: Pupils eligible for free school meals (DfE Schools, pupils and their characteristics Jan 2025: 25.7%;
#: brief: ~ 25%), 8x as likely in the most deprived decile as the least (assumption).
FSM_SHARE, FSM_DEPRIVATION_RATIO = 0.25, 8.0
#: SEN support and EHC plans (DfE SEN in England 2024: 13.6% and 4.8%; 2025: 14.2% and 5.3%); the
#: EHC share is set a little under, as pupils with a learning disability are added on top.
SEN_SUPPORT_SHARE, EHC_SHARE = 0.13, 0.04
#: Share of 16-17 year olds in school sixth forms (rest in FE colleges, not in the school census; assumption).
SIXTH_FORM_SHARE = 0.45
#: EHC plan pupils in special schools (DfE SEN 2024: ~ 4 in 10 of pupils with EHC plans).
SPECIAL_SCHOOL_SHARE = 0.38
_NCY = np.array(["R", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"])
_EHC_TYPES = np.array(["ASD", "SLCN", "SEMH", "SLD", "MLD", "PMLD", "SPLD", "PD", "HI", "VI", "MSI", "OTH"])
_EHC_P = np.array([0.33, 0.21, 0.16, 0.07, 0.07, 0.02, 0.03, 0.03, 0.02, 0.01, 0.005, 0.045])
_K_TYPES = np.array(["SLCN", "SEMH", "MLD", "SPLD", "ASD", "OTH", "PD", "HI", "VI", "SLD", "MSI"])
_K_P = np.array([0.25, 0.21, 0.13, 0.13, 0.10, 0.08, 0.03, 0.02, 0.01, 0.02, 0.02])


def census_dates(world) -> list[date]:
    """Spring census days (third Thursday of January) inside the period."""
    out = []
    for y in range(world.period_start.year, world.period_end.year + 1):
        first = date(y, 1, 1)
        thursday = first + timedelta(days=(3 - first.weekday()) % 7 + 14)
        if world.period_start <= thursday <= world.period_end:
            out.append(thursday)
    return out


def _csc_status(world, pids: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(in need, looked after) on each day, from the children's social care frames generated earlier."""
    cin = np.zeros(len(pids), bool)
    cla = np.zeros(len(pids), bool)
    q = pl.DataFrame({"_row": np.arange(len(pids)), "_person_id": pids.astype(np.int64), "_at": at})
    for key, s, e, flag in (("csc.cin_episodes", "CINreferralDate", "CINclosureDate", cin),
                            ("csc.ssda903_episodes", "DECOM", "DEC", cla)):
        f = world.events.get(key)
        if f is None or not f.height:
            continue
        spans = f.select(pl.col("_person_id").cast(pl.Int64), pl.col(s).cast(pl.Int64).alias("_s"),
                         pl.col(e).cast(pl.Int64).fill_null(10**9).alias("_e"))
        hit = q.join(spans, on="_person_id").filter((pl.col("_s") <= pl.col("_at")) & (pl.col("_e") > pl.col("_at")))
        flag[hit["_row"].unique().to_numpy()] = True
    return cin, cla


def _scaled(raw: np.ndarray, target: float) -> np.ndarray:
    return np.clip(raw * target / max(raw.mean(), 1e-9), 0, 0.95)


def generate(world) -> dict[str, pl.DataFrame]:
    """Every education.* extract of the place for the period (clean values plus truth columns)."""
    rng = world.child_rng("education")
    p = world.people.filter(pl.col("upn").is_not_null())
    n = p.height
    dob = days_of(p["dob"])
    pid = p["person_id"].cast(pl.Int64).to_numpy()
    u = rng.random((6, n))  # each pupil's stable traits: school choice, sixth form, FSM, SEN, SEN type, special
    male = (p["sex"] == "M").to_numpy()
    decile = p["imd_decile"].to_numpy()
    parts = []
    for cd in census_dates(world):
        at = day(cd)
        aug31 = day(date(cd.year - 1, 8, 31))
        ncy = years_between(dob, aug31) - 4  # 4 on 31 August -> Reception (index 0)
        here = lives_in_area(p, at) & (ncy >= 0) & (ncy <= 13) & ((ncy < 12) | (u[1] < SIXTH_FORM_SHARE))
        idx = np.flatnonzero(here)
        parts.append(pl.DataFrame({"i": idx, "at": np.full(len(idx), at), "ncy": ncy[idx],
                                   "year_start": np.full(len(idx), day(date(cd.year - 1, 9, 1)))}))
    c = pl.concat(parts)
    i = c["i"].to_numpy()
    at = c["at"].to_numpy()
    addr = address_at(world, pid[i], at)
    lsoa = addr["lsoa21"].fill_null(pl.Series(p["lsoa21"].to_numpy()[i])).to_numpy()
    cin, cla = _csc_status(world, pid[i], at)
    # stable traits, scaled to the published shares over the pupils of the census rows
    fsm_raw = deprivation_weight(decile[i], FSM_DEPRIVATION_RATIO) * np.where(cin, 2.0, 1.0)
    fsm = u[2][i] < _scaled(fsm_raw, FSM_SHARE)
    ld = p["learning_disability"].to_numpy()[i]
    sen_raw = np.where(male[i], 1.5, 0.6) * deprivation_weight(decile[i], 1.8) * np.where(cin | cla, 2.5, 1.0)
    ehc = (u[3][i] < _scaled(sen_raw, EHC_SHARE)) | ld
    k = ~ehc & (u[3][i] < _scaled(sen_raw, EHC_SHARE + SEN_SUPPORT_SHARE))
    sen_type = np.where(ehc, _EHC_TYPES[np.searchsorted(np.cumsum(_EHC_P) / _EHC_P.sum(), u[4][i])],
                        _K_TYPES[np.minimum(np.searchsorted(np.cumsum(_K_P) / _K_P.sum(), u[4][i]), len(_K_TYPES) - 1)])
    sen_type = np.where(ld & ehc, "MLD", sen_type)
    ncy = c["ncy"].to_numpy()
    counts = pl.DataFrame({"l": lsoa}).group_by("l").len()
    first = at == at.min()
    phase_n = {"primary": int((first & (ncy <= 6)).sum()), "secondary": int((first & (ncy >= 7)).sum()),
               "special": int((first & ehc).sum() * SPECIAL_SCHOOL_SHARE)}
    # schools are place-wide: the first batch sites them for the whole place (its pupils times the place's scale)
    scale = world.scale
    schools = world.once("schools", lambda: build_schools(
        world.area, rng, dict(zip(counts["l"].to_list(), counts["len"].to_list())),
        *(int(round(phase_n[ph] * scale)) for ph in ("primary", "secondary", "special"))))
    urn = np.empty(len(i), dtype=object)
    laestab = np.empty(len(i), dtype=object)
    special = ehc & (u[5][i] < SPECIAL_SCHOOL_SHARE)
    for phase, mask in (("primary", (ncy <= 6) & ~special), ("secondary", (ncy >= 7) & ~special), ("special", special)):
        s = schools[phase]
        j = s.assign(lsoa[mask], u[0][i][mask])
        urn[mask], laestab[mask] = s.urn[j], s.laestab[j]
    # Reception starts the September after the 4th birthday, Year 7 the one after the 11th
    entry = np.where(ncy >= 7, _sept_after(add_years(dob[i], 11)), _sept_after(add_years(dob[i], 4)))
    arrived = p["arrived"].cast(pl.Int64).fill_null(-10**9).to_numpy()[i]
    entry = np.maximum(entry, arrived)
    pp = p[i]
    former = np.where(pp["family_name"] != pp["birth_family_name"], pp["birth_family_name"], None)
    census = frame_for("education.school_census", {
        "CensusDate": to_dates(at), "URN": urn.astype(str), "LAEstab": laestab.astype(str), "UPN": pp["upn"],
        "Surname": pp["family_name"], "Forename": pp["given_name"], "MiddleNames": pp["middle_name"],
        "FormerSurname": pl.Series(former.tolist(), dtype=pl.Utf8), "DOB": pp["dob"], "Sex": pp["sex"],
        "Ethnicity": pp["ethnicity_dfe"], "Postcode": addr["postcode"], "NCyearActual": _NCY[ncy],
        "EnrolStatus": np.where(ncy >= 12, np.where(u[1][i] < 0.03, "M", "C"), "C"), "EntryDate": to_dates(entry),
        "FSMeligible": np.where(fsm, "true", "false"), "SENprovision": np.where(ehc, "E", np.where(k, "K", "N")),
        "SENtype": pl.Series(np.where(ehc | k, sen_type, None).tolist(), dtype=pl.Utf8),
        "InCare": np.where(cla, "true", "false")}, {"_person_id": pid[i]})
    traits = pl.DataFrame({"row": np.arange(len(i)), "pid": pid[i], "upn": pp["upn"], "urn": urn.astype(str),
                           "at": at, "ncy": ncy, "fsm": fsm, "sen": ehc | k, "ehc": ehc, "cin": cin, "cla": cla,
                           "male": male[i], "decile": decile[i]})
    out = {"education.school_census": census}
    out["education.attendance"] = attendance(world, traits, rng)
    out["education.exclusions"] = exclusions(world, traits, rng)
    out["education.pupil_contacts"] = _contacts(world, traits, census)
    return out


def _sept_after(days: np.ndarray) -> np.ndarray:
    """1 September on or after each day (the start of the school year a child enters)."""
    d = np.asarray(days, dtype="datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    sept = (np.array([f"{v}-09-01" for v in range(1900, 2101)], dtype="datetime64[D]").astype(np.int64))
    s = sept[y - 1900]
    return np.where(np.asarray(days) <= s, s, sept[np.minimum(y - 1900 + 1, len(sept) - 1)])


def _contacts(world, traits: pl.DataFrame, census: pl.DataFrame) -> pl.DataFrame:
    """Each pupil's parents and carers as their latest school's MIS holds them (CTF contacts)."""
    last = traits.sort("at").unique("pid", keep="last")
    links = parent_links(world).rename({"child": "pid"})
    order = {"mother": 1, "father": 2, "step-parent": 3, "carer": 4, "grandparent": 5}
    c = last.select("pid", "upn", "urn", "at").join(links, on="pid", how="inner").with_columns(
        pl.col("relation").replace_strict(order, default=6).alias("_o")).sort(["pid", "_o", "parent"])
    c = c.with_columns(pl.int_range(1, pl.len() + 1).over("pid").alias("ContactOrder"))
    ppl = world.people.select(pl.col("person_id").cast(pl.Int64).alias("parent"), "given_name", "family_name", "sex")
    c = c.join(ppl, on="parent", how="left")
    rel = c["relation"].replace_strict({"mother": "PAR", "father": "PAR", "step-parent": "CAR", "carer": "CAR",
                                        "grandparent": "FAM"}, default="OTH")
    addr = address_at(world, c["parent"].to_numpy(), c["at"].to_numpy())
    # each school's MIS numbers its own contacts: the same parent has a different id at another school
    salt = c["urn"].cast(pl.Int64).to_numpy() % 9973
    ids = local_ids(c["parent"].to_numpy() + salt * 1_000_003, "", 17, width=8)
    return frame_for("education.pupil_contacts", {
        "UPN": c["upn"], "ContactID": ids, "ContactOrder": c["ContactOrder"], "Relationship": rel,
        "Responsibility": np.where(rel.to_numpy() == "PAR", "true", "false"), "Surname": c["family_name"],
        "Forename": c["given_name"], "Gender": c["sex"], "Postcode": addr["postcode"], "AddressLine1": addr["address"]},
        {"_person_id": c["parent"].to_numpy(), "_related_person_id": c["pid"].to_numpy()})
