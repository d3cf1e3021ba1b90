"""Adult social care: the Client Level Data (CLD) return, one row per request, assessment, service or review.

Journeys: people already on long-term support at the start (stock), new requests from the
community, discharges from hospital (pathway 1 -> reablement, ST-Max; pathway 3 -> a care home),
reablement outcomes that respect the person's later life (death, readmission), reviews of
long-term support, and carers of people on long-term support. Care-experienced young adults
and people with mental health, substance misuse or learning disability needs come more often.
"""

from __future__ import annotations


import numpy as np
import polars as pl

from joinedup.synth.asc_events import EventLog
from joinedup.synth.events import Exposure, by_age, exposure
from joinedup.synth.world import World

__all__ = ["generate", "STMAX_OUTCOMES", "LTS_STOCK"]

# Long-term support clients in a year (NHS England SALT 2022-23: ~ 545,000 aged 65+ of ~ 10.9m (5%),
# ~ 290,000 aged 18-64 of ~ 34m (0.85%)). At the start: a little under the year's total.
LTS_STOCK = ((18, 0.0075), (65, 0.030), (75, 0.055), (85, 0.15))
_COUNCIL_FUNDED_CARE_HOME = 0.55  # assumption: share of care home residents funded by the council (CMA 2017: ~ 50-60%)
# New requests for support a year from people not already supported (SALT 2022-23: ~ 2.0m requests from
# new clients, ~ 1.4m of them aged 65+ => ~ 13% of 65+ and ~ 1.8% of 18-64 a year; assumption on shape).
_REQUEST = ((18, 0.012), (65, 0.06), (75, 0.11), (85, 0.22))
# Community request outcomes for new clients (SALT STS001 2022-23 shape: about a third to assessment,
# ~ 10% to ST-Max, most others information, advice or signposting).
_REQUEST_OUTCOMES = {"Progress to Assessment": 0.22, "Progress to Reablement/ST-Max": 0.10,
                     "NFA - Information & Advice / Signposting only": 0.47, "NFA - Support declined": 0.05,
                     "NFA - Self-funded client (Inc. 12wk disregard)": 0.05, "NFA - No services offered: Other reason": 0.05,
                     "Provision of service": 0.06}
_ELIGIBLE = 0.5  # assumption: SALT 2022-23 ~ 8% of requests from new clients led to long-term support
# Long-term setting for new clients (SALT LTS002: 65+ community ~ 70%, residential ~ 20%, nursing ~ 10%).
_SETTING_65 = (0.70, 0.20, 0.10)
_SETTING_18 = (0.88, 0.11, 0.01)
# Direct payments among community long-term clients (ASCOF 3D part 2a ~ 26% overall: ~ 38% 18-64, ~ 14% 65+).
_DIRECT_PAYMENT = {"18": 0.38, "65": 0.14}
# Hospital discharges on pathway 1 (65+) that the council's reablement service takes (assumption: the rest
# are NHS intermediate care or restarted packages; SALT 2022-23: ~ 3% of 65+ a year discharged into
# reablement); hip fractures always go to reablement.
_P1_TO_REABLEMENT = 0.25
_STMAX_START_DAYS = (0.35, 0.35, 0.2, 0.1)  # days after discharge 0-3 (assumption: "within a few days")
# ST-Max outcomes when the person neither dies nor is readmitted (ASCOF 2A 2022-23: median 78.2% with no
# long-term sequel, Dudley 87.1%; NICE: 83% of 65+ still at home 91 days after reablement). Assumption.
STMAX_OUTCOMES = {"Service ended as planned": 0.54, "LTS community": 0.15, "LTS residential": 0.07,
                  "Ongoing low level": 0.08, "NFA - Support declined": 0.04,
                  "NFA - Self-funded client (Inc. 12wk disregard)": 0.02, "NFA - Support ended: Other reason": 0.10}
_STMAX_DAYS_MEDIAN = 21  # Royal Greenwich: typically 2-3 weeks; capped at 6 weeks (free for up to 6 weeks)
_CARE_EXPERIENCED_MULT = 4.0  # assumption: care leavers' higher use of adult services (DfE, care leavers' outcomes)
_CARER_SUPPORTED = 0.35  # assumption: carers of long-term clients assessed or supported in a year (SACE: ~ 1 in 3)
# Weekly units and unit costs (PSSRU Unit Costs 2023: home care ~ £25/hour; residential ~ £850/week; nursing ~ £1,050/week).
_COSTS = {"Home Care": (10.0, 25.0), "Supported Living": (40.0, 24.0), "Day Care": (2.0, 60.0),
          "Residential Care": (1.0, 850.0), "Nursing Care": (1.0, 1050.0), "Reablement": (8.0, 28.0),
          "Equipment": (1.0, 150.0), "Other": (1.0, 40.0), "Respite": (1.0, 700.0)}


