"""Children in need episodes: referral -> assessment -> section 47 -> child protection plan -> closure.

Each child's referrals are a renewal process: a first referral at the child's own rate (shaped
by deprivation, domestic abuse, parental mental health and substance misuse, a parent with adult
social care support for either, and the child's disability), then after each closure either a
re-referral within 12 months or the background rate again. The loop runs over episode number
(a handful of rounds), each round vectorised over all children still active.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from joinedup.synth.sector_common import (
    add_working_days, add_years, days_of, deprivation_weight, lognormal_days, parent_links,
)

__all__ = ["child_risk", "referral_episodes", "REFERRALS_PER_10K", "BURN_IN_DAYS"]

#: Referrals per 10,000 under-18s a year (LAIT, Dudley 2024-25: 479.7; England 519.4).
REFERRALS_PER_10K = 480.0
#: Share of episodes followed by a re-referral within 12 months of closing; with the background rate
#: this gives ~ 22% re-referrals (LAIT, Dudley 2024-25: 22.5%; England 22.6%).
RE_REFERRAL_P = 0.40
#: Referral rate in the most deprived decile relative to the least (assumption: Bywaters et al.,
#: Child Welfare Inequalities Project, children in the most deprived decile ~ 10x more likely to be
#: looked after and ~ 6x more likely to be on a plan than the least deprived).
DEPRIVATION_RATIO = 6.0
#: Relative rates (assumptions, after the "toxic trio" literature and DfE CIN factors data).
RISK_DOMESTIC_ABUSE = 3.5
RISK_PARENT_ASC_MH_SM = 2.5  # a parent has adult social care support for mental health or substance misuse
RISK_PARENT_MH = 1.6
RISK_PARENT_SM = 2.2
RISK_CHILD_DISABILITY = 2.0
#: Referrals that end with no further action at referral (DfE CIN 2024: ~ 7%).
REFERRAL_NFA_P = 0.07
#: Assessment length in working days: median 30 with P(<= 45) ~ 0.80 (LAIT Dudley 2024-25: 77.3%;
#: England 85.7%; DfE CIN 2024-25 median 33 calendar days).
ASSESSMENT_MEDIAN_WD = 30
ASSESSMENT_SIGMA = 0.48
#: Section 47 enquiries per assessed episode, by need (tuned to ~ 184 s47 per 10,000: LAIT Dudley 2024-25).
S47_P_ABUSE, S47_P_OTHER = 0.52, 0.20
#: Initial child protection conferences per s47, and plans per conference, tuned so that ~ 33 children
#: per 10,000 are on a plan at 31 March (LAIT Dudley 2024-25: 33.3) with ~ 22% second or later plans.
ICPC_P, ICPC_P_PREVIOUS = 0.25, 0.55
PLAN_P = 0.88
#: CP plan durations (DfE CIN 2024-25, plans ending: <=3 months 15.9%, 3-6 months 11.0%,
#: 6-12 months 43.5%, 1-2 years 25.2%, 2+ years 4.4%).
PLAN_BANDS = np.array([[1, 91], [92, 182], [183, 365], [366, 730], [731, 1100]])
PLAN_BAND_P = np.array([0.159, 0.110, 0.435, 0.252, 0.044])
#: Children in need plans after assessment, and their length, tuned to ~ 343 children in need per
#: 10,000 at 31 March (LAIT Dudley 2024-25: 343.5).
CIN_PLAN_P, CIN_PLAN_P_AFTER_S47 = 0.42, 0.56
CIN_PLAN_MEDIAN_DAYS, CIN_PLAN_SIGMA = 280, 0.75
#: Episodes are simulated from this many days before the period so that it opens with a realistic caseload.
BURN_IN_DAYS = 4 * 365
MAX_ROUNDS = 12

_NEEDS = np.array(["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N0"])
_NEED_P = np.array([0.55, 0.03, 0.04, 0.09, 0.17, 0.04, 0.005, 0.03, 0.035, 0.01])
_SOURCES = np.array(["1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4",
                     "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"])
# Referral sources (DfE CIN 2024: police ~ 29%, schools ~ 20%, health ~ 14%, LA services ~ 14%).
_SOURCE_P = np.array([0.04, 0.01, 0.01, 0.01, 0.20, 0.02, 0.02, 0.03, 0.01, 0.01, 0.03, 0.04, 0.02,
                      0.05, 0.03, 0.02, 0.04, 0.29, 0.02, 0.05, 0.02, 0.03])


def child_risk(world, children: pl.DataFrame) -> tuple[np.ndarray, pl.DataFrame]:
    """Relative referral rate of each child, and the flags that shaped it."""
    links = parent_links(world).filter(pl.col("relation") != "grandparent")
    asc = world.events.get("asc.client_level_data")
    flagged = pl.DataFrame({"parent": pl.Series([], dtype=pl.Int64)})
    if asc is not None and asc.height:
        flagged = asc.filter(pl.col("Primary_Support_Reason").is_in(
            ["Mental Health Support", "Social Support: Substance misuse support"])).select(
            pl.col("_person_id").cast(pl.Int64).alias("parent")).unique()
    par = world.people.select(pl.col("person_id").cast(pl.Int64).alias("parent"), "mental_health_need", "substance_misuse")
    pf = (links.join(par, on="parent", how="left")
          .join(flagged.with_columns(pl.lit(True).alias("asc")), on="parent", how="left")
          .group_by("child").agg(pl.col("mental_health_need").fill_null(False).any().alias("mh"),
                                 pl.col("substance_misuse").fill_null(False).any().alias("sm"),
                                 pl.col("asc").fill_null(False).any().alias("asc")))
    c = children.select(pl.col("person_id").cast(pl.Int64).alias("child"), "imd_decile", "domestic_abuse_household",
                        "learning_disability", "physical_disability").join(pf, on="child", how="left").fill_null(False)
    r = deprivation_weight(c["imd_decile"].to_numpy(), DEPRIVATION_RATIO)
    r = r * np.where(c["domestic_abuse_household"].to_numpy(), RISK_DOMESTIC_ABUSE, 1.0)
    r = r * np.where(c["asc"].to_numpy(), RISK_PARENT_ASC_MH_SM, 1.0)
    r = r * np.where(c["mh"].to_numpy(), RISK_PARENT_MH, 1.0) * np.where(c["sm"].to_numpy(), RISK_PARENT_SM, 1.0)
    dis = c["learning_disability"].to_numpy() | c["physical_disability"].to_numpy()
    return r * np.where(dis, RISK_CHILD_DISABILITY, 1.0), c


def referral_episodes(world, children: pl.DataFrame, rng: np.random.Generator, start: int, end: int) -> pl.DataFrame:
    """Episodes (with their assessment, s47 and CP plan) for children, simulated over [start - burn-in, end]."""
    risk, flags = child_risk(world, children)
    n = children.height
    dob = days_of(children["dob"])
    arrived = children["arrived"].cast(pl.Int64).fill_null(-10**9).to_numpy()
    w0 = start - BURN_IN_DAYS
    lo = np.maximum.reduce([dob, arrived, np.full(n, w0)])
    gone = np.minimum.reduce([add_years(dob, 18), days_of(children["left"]), days_of(children["date_of_death"])])
    hi = np.minimum(gone, end + 1)
    expo = np.clip(hi - lo, 0, None)
    risk = risk / (np.sum(risk * expo) / max(np.sum(expo), 1))
    # first referrals at the base rate; re-referrals and repeat episodes add the rest of the 480
    base = REFERRALS_PER_10K / 10_000 / 365.25 * 0.64
    lam = base * risk
    t = lo + rng.exponential(1.0, n) / lam
    prev_plans = (rng.random(n) < 0.12 * np.clip((lo - dob) / 365.25 / 6, 0, 1)).astype(np.int64)  # before the window
    rows = []
    active = np.arange(n)
    t = np.rint(t).astype(np.int64)
    for _ in range(MAX_ROUNDS):
        active = active[t[active] < hi[active]]
        if not len(active):
            break
        a = active
        m = len(a)
        ref = t[a]
        need = _NEEDS[rng.choice(len(_NEEDS), m, p=_NEED_P)]
        dis = flags["learning_disability"].to_numpy()[a] | flags["physical_disability"].to_numpy()[a]
        need = np.where(dis & (rng.random(m) < 0.4), "N2", need)
        nfa = (rng.random(m) < REFERRAL_NFA_P) | ((need == "N9") & (rng.random(m) < 0.7))
        a_start = add_working_days(ref, np.rint(rng.exponential(2.0, m)).astype(np.int64))
        a_auth = add_working_days(a_start, lognormal_days(rng, ASSESSMENT_MEDIAN_WD, ASSESSMENT_SIGMA, m))
        abuse = need == "N1"
        da = flags["domestic_abuse_household"].to_numpy()[a]
        s47 = ~nfa & (rng.random(m) < np.where(abuse | da, S47_P_ABUSE, S47_P_OTHER))
        s47_start = np.maximum(ref, add_working_days(ref, lognormal_days(rng, 3, 1.0, m) - 1))
        icpc = s47 & (rng.random(m) < np.where(prev_plans[a] > 0, ICPC_P_PREVIOUS, ICPC_P))
        icpc_date = add_working_days(s47_start, lognormal_days(rng, 14, 0.35, m))
        plan = icpc & (rng.random(m) < PLAN_P)
        band = rng.choice(5, m, p=PLAN_BAND_P)
        plan_len = rng.integers(PLAN_BANDS[band, 0], PLAN_BANDS[band, 1] + 1)
        plan_end = icpc_date + plan_len
        cin_plan = ~nfa & ~plan & (rng.random(m) < np.where(s47, CIN_PLAN_P_AFTER_S47, CIN_PLAN_P))
        cin_len = lognormal_days(rng, CIN_PLAN_MEDIAN_DAYS, CIN_PLAN_SIGMA, m)
        step_down = plan & (rng.random(m) < 0.6)
        close = np.where(nfa, ref, np.where(plan, plan_end + np.where(step_down, lognormal_days(rng, 100, 0.6, m), 0),
                         np.where(cin_plan, a_auth + cin_len, np.maximum(a_auth, np.where(s47, icpc_date, a_auth)))))
        # closed after assessment (RC8/RC9) only where nothing followed it: a section 47 is activity (CIN rule 2990)
        reason = np.where(nfa | (~plan & ~cin_plan & ~s47), np.where(rng.random(m) < 0.72, "RC8", "RC9"),
                          np.where(rng.random(m) < 0.9, "RC7", np.where(rng.random(m) < 0.5, "RC4", "RC3")))
        aged_out = close >= add_years(dob[a], 18)
        close = np.where(aged_out, add_years(dob[a], 18) - 1, close)
        # a case closes once its assessment is done (CIN rule 8565: no activity after closure)
        close = np.where(nfa, close, np.maximum(close, a_auth))
        reason = np.where(aged_out, np.where(dis, "RC6", "RC7"), reason)
        left = close >= gone[a]
        reason = np.where(left & ~aged_out, "RC5", reason)
        close = np.minimum(close, np.maximum(gone[a] - 1, ref))
        a_auth = np.where(nfa, a_auth, np.minimum(a_auth, np.maximum(close, a_start)))  # a child who moves away
        rows.append(pl.DataFrame({
            "child": a, "ref": ref, "source": _SOURCES[rng.choice(len(_SOURCES), m, p=_SOURCE_P)], "need": need,
            "nfa": nfa, "close": close, "reason": reason, "a_start": a_start, "a_auth": a_auth,
            "s47": s47, "s47_start": s47_start, "icpc": icpc, "icpc_date": icpc_date, "plan": plan,
            "plan_end": np.minimum(plan_end, close), "prev_plans": prev_plans[a],
            "category": _category(rng, m, da)}))
        prev_plans[a] += plan
        rr = rng.random(m) < RE_REFERRAL_P
        nxt = np.where(rr, close + rng.integers(14, 365, m), close + 1 + np.rint(rng.exponential(1.0, m) / lam[a]))
        t[a] = nxt.astype(np.int64)
    eps = pl.concat(rows)
    return eps.with_columns(pl.Series("person_id", children["person_id"].cast(pl.Int64).to_numpy()[eps["child"].to_numpy()]))


def _category(rng, m: int, da: np.ndarray) -> np.ndarray:
    """Initial category of abuse (DfE CIN 2024: neglect ~ 1 in 2, emotional ~ 4 in 10, physical, sexual, multiple)."""
    cats = np.array(["NEG", "EMO", "PHY", "SAB", "MUL"])
    p_da = np.array([0.30, 0.60, 0.05, 0.02, 0.03])
    p = np.array([0.56, 0.28, 0.08, 0.04, 0.04])
    return np.where(da, cats[rng.choice(5, m, p=p_da)], cats[rng.choice(5, m, p=p)])
