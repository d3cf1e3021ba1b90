"""Children's social care: the CIN census modules, SSDA903 tables, case-file relationships, fostering.

Flow: the referral chain (csc_referrals) for every child; each period of care (csc_care) gets
its own children in need episode (referral, assessment, often a section 47 and sometimes a
child protection plan that ends when care starts), and replaces any chain episode it overlaps,
so a child never has two open episodes. Frames are then cut to the period (episodes open at
any time in it, with their original referral dates) and written in the returns' own codes.
LAchildID and RelatedPersonID come from one id space, the council's case system.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from joinedup.synth import csc_ssda903, fostering
from joinedup.synth.csc_care import care_episodes, care_periods
from joinedup.synth.csc_people import cin_children, family_members
from joinedup.synth.csc_referrals import BURN_IN_DAYS, referral_episodes
from joinedup.synth.sector_common import (
    add_working_days, add_years, day, days_of, frame_for, local_ids, lognormal_days, parent_links,
    to_dates,
)

__all__ = ["generate", "csc_ids", "CSC_ID_SALT"]

#: Salt of the case system's id bijection (LAchildID, RelatedPersonID, CHILD share it).
CSC_ID_SALT = 332


def csc_ids(person_ids: np.ndarray) -> pl.Series:
    """The council case system's person ids (LAchildID = CHILD = RelatedPersonID space)."""
    return local_ids(person_ids, "", CSC_ID_SALT, width=7, widen=True)


_REC_CIN_REASON = {"adopt": "RC1", "sgo": "RC4", "cao": "RC3", "died": "RC2", "left": "RC5", "home": "RC7", "adult": "RC7"}


