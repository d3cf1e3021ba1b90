"""`joinedup model calibrate`: estimate model parameters from the analysis store, one small query each.

Every estimate reads one canonical table (joinedup.store.schema) and returns the value and the
number of records behind it. When the table is missing or empty, or fewer than 8 records lie
behind the value (small numbers are not reported), or the value is outside the parameter's
range, the default stays and the reason is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from joinedup.errors import UserError
from joinedup.model.catalogue import flat_model
from joinedup.model.flatten import SEP
from joinedup.store import Store

__all__ = ["Estimate", "ESTIMATES", "Calibrated", "calibrate", "write_params", "MIN_RECORDS", "REFERENCE_POPULATION"]

#: residents of the default place (Dudley, Census 2021: facts.md s4), the base of the default counts
REFERENCE_POPULATION = 323_500
#: below this many records an estimate is not used (and never shown): small-number suppression
MIN_RECORDS = 8

_PATHWAY = "TRY_CAST(regexp_extract(CAST(discharge_pathway AS VARCHAR), '([0-3])', 1) AS INTEGER)"
_EMERGENCY_SPELL = "kind = 'inpatient_spell' AND COALESCE(is_emergency, FALSE)"
# appointment.sector and workforce.role/sector codes as joinedup.store.schema documents them
_SECTORS = {
    "gp": "sector = 'general_practice'",
    "outpatient": "sector IN ('outpatients', 'acute', 'hospital_outpatients')",
    "community": "sector = 'community_health'",
    "social_care": "sector = 'adult_social_care'",
}
_MODES = {"gp": ("face_to_face", "video", "home_visit"), "outpatient": ("face_to_face", "video"),
          "community": ("face_to_face", "video", "home_visit"), "social_care": ("face_to_face", "video", "home_visit")}
_ASC = "sector = 'adult_social_care'"
_ROLES = {
    "care_worker_turnover": f"role = 'care_worker' AND {_ASC}",
    "senior_carer_turnover": f"role = 'senior_care_worker' AND {_ASC}",
    "nursing_associate_turnover": f"role = 'nursing_associate' AND {_ASC}",
    "registered_nurse_turnover": f"role = 'registered_nurse' AND {_ASC}",
    "registered_manager_turnover": f"role = 'registered_manager' AND {_ASC}",
    "nhs_manager_turnover": "role = 'nhs_manager'",
    "practice_manager_turnover": "role = 'practice_manager'",
    "social_worker_turnover": "role = 'social_worker'",
}


@dataclass(frozen=True)
class Estimate:
    """One parameter estimated by one query returning (value, records behind it)."""

    param: str          # model.name
    table: str
    what: str           # the columns read, for the report
    sql: str


def _share(sel: str, table: str, where: str) -> str:
    return f"SELECT AVG(CASE WHEN {sel} THEN 1.0 ELSE 0.0 END), COUNT(*) FROM {table} WHERE {where}"


def _turnover(cond: str) -> str:
    # leavers in the last year over staff in post a year before the latest date in the table
    return f"""
    WITH r AS (SELECT MAX(GREATEST(start_date, COALESCE(end_date, start_date))) AS d FROM workforce),
    s AS (SELECT * FROM workforce, r WHERE {cond})
    SELECT COUNT(*) FILTER (WHERE end_date > d - INTERVAL 365 DAY AND end_date <= d)
             / NULLIF(COUNT(*) FILTER (WHERE start_date <= d - INTERVAL 365 DAY
                                         AND (end_date IS NULL OR end_date > d - INTERVAL 365 DAY)), 0),
           COUNT(*) FILTER (WHERE start_date <= d - INTERVAL 365 DAY
                              AND (end_date IS NULL OR end_date > d - INTERVAL 365 DAY))
    FROM s"""


def _weekly(table: str, col: str, where: str) -> str:
    return (f"SELECT COUNT(*) / NULLIF((date_diff('day', MIN({col})::DATE, MAX({col})::DATE) + 1) / 7.0, 0), "
            f"COUNT(*) FROM {table} WHERE {where} HAVING date_diff('day', MIN({col})::DATE, MAX({col})::DATE) >= 27")


ESTIMATES: tuple[Estimate, ...] = (
    Estimate("discharge.ed_attendances", "encounter", "start_ts (ED attendances a week)",
             _weekly("encounter", "start_ts", "kind = 'ed_attendance'")),
    Estimate("discharge.admission_share", "encounter", "kind, is_emergency",
             f"SELECT COUNT(*) FILTER (WHERE {_EMERGENCY_SPELL}) / NULLIF(COUNT(*) FILTER (WHERE kind = 'ed_attendance'), 0), "
             "COUNT(*) FILTER (WHERE kind = 'ed_attendance') FROM encounter"),
    Estimate("discharge.acute_los", "encounter", "los_days - delayed_days (emergency spells), in weeks",
             f"SELECT AVG(los_days - COALESCE(delayed_days, 0)) / 7.0, COUNT(*) FROM encounter "
             f"WHERE {_EMERGENCY_SPELL} AND los_days IS NOT NULL"),
    Estimate("discharge.share_p0", "encounter", "discharge_pathway",
             _share(f"{_PATHWAY} = 0", "encounter", f"kind = 'inpatient_spell' AND {_PATHWAY} IS NOT NULL")),
    Estimate("discharge.share_p1_reablement", "encounter", "discharge_pathway (P1, split 10:7 reablement:home care)",
             "SELECT AVG(CASE WHEN p = 1 THEN 1.0 ELSE 0.0 END) * 10 / 17, COUNT(*) FROM "
             f"(SELECT {_PATHWAY} AS p FROM encounter WHERE kind = 'inpatient_spell') WHERE p IS NOT NULL"),
    Estimate("discharge.share_p1_home_care", "encounter", "discharge_pathway (P1, split 10:7 reablement:home care)",
             "SELECT AVG(CASE WHEN p = 1 THEN 1.0 ELSE 0.0 END) * 7 / 17, COUNT(*) FROM "
             f"(SELECT {_PATHWAY} AS p FROM encounter WHERE kind = 'inpatient_spell') WHERE p IS NOT NULL"),
    Estimate("discharge.share_p2", "encounter", "discharge_pathway",
             _share(f"{_PATHWAY} = 2", "encounter", f"kind = 'inpatient_spell' AND {_PATHWAY} IS NOT NULL")),
    Estimate("discharge.reablement_length", "asc_event", "end_date - start_date of reablement, in weeks",
             "SELECT AVG(date_diff('day', start_date::DATE, end_date::DATE)) / 7.0, COUNT(*) FROM asc_event "
             "WHERE end_date IS NOT NULL AND regexp_matches(lower(COALESCE(service_type, '') || ' ' || "
             "COALESCE(event_type, '')), 'reablement|st-max|short.term')"),
    Estimate("children.referral_rate", "csc_referral", "referrals a year / under-18 population (population table, else the model's)",
             "SELECT COUNT(*) / NULLIF((date_diff('day', MIN(referral_date)::DATE, MAX(referral_date)::DATE) + 1) "
             "/ 365.25, 0) / $under18, COUNT(*) FROM csc_referral "
             "HAVING date_diff('day', MIN(referral_date)::DATE, MAX(referral_date)::DATE) >= 90"),
    Estimate("children.foster_share", "cla_episode", "placement_group (fostering) of episodes",
             _share("placement_group LIKE '%fostering'", "cla_episode", "placement_group IS NOT NULL")),
    Estimate("children.residential_share", "cla_episode", "placement_group (residential) of episodes",
             _share("placement_group = 'residential'", "cla_episode", "placement_group IS NOT NULL")),
    Estimate("children.places_per_household", "foster_household", "places of the council's approved households",
             "SELECT AVG(places), COUNT(*) FROM foster_household WHERE places IS NOT NULL AND approval_date IS NOT NULL "
             "AND deregistration_date IS NULL AND COALESCE(agency_sector, 'LA') = 'LA'"),
    Estimate("children.foster_households_start", "foster_household", "the council's households approved and not deregistered",
             "SELECT COUNT(*), COUNT(*) FROM foster_household WHERE approval_date IS NOT NULL AND deregistration_date IS NULL "
             "AND COALESCE(agency_sector, 'LA') = 'LA'"),
    Estimate("children.deregistration_rate", "foster_household", "deregistrations in the last year / households a year before",
             """WITH r AS (SELECT MAX(GREATEST(approval_date, COALESCE(deregistration_date, approval_date))) AS d FROM foster_household),
             base AS (SELECT * FROM foster_household, r WHERE approval_date <= d - INTERVAL 365 DAY
                      AND COALESCE(agency_sector, 'LA') = 'LA'
                      AND (deregistration_date IS NULL OR deregistration_date > d - INTERVAL 365 DAY))
             SELECT AVG(CASE WHEN deregistration_date IS NOT NULL AND deregistration_date <= d THEN 1.0 ELSE 0.0 END),
                    COUNT(*) FROM base"""),
    *(Estimate(f"workforce.{p}", "workforce", f"start_date, end_date ({p.removesuffix('_turnover').replace('_', ' ')}s)",
               _turnover(cond)) for p, cond in _ROLES.items()),
    *(Estimate(f"travel.{s}_appointments", "appointment", f"appt_date ({s} appointments a week)",
               _weekly("appointment", "appt_date", cond)) for s, cond in _SECTORS.items()),
    *(Estimate(f"travel.{s}_{mode}", "appointment", f"mode = {mode} ({s})",
               _share(f"mode = '{mode}'", "appointment", f"{cond} AND mode IN ('face_to_face', 'telephone', 'video', 'home_visit')"))
      for s, cond in _SECTORS.items() for mode in _MODES[s]),
)


@dataclass(frozen=True)
class Calibrated:
    """One parameter's value and where it came from."""

    param: str
    value: float
    default: float
    source: str       # "data", "scaled" (a default count scaled to the store's population) or "default"
    note: str


