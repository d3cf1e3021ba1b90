"""Careers across adult social care, the NHS, children's social work and general practice.

Every worker is a person of the population (`worker_sector` says where they work at the start,
or where they join during the period). A career is a chain of jobs: each job lasts an
exponential time at its role's published leaving rate; on leaving, the worker goes to another
employer in the same role, a step up, another sector, or out of the place's workforce, with the
probabilities in ROLES. The loop runs over job number, vectorised over all workers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from joinedup.synth.sector_common import add_years, day, days_of

__all__ = ["ROLES", "Role", "careers", "NA_PROGRESSION", "RN_PROGRESSION"]

#: Senior care workers who become nursing associates, and nursing associates who qualify as
#: registered nurses, per year of leaving. No published figure exists (facts: "care workers who
#: become nurses: no figure found"): these are parameters, set to plausible values.
NA_PROGRESSION = 0.10
RN_PROGRESSION = 0.30


@dataclass(frozen=True)
class Role:
    """A role: its sector, annual leaving rate (turnover) and where leavers go (probabilities)."""

    sector: str
    turnover: float
    moves: tuple[tuple[str, float], ...]  # (destination role or "out:<reason>", probability)
    share: float  # share of the sector's staff in this role at the start


# Sectors: asc (ASC-WDS), nhs (ESR), csw (CSWW), gp (NWRS). Turnover figures:
# ASC: Skills for Care State of the sector 2024-25: care workers 28.5%, registered managers 17%,
# overall 23.1%; ASC registered nurses ~ 1 in 3 leave a year (Nuffield Trust). Others: assumptions.
# CSW: LAIT England 2024 11.8% (Dudley 34.9%); agency assignments are shorter (assumption).
# NHS and GP: assumptions (NHS Digital leaver rates ~ 10-15% a year).
ROLES: dict[str, Role] = {
    "asc_care_worker": Role("asc", 0.285, (("asc_care_worker", 0.46), ("asc_senior", 0.09), ("nhs_hca", 0.08),
                                           ("out:other sector", 0.22), ("out:left workforce", 0.15)), 0.70),
    "asc_senior": Role("asc", 0.22, (("asc_senior", 0.45), ("asc_na", NA_PROGRESSION), ("asc_first_line", 0.08),
                                     ("nhs_hca", 0.05), ("out:other sector", 0.17), ("out:left workforce", 0.15)), 0.13),
    "asc_na": Role("asc", 0.25, (("asc_rn", RN_PROGRESSION), ("asc_na", 0.3), ("nhs_na", 0.2),
                                 ("out:left workforce", 0.2)), 0.01),
    "asc_rn": Role("asc", 0.33, (("asc_rn", 0.40), ("nhs_staff_nurse", 0.30), ("gp_practice_nurse", 0.05),
                                 ("out:retired", 0.10), ("out:left workforce", 0.15)), 0.03),
    "asc_first_line": Role("asc", 0.20, (("asc_first_line", 0.4), ("asc_rm", 0.2), ("out:other sector", 0.4)), 0.05),
    "asc_rm": Role("asc", 0.17, (("asc_rm", 0.5), ("out:retired", 0.2), ("out:other sector", 0.3)), 0.04),
    "asc_senior_mgmt": Role("asc", 0.15, (("asc_senior_mgmt", 0.5), ("out:other sector", 0.5)), 0.02),
    "asc_social_worker": Role("asc", 0.18, (("asc_social_worker", 0.5), ("csw_case_holder", 0.2),
                                            ("out:other sector", 0.3)), 0.015),
    "asc_ot": Role("asc", 0.15, (("asc_ot", 0.6), ("out:other sector", 0.4)), 0.005),
    "nhs_hca": Role("nhs", 0.15, (("nhs_hca", 0.40), ("asc_care_worker", 0.12), ("nhs_na", 0.08),
                                  ("gp_hca", 0.05), ("out:Private Sector", 0.15), ("out:No Employment", 0.20)), 0.30),
    "nhs_na": Role("nhs", 0.12, (("nhs_staff_nurse", 0.35), ("nhs_na", 0.35), ("out:No Employment", 0.3)), 0.02),
    "nhs_staff_nurse": Role("nhs", 0.10, (("nhs_staff_nurse", 0.40), ("nhs_sister", 0.15), ("asc_rn", 0.08),
                                          ("gp_practice_nurse", 0.07), ("out:Retirement", 0.12),
                                          ("out:No Employment", 0.18)), 0.30),
    "nhs_sister": Role("nhs", 0.09, (("nhs_sister", 0.5), ("gp_anp", 0.08), ("out:Retirement", 0.25),
                                     ("out:No Employment", 0.17)), 0.08),
    "nhs_team_leader": Role("nhs", 0.12, (("nhs_team_leader", 0.35), ("nhs_manager", 0.30),
                                          ("out:Private Sector", 0.2), ("out:No Employment", 0.15)), 0.08),
    # junior operational managers: some become registered managers in care or practice managers
    "nhs_manager": Role("nhs", 0.12, (("nhs_manager", 0.45), ("asc_rm", 0.12), ("gp_practice_manager", 0.10),
                                      ("out:Private Sector", 0.13), ("out:Retirement", 0.2)), 0.12),
    "nhs_consultant": Role("nhs", 0.07, (("nhs_consultant", 0.5), ("out:Retirement", 0.5)), 0.10),
    "csw_case_holder": Role("csw", 0.118, (("csw_case_holder", 0.12), ("csw_agency", 0.18), ("csw_first_line", 0.10),
                                           ("out:1", 0.25), ("out:3", 0.10), ("out:4", 0.15), ("out:5", 0.10)), 0.62),
    "csw_agency": Role("csw", 0.55, (("csw_case_holder", 0.20), ("csw_agency", 0.50), ("out:2", 0.30)), 0.16),
    "csw_first_line": Role("csw", 0.10, (("csw_middle", 0.2), ("csw_first_line", 0.2), ("out:1", 0.4),
                                         ("out:5", 0.2)), 0.12),
    "csw_middle": Role("csw", 0.10, (("csw_senior", 0.1), ("csw_middle", 0.3), ("out:1", 0.4), ("out:5", 0.2)), 0.06),
    "csw_senior": Role("csw", 0.12, (("out:1", 0.5), ("out:5", 0.5)), 0.02),
    "csw_no_cases": Role("csw", 0.12, (("csw_case_holder", 0.4), ("out:4", 0.6)), 0.04),
    "gp_partner": Role("gp", 0.06, (("out:retired", 1.0),), 0.08),
    "gp_salaried": Role("gp", 0.14, (("gp_partner", 0.2), ("gp_salaried", 0.4), ("out:other", 0.4)), 0.10),
    "gp_practice_nurse": Role("gp", 0.12, (("gp_practice_nurse", 0.3), ("gp_anp", 0.1), ("nhs_staff_nurse", 0.2),
                                           ("out:other", 0.4)), 0.10),
    "gp_anp": Role("gp", 0.10, (("gp_anp", 0.5), ("out:other", 0.5)), 0.04),
    "gp_hca": Role("gp", 0.15, (("gp_hca", 0.3), ("nhs_hca", 0.2), ("out:other", 0.5)), 0.07),
    "gp_practice_manager": Role("gp", 0.12, (("gp_practice_manager", 0.3), ("asc_rm", 0.1), ("out:other", 0.6)), 0.06),
    "gp_receptionist": Role("gp", 0.20, (("gp_receptionist", 0.3), ("asc_care_worker", 0.05), ("out:other", 0.65)), 0.51),
    "gp_pharmacist": Role("gp", 0.12, (("gp_pharmacist", 0.4), ("out:other", 0.6)), 0.04),
}
_SECTOR_OF = {"adult_social_care": "asc", "nhs": "nhs", "childrens_social_work": "csw", "general_practice": "gp"}
ROLE_NAMES = np.array(list(ROLES))
MAX_JOBS = 10


def _first_roles(rng, sector: np.ndarray) -> np.ndarray:
    out = np.empty(len(sector), dtype=object)
    for s in ("asc", "nhs", "csw", "gp"):
        names = [k for k, r in ROLES.items() if r.sector == s and r.share > 0]
        p = np.array([ROLES[k].share for k in names])
        m = sector == s
        out[m] = np.array(names)[rng.choice(len(names), m.sum(), p=p / p.sum())]
    return out.astype(str)


def careers(world, rng: np.random.Generator) -> pl.DataFrame:
    """One row per job: person, role, sector, employer slot, start, end (or open), leave reason, previous role."""
    p = world.people.filter(pl.col("worker_sector").is_not_null())
    n = p.height
    start_d, end_d = day(world.period_start), day(world.period_end)
    sector = p["worker_sector"].replace_strict(_SECTOR_OF, default="asc").to_numpy()
    role = _first_roles(rng, sector).astype(object)  # object: a later role may be longer than any first one
    turnover = -np.log1p(-pl.Series(role).replace_strict({k: r.turnover for k, r in ROLES.items()}).to_numpy())
    dob = days_of(p["dob"])
    adult = add_years(dob, 18)
    # steady state: the job held at the start began an exponential time ago; a share of each role's
    # workers join during the period, as the sector replaces those who leave it
    out_p = pl.Series(role).replace_strict(
        {k: sum(pr for d, pr in r.moves if d.startswith("out:")) for k, r in ROLES.items()}).to_numpy()
    years = (end_d - start_d) / 365.25
    joiner = rng.random(n) < (turnover * out_p * years) / (1 + turnover * out_p * years)
    begun = np.where(joiner, start_d + rng.integers(0, end_d - start_d, n),
                     start_d - np.rint(rng.exponential(1.0, n) / turnover * 365.25).astype(np.int64) - 1)
    begun = np.maximum(begun, adult)
    stop = np.minimum(days_of(p["date_of_death"]), add_years(dob, 68))
    pid = p["person_id"].cast(pl.Int64).to_numpy()
    jobs = []
    active = np.flatnonzero(begun < np.minimum(stop, end_d + 1))
    prev = np.full(n, "", dtype=object)
    moves = {k: (np.array([d for d, _ in r.moves]), np.array([q for _, q in r.moves]) / sum(q for _, q in r.moves))
             for k, r in ROLES.items()}
    for k in range(MAX_JOBS):
        if not len(active):
            break
        a = active
        r = role[a]
        # turnover is the share of staff in post who leave within a year: hazard = -ln(1 - turnover)
        t = -np.log1p(-pl.Series(r).replace_strict({k2: v.turnover for k2, v in ROLES.items()}).to_numpy())
        end = begun[a] + np.maximum(7, np.rint(rng.exponential(1.0, len(a)) / t * 365.25).astype(np.int64))
        dest = np.empty(len(a), dtype=object)
        for name in np.unique(r):
            m = r == name
            d, q = moves[name]
            dest[m] = d[rng.choice(len(d), m.sum(), p=q)]
        dest = dest.astype(str)
        died = end >= stop[a]
        end = np.minimum(end, stop[a])
        dest = np.where(died, "out:died", dest)
        jobs.append(pl.DataFrame({
            "person_id": pid[a], "job": np.full(len(a), k), "role": r, "start": begun[a], "end": end,
            "open": end > end_d, "dest": dest, "prev_role": prev[a].astype(str), "slot": rng.random(len(a))}))
        moving = (end <= end_d) & ~np.char.startswith(dest, "out:")
        nxt = a[moving]
        prev[nxt] = r[moving]
        role[nxt] = dest[moving]
        begun[nxt] = end[moving] + rng.integers(1, 60, moving.sum())
        active = nxt[begun[nxt] <= np.minimum(stop[nxt], end_d)]
    return pl.concat(jobs).with_columns(
        pl.col("role").replace_strict({k: r.sector for k, r in ROLES.items()}).alias("sector"))
