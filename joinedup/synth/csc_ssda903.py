"""The SSDA903 tables: header, episodes, reviews, UASC, OC2 (outcomes) and OC3 (care leavers).

The extract holds the full history of every period of care open at any time in the period,
and of care leavers aged 17-21 in it, as a council's own 903 history does; the measures cut
it to years ending 31 March.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from joinedup.reference import data_path, postcodes
from joinedup.synth.csc_care import ROUTE_REC
from joinedup.synth.sector_common import (
    add_working_days, add_years, address_at, financial_years, frame_for, to_dates, years_between,
)

__all__ = ["frames", "OC3_EET_SHARE"]

# Who provides each kind of placement (assumption; DfE CLA 2024: about 4 in 10 foster placements
# through independent fostering agencies, most children's homes private).
_PROVIDER = {
    "U1": (["PR1", "PR4"], [0.92, 0.08]), "U2": (["PR1", "PR4"], [0.92, 0.08]), "U3": (["PR1", "PR4"], [0.92, 0.08]),
    "U4": (["PR1", "PR4", "PR5"], [0.56, 0.38, 0.06]), "U5": (["PR1", "PR4", "PR5"], [0.56, 0.38, 0.06]),
    "U6": (["PR1", "PR4", "PR5"], [0.56, 0.38, 0.06]), "K1": (["PR2", "PR1"], [0.8, 0.2]),
    "K2": (["PR4", "PR1", "PR5"], [0.80, 0.14, 0.06]), "K3": (["PR4", "PR5", "PR1"], [0.65, 0.2, 0.15]),
    "R1": (["PR4", "PR5"], [0.8, 0.2]), "R2": (["PR3"], [1.0]), "R3": (["PR4", "PR1"], [0.7, 0.3]),
    "R5": (["PR3"], [1.0]), "S1": (["PR4", "PR5"], [0.7, 0.3]), "P1": (["PR0"], [1.0]), "P2": (["PR1"], [1.0]),
    "A3": (["PR1", "PR5"], [0.8, 0.2]), "A4": (["PR1", "PR5"], [0.8, 0.2]), "A5": (["PR1", "PR5"], [0.8, 0.2]),
    "A6": (["PR1", "PR5"], [0.8, 0.2]),
}
# Z1 (other placements) and temporary placements T0-T4 have no placement provider (903 rule 178)
# settings Ofsted registers (a URN); R1 (care homes, CQC) and P1/R2/R5/Z1 have none (903 rule 222)
_REGISTERED = {"K1", "K2", "K3", "S1", "U1", "U2", "U3", "U4", "U5", "U6"}
# SSDA903 REASON_PLACE_CHANGE codes (DfE 903 guide 2024-25; CHILD = the child's wishes)
_CHANGE = np.array(["CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "STAND", "ALLEG", "CLOSE", "APPRR",
                    "PLACE", "OTHER"])
_CHANGE_P = np.array([0.33, 0.15, 0.08, 0.14, 0.10, 0.04, 0.03, 0.02, 0.01, 0.06, 0.04])
#: Care leavers aged 19-21 in education, employment or training (LAIT Dudley 2024-25: 50%; England 54%).
OC3_EET_SHARE = 0.50
#: Propensity among those in touch, so that EET of all 19-21s (not in touch counts as not known) is ~ 50%.
_EET_IN_TOUCH = 0.55
# ACTIV: higher education (1), other education (2), training (4), employment (5); F full time, P part time
_EET = np.array(["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"])
_EET_P = np.array([0.14, 0.02, 0.30, 0.06, 0.12, 0.04, 0.24, 0.08])
_NEET = np.array(["G4", "G5", "G6"])
_NEET_P = np.array([0.22, 0.56, 0.22])
_ACCOM = np.array(["U1", "D1", "Z1", "B1", "E1", "K1", "T1", "X2", "S2", "V2", "R2", "C1", "Y1"])
_ACCOM_P = np.array([0.35, 0.15, 0.08, 0.12, 0.05, 0.05, 0.03, 0.02, 0.01, 0.02, 0.04, 0.03, 0.05])


@lru_cache(maxsize=1)
def _england_postcodes() -> np.ndarray:
    t = pq.read_table(data_path("postcodes.parquet"), columns=["postcode"]).column(0).to_numpy()
    return np.asarray(t[:: max(1, len(t) // 4000)]).astype(str)


def _providers(rng, place: np.ndarray) -> np.ndarray:
    """Each placement's provider; None where the placement type has none."""
    out = np.empty(len(place), dtype=object)
    for code, (vals, p) in _PROVIDER.items():
        m = place == code
        if m.any():
            out[m] = np.array(vals)[rng.choice(len(vals), m.sum(), p=p)]
    return out


