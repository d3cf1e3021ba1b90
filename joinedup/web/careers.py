"""The careers page's figures: the workforce extracts (staff in post, turnover, agency share, pay, and the
cross-sector routes people took), the published figures of the place's peers, and the workforce model.

Every count leaves the store through the disclosure policy (small counts withheld); queries are sqlglot
trees. Where no figure is published for a group, the page says so rather than showing anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp, parse_one

from joinedup.store.disclosure import Cell, policy

__all__ = ["GROUPS", "ROUTES", "PEER_ROWS", "CAREER_SCENARIOS", "GroupFigures", "workforce_figures", "route_counts",
           "foster_figures", "peer_doc", "peer_rows", "model_assumptions"]

#: (id, label, roles in the workforce extract, the pay column that group is paid by)
GROUPS = (
    ("care_workers", "Care workers and senior carers", ("care_worker", "senior_care_worker"), "hourly_rate"),
    ("nurses", "Nurses and nursing associates", ("registered_nurse", "nursing_associate", "practice_nurse"),
     "annual_salary"),
    ("social_workers", "Children's social workers", ("social_worker", "social_work_manager"), "annual_salary"),
)
#: Cross-sector routes: (id, label, roles held first, roles taken up later)
ROUTES = (
    ("care_to_nurse", "Care worker to nurse", ("care_worker", "senior_care_worker"),
     ("nursing_associate", "registered_nurse", "practice_nurse")),
    ("nhs_manager_to_registered", "NHS manager to registered manager or practice manager", ("nhs_manager",),
     ("registered_manager", "practice_manager")),
)
#: Published figures beside the place's, per group: (what, peers measure id or None when nothing is published).
PEER_ROWS = {
    "care_workers": (("Vacancy rate", None), ("Turnover (adult social care staff, all roles)", "ASC7"), ("Pay", None)),
    "nurses": (("Vacancy rate", None), ("Turnover", None), ("Pay", None)),
    "social_workers": (("Vacancy rate", "Work_Force_Vac_Rate"), ("Turnover", "Work_Force_TO_Rate"),
                       ("Agency social workers", "Work_Force_Agecy_Rate"), ("Caseload", "Work_Force_AvgNumCase_SW"),
                       ("Pay", None)),
    "foster_carers": (("Approved foster places", "Number_Foster_Places(New)"),
                      ("Children looked after placed in foster care", "LAC_Foster_Placements"),
                      ("Households leaving fostering", None)),
}
#: The scenarios of careers, recruitment and retention (shipped with the model stage).
CAREER_SCENARIOS = ("care-worker-pay-rise", "care-worker-to-nurse-route", "nhs-manager-to-registered-manager",
                    "foster-carer-campaign")
#: The workforce and children's model parameters the page shows with their sources.
MODEL_PARAMS = {
    "care_workers": ("workforce.care_worker_posts", "workforce.care_worker_turnover", "workforce.vacancy_fill_rate",
                     "workforce.pay_uplift", "workforce.agency_cover"),
    "nurses": ("workforce.registered_nurse_posts", "workforce.registered_nurse_turnover", "workforce.nurse_route_places",
               "workforce.nurse_route_length", "workforce.nurse_route_completion"),
    "social_workers": ("workforce.social_worker_posts", "workforce.social_worker_turnover",
                       "workforce.social_worker_fill_rate", "workforce.sustainable_caseload"),
    "managers": ("workforce.nhs_junior_manager_posts", "workforce.registered_manager_posts",
                 "workforce.manager_route_places", "workforce.manager_route_to_registered_share"),
    "foster_carers": ("children.foster_households_start", "children.deregistration_rate",
                      "children.places_per_household", "children.recruitment_campaign", "children.allowance_uplift"),
}

_REF = "(SELECT MAX(GREATEST(start_date, COALESCE(end_date, start_date))) AS d FROM workforce) AS r"
_IN_POST = "start_date <= r.d AND (end_date IS NULL OR end_date > r.d)"
_YEAR_BEFORE = "start_date <= r.d - INTERVAL 365 DAY AND (end_date IS NULL OR end_date > r.d - INTERVAL 365 DAY)"


def _roles(roles: tuple[str, ...]) -> exp.Expression:
    return exp.column("role").isin(*[exp.Literal.string(r) for r in roles])


def _count(cond: str, alias: str) -> exp.Expression:
    return exp.alias_(exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=parse_one(cond))), alias)


@dataclass(frozen=True)
class GroupFigures:
    """One staff group as released: counts or '<8', proportions or 'suppressed', a median pay or None."""

    id: str
    label: str
    as_of: str | None
    in_post: int | str
    fte: float | None
    turnover: float | str | None
    leavers: int | str
    starters: int | str
    agency_share: float | str | None
    pay_median: float | None
    pay_column: str


def _proportion(num: int, den: int) -> float | str | None:
    if not den:
        return None
    _, (c,) = policy().protect(None, [Cell("g", num, den)], "proportion")
    return "suppressed" if c.suppressed else c.numerator / c.denominator


def workforce_figures(store) -> list[GroupFigures]:
    """Each staff group in the workforce extracts: in post, FTE, turnover and starters in the last year, agency, pay."""
    pol = policy()
    out = []
    for gid, label, roles, pay in GROUPS:
        q = (exp.select(
                exp.alias_(exp.Max(this=exp.column("d", table="r")), "as_of"),
                _count(_IN_POST, "in_post"),
                exp.alias_(exp.Filter(this=exp.Sum(this=exp.column("fte")), expression=exp.Where(this=parse_one(_IN_POST))),
                           "fte"),
                _count(f"({_IN_POST}) AND is_agency", "agency"),
                _count(_YEAR_BEFORE, "year_before"),
                _count(f"({_YEAR_BEFORE}) AND end_date > r.d - INTERVAL 365 DAY AND end_date <= r.d", "leavers"),
                _count("start_date > r.d - INTERVAL 365 DAY AND start_date <= r.d", "starters"),
                exp.alias_(exp.Filter(this=exp.Median(this=exp.column(pay)),
                                      expression=exp.Where(this=parse_one(f"({_IN_POST}) AND NOT is_agency"))), "pay"),
                _count(f"({_IN_POST}) AND NOT is_agency AND {pay} IS NOT NULL", "paid"))
             .from_("workforce").join(_REF, join_type="cross")
             .where(_roles(roles)))
        as_of, in_post, fte, agency, year_before, leavers, starters, pay_median, paid = store.fetchall(
            q.sql(dialect="duckdb"))[0]
        small = pol.small(in_post)
        out.append(GroupFigures(gid, label, None if as_of is None else str(as_of), pol.count(in_post),
                                None if small or fte is None else round(float(fte), 1),
                                _proportion(leavers, year_before), pol.count(leavers), pol.count(starters),
                                _proportion(agency, in_post),
                                None if pay_median is None or pol.small(paid) or not paid else float(pay_median), pay))
    return out


def route_counts(store) -> list[dict]:
    """People who held a role in one group and later took up a role of another (linked through the person index)."""
    pol = policy()
    out = []
    for rid, label, first, then in ROUTES:
        a = exp.select(exp.column("person_id", table="la"), exp.column("start_date", table="a")).from_(
            exp.alias_(exp.to_table("workforce"), "a", table=True)).join(
            exp.alias_(exp.to_table("person_source_link"), "la", table=True),
            on=parse_one("la.record_id = a.record_id")).where(
            exp.column("role", table="a").isin(*[exp.Literal.string(r) for r in first]))
        b = exp.select(exp.column("person_id", table="lb"), exp.column("start_date", table="b")).from_(
            exp.alias_(exp.to_table("workforce"), "b", table=True)).join(
            exp.alias_(exp.to_table("person_source_link"), "lb", table=True),
            on=parse_one("lb.record_id = b.record_id")).where(
            exp.column("role", table="b").isin(*[exp.Literal.string(r) for r in then]))
        q = (exp.select(exp.alias_(exp.Count(this=exp.Distinct(expressions=[exp.column("person_id", table="x")])), "n"))
             .from_(exp.alias_(exp.Subquery(this=a), "x", table=True))
             .join(exp.alias_(exp.Subquery(this=b), "y", table=True),
                   on=parse_one("x.person_id = y.person_id AND y.start_date >= x.start_date")))
        n = store.fetchall(q.sql(dialect="duckdb"))[0][0]
        out.append({"id": rid, "label": label, "from": first, "to": then, "people": pol.count(int(n or 0))})
    return out


def foster_figures(store) -> dict:
    """The council's own fostering households: approved now, places, approvals and deregistrations in the last year."""
    pol = policy()
    ref = ("(SELECT MAX(GREATEST(approval_date, COALESCE(deregistration_date, approval_date))) AS d "
           "FROM foster_household) AS r")
    now = "approval_date IS NOT NULL AND approval_date <= r.d AND (deregistration_date IS NULL OR deregistration_date > r.d)"
    before = ("approval_date IS NOT NULL AND approval_date <= r.d - INTERVAL 365 DAY AND "
              "(deregistration_date IS NULL OR deregistration_date > r.d - INTERVAL 365 DAY)")
    q = (exp.select(exp.alias_(exp.Max(this=exp.column("d", table="r")), "as_of"), _count(now, "households"),
                    exp.alias_(exp.Filter(this=exp.Sum(this=exp.column("places")), expression=exp.Where(this=parse_one(now))),
                               "places"),
                    _count("approval_date > r.d - INTERVAL 365 DAY AND approval_date <= r.d", "approved"),
                    _count(before, "year_before"),
                    _count(f"({before}) AND deregistration_date <= r.d", "left"))
         .from_("foster_household").join(ref, join_type="cross")
         .where(exp.column("agency_sector").eq(exp.Literal.string("LA"))))
    as_of, households, places, approved, year_before, left = store.fetchall(q.sql(dialect="duckdb"))[0]
    return {"as_of": None if as_of is None else str(as_of), "households": pol.count(households),
            "places": None if pol.small(households) or places is None else pol.count(int(places)),
            "approved": pol.count(approved), "leaving": _proportion(left, year_before)}


