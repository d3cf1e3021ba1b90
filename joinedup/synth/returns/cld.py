"""ASC Client Level Data as submitted: one CSV per quarter with the 48 fields of CLD Release 1.

Made from the place's analyst copy (asc/client_level_data), so both hold the same events and
people with the same defects. Each quarter's file is what a council sends to NHS England after
the quarter: the financial year to date (Reporting_Period_Start_Date 1 April, end the quarter's
last day), every event live in that period; a service still open at the quarter's end has no end
date yet, and a request, assessment or review that ends after it waits for the next file. The
fields the copy lacks are made here from what it holds, seeded per person (employment by age and
support reason, the sensory, autism and dementia flags, funding, methods of assessment and review,
review outcomes, the regulated provider's CQC location, the cost frequency), and ethnicity is
written as CLD holds it, as a description.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import polars as pl

from joinedup.sources.cld import ETHNICITY_DESCRIPTION, FIELDS

__all__ = ["write_quarters", "quarter_label", "COLLECTION_START"]

#: CLD became mandatory for every council from 1 April 2023 (Collection of Client Level Adult Social Care
#: Data (No. 3) Directions 2023); earlier quarters were pilots and are not written.
COLLECTION_START = date(2023, 4, 1)
_Q_END = ((6, 30), (9, 30), (12, 31), (3, 31))
_NAMES = ("Oak", "Beech", "Willow", "Ash", "Rowan", "Hawthorn", "Elm", "Cedar", "Maple", "Birch", "Holly", "Alder",
          "Laurel", "Hazel", "Linden", "Poplar")
#: Regulated components: (providers in the place, suffix of the location's name).
_PROVIDERS = {"Home Care": (12, "Home Care"), "Residential Care": (15, "House"), "Nursing Care": (8, "Nursing Home"),
              "Supported Living": (6, "Supported Living"), "Reablement": (1, "Reablement Service"),
              "Respite": (3, "Short Breaks")}
_COST_FREQ = {"Home Care": "Hourly", "Reablement": "Hourly", "Supported Living": "Hourly", "Day Care": "Per session",
              "Residential Care": "Weekly", "Nursing Care": "Weekly", "Respite": "Weekly", "Equipment": "One-off",
              "Other": "Weekly", "Shared Lives": "Weekly"}


def quarter_label(fy_start: int, q: int) -> str:
    """'2024-25_q1' for April to June 2024."""
    return f"{fy_start}-{str(fy_start + 1)[2:]}_q{q}"


def stable_hash(values: pl.Series, salt: str) -> pl.Series:
    """A 64-bit hash of each value (as text) that is the same on every machine and in every polars version.

    Polars' own `hash` is stable only within one polars version (its docs say so), so a seed would give
    another place after an upgrade; blake2b of the text is fixed by the value and the salt alone.
    """
    text = values.cast(pl.Utf8).fill_null("")
    table = {v: int.from_bytes(hashlib.blake2b(f"{salt}|{v}".encode(), digest_size=8).digest(), "little")
             for v in text.unique().to_list()}
    return text.replace_strict(table, return_dtype=pl.UInt64)


def _u(col: str) -> pl.Expr:
    """A uniform draw in [0, 1) from a hash column (same person, same draw in every quarter)."""
    return (pl.col(col) % 1_000_003).cast(pl.Float64) / 1_000_003


def _pick(u: pl.Expr, cuts: list[tuple[float, str]], last: str | None) -> pl.Expr:
    expr = pl.when(u < cuts[0][0]).then(pl.lit(cuts[0][1]))
    for c, v in cuts[1:]:
        expr = expr.when(u < c).then(pl.lit(v))
    return expr.otherwise(pl.lit(last))


def _enrich(copy: pl.DataFrame, seed: int, la: str) -> pl.DataFrame:
    """Every event with the 48 CLD fields (ethnicity as a description, carers' linked person), before quartering."""
    pid, ev = "LA_Person_Unique_Identifier", "Event_Reference"
    draws = {"_h_employment": pid, "_h_flags": pid, "_h_funding": pid, "_h_method": ev, "_h_outcome": ev, "_h_provider": ev}
    copy = copy.with_columns(stable_hash(copy[col], f"{seed}|{h[3:]}").alias(h) for h, col in draws.items())
    su = pl.col("Client_Type") == "Service User"
    carer = pl.col("Client_Type") == "Carer"
    psr = pl.col("Primary_Support_Reason").fill_null("")
    age = ((pl.col("Event_Start_Date").str.strptime(pl.Date, "%Y-%m-%d", strict=False)
            - pl.col("Date_of_Birth").str.strptime(pl.Date, "%Y-%m-%d", strict=False)).dt.total_days() / 365.25)
    u_emp, u_flag, u_fund = _u("_h_employment"), _u("_h_flags"), _u("_h_funding")
    u_ev, u_ev2 = _u("_h_method"), _u("_h_outcome")
    ld = psr == "Learning Disability Support"
    employment = (pl.when(age >= 65).then(pl.lit("Not in Paid Employment (not actively seeking work / retired)"))
                  .when(carer).then(_pick(u_emp, [(0.12, "Paid: Less than 16 hours a week"),
                                                  (0.47, "Paid: 16 or more hours a week"),
                                                  (0.52, "Not in Paid Employment (seeking work)"),
                                                  (0.92, "Not in Paid Employment (not actively seeking work / retired)")],
                                          "Unknown"))
                  # ASCOF 1E 2023-24: about 4.8% of working-age adults with a learning disability in paid work
                  .when(ld).then(_pick(u_emp, [(0.035, "Paid: Less than 16 hours a week"),
                                               (0.05, "Paid: 16 or more hours a week"),
                                               (0.17, "Not in Paid Employment (voluntary work only)"),
                                               (0.30, "Not in Paid Employment (seeking work)"),
                                               (0.93, "Not in Paid Employment (not actively seeking work / retired)")],
                                       "Unknown"))
                  .otherwise(_pick(u_emp, [(0.06, "Paid: Less than 16 hours a week"),
                                           (0.14, "Paid: 16 or more hours a week"), (0.16, "Paid: Hours per week unknown"),
                                           (0.28, "Not in Paid Employment (seeking work)"),
                                           (0.32, "Not in Paid Employment (voluntary work only)"),
                                           (0.90, "Not in Paid Employment (not actively seeking work / retired)")],
                                   "Unknown")))

    def flag(yes: pl.Expr, p_other: pl.Expr) -> pl.Expr:
        return pl.when(~su).then(None).when(yes).then(pl.lit("Yes")).when(u_flag > 0.96).then(pl.lit("Unknown")) \
            .when(u_flag < p_other).then(pl.lit("Yes")).otherwise(pl.lit("No"))

    stype = pl.col("Service_Type").fill_null("")
    et = pl.col("Event_Type")
    comp = pl.col("Service_Component").fill_null("")
    funded = (pl.when(~su | ~et.is_in(["Service", "Review"])).then(None)
              .when(stype.str.starts_with("Short Term")).then(pl.lit("Fully social care funded"))
              .when(stype.str.contains("Residential|Nursing")).then(
                  pl.when(u_fund < 0.78).then(pl.lit("Joint client and social care funded"))
                  .otherwise(pl.lit("Fully social care funded")))
              .when(u_fund < 0.55).then(pl.lit("Joint client and social care funded"))
              .otherwise(pl.lit("Fully social care funded")))
    n_prov = pl.col("Service_Component").replace_strict({k: v[0] for k, v in _PROVIDERS.items()}, default=0,
                                                        return_dtype=pl.Int64)
    slot = (pl.col("_h_provider") % pl.max_horizontal(n_prov, 1)).cast(pl.Int64)
    regulated = (et == "Service") & (n_prov > 0)
    location = copy.select(pl.concat_str(pl.lit(la), comp, slot.cast(pl.Utf8)))[:, 0]
    copy = copy.with_columns(stable_hash(location, "7|location").alias("_h_location"))
    cqc_id = pl.concat_str(pl.lit("1-"), (pl.col("_h_location") % 9_000_000_000 + 1_000_000_000).cast(pl.Utf8))
    cqc_name = pl.concat_str(pl.lit(list(_NAMES)).list.get(slot % len(_NAMES)), pl.lit(" "),
                             pl.col("Service_Component").replace_strict({k: v[1] for k, v in _PROVIDERS.items()},
                                                                        default=""))
    review = et == "Review"
    planned = pl.col("Review_Reason") == "Planned"
    outcome_met = _pick(u_ev2, [(0.58, "Fully Met"), (0.90, "Partially Met")], "Not Met")
    out = copy.with_columns(
        GP_Practice_Name=pl.lit(None, dtype=pl.Utf8),
        # both mandatory for every event: a carer's own support reason is support to a carer
        Primary_Support_Reason=pl.when(carer & pl.col("Primary_Support_Reason").is_null())
        .then(pl.lit("Social Support: Support to Carer")).otherwise(pl.col("Primary_Support_Reason")),
        Has_Unpaid_Carer=pl.col("Has_Unpaid_Carer").fill_null("Unknown"),
        Ethnicity=pl.col("Ethnicity").replace_strict(ETHNICITY_DESCRIPTION, default=pl.col("Ethnicity")),
        Employment_Status=employment,
        Autism_Spectrum_Disorder_ASD=flag(ld & (u_flag < 0.3), pl.when(age < 65).then(0.02).otherwise(0.003)),
        Visual_Impairment=flag(psr == "Sensory Support: Support for visual impairment",
                               pl.when(age >= 75).then(0.06).otherwise(0.01)),
        Hearing_Impairment=flag(psr == "Sensory Support: Support for hearing impairment",
                                pl.when(age >= 75).then(0.08).otherwise(0.01)),
        Dementia=flag(psr == "Support with Memory & Cognition", pl.when(age >= 65).then(0.08).otherwise(0.005)),
        Client_Funding_Status=funded,
        Event_Description=pl.when(et == "Request").then(pl.concat_str(pl.lit("Contact: "),
                                                                      pl.col("Request_Route_of_Access")))
        .when(et == "Assessment").then(pl.col("Assessment_Type"))
        .when(et == "Service").then(pl.concat_str(pl.col("Service_Component"), pl.lit(" ("),
                                                  pl.col("Service_Type"), pl.lit(")")))
        .otherwise(pl.lit("Review of care and support plan")),
        Method_of_Assessment=pl.when(et == "Assessment").then(
            _pick(u_ev, [(0.62, "Face to face"), (0.88, "Telephone"), (0.95, "Video call")],
                  "Supported self-assessment")),
        No_of_adults_being_cared_for=pl.when(carer & pl.col("Cared_For_Person_Identifier").is_not_null())
        .then(pl.lit("1")),
        Adult_1_Linked_Person_ID=pl.col("Cared_For_Person_Identifier"),
        Adult_2_Linked_Person_ID=pl.lit(None, dtype=pl.Utf8), Adult_3_Linked_Person_ID=pl.lit(None, dtype=pl.Utf8),
        Provider_CQC_Location_ID=pl.when(regulated).then(cqc_id),
        Provider_CQC_Location_Name=pl.when(regulated).then(cqc_name),
        # an unplanned review says why (CLD R1): discharge and changed needs are most of them
        Review_Reason=pl.when(review & ~planned).then(
            _pick(u_ev, [(0.45, "Unplanned - Hospital admission or discharge"), (0.75, "Unplanned - Change in needs"),
                         (0.85, "Unplanned - Carer unable to continue"), (0.92, "Unplanned - Safeguarding concern")],
                  "Unplanned - Other")).otherwise(pl.col("Review_Reason")),
        Review_Outcomes_Achieved=pl.when(review & planned).then(outcome_met)
        .when(review & (u_ev2 < 0.5)).then(_pick(u_ev, [(0.4, "Fully Met"), (0.85, "Partially Met")], "Not Met")),
        Method_of_Review=pl.when(review).then(
            _pick(u_ev, [(0.55, "Face to face"), (0.88, "Telephone"), (0.97, "Video call")], "Other")),
        Cost_Frequency_Unit_Type=pl.when(et != "Service").then(None)
        .when(carer & (comp == "Other")).then(pl.lit("One-off"))
        .otherwise(pl.col("Service_Component").replace_strict(_COST_FREQ, default="Weekly")),
    )
    return out.drop(*(c for c in out.columns if c.startswith("_h_")))


def _quarters(period_start: date, period_end: date) -> list[tuple[int, int, date, date]]:
    """(financial year start, quarter, 1 April, quarter end) of each whole quarter collected in the period."""
    out = []
    for y in range(period_start.year - 1, period_end.year + 1):
        for q, (m, d) in enumerate(_Q_END, start=1):
            end = date(y + 1 if q == 4 else y, m, d)
            q_start = date(end.year, end.month - 2, 1)
            if q_start >= max(period_start, COLLECTION_START) and end <= period_end:
                out.append((y, q, date(y, 4, 1), end))
    return out


def write_quarters(copy: pl.DataFrame, folder: Path, period_start: date, period_end: date, seed: int,
                   la: str) -> list[dict]:
    """Write one CSV per quarter to `folder`; each quarter's label, file, period and rows."""
    folder.mkdir(parents=True, exist_ok=True)
    full = _enrich(copy, seed, la)
    d = {c: pl.col(c).str.strptime(pl.Date, "%Y-%m-%d", strict=False) for c in
         ("Event_Start_Date", "Event_End_Date", "Date_of_Death")}
    entries = []
    for fy, q, p0, p1 in _quarters(period_start, period_end):
        live = full.filter((d["Event_Start_Date"] <= p1) & (d["Event_End_Date"].is_null() | (d["Event_End_Date"] >= p0)))
        later = d["Event_End_Date"].is_not_null() & (d["Event_End_Date"] > p1)
        live = live.filter(~(later & (pl.col("Event_Type") != "Service")))
        live = live.with_columns(
            Event_Outcome=pl.when(later).then(pl.lit("No change in package")).otherwise(pl.col("Event_Outcome")),
            Event_End_Date=pl.when(later).then(None).otherwise(pl.col("Event_End_Date")),
            Date_of_Death=pl.when(d["Date_of_Death"] > p1).then(None).otherwise(pl.col("Date_of_Death")),
        ).with_columns(
            # a service of someone who has died ends on the day of death (CLD: end date mandatory then)
            _dead=pl.col("Date_of_Death").is_not_null() & pl.col("Event_End_Date").is_null()
        ).with_columns(
            Event_End_Date=pl.when(pl.col("_dead")).then(pl.col("Date_of_Death")).otherwise(pl.col("Event_End_Date")),
            Event_Outcome=pl.when(pl.col("_dead")).then(pl.lit("NFA - Deceased")).otherwise(pl.col("Event_Outcome")),
            Reporting_Period_Start_Date=pl.lit(p0.isoformat()), Reporting_Period_End_Date=pl.lit(p1.isoformat()),
        ).select(list(FIELDS))
        label = quarter_label(fy, q)
        name = f"cld_{label}.csv"
        live.write_csv(folder / name)
        entries.append({"quarter": label, "file": name, "period": [p0.isoformat(), p1.isoformat()],
                        "rows": live.height})
    return entries