def frames(world, periods: pl.DataFrame, episodes: pl.DataFrame, rng: np.random.Generator, start: int, end: int,
           ids) -> dict[str, pl.DataFrame]:
    """Header, episodes, reviews, UASC, OC2 and OC3 frames for the period."""
    leavers = _care_leavers(periods, start, end)
    keep_i = np.flatnonzero((periods["exit"].to_numpy() >= start) | np.isin(np.arange(periods.height), leavers))
    keep_i = keep_i[periods["entry"].to_numpy()[keep_i] <= end]
    per = periods.with_row_index("i").filter(pl.col("i").is_in(keep_i))
    ep = episodes.filter(pl.col("i").is_in(keep_i) & (pl.col("DECOM_d") <= end)).join(
        per.select(pl.col("i").cast(pl.Int64), "person_id", "need", "route", "exit", "entry"), on="i")
    out = {"csc.ssda903_episodes": _episodes(world, ep, rng, end, ids)}
    out["csc.ssda903_header"] = _header(world, per, ids)
    out["csc.ssda903_reviews"] = _reviews(per, rng, start, end, ids)
    u = per.filter(pl.col("uasc"))
    duc = add_years(u["dob"].to_numpy(), 18)
    out["csc.ssda903_uasc"] = frame_for("csc.ssda903_uasc", {
        "CHILD": ids(u["person_id"].to_numpy()), "SEX": _sex(world, u["person_id"]), "DOB": to_dates(u["dob"].to_numpy()),
        "DUC": to_dates(duc, duc <= end)}, {"_person_id": u["person_id"].to_numpy()})
    out["csc.ssda903_oc2"] = _oc2(per, rng, world, ids)
    out["csc.ssda903_oc3"] = _oc3(world, periods, rng, ids)
    return out


def _sex(world, pids: pl.Series) -> pl.Series:
    s = pl.DataFrame({"person_id": pids.cast(pl.Int64)}).join(
        world.people.select(pl.col("person_id").cast(pl.Int64), "sex"), on="person_id", how="left")["sex"]
    return s.replace_strict({"M": "1", "F": "2"}, default="1")


def _episodes(world, ep: pl.DataFrame, rng, end: int, ids) -> pl.DataFrame:
    m = ep.height
    dec = ep["DEC_d"].to_numpy()
    place = ep["PLACE"].to_numpy().astype(str)
    final = ep["_next_rne"].is_null().to_numpy()
    closed = dec <= end
    rec = np.where(final, ep["route"].replace_strict(ROUTE_REC).to_numpy(), "X1")
    next_rne = ep["_next_rne"].fill_null("").to_numpy()
    carer_change = np.isin(next_rne, ["P", "B"])
    change = np.where(carer_change & closed, _CHANGE[rng.choice(len(_CHANGE), m, p=_CHANGE_P)], None)
    # a change of placement with the same carer (T, U: long-term fostering, fostering for adoption) follows the
    # care plan: its reason is recorded too (903 rule 225)
    change = np.where(np.isin(next_rne, ["T", "U"]) & closed, "CARPL", change)
    prov = _providers(rng, place)
    # full postcodes, as the return holds them (the DfE derives placement distance and LA from them)
    home = address_at(world, ep["person_id"].to_numpy(), ep["entry"].to_numpy())
    home_pc = home["postcode"].to_numpy().astype(str)
    area_pc = np.array([r["postcode"] for r in postcodes(world.area)])
    away = np.isin(prov.astype(str), ["PR2", "PR4", "PR5"]) & (rng.random(m) < 0.4)
    eng = _england_postcodes()
    pl_post = np.where(away, eng[rng.integers(0, len(eng), m)], area_pc[rng.integers(0, len(area_pc), m)])
    pl_post = np.where(place == "P1", home_pc, pl_post)
    # an Ofsted URN for registered settings; "XXXXXXX" where none applies (903 rules 222 and 221)
    urn = np.where(np.isin(place, list(_REGISTERED)),
                   np.char.add("SC", (400_000 + rng.integers(0, 60, m) * 37 + (prov == "PR1") * 7).astype(str)),
                   "XXXXXXX")
    # a change of legal status only (RNE L) keeps the placement: same provider, postcode and URN (903 rule 434)
    order = np.lexsort((ep["DECOM_d"].to_numpy(), ep["i"].to_numpy()))
    same = np.r_[False, ep["i"].to_numpy()[order][1:] == ep["i"].to_numpy()[order][:-1]]
    for k in np.flatnonzero(same & (ep["RNE"].to_numpy()[order] == "L")):  # in order, so chains of L follow through
        cur, prev = order[k], order[k - 1]
        place[cur], prov[cur], pl_post[cur], urn[cur] = place[prev], prov[prev], pl_post[prev], urn[prev]
    return frame_for("csc.ssda903_episodes", {
        "CHILD": ids(ep["person_id"].to_numpy()), "DECOM": to_dates(ep["DECOM_d"].to_numpy()), "RNE": ep["RNE"],
        "LS": ep["LS"], "CIN": ep["need"], "PLACE": place,
        "PLACE_PROVIDER": pl.Series(prov.tolist(), dtype=pl.Utf8), "DEC": to_dates(dec, closed),
        "REC": pl.Series(np.where(closed, rec, None).tolist(), dtype=pl.Utf8),
        "REASON_PLACE_CHANGE": pl.Series(change.tolist(), dtype=pl.Utf8), "HOME_POST": home_pc, "PL_POST": pl_post,
        "URN": urn}, {"_person_id": ep["person_id"].to_numpy()})