def generate(world: World) -> dict[str, pl.DataFrame]:
    """The CLD events of the period, clean, with `_person_id` (and `_related_person_id` for carers)."""
    rng = world.child_rng("asc")
    E = exposure(world)
    log = EventLog(E)
    adult = lambda a: a >= 18  # noqa: E731
    age = E.age_mid
    spells = world.events.get("nhs.inpatient_spells")
    lts_end = np.full(len(E), -1, dtype=np.int64)  # end of the person's current long-term support (-1 none)
    lts_kind = np.zeros(len(E), dtype=np.int8)

    # --- 1. long-term support already in place at the start
    w = by_age(LTS_STOCK, age) * adult(age) * (0.4 + 1.5 * E.frailty + 0.8 * E.dementia + 3 * E.learning_disability
                                              + 0.6 * E.physical_disability + 0.3 * E.mental_health_need)
    w = w * (E.entry == E.start)
    p_stock = np.clip(w / max(w.mean(), 1e-9) * (by_age(LTS_STOCK, age) * adult(age)).mean(), 0, 0.9)
    stock = (rng.random(len(E)) < p_stock) & ~E.care_home
    stock |= E.care_home & (rng.random(len(E)) < _COUNCIL_FUNDED_CARE_HOME) & adult(age)
    s_who = np.flatnonzero(stock)
    s_start = E.start - rng.integers(30, 5 * 365, len(s_who))
    setting = np.where(E.care_home[s_who], np.where(rng.random(len(s_who)) < 0.35, 2, 1), 0)
    _long_term(rng, log, E, s_who, s_start, setting, lts_end, lts_kind, spells)

    # --- 2. hospital discharges: pathway 1 -> reablement, pathway 3 -> care home
    if spells is not None:
        _discharges(rng, log, E, world, spells, lts_end, lts_kind)

    # --- 3. new requests from the community
    mult = np.where(E.care_experienced & (age < 26), _CARE_EXPERIENCED_MULT, 1.0)
    rate = by_age(_REQUEST, age) * adult(age) * mult * (0.5 + 1.2 * E.frailty + 0.6 * E.dementia + 1.5 * E.mental_health_need
                                                       + 2.0 * E.substance_misuse + 2.0 * E.learning_disability
                                                       + 0.5 * E.physical_disability) / 0.8
    n_req = np.minimum(rng.poisson(rate * E.span / 365.25), 2) * ~stock * ~E.care_home
    r_who = np.repeat(np.arange(len(E)), n_req)
    r_day = E.entry[r_who] + (rng.random(len(r_who)) * E.span[r_who]).astype(np.int64)
    _community_requests(rng, log, E, r_who, r_day, lts_end, lts_kind, spells)

    # --- 4. carers of people on long-term support
    _carers(rng, log, E, world, lts_kind)
    frame = log.frame(rng, world)
    return {"asc.client_level_data": frame}