def _care_cin_episodes(periods: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """The children in need episode around each period of care, in the referral chain's layout."""
    n = periods.height
    entry, exit_, dob = (periods[c].to_numpy() for c in ("entry", "exit", "dob"))
    route = periods["route"].to_numpy()
    ref = np.maximum(dob, entry - lognormal_days(rng, 35, 0.9, n) + 1)
    ref = np.minimum(ref, entry)
    a_start = np.minimum(add_working_days(ref, rng.integers(0, 3, n)), np.maximum(entry, ref))
    a_auth = add_working_days(a_start, lognormal_days(rng, 30, 0.48, n))
    uasc = periods["uasc"].to_numpy()
    s47 = ~uasc & (rng.random(n) < 0.55) & (entry - ref > 2)
    s47_start = np.minimum(add_working_days(ref, rng.integers(0, 3, n)), entry - 1)
    icpc_date = add_working_days(s47_start, lognormal_days(rng, 12, 0.35, n))
    icpc = s47 & (icpc_date < entry) & (rng.random(n) < 0.6)
    plan = icpc
    home = route == "home"
    close = np.where(home, exit_ + lognormal_days(rng, 90, 0.6, n), exit_)
    close = np.minimum(close, add_years(dob, 18) - 1)
    rc = pl.Series(route, dtype=pl.Utf8).replace_strict(_REC_CIN_REASON).to_numpy()
    src = np.where(uasc, "7", np.array(["6", "2A", "3E", "5A", "1A"])[rng.choice(5, n, p=[0.4, 0.2, 0.15, 0.15, 0.1])])
    cats = np.array(["NEG", "EMO", "PHY", "SAB", "MUL"])[rng.choice(5, n, p=[0.6, 0.22, 0.09, 0.04, 0.05])]
    return pl.DataFrame({
        "person_id": periods["person_id"], "ref": ref, "source": src, "need": periods["need"], "nfa": np.zeros(n, bool),
        "close": close, "reason": rc, "a_start": a_start, "a_auth": a_auth, "s47": s47, "s47_start": s47_start,
        "icpc": icpc, "icpc_date": icpc_date, "plan": plan, "plan_end": entry, "prev_plans": np.zeros(n, np.int64),
        "category": cats, "_cla": np.ones(n, bool)})


def _combine(chain: pl.DataFrame, care: pl.DataFrame) -> pl.DataFrame:
    """Chain episodes that overlap a care episode give way to it; previous plan counts are recounted."""
    spans = care.select("person_id", pl.col("ref").alias("_cr"), pl.col("close").alias("_cc"))
    clash = (chain.with_row_index("_r").join(spans, on="person_id", how="inner")
             .filter((pl.col("ref") <= pl.col("_cc")) & (pl.col("close") >= pl.col("_cr") - 1))["_r"].unique())
    keep = chain.with_row_index("_r").filter(~pl.col("_r").is_in(clash.implode())).drop("_r")
    keep = keep.drop("child").with_columns(pl.lit(False).alias("_cla"))
    eps = pl.concat([keep.select(care.columns), *([care] if care.height else [])]).sort(["person_id", "ref"])
    base = eps.group_by("person_id").agg(pl.col("prev_plans").first().alias("_base"))
    eps = eps.join(base, on="person_id").with_columns(
        (pl.col("_base") + pl.col("plan").cast(pl.Int64).cum_sum().over("person_id") - pl.col("plan").cast(pl.Int64))
        .alias("prev_plans")).drop("_base")
    return eps


def _factors(world, eps: pl.DataFrame, rng: np.random.Generator) -> pl.Series:
    """Assessment factor codes from the family's true circumstances (1B, 2B, 3B, 4B, 6B, 6A)."""
    links = parent_links(world).filter(pl.col("relation") != "grandparent")
    par = world.people.select(pl.col("person_id").cast(pl.Int64).alias("parent"), "mental_health_need",
                              "substance_misuse", "learning_disability")
    pf = links.join(par, on="parent").group_by("child").agg(
        pl.col("mental_health_need").any().alias("mh"), pl.col("substance_misuse").any().alias("sm"),
        pl.col("learning_disability").any().alias("ld"))
    kid = world.people.select(pl.col("person_id").cast(pl.Int64).alias("child"), "domestic_abuse_household",
                              "learning_disability", "physical_disability")
    f = eps.select(pl.col("person_id").alias("child")).join(pf, on="child", how="left").join(kid, on="child", how="left")
    m = f.height
    recog = rng.random((6, m)) < 0.8  # assessments record most, not all, of what is there
    alcohol = f["sm"].fill_null(False).to_numpy() & (rng.random(m) < 0.5)
    parts = [
        np.where(alcohol & recog[0], "1B", ""),
        np.where(f["sm"].fill_null(False).to_numpy() & ~alcohol & recog[1], "2B", ""),
        np.where(f["domestic_abuse_household"].fill_null(False).to_numpy() & recog[2], "3B", ""),
        np.where(f["mh"].fill_null(False).to_numpy() & recog[3], "4B", ""),
        np.where(f["ld"].fill_null(False).to_numpy() & recog[4], "6B", ""),
        np.where((f["learning_disability"].fill_null(False) | f["physical_disability"].fill_null(False)).to_numpy()
                 & recog[5], "6A", ""),
    ]
    joined = pl.DataFrame({f"p{i}": p for i, p in enumerate(parts)}).select(
        pl.concat_list(pl.all()).list.eval(pl.element().filter(pl.element() != "")).list.join(";"))
    s = joined.to_series()
    return pl.select(pl.when(s == "").then(None).otherwise(s)).to_series()


def generate(world) -> dict[str, pl.DataFrame]:
    """Every csc.* extract of the place for the period (clean values plus truth columns)."""
    rng = world.child_rng("childrens")
    start, end = day(world.period_start), day(world.period_end)
    people = world.people
    dob = days_of(people["dob"])
    is_child = (add_years(dob, 18) > start - BURN_IN_DAYS) & (dob <= end)
    children = people.filter(pl.Series(is_child))
    periods = care_periods(people, rng, start, end)
    periods = periods.filter(pl.col("exit") >= start - BURN_IN_DAYS)
    chain = referral_episodes(world, children, rng, start, end)
    care_cin = _care_cin_episodes(periods, rng)
    eps = _combine(chain, care_cin)
    eps = eps.filter((pl.col("ref") <= end) & (pl.col("close") >= start))
    out = _cin_frames(world, eps, rng, start, end)
    out.update(csc_ssda903.frames(world, periods, care_episodes(periods, rng), rng, start, end, csc_ids))
    out["csc.cin_children"] = cin_children(world, out["csc.cin_episodes"]["_person_id"].unique().sort(), csc_ids, end)
    out["csc.family_members"] = family_members(world, out["csc.cin_children"]["_person_id"], csc_ids, end)
    # fostering households are place-wide: the first batch makes them for the whole place, the others none
    fh = fostering.generate(world, rng, int(round(int(is_child.sum()) * world.scale)))
    out["csc.fostering_households"] = fh if world.place is None or world.place.batch == 0 else fh.clear()
    return out


def _cin_frames(world, eps: pl.DataFrame, rng: np.random.Generator, start: int, end: int) -> dict[str, pl.DataFrame]:
    pid = eps["person_id"].to_numpy()
    ids = csc_ids(pid)
    g = lambda c: eps[c].to_numpy()  # noqa: E731
    closed = g("close") <= end
    out = {"csc.cin_episodes": frame_for("csc.cin_episodes", {
        "LAchildID": ids, "CINreferralDate": to_dates(g("ref")), "ReferralSource": eps["source"],
        "PrimaryNeedCode": eps["need"], "CINclosureDate": to_dates(g("close"), closed),
        "ReasonForClosure": pl.Series(np.where(closed, g("reason"), None).tolist(), dtype=pl.Utf8),
        "ReferralNFA": np.where(g("nfa"), "1", "0")}, {"_person_id": pid})}
    a = eps.filter(~pl.col("nfa") & (pl.col("a_start") <= end))
    auth_ok = a["a_auth"].to_numpy() <= end
    out["csc.cin_assessments"] = frame_for("csc.cin_assessments", {
        "LAchildID": csc_ids(a["person_id"].to_numpy()), "CINreferralDate": to_dates(a["ref"].to_numpy()),
        "AssessmentActualStartDate": to_dates(a["a_start"].to_numpy()),
        "AssessmentAuthorisationDate": to_dates(a["a_auth"].to_numpy(), auth_ok),
        "AssessmentFactors": _factors(world, a, rng)}, {"_person_id": a["person_id"].to_numpy()})
    s = eps.filter(pl.col("s47") & (pl.col("s47_start") <= end))
    held = s["icpc"].to_numpy() & (s["icpc_date"].to_numpy() <= end)
    out["csc.section47"] = frame_for("csc.section47", {
        "LAchildID": csc_ids(s["person_id"].to_numpy()), "CINreferralDate": to_dates(s["ref"].to_numpy()),
        "S47ActualStartDate": to_dates(s["s47_start"].to_numpy()),
        "InitialCPCtarget": to_dates(add_working_days(s["s47_start"].to_numpy(), np.full(s.height, 15))),
        "DateOfInitialCPC": to_dates(s["icpc_date"].to_numpy(), held),
        "ICPCnotRequired": np.where(s["icpc"].to_numpy(), "0", "1")}, {"_person_id": s["person_id"].to_numpy()})
    p = eps.filter(pl.col("plan") & (pl.col("icpc_date") <= end) & (pl.col("plan_end") > pl.col("icpc_date")))
    ended = p["plan_end"].to_numpy() <= end
    cat = p["category"].to_numpy()
    changed = rng.random(p.height) < 0.1
    latest = np.where(changed, np.array(["NEG", "EMO", "MUL"])[rng.integers(0, 3, p.height)], cat)
    out["csc.cp_plans"] = frame_for("csc.cp_plans", {
        "LAchildID": csc_ids(p["person_id"].to_numpy()), "CINreferralDate": to_dates(p["ref"].to_numpy()),
        "CPPstartDate": to_dates(p["icpc_date"].to_numpy()), "CPPendDate": to_dates(p["plan_end"].to_numpy(), ended),
        "InitialCategoryOfAbuse": cat, "LatestCategoryOfAbuse": latest,
        "NumberOfPreviousCPP": p["prev_plans"]}, {"_person_id": p["person_id"].to_numpy()})
    return out