def _header(world, per: pl.DataFrame, ids) -> pl.DataFrame:
    h = per.unique("person_id", keep="last").sort("person_id")
    p = h.select("person_id").join(world.people.with_columns(pl.col("person_id").cast(pl.Int64)), on="person_id",
                                   how="left")
    mothers = world.relations.filter(pl.col("relation") == "mother").join(
        world.people.select(pl.col("person_id").alias("related_person_id"), pl.col("dob").alias("_cdob")),
        on="related_person_id").group_by("person_id").agg(pl.col("_cdob").min())
    p = p.join(mothers.with_columns(pl.col("person_id").cast(pl.Int64)), on="person_id", how="left")
    female = (p["sex"] == "F").to_numpy()
    mother = np.where(female, np.where(p["_cdob"].is_not_null().to_numpy(), "1", "0"), None)
    return frame_for("csc.ssda903_header", {
        "CHILD": ids(p["person_id"].to_numpy()), "SEX": p["sex"].replace_strict({"M": "1", "F": "2"}, default="1"),
        "DOB": p["dob"], "ETHNIC": p["ethnicity_dfe"], "UPN": p["upn"],
        "MOTHER": pl.Series(mother.tolist(), dtype=pl.Utf8), "MC_DOB": p["_cdob"]}, {"_person_id": p["person_id"].to_numpy()})


def _reviews(per: pl.DataFrame, rng, start: int, end: int, ids) -> pl.DataFrame:
    """Reviews within 20 working days, 3 months later, then every 6 months (Care Planning Regulations 2010)."""
    entry, exit_ = per["entry"].to_numpy(), per["exit"].to_numpy()
    first = add_working_days(entry, np.full(len(entry), 18)) + rng.integers(0, 5, len(entry))
    k = np.arange(40)
    when = first[:, None] + np.where(k == 0, 0, 91 + (k - 1) * 182)[None, :] + rng.integers(-7, 8, (len(entry), 40))
    ok = (when < exit_[:, None]) & (when >= start) & (when <= end)
    ci, ki = np.nonzero(ok)
    d = when[ci, ki]
    dob = per["dob"].to_numpy()[ci]
    age = years_between(dob, d)
    codes = np.array(["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"])
    code = np.where(age < 4, "PN0", codes[rng.choice(7, len(d), p=[0.55, 0.05, 0.03, 0.25, 0.05, 0.04, 0.03])])
    pid = per["person_id"].to_numpy()[ci]
    return frame_for("csc.ssda903_reviews", {"CHILD": ids(pid), "DOB": to_dates(dob), "REVIEW": to_dates(d),
                                             "REVIEW_CODE": code}, {"_person_id": pid})


def _oc2(per: pl.DataFrame, rng, world, ids) -> pl.DataFrame:
    """Children looked after continuously for 12 months at the latest 31 March they qualify."""
    entry, exit_, dob = per["entry"].to_numpy(), per["exit"].to_numpy(), per["dob"].to_numpy()
    best = np.full(len(entry), -1)
    for _y0, y1, _ in financial_years(world):
        ok = (entry <= y1 - 365) & (exit_ > y1)
        best = np.where(ok, y1, best)
    m = best >= 0
    n = int(m.sum())
    age = years_between(dob[m], best[m])
    sdq_age = (age >= 4) & (age <= 16)
    returned = sdq_age & (rng.random(n) < 0.8)
    score = np.clip(np.rint(rng.normal(14, 7, n)), 0, 40).astype(np.int64)
    yn = lambda p: np.where(rng.random(n) < p, "1", "0")  # noqa: E731
    none = lambda mask, vals: pl.Series(np.where(mask, vals, None).tolist(), dtype=pl.Utf8)  # noqa: E731
    misuse = np.where(age >= 10, yn(0.04), "0")
    # which items apply (903 guide; rules 188/189 SDQ 4-16, 542 convictions from 10, 546 development check under 5,
    # 192 interventions only where substance misuse is recorded, 158 offered only if none was received)
    return frame_for("csc.ssda903_oc2", {
        "CHILD": ids(per["person_id"].to_numpy()[m]), "DOB": to_dates(dob[m]),
        "SDQ_SCORE": pl.Series(np.where(returned, score, -1)).replace(-1, None),
        "SDQ_REASON": pl.Series(np.where(returned | (age < 4) | (age >= 18), None, np.where(
            age >= 17, "SDQ1", np.array(["SDQ2", "SDQ4", "SDQ5"])[rng.integers(0, 3, n)])).tolist(), dtype=pl.Utf8),
        "CONVICTED": none(age >= 10, yn(0.03)), "HEALTH_CHECK": none(age < 5, yn(0.9)), "IMMUNISATIONS": yn(0.85),
        "TEETH_CHECK": yn(0.82), "HEALTH_ASSESSMENT": yn(0.9), "SUBSTANCE_MISUSE": misuse,
        # offered is asked only of a child who did not receive an intervention (rule 158)
        "INTERVENTION_RECEIVED": none(misuse == "1", (received := yn(0.7))),
        "INTERVENTION_OFFERED": none((misuse == "1") & (received == "0"), yn(0.9))},
        {"_person_id": per["person_id"].to_numpy()[m]})