def _long_term(rng, log: EventLog, E: Exposure, who, start, setting, lts_end, lts_kind, spells) -> None:
    """Long-term services from `start` (setting 0 community, 1 residential, 2 nursing) with reviews."""
    if not len(who):
        return
    end = np.minimum(E.exit[who], E.end)
    ended_by_death = (E.death[who] >= 0) & (E.death[who] < E.end) & (E.death[who] == end - 1)
    left = (end < E.end) & ~ended_by_death
    outcome = np.where(ended_by_death, "NFA - Deceased", np.where(left, "NFA - Moved to another LA", "No change in package"))
    still = end >= E.end
    age = (start - E.dob[who]) / 365.25
    comp = np.where(setting == 1, "Residential Care", np.where(setting == 2, "Nursing Care",
                    np.where(E.learning_disability[who] & (rng.random(len(who)) < 0.5), "Supported Living",
                             np.where(rng.random(len(who)) < 0.12, "Day Care", "Home Care"))))
    stype = np.array(["Long Term Support: Community", "Long Term Support: Residential Care",
                      "Long Term Support: Nursing Care"])[setting]
    dp_share = np.where(age >= 65, _DIRECT_PAYMENT["65"], _DIRECT_PAYMENT["18"])
    u = rng.random(len(who))
    mech = np.where(setting > 0, "CASSR Commissioned Support",
                    np.where(u < dp_share, "Direct Payment", np.where(u < dp_share + 0.3, "CASSR Managed Personal Budget",
                                                                      "CASSR Commissioned Support")))
    units = np.array([_COSTS[c][0] for c in comp]) * np.where(comp == "Home Care", rng.gamma(2.0, 0.5, len(who)) * 1.0, 1.0)
    cost = np.array([_COSTS[c][1] for c in comp])
    log.add(who, "Service", start, np.where(still, -1, end - 1), Service_Type=stype, Service_Component=comp,
            Delivery_Mechanism=mech, Planned_units_per_week=np.round(units, 1), Unit_Cost=cost,
            Event_Outcome=np.where(still, "No change in package", outcome))
    lts_end[who] = np.where(still, E.end + 10_000, end)
    lts_kind[who] = setting + 1
    # reviews: 3 months after a new start, then every year, while the service lasts
    first = np.where(start >= E.start, start + 90, start + 365 * np.ceil((E.start - start) / 365).astype(np.int64))
    for k in range(4):
        d = first + 365 * k + rng.integers(-30, 31, len(who))
        ok = (d >= E.start) & (d < np.minimum(end, E.end) - 1)
        if not ok.any():
            continue
        rw = who[ok]
        planned = rng.random(len(rw)) < 0.85
        res = np.where(rng.random(len(rw)) < 0.72, "No change in package",
                       np.where(rng.random(len(rw)) < 0.7, "Progress to Support Planning / Services",
                                "Progress to Re-assessment / Unplanned Review"))
        log.add(rw, "Review", d[ok], d[ok], Review_Reason=np.where(planned, "Planned", "Unplanned"), Event_Outcome=res)


def _discharges(rng, log: EventLog, E: Exposure, world: World, spells: pl.DataFrame, lts_end, lts_kind) -> None:
    """Requests on discharge: reablement (ST-Max) after pathway 1, a care home after pathway 3."""
    pos = np.searchsorted(E.person_id, spells["_person_id"].to_numpy())
    dis = spells["Discharge_Date"].cast(pl.Int32).fill_null(-1).to_numpy().astype(np.int64)
    path = spells["Discharge_Pathway"].fill_null("-").to_numpy()
    hip = spells["_cause"].to_numpy() == 1
    age = (dis - E.dob[pos]) / 365.25
    at_home = ~E.care_home[pos]
    p1 = (path == "1") & (age >= 65) & (dis >= 0) & at_home & (lts_kind[pos] != 2) & (lts_kind[pos] != 3)
    taken = p1 & (hip | (rng.random(len(pos)) < _P1_TO_REABLEMENT))
    # one reablement episode at a time: keep the first discharge of anyone twice within 60 days
    idx = np.flatnonzero(taken)
    idx = idx[np.lexsort((dis[idx], pos[idx]))]
    same = np.r_[False, (pos[idx][1:] == pos[idx][:-1]) & (dis[idx][1:] - dis[idx][:-1] < 60)]
    idx = idx[~same]
    who, d = pos[idx], dis[idx]
    ready = spells["Discharge_Ready_Date"].cast(pl.Int32).fill_null(-1).to_numpy().astype(np.int64)[idx]
    req_day = np.where((ready >= 0) & (ready <= d), ready, d)
    log.add(who, "Request", req_day, req_day, Request_Route_of_Access="Discharge from Hospital",
            Event_Outcome="Progress to Reablement/ST-Max")
    start = d + rng.choice(4, size=len(who), p=_STMAX_START_DAYS)
    stmax(rng, log, E, who, start, lts_end, lts_kind, spells, pos, dis)
    # pathway 3: a first admission to a care home, arranged and (mostly) funded by the council
    p3 = (path == "3") & (dis >= 0) & (age >= 18) & (rng.random(len(pos)) < 0.8)
    w3, d3 = pos[p3], dis[p3]
    log.add(w3, "Request", d3 - 1, d3 - 1, Request_Route_of_Access="Discharge from Hospital",
            Event_Outcome="Progress to Assessment")
    log.add(w3, "Assessment", d3 - 1, d3, Assessment_Type="Long Term Assessment", Eligible_Needs_Identified="Yes",
            Event_Outcome="Progress to Support Planning / Services")
    _long_term(rng, log, E, w3, d3, np.where(rng.random(len(w3)) < 0.45, 2, 1), lts_end, lts_kind, spells)