def peer_doc(store) -> dict | None:
    """The published figures the page compares (every measure named in PEER_ROWS), or None before a peers import."""
    from joinedup.errors import UserError
    from joinedup.peers import api
    from joinedup.reference import DEFAULT_AREA
    ids = sorted({mid for rows in PEER_ROWS.values() for _, mid in rows if mid})
    try:
        return api.compare(store, DEFAULT_AREA, ids)
    except UserError:
        return None


def peer_rows(doc: dict | None) -> dict[str, list[dict]]:
    """Per group, each published figure beside the place's neighbours and England, or a row saying none is published."""
    by_id = {m["id"]: m for m in (doc or {}).get("measures", [])}
    out: dict[str, list[dict]] = {}
    for gid, rows in PEER_ROWS.items():
        out[gid] = []
        for what, mid in rows:
            m = by_id.get(mid) if mid else None
            if m is None:
                why = ("no figure is published for this group in the peer data joinedup ships" if mid is None
                       else "not in this store's peer figures (run joinedup peers import)")
                out[gid].append({"what": what, "published": False, "note": why})
                continue
            latest = m.get("latest") or {}
            out[gid].append({"what": what, "published": True, "title": m["title"], "source": m["source"],
                             "period": m.get("period_compared") or latest.get("period"), "value": latest.get("value"),
                             "neighbours": (m.get("neighbour_summary") or {}).get("median"),
                             "england": (m.get("england") or {}).get("value"), "polarity": m.get("polarity")})
    return out


def model_assumptions() -> dict[str, list[dict]]:
    """The workforce and children's model parameters behind each group, with value and source."""
    from joinedup.model import api
    params = {p["name"]: p for model in ("workforce", "children") for p in api.parameters(model)}
    return {gid: [params[n] for n in names if n in params] for gid, names in MODEL_PARAMS.items()}
