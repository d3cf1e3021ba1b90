"""The published rates the children's, education and workforce extracts are calibrated to, measured back.

Each function takes the frames a generator returned (with truth columns) and the World, and
returns {measure: value} for the last financial (or academic) year of the period, defined as
the DfE, LAIT and Skills for Care define them. Tests compare these with the published figures.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from joinedup.synth.sector_common import add_years, days_of, financial_years, lives_in_area

__all__ = ["csc_rates", "education_rates", "workforce_rates", "under18s"]


def under18s(world, at: int) -> int:
    """Children under 18 living in the place on a day (the per-10,000 denominator)."""
    p = world.people
    alive = lives_in_area(p, at)
    return int((alive & (add_years(days_of(p["dob"]), 18) > at)).sum())


def _d(col: pl.Series) -> np.ndarray:
    return col.cast(pl.Int64).fill_null(10**9).to_numpy()


def csc_rates(frames: dict[str, pl.DataFrame], world) -> dict[str, float]:
    """LAIT children's social care measures for the last year ending 31 March in the period."""
    y0, y1, _ = financial_years(world)[-1]
    kids = under18s(world, y1)
    per10k = lambda x: 10_000 * x / kids  # noqa: E731
    ep = frames["csc.cin_episodes"]
    ref = _d(ep["CINreferralDate"])
    close = _d(ep["CINclosureDate"])
    in_year = (ref >= y0) & (ref <= y1)
    e = ep.select("_person_id", "CINreferralDate").sort(["_person_id", "CINreferralDate"]).with_columns(
        pl.col("CINreferralDate").shift(1).over("_person_id").alias("_prev"))
    e_ref = _d(e["CINreferralDate"])
    gap = e_ref - e["_prev"].cast(pl.Int64).fill_null(-10**9).to_numpy()
    e_in = (e_ref >= y0) & (e_ref <= y1)
    a = frames["csc.cin_assessments"]
    a_start, a_auth = _d(a["AssessmentActualStartDate"]), _d(a["AssessmentAuthorisationDate"])
    done = (a_auth >= y0) & (a_auth <= y1)
    wd = np.busday_count(a_start[done].astype("datetime64[D]"), a_auth[done].astype("datetime64[D]"))
    s47 = _d(frames["csc.section47"]["S47ActualStartDate"])
    cp = frames["csc.cp_plans"]
    cp_s, cp_e = _d(cp["CPPstartDate"]), _d(cp["CPPendDate"])
    on_plan = (cp_s <= y1) & (cp_e > y1)
    started = (cp_s >= y0) & (cp_s <= y1)
    ended = (cp_e >= y0) & (cp_e <= y1)
    cla = frames["csc.ssda903_episodes"]
    d_start, d_end = _d(cla["DECOM"]), _d(cla["DEC"])
    looked_after = (d_start <= y1) & (d_end > y1)
    place = cla["PLACE"].to_numpy()[looked_after]
    in_year_ep = (d_start <= y1) & (d_end >= y0)
    moves = cla.filter(pl.Series(in_year_ep)).with_columns(
        (pl.col("RNE").is_in(["S", "P", "B"]) | (pl.col("DECOM").cast(pl.Int64) < y0)).alias("_new"))
    n_place = moves.group_by("_person_id").agg(pl.col("_new").sum())
    stability = _stability(cla, frames["csc.ssda903_header"], y1)
    oc3 = frames["csc.ssda903_oc3"]
    oc3y = oc3.filter(pl.col("COLLECTION_YEAR") == financial_years(world)[-1][2])
    age = (y1 - _d(oc3y["DOB"])) / 365.25
    o19 = oc3y.filter(pl.Series((age >= 19) & (age < 22)))
    eet = o19["ACTIV"].is_in(["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"]).mean() if o19.height else float("nan")
    return {
        "referrals_per_10k": per10k(in_year.sum()),
        "re_referral_pct": 100 * float(((gap <= 365) & e_in).sum() / max(e_in.sum(), 1)),
        "assessments_45wd_pct": 100 * float((wd <= 45).mean()) if len(wd) else float("nan"),
        "s47_per_10k": per10k(((s47 >= y0) & (s47 <= y1)).sum()),
        "cin_per_10k": per10k(ep.filter(pl.Series((ref <= y1) & (close > y1)))["_person_id"].n_unique()),
        "cp_per_10k": per10k(cp.filter(pl.Series(on_plan))["_person_id"].n_unique()),
        "cp_second_plus_pct": 100 * float((cp["NumberOfPreviousCPP"].to_numpy()[started] > 0).mean()),
        "cp_ending_2y_pct": 100 * float(((cp_e - cp_s)[ended] >= 730).mean()),
        "cla_per_10k": per10k(cla.filter(pl.Series(looked_after))["_person_id"].n_unique()),
        "cla_fostered_pct": 100 * float(np.char.startswith(place.astype(str), "U").mean()),
        "cla_residential_pct": 100 * float(np.isin(place, ["K1", "K2", "R1", "S1"]).mean()),
        "cla_3plus_placements_pct": 100 * float((n_place["_new"].to_numpy() >= 3).mean()),
        "cla_long_term_stability_pct": stability,
        "care_leavers_19_21_eet_pct": 100 * float(eet),
        "under18s": float(kids),
    }