def stmax(rng, log: EventLog, E: Exposure, who, start, lts_end, lts_kind, spells, s_pos=None, s_admit=None) -> None:
    """Reablement episodes from `start`, ended by death, readmission, or a drawn outcome (with its sequel)."""
    n = len(who)
    length = np.clip(rng.lognormal(np.log(_STMAX_DAYS_MEDIAN), 0.45, n).astype(np.int64), 3, 42)
    end = start + length
    # readmission during reablement: the next emergency spell of the person after the start
    readmit = np.full(n, -1, dtype=np.int64)
    if spells is not None:
        adm = spells["Admission_Date"].cast(pl.Int32).to_numpy().astype(np.int64)
        sp = np.searchsorted(E.person_id, spells["_person_id"].to_numpy())
        order = np.lexsort((adm, sp))
        sp_s, adm_s = sp[order], adm[order]
        key = sp_s.astype(np.int64) * 100_000 + (adm_s - 0)
        at = np.searchsorted(key, who.astype(np.int64) * 100_000 + start + 1)
        ok = at < len(key)
        nxt = np.where(ok, key[np.minimum(at, len(key) - 1)], -1)
        same = ok & (nxt // 100_000 == who)
        readmit = np.where(same, nxt % 100_000, -1)
    died = (E.death[who] >= start) & (E.death[who] <= end)
    back = ~died & (readmit >= 0) & (readmit <= end)
    end = np.where(died, E.death[who], np.where(back, readmit, end))
    end = np.minimum(end, E.exit[who] - 1)
    keys = list(STMAX_OUTCOMES)
    drawn = np.array(keys)[rng.choice(len(keys), size=n, p=np.array(list(STMAX_OUTCOMES.values())))]
    outcome = np.where(died, "NFA - Deceased", np.where(back, "Admitted to hospital",
                       np.where(np.isin(drawn, ["LTS community", "LTS residential", "Ongoing low level"]),
                                "Progress to Support Planning / Services", drawn)))
    open_ = end >= E.end
    log.add(who, "Service", start, np.where(open_, -1, end), Service_Type="Short Term Support: ST-Max",
            Service_Component="Reablement", Delivery_Mechanism="CASSR Commissioned Support",
            Planned_units_per_week=np.round(rng.uniform(5, 14, n), 1), Unit_Cost=_COSTS["Reablement"][1],
            Event_Outcome=np.where(open_, "No change in package", outcome))
    fine = ~died & ~back & ~open_
    for label, setting in (("LTS community", 0), ("LTS residential", 1)):
        m = fine & (drawn == label) & (end + 7 < E.exit[who])
        _long_term(rng, log, E, who[m], end[m] + rng.integers(0, 8, int(m.sum())), np.full(int(m.sum()), setting),
                   lts_end, lts_kind, spells)
    m = fine & (drawn == "Ongoing low level")
    s = end[m] + 1
    log.add(who[m], "Service", s, np.where(s + 180 < E.end, s + 180, -1), Service_Type="Short Term Support: Ongoing Low Level",
            Service_Component="Equipment", Delivery_Mechanism="CASSR Commissioned Support", Planned_units_per_week=1.0,
            Unit_Cost=_COSTS["Equipment"][1], Event_Outcome="Service ended as planned")


def _community_requests(rng, log: EventLog, E: Exposure, who, d, lts_end, lts_kind, spells) -> None:
    """Requests from the community and what followed them."""
    n = len(who)
    age = (d - E.dob[who]) / 365.25
    route = np.where((age < 26) & E.care_experienced[who] & (rng.random(n) < 0.35), "Planned Entry (Transition)",
                     np.where(rng.random(n) < 0.05, "Diversion from Hospital Services",
                              np.where(rng.random(n) < 0.01, "Self-Funder with depleted Funds", "Community / Other route")))
    keys = list(_REQUEST_OUTCOMES)
    p = np.array(list(_REQUEST_OUTCOMES.values()))
    out = np.array(keys)[rng.choice(len(keys), size=n, p=p / p.sum())]
    out = np.where((out == "Progress to Reablement/ST-Max") & (age < 65), "Progress to Assessment", out)
    busy = lts_kind[who] > 0
    out = np.where(busy & (out == "Progress to Assessment"), "NFA - Information & Advice / Signposting only", out)
    log.add(who, "Request", d, d, Request_Route_of_Access=route, Event_Outcome=out)
    # assessments
    a = out == "Progress to Assessment"
    aw, ad = who[a], d[a] + rng.integers(3, 40, int(a.sum()))
    ok = ad < E.exit[aw] - 1
    aw, ad = aw[ok], ad[ok]
    eligible = rng.random(len(aw)) < _ELIGIBLE
    log.add(aw, "Assessment", ad, ad + rng.integers(0, 14, len(aw)), Assessment_Type="Long Term Assessment",
            Eligible_Needs_Identified=np.where(eligible, "Yes", "No"),
            Event_Outcome=np.where(eligible, "Progress to Support Planning / Services",
                                   "NFA - Information & Advice / Signposting only"))
    ew, ed = aw[eligible], ad[eligible] + rng.integers(7, 35, int(eligible.sum()))
    ok = ed < E.exit[ew] - 1
    ew, ed = ew[ok], ed[ok]
    a65 = (ed - E.dob[ew]) / 365.25 >= 65
    u = rng.random(len(ew))
    setting = np.where(a65, np.where(u < _SETTING_65[0], 0, np.where(u < _SETTING_65[0] + _SETTING_65[1], 1, 2)),
                       np.where(u < _SETTING_18[0], 0, np.where(u < _SETTING_18[0] + _SETTING_18[1], 1, 2)))
    _long_term(rng, log, E, ew, ed, setting, lts_end, lts_kind, spells)
    # reablement from the community (65+)
    r = out == "Progress to Reablement/ST-Max"
    rw, rd = who[r], d[r] + rng.integers(1, 10, int(r.sum()))
    ok = rd < E.exit[rw] - 1
    stmax(rng, log, E, rw[ok], rd[ok], lts_end, lts_kind, spells)
    # other short-term support (equipment, a short package)
    s = out == "Provision of service"
    sw, sd = who[s], d[s] + rng.integers(1, 15, int(s.sum()))
    ok = sd < E.exit[sw] - 1
    sw, sd = sw[ok], sd[ok]
    log.add(sw, "Service", sd, np.minimum(sd + rng.integers(7, 90, len(sw)), E.exit[sw] - 1),
            Service_Type="Short Term Support: Other Short Term",
            Service_Component=np.where(rng.random(len(sw)) < 0.6, "Equipment", "Other"),
            Delivery_Mechanism="CASSR Commissioned Support", Planned_units_per_week=1.0, Unit_Cost=_COSTS["Other"][1],
            Event_Outcome="Service ended as planned")


def _carers(rng, log: EventLog, E: Exposure, world: World, lts_kind) -> None:
    """Carer assessments and support for co-resident carers of people on community long-term support."""
    rel = world.relations.filter(pl.col("relation").is_in(["partner", "mother", "father"]))
    a = np.searchsorted(E.person_id, rel["person_id"].to_numpy())
    b = np.searchsorted(E.person_id, rel["related_person_id"].to_numpy())
    carer = np.r_[a, b]
    cared = np.r_[b, a]
    ok = (lts_kind[cared] == 1) & E.is_carer[carer] & ((E.dob[carer] + 18 * 365.25) < E.start) & (E.span[carer] > 60)
    ok &= rng.random(len(carer)) < _CARER_SUPPORTED * 3
    carer, cared = carer[ok], cared[ok]
    _, first = np.unique(carer, return_index=True)
    carer, cared = carer[np.sort(first)], cared[np.sort(first)]
    d = E.entry[carer] + (rng.random(len(carer)) * np.maximum(E.span[carer] - 30, 1)).astype(np.int64)
    served = rng.random(len(carer)) < 0.55
    hours = np.round(rng.gamma(4.0, 9.0, len(carer)), 0)
    common = dict(client_type="Carer", related=cared, Total_Hrs_Caring_per_week=hours)
    log.add(carer, "Assessment", d, d + rng.integers(0, 10, len(carer)), Assessment_Type="Carer Assessment",
            Event_Outcome=np.where(served, "Provision of service", "NFA - Information & Advice / Signposting only"), **common)
    sc, sd = carer[served], d[served] + rng.integers(7, 30, int(served.sum()))
    common = dict(client_type="Carer", related=cared[served], Total_Hrs_Caring_per_week=hours[served])
    dp = rng.random(len(sc)) < 0.75
    log.add(sc, "Service", sd, np.minimum(sd, E.end - 1), Service_Type="Carer Support: Direct to Carer",
            Service_Component=np.where(dp, "Other", "Respite"),
            Delivery_Mechanism=np.where(dp, "Direct Payment", "CASSR Commissioned Support"),
            Planned_units_per_week=1.0, Unit_Cost=np.where(dp, 300.0, _COSTS["Respite"][1]),
            Event_Outcome="Service ended as planned", **common)