def calibrate(db: "Path | Store") -> list[Calibrated]:
    """Estimate every parameter that the store can inform, falling back to defaults with the reason."""
    if isinstance(db, Store):
        return _calibrate(db)
    db = Path(db)
    if not db.exists():
        raise UserError("store not found (run `joinedup ingest` first, or give --db)", file=str(db))
    with Store.open(db, "analysis") as con:
        return _calibrate(con)


def _calibrate(con: Store) -> list[Calibrated]:
    flat = flat_model("system")
    present = set(con.tables())
    people, children = _population(con, present)
    default_children = flat.params[f"children{SEP}under18_population"].value
    out = [_one(con, est, flat.params[f"{est.param.partition('.')[0]}{SEP}{est.param.partition('.')[2]}"], present,
                children or default_children) for est in ESTIMATES]
    rows = {r.param: r for r in out}
    rows.update({r.param: r for r in _scaled(flat, {r.param for r in out if r.source == "data"}, people, children)})
    return list(rows.values())


def _scaled(flat, estimated: set[str], people: float | None, children: float | None) -> list[Calibrated]:
    """Counts that grow with the place (beds, posts, appointments...), scaled by the store's population."""
    if not people:
        return []
    ref = {"population": REFERENCE_POPULATION, "children": flat.params[f"children{SEP}under18_population"].value}
    have = {"population": people, "children": children or people * ref["children"] / REFERENCE_POPULATION}
    rows = []
    for n, p in flat.params.items():
        name = flat.display(n)
        if p.scale is None or name in estimated:
            continue
        if name == "children.under18_population" and children:
            rows.append(Calibrated(name, children, p.value, "data", "population: residents aged 0-17, latest mid-year"))
            continue
        ratio = have[p.scale] / ref[p.scale]
        rows.append(Calibrated(name, round(p.value * ratio, 4), p.value, "scaled",
                               f"default x {ratio:.4g} ({p.scale} in the store's population table / the default place's)"))
    return rows