def _stability(cla: pl.DataFrame, header: pl.DataFrame, y1: int) -> float:
    """Under-16s looked after 2.5+ years at 31 March who have had the same carer for 2+ years (LAIT)."""
    e = cla.sort(["CHILD", "DECOM"]).with_columns(
        (pl.col("RNE") == "S").cast(pl.Int32).cum_sum().over("CHILD").alias("_period"))
    e = e.filter(pl.col("DECOM").cast(pl.Int64) <= y1)
    cur = e.group_by("CHILD").agg(pl.col("_period").max().alias("_p"))
    e = e.join(cur, on="CHILD").filter(pl.col("_period") == pl.col("_p"))
    g = e.group_by("CHILD").agg(
        pl.col("DECOM").cast(pl.Int64).min().alias("entry"),
        pl.col("DEC").cast(pl.Int64).fill_null(10**9).max().alias("exit"),
        pl.col("DECOM").cast(pl.Int64).filter(pl.col("RNE").is_in(["S", "P", "B"])).max().alias("carer_since"),
        pl.col("_person_id").first())
    g = g.join(header.select("CHILD", pl.col("DOB").cast(pl.Int64).alias("_dob")), on="CHILD", how="left")
    g = g.filter((pl.col("exit") > y1) & (pl.col("entry") <= y1 - 913) & (pl.col("_dob") > y1 - 16 * 365.25))
    if not g.height:
        return float("nan")
    return 100 * float((y1 - g["carer_since"].to_numpy() >= 730).mean())


def education_rates(frames: dict[str, pl.DataFrame], world) -> dict[str, float]:
    """School census measures of the last census and its academic year's attendance (autumn and spring)."""
    sc = frames["education.school_census"]
    last = sc["CensusDate"].max()
    c = sc.filter(pl.col("CensusDate") == last)
    att = frames["education.attendance"]
    year = att["AcademicYear"].max()
    a = att.filter(pl.col("AcademicYear") == year).group_by("UPN").agg(
        pl.col("SessionsPossible").sum(), (pl.col("SessionsAuthorised") + pl.col("SessionsUnauthorised")).sum().alias("abs"))
    a = a.with_columns((pl.col("abs") / pl.col("SessionsPossible")).alias("rate"))
    cin = frames.get("_cin_upns")
    pa_cin = float("nan")
    if cin is not None:
        pa_cin = 100 * float(a.filter(pl.col("UPN").is_in(cin.implode()))["rate"].ge(0.1).mean())
    ex = frames["education.exclusions"]
    return {
        "pupils": float(c.height),
        "fsm_pct": 100 * float((c["FSMeligible"] == "true").mean()),
        "sen_support_pct": 100 * float((c["SENprovision"] == "K").mean()),
        "ehc_plan_pct": 100 * float((c["SENprovision"] == "E").mean()),
        "absence_pct": 100 * float(a["abs"].sum() / a["SessionsPossible"].sum()),
        "persistent_absence_pct": 100 * float((a["rate"] >= 0.1).mean()),
        "persistent_absence_cin_pct": pa_cin,
        "suspensions_per_100": 100 * float((ex["Category"] == "SUSP").sum()) / max(c.height, 1) / _years(att),
        "permanent_per_100": 100 * float((ex["Category"] == "PERM").sum()) / max(c.height, 1) / _years(att),
    }


def _years(att: pl.DataFrame) -> float:
    """Academic years covered by the attendance terms (3 terms a year)."""
    return max(att.select(pl.struct("AcademicYear", "Term").n_unique()).item() / 3, 1 / 3)


def workforce_rates(frames: dict[str, pl.DataFrame], world) -> dict[str, float]:
    """Turnover by role (leavers in the year / staff in post at its start), agency share, pay."""
    y0, y1, _ = financial_years(world)[-1]
    out: dict[str, float] = {}

    def turnover(df, start_col, end_col, mask=None):
        s, e = _d(df[start_col]), _d(df[end_col])
        m = np.ones(df.height, bool) if mask is None else mask
        in_post = m & (s <= y0) & (e > y0)
        left = in_post & (e <= y1)
        return 100 * left.sum() / max(in_post.sum(), 1)

    asc = frames["workforce.asc_wds"]
    role = asc["MAINJOBROLE"].to_numpy()
    for code, name in (("8", "care_worker"), ("7", "senior_care_worker"), ("3", "registered_manager"),
                       ("16", "asc_registered_nurse")):
        out[f"turnover_{name}_pct"] = turnover(asc, "STARTDATE", "LEAVEDATE", role == code)
    out["turnover_asc_all_pct"] = turnover(asc, "STARTDATE", "LEAVEDATE")
    in_post = (_d(asc["STARTDATE"]) <= y1) & (_d(asc["LEAVEDATE"]) > y1)
    cw = asc.filter(pl.Series(in_post) & (pl.col("MAINJOBROLE") == "8") & pl.col("HOURLYRATE").is_not_null())
    out["care_worker_median_hourly"] = float(cw["HOURLYRATE"].median()) if cw.height else float("nan")
    csw = frames["workforce.childrens_social_work"]
    s, e = _d(csw["RoleStartDate"]), _d(csw["RoleEndDate"])
    on = (s <= y1) & (e > y1)
    out["csw_agency_pct"] = 100 * float((csw["AgencyWorker"].to_numpy()[on] == "1").mean())
    out["turnover_csw_pct"] = turnover(csw, "RoleStartDate", "RoleEndDate", csw["AgencyWorker"].to_numpy() == "0")
    esr = frames["workforce.nhs_esr"]
    out["turnover_nhs_pct"] = turnover(esr, "Assignment_Start_Date", "Assignment_End_Date")
    return out