def _care_leavers(periods: pl.DataFrame, start: int, end: int) -> np.ndarray:
    """Rows of periods whose child left care at 16 or over (a former relevant child)."""
    age_exit = years_between(periods["dob"].to_numpy(), periods["exit"].to_numpy())
    age_end = years_between(periods["dob"].to_numpy(), end)
    ok = (age_exit >= 16) & (periods["exit"].to_numpy() <= end) & (age_end >= 17) & (age_end <= 22)
    ok &= ~np.isin(periods["route"].to_numpy(), ["died", "left"])
    return np.flatnonzero(ok)


def _oc3(world, periods: pl.DataFrame, rng, ids) -> pl.DataFrame:
    """Care leavers' activity and accommodation around each birthday from 17 to 21 (one row per year)."""
    rows = periods[_care_leavers(periods, 0, max(f[1] for f in financial_years(world)))]
    pid, dob, exit_ = rows["person_id"].to_numpy(), rows["dob"].to_numpy(), rows["exit"].to_numpy()
    n = len(pid)
    eet_u = rng.random(n)  # each leaver's own propensity, so a path is consistent from year to year
    died = pl.DataFrame({"person_id": pid}).join(world.people.select(pl.col("person_id").cast(pl.Int64),
                                                 "date_of_death"), on="person_id", how="left")["date_of_death"]
    death = died.cast(pl.Int64).fill_null(10**9).to_numpy()
    parts = []
    for y0, y1, label in financial_years(world):
        for a in range(17, 22):
            bday = add_years(dob, a)
            m = (bday >= y0) & (bday <= y1) & (exit_ <= bday)
            k = int(m.sum())
            if not k:
                continue
            u = eet_u[m] + rng.normal(0, 0.15, k)
            eet = u < _EET_IN_TOUCH
            touch = np.array(["YES", "NO", "REFU", "NREQ"])[rng.choice(4, k, p=[0.91, 0.04, 0.02, 0.03])]
            touch = np.where(death[m] <= bday[m], "DIED", touch)
            activ = np.where(eet, _EET[rng.choice(len(_EET), k, p=_EET_P)], _NEET[rng.choice(3, k, p=_NEET_P)])
            activ = np.where(touch == "YES", activ, "0")
            # not in touch (or died): activity and accommodation "0", information not known (903 rule 153)
            accom = np.where(touch == "YES", _ACCOM[rng.choice(len(_ACCOM), k, p=_ACCOM_P)], "0")
            # staying with former foster carers (Z) is from 18: at 17 the same young person lives with
            # parents or relatives (903 rule 3001)
            accom = np.where((a == 17) & np.char.startswith(accom.astype(str), "Z"), "B1", accom)
            parts.append(pl.DataFrame({"pid": pid[m], "dob": dob[m], "year": [label] * k, "touch": touch,
                                       "activ": activ, "accom": pl.Series(accom.tolist(), dtype=pl.Utf8)}))
    t = pl.concat(parts) if parts else pl.DataFrame(schema={"pid": pl.Int64, "dob": pl.Int64, "year": pl.Utf8,
                                                           "touch": pl.Utf8, "activ": pl.Utf8, "accom": pl.Utf8})
    return frame_for("csc.ssda903_oc3", {
        "CHILD": ids(t["pid"].to_numpy()), "DOB": to_dates(t["dob"].to_numpy()), "COLLECTION_YEAR": t["year"],
        "IN_TOUCH": t["touch"], "ACTIV": t["activ"], "ACCOM": t["accom"]}, {"_person_id": t["pid"].to_numpy()})