def _population(con: Store, present: set[str]) -> tuple[float | None, float | None]:
    """All residents and those aged 0-17 in the latest mid-year of the population table, when there is one."""
    if "population" not in present:
        return None, None
    try:
        row = con.fetchall("SELECT SUM(population), SUM(population) FILTER (WHERE age < 18) FROM population "
                           "WHERE mid_year = (SELECT MAX(mid_year) FROM population)")[0]
    except con.backend.errors:
        return None, None
    if not row or not row[0]:
        return None, None
    return float(row[0]), (float(row[1]) if row[1] else None)


def _one(con: Store, est: Estimate, p, present: set[str], under18: float) -> Calibrated:
    default = float(p.value)

    def keep(why: str) -> Calibrated:
        return Calibrated(est.param, default, default, "default", why)

    if est.table not in present:
        return keep(f"no table {est.table}")
    try:
        rows = con.fetchall(est.sql.replace("$under18", repr(float(under18))))
        row = rows[0] if rows else None
    except con.backend.errors as e:
        return keep(f"{est.table} lacks what is needed ({str(e).splitlines()[0][:80]})")
    if row is None or row[0] is None or row[1] is None or row[1] == 0:
        return keep(f"{est.table} is empty or too short for {est.what}")
    value, n = float(row[0]), int(row[1])
    if n < MIN_RECORDS:
        return keep(f"fewer than {MIN_RECORDS} records in {est.table}")
    lo, hi = p.range or (float("-inf"), float("inf"))
    if not lo <= value <= hi:
        return keep(f"estimate {value:.4g} from {est.table} is outside the range [{lo:g}, {hi:g}]")
    return Calibrated(est.param, float(f"{value:.6g}"), default, "data", f"{est.table}: {est.what}, {n:,} records")


def write_params(rows: list[Calibrated], path: Path, db: Path) -> Path:
    """Write the values as a params file that `joinedup simulate --params` reads."""
    doc = {
        "store": str(db),
        "parameters": {r.param: {"value": r.value, "from": r.source, "note": r.note} for r in rows},
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("# written by `joinedup model calibrate`; `from` says whether a value came from data\n"
                          + yaml.safe_dump(doc, sort_keys=False, width=110))
    return Path(path)

