"""Workforce extracts: ASC-WDS workers, NHS ESR assignments, the CSWW census and GP practice staff.

Careers (workforce_careers) give each person's jobs; here each job becomes a record in its
sector's extract with the employer's own worker id, role, pay and dates. A person keeps their
name, date of birth, NI number (and Social Work England number) from employer to employer, so
linkage can follow them, while each employer's worker id is its own.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from joinedup.synth.sector_common import address_at, day, frame_for, local_ids, to_dates
from joinedup.synth.workforce_careers import careers

__all__ = ["generate", "CARE_WORKER_MEDIAN_HOURLY", "STAFF_PER_ESTABLISHMENT"]

#: Care worker median hourly pay 2024-25 (Skills for Care, State of the sector 2025: £12.00). Earlier
#: years are scaled by the National Living Wage (April 2022 £9.50, April 2023 £10.42, April 2024 £11.44).
CARE_WORKER_MEDIAN_HOURLY = 12.00
_NLW = {2022: 9.50, 2023: 10.42, 2024: 11.44, 2025: 12.21}
#: Staff per care establishment (assumption; Skills for Care: ~ 18,500 CQC-regulated establishments
#: for ~ 1.6m filled posts, but many are small; ~ 30 staff per establishment in the data set).
STAFF_PER_ESTABLISHMENT = 30
_ASC_ROLE = {"asc_care_worker": "8", "asc_senior": "7", "asc_na": "25", "asc_rn": "16", "asc_first_line": "4",
             "asc_rm": "3", "asc_senior_mgmt": "1", "asc_social_worker": "6", "asc_ot": "15"}
_HOURLY = {"asc_care_worker": 1.0, "asc_senior": 1.09, "asc_na": 1.16}  # relative to care worker (assumption)
_SALARY = {"asc_rn": 37_000, "asc_first_line": 30_000, "asc_rm": 38_000, "asc_senior_mgmt": 52_000,
           "asc_social_worker": 36_000, "asc_ot": 35_000}  # 2024-25 medians (assumption, Skills for Care pay data)
_NHS = {  # role -> (Staff_Group, Job_Role, AfC bands, band probabilities)
    "nhs_hca": ("Additional Clinical Services", "Healthcare Assistant", ["Band 2", "Band 3"], [0.4, 0.6]),
    "nhs_na": ("Additional Clinical Services", "Nursing Associate", ["Band 4"], [1.0]),
    "nhs_staff_nurse": ("Nursing and Midwifery Registered", "Staff Nurse", ["Band 5"], [1.0]),
    "nhs_sister": ("Nursing and Midwifery Registered", "Sister/Charge Nurse", ["Band 6", "Band 7"], [0.6, 0.4]),
    "nhs_team_leader": ("Administrative and Clerical", "Team Leader", ["Band 4", "Band 5"], [0.5, 0.5]),
    "nhs_manager": ("Administrative and Clerical", "Manager", ["Band 6", "Band 7", "Band 8a", "Band 8b"],
                    [0.35, 0.35, 0.2, 0.1]),
    "nhs_consultant": ("Medical and Dental", "Consultant", ["Non-AfC"], [1.0]),
}
_NHS_DEST = {"asc": "Social Care", "gp": "General Practice", "nhs": "NHS Organisation"}
_CSW_ROLE = {"csw_case_holder": "4", "csw_agency": "4", "csw_first_line": "3", "csw_middle": "2", "csw_senior": "1",
             "csw_no_cases": "5"}
_GP = {"gp_partner": ("GP", "Partner/Provider"), "gp_salaried": ("GP", "Salaried GP"),
       "gp_practice_nurse": ("Nurses", "Practice Nurse"), "gp_anp": ("Nurses", "Advanced Nurse Practitioner"),
       "gp_hca": ("Direct Patient Care", "Healthcare Assistant"), "gp_pharmacist": ("Direct Patient Care", "Pharmacist"),
       "gp_practice_manager": ("Admin/Non-Clinical", "Practice Manager"),
       "gp_receptionist": ("Admin/Non-Clinical", "Receptionist")}
#: Children's social workers' average caseload on 30 September (LAIT Dudley: 19.5; England 15.2).
CSW_CASELOAD = 19.5
_ETH_ASC = {"A": "31", "B": "32", "C": "34", "D": "35", "E": "36", "F": "37", "G": "38", "H": "39", "J": "40",
            "K": "41", "L": "43", "M": "45", "N": "44", "P": "46", "R": "42", "S": "47", "Z": "99"}


def generate(world) -> dict[str, pl.DataFrame]:
    """Every workforce.* extract of the place for the period (clean values plus truth columns)."""
    rng = world.child_rng("workforce")
    jobs = careers(world, rng).filter(pl.col("end") >= day(world.period_start))
    people = world.people.select(pl.col("person_id").cast(pl.Int64), "given_name", "family_name", "ni_number", "dob",
                                 "sex", "ethnicity", "ethnicity_dfe", "gp_practice")
    jobs = jobs.join(people, on="person_id", how="left").sort(["person_id", "job"])
    end = day(world.period_end)
    addr = address_at(world, jobs["person_id"].to_numpy(), np.minimum(jobs["start"].to_numpy(), end))
    jobs = jobs.with_columns(addr["postcode"].alias("postcode"))
    makers = {"workforce.asc_wds": ("asc", lambda j: _asc(j, rng, end, world.scale)), "workforce.nhs_esr": ("nhs", lambda j: _esr(j, rng, end)),
              "workforce.childrens_social_work": ("csw", lambda j: _csww(j, rng, end)),
              "workforce.gp_practice_staff": ("gp", lambda j: _gp(world, j, rng, end))}
    out = {}
    for sid, (sector, make) in makers.items():
        j = jobs.filter(pl.col("sector") == sector)
        # a very small place may have no one in a sector during the period: an empty extract of the right shape
        out[sid] = make(j) if j.height else frame_for(sid, {}, {"_person_id": np.array([], dtype=np.int64)})
    return out


def _strip_out(dest: np.ndarray) -> np.ndarray:
    """'out:<reason>' -> '<reason>' (safe on empty arrays, unlike np.char.replace)."""
    return pl.Series(dest, dtype=pl.Utf8).str.replace("out:", "", literal=True).to_numpy().astype(str)


def _closed(j: pl.DataFrame, end: int) -> np.ndarray:
    return j["end"].to_numpy() <= end


def _asc(j: pl.DataFrame, rng, end: int, scale: float = 1.0) -> pl.DataFrame:
    n = j.height
    # establishments are place-wide: every batch's staff spread over the whole place's establishments
    n_est = max(1, int(round(n * scale / STAFF_PER_ESTABLISHMENT)))
    est = np.floor(j["slot"].to_numpy() * n_est).astype(np.int64)
    role = j["role"].to_numpy()
    closed = _closed(j, end)
    last = np.minimum(j["end"].to_numpy(), end)
    year = (last.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)
    fy = np.where((last.astype("datetime64[D]") - last.astype("datetime64[D]").astype("datetime64[Y]")).astype(int) >= 90,
                  year, year - 1)
    nlw = pl.Series(np.clip(fy, 2022, 2024)).replace_strict(_NLW).to_numpy()
    hourly_role = pl.Series(role, dtype=pl.Utf8).replace_strict(_HOURLY, default=None).to_numpy().astype(float)
    median = CARE_WORKER_MEDIAN_HOURLY * nlw / _NLW[2024]
    hourly = np.round(np.maximum(nlw, median * hourly_role * np.exp(rng.normal(0, 0.06, n))), 2)
    salary = pl.Series(role, dtype=pl.Utf8).replace_strict(_SALARY, default=None).to_numpy().astype(float)
    salary = np.round(salary * np.exp(rng.normal(0, 0.08, n)), -2)
    is_hourly = ~np.isnan(hourly_role)
    first_asc = j.group_by("person_id").agg(pl.col("start").min().alias("_f"))
    f = j.select("person_id").join(first_asc, on="person_id", how="left")["_f"].to_numpy()
    prev = j["prev_role"].to_numpy().astype(str)
    rec = np.where(np.char.startswith(prev, "nhs_"), "NHS", np.where(np.char.startswith(prev, "asc_"),
                   "Other social care employer", np.where(prev == "", np.array(["School leaver", "Other sector",
                   "Not known", "Overseas"])[rng.choice(4, n, p=[0.15, 0.5, 0.2, 0.15])], "Other sector")))
    dest = j["dest"].to_numpy().astype(str)
    reason = np.where(np.char.startswith(dest, "asc_"), "another social care employer",
                      np.where(np.char.startswith(dest, "nhs_"), "NHS",
                               np.where(np.isin(dest, ["out:retired", "out:died"]), np.where(dest == "out:retired",
                                        "retired", "not known"), np.where(dest == "out:left workforce", "left workforce",
                                                                          "other sector"))))
    care = np.isin(role, ["asc_care_worker", "asc_senior"])
    ids = local_ids(j["person_id"].to_numpy() * 7 + est, "W", 41, width=7, widen=True)
    return frame_for("workforce.asc_wds", {
        "LOCALESTID": "EST" + pl.Series(est + 1).cast(pl.Utf8).str.zfill(4),
        "UNIQUEWORKERID": ids, "FIRSTNAME": j["given_name"], "SURNAME": j["family_name"], "NINUMBER": j["ni_number"],
        "POSTCODE": j["postcode"], "DOB": j["dob"], "GENDER": j["sex"].replace_strict({"M": "1", "F": "2"}, default="3"),
        "ETHNICITY": j["ethnicity"].replace_strict(_ETH_ASC, default="99"), "STARTDATE": to_dates(j["start"].to_numpy()),
        "STARTINSECT": (f.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970),
        "RECSOURCE": rec,
        "EMPLSTATUS": np.array(["1", "2", "3", "4", "7"])[rng.choice(5, n, p=[0.78, 0.06, 0.11, 0.02, 0.03])],
        "ZEROHRCONT": np.where(care & (rng.random(n) < 0.23), "1", "2"),
        "SALARYINT": np.where(is_hourly, "3", "1"),
        "SALARY": pl.Series(np.where(is_hourly, np.nan, salary)).fill_nan(None),
        "HOURLYRATE": pl.Series(np.where(is_hourly, hourly, np.nan)).fill_nan(None),
        "MAINJOBROLE": pl.Series(role, dtype=pl.Utf8).replace_strict(_ASC_ROLE),
        "CONTHOURS": np.round(np.clip(rng.normal(np.where(care, 30, 37.5), 6, n), 8, 48), 1),
        "NMCREG": np.where(np.isin(role, ["asc_rn", "asc_na"]), "1", "2"),
        "LEAVEDATE": to_dates(j["end"].to_numpy(), closed),
        "LEAVEREASON": pl.Series(np.where(closed, reason, None).tolist(), dtype=pl.Utf8),
    }, {"_person_id": j["person_id"].to_numpy()})


def _esr(j: pl.DataFrame, rng, end: int) -> pl.DataFrame:
    n = j.height
    orgs = np.array(["RX1", "RX2", "RX3"])  # the place's NHS trusts (synthetic ODS-style codes)
    org = orgs[np.minimum((j["slot"].to_numpy() * 3).astype(int), 2)]
    role = j["role"].to_numpy()
    group = np.empty(n, dtype=object)
    job = np.empty(n, dtype=object)
    band = np.empty(n, dtype=object)
    for r, (g, jr, bands, p) in _NHS.items():
        m = role == r
        group[m], job[m] = g, jr
        band[m] = np.array(bands)[rng.choice(len(bands), m.sum(), p=p)]
    closed = _closed(j, end)
    dest = j["dest"].to_numpy().astype(str)
    sector = np.array([d.split("_")[0] for d in dest])
    d = np.where(np.char.startswith(dest, "out:"), _strip_out(dest),
                 pl.Series(sector, dtype=pl.Utf8).replace_strict(_NHS_DEST, default="Unknown").to_numpy())
    d = np.where(d == "died", "Unknown", d)
    emp = local_ids(j["person_id"].to_numpy() * 3 + np.searchsorted(orgs, org), "", 73, width=8, widen=True)
    k = j.with_columns(emp.alias("_e")).with_columns(pl.int_range(1, pl.len() + 1).over("_e").alias("_k"))["_k"]
    reason = np.where(d == "Retirement", "Retirement Age", np.where(d == "Unknown", "Other/Not Known",
                                                                   "Voluntary Resignation - Other"))
    return frame_for("workforce.nhs_esr", {
        "Assignment_Number": emp + "-" + k.cast(pl.Utf8), "Employee_Number": emp, "First_Name": j["given_name"],
        "Last_Name": j["family_name"], "NI_Number": j["ni_number"], "Date_of_Birth": j["dob"],
        "Gender": j["sex"].replace_strict({"M": "Male", "F": "Female"}, default="Female"),
        "Ethnic_Origin": j["ethnicity"], "Postcode": j["postcode"], "Organisation_Code": org,
        "Staff_Group": group.astype(str), "Job_Role": job.astype(str), "AfC_Band": band.astype(str),
        "FTE": np.round(np.where(rng.random(n) < 0.7, 1.0, rng.uniform(0.4, 0.9, n)), 2),
        "Assignment_Start_Date": to_dates(j["start"].to_numpy()), "Assignment_End_Date": to_dates(j["end"].to_numpy(), closed),
        "Leaving_Reason": pl.Series(np.where(closed, reason, None).tolist(), dtype=pl.Utf8),
        "Destination_On_Leaving": pl.Series(np.where(closed, d, None).tolist(), dtype=pl.Utf8),
    }, {"_person_id": j["person_id"].to_numpy()})


def _csww(j: pl.DataFrame, rng, end: int) -> pl.DataFrame:
    n = j.height
    role = j["role"].to_numpy()
    closed = _closed(j, end)
    dest = j["dest"].to_numpy().astype(str)
    reason = np.where(dest == "csw_agency", "2", np.where(np.char.startswith(dest, "out:"),
                      _strip_out(dest), np.where(np.char.startswith(dest, "csw_"), "9", "3")))
    reason = np.where(reason == "died", "9", reason)
    prev = j["prev_role"].to_numpy().astype(str)
    origin = np.where(prev == "csw_agency", "3", np.where(prev == "asc_social_worker", "4", np.where(
        prev == "", np.array(["1", "2", "3", "4", "5", "9"])[rng.choice(6, n, p=[0.2, 0.3, 0.1, 0.15, 0.1, 0.15])], "2")))
    holder = np.isin(role, ["csw_case_holder", "csw_agency"])
    swe = local_ids(j["person_id"].to_numpy(), "SW", 29, width=6, widen=True)  # Social Work England number: the person's own
    return frame_for("workforce.childrens_social_work", {
        "SWENo": swe, "Forename": j["given_name"], "Surname": j["family_name"], "PersonBirthDate": j["dob"],
        "GenderCurrent": j["sex"].replace_strict({"M": "1", "F": "2"}, default="0"), "Ethnicity": j["ethnicity_dfe"],
        "AgencyWorker": np.where(role == "csw_agency", "1", "0"), "OrgRole": pl.Series(role, dtype=pl.Utf8).replace_strict(_CSW_ROLE),
        "FTE": np.round(np.where(rng.random(n) < 0.8, 1.0, rng.uniform(0.5, 0.9, n)), 2),
        "RoleStartDate": to_dates(j["start"].to_numpy()), "StartOrigin": origin,
        "RoleEndDate": to_dates(j["end"].to_numpy(), closed),
        "ReasonLeave": pl.Series(np.where(closed, reason, None).tolist(), dtype=pl.Utf8),
        "Cases30": pl.Series(np.where(holder, rng.poisson(CSW_CASELOAD, n), -1)).replace(-1, None),
    }, {"_person_id": j["person_id"].to_numpy()})


def _gp(world, j: pl.DataFrame, rng, end: int) -> pl.DataFrame:
    n = j.height
    practices = np.array(sorted(world.people["gp_practice"].drop_nulls().unique().to_list()))
    prac = practices[np.minimum((j["slot"].to_numpy() * len(practices)).astype(int), len(practices) - 1)]
    role = j["role"].to_numpy()
    group = pl.Series(role, dtype=pl.Utf8).replace_strict({k: v[0] for k, v in _GP.items()}).to_numpy()
    srole = pl.Series(role, dtype=pl.Utf8).replace_strict({k: v[1] for k, v in _GP.items()}).to_numpy()
    closed = _closed(j, end)
    ids = local_ids(j["person_id"].to_numpy() * 11 + np.searchsorted(practices, prac), "S", 53, width=7, widen=True)
    return frame_for("workforce.gp_practice_staff", {
        "Practice_Code": prac, "Staff_ID": ids, "Forename": j["given_name"], "Surname": j["family_name"],
        "Date_of_Birth": j["dob"], "Gender": j["sex"].replace_strict({"M": "Male", "F": "Female"}, default="Female"),
        "Staff_Group": group, "Staff_Role": srole,
        "FTE": np.round(np.where(rng.random(n) < 0.55, 1.0, rng.uniform(0.3, 0.9, n)), 2),
        "Start_Date": to_dates(j["start"].to_numpy()), "End_Date": to_dates(j["end"].to_numpy(), closed),
    }, {"_person_id": j["person_id"].to_numpy()})

