"""Adult Social Care Client Level Data (CLD), Release 1: the submitted file's fields, code lists and data-quality rules.

The field list is the one the DHSC CLD dashboard checks every submitted row against (its
`GetDQValues` procedure: 48 fields in nine modules, with whether each applies to the row and
whether it is mandatory there). Code lists are marked by where they come from:
`published` lists are copied from NHS England's CLD-to-SALT/ASCOF code
(NHSDigital/ASC-Client-Level-Data-SALT-ASCOF-transformations, "Defined List in CLD spec") or the
DHSC dashboard; `declared` lists are joinedup's reading of the CLD R1 guidance where no list is
published in machine-readable form (docs/formats.md says which).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

__all__ = ["FIELDS", "MODULES", "CODE_LISTS", "PUBLISHED", "DATE_FIELDS", "NUMBER_FIELDS", "DqFlag", "dq_flags",
           "applicable", "mandatory", "ETHNICITY_DESCRIPTION"]

#: Module -> fields, in the order the dashboard's data-quality procedure lists them.
MODULES: dict[str, tuple[str, ...]] = {
    "Submission information": ("LA_Code", "Reporting_Period_Start_Date", "Reporting_Period_End_Date"),
    "Person details": ("NHS_Number", "LA_Person_Unique_Identifier", "GP_Practice_Code", "GP_Practice_Name", "Gender",
                       "Ethnicity", "Date_of_Birth", "Date_of_Death", "Client_Type", "Primary_Support_Reason",
                       "Postcode", "Accommodation_Status", "Employment_Status", "Has_Unpaid_Carer",
                       "Autism_Spectrum_Disorder_ASD", "Visual_Impairment", "Hearing_Impairment", "Dementia",
                       "Client_Funding_Status"),
    "Events (all)": ("Event_Type", "Event_Reference", "Event_Start_Date", "Event_End_Date", "Event_Description",
                     "Event_Outcome"),
    "Events (requests only)": ("Request_Route_of_Access",),
    "Events (assessments only)": ("Assessment_Type", "Eligible_Needs_Identified", "Method_of_Assessment"),
    "Carers and linked service users": ("Total_Hrs_Caring_per_week", "No_of_adults_being_cared_for",
                                        "Adult_1_Linked_Person_ID", "Adult_2_Linked_Person_ID",
                                        "Adult_3_Linked_Person_ID"),
    "Events (services only)": ("Service_Type", "Service_Component", "Delivery_Mechanism", "Provider_CQC_Location_ID",
                               "Provider_CQC_Location_Name"),
    "Events (reviews only)": ("Review_Reason", "Review_Outcomes_Achieved", "Method_of_Review"),
    "Costs (services only)": ("Unit_Cost", "Cost_Frequency_Unit_Type", "Planned_units_per_week"),
}
#: Every field of a CLD R1 submission, in file order.
FIELDS: tuple[str, ...] = tuple(f for fs in MODULES.values() for f in fs)
DATE_FIELDS = ("Reporting_Period_Start_Date", "Reporting_Period_End_Date", "Date_of_Birth", "Date_of_Death",
               "Event_Start_Date", "Event_End_Date")
NUMBER_FIELDS = ("Total_Hrs_Caring_per_week", "No_of_adults_being_cared_for", "Unit_Cost", "Planned_units_per_week")

_YN = ("Yes", "No", "Unknown")
#: NHS Data Dictionary ETHNIC CATEGORY (2001 census) descriptions, as CLD holds ethnicity (not the letter codes).
ETHNICITY_DESCRIPTION = {
    "A": "White: British", "B": "White: Irish", "C": "White: Any other White background",
    "D": "Mixed: White and Black Caribbean", "E": "Mixed: White and Black African", "F": "Mixed: White and Asian",
    "G": "Mixed: Any other mixed background", "H": "Asian or Asian British: Indian",
    "J": "Asian or Asian British: Pakistani", "K": "Asian or Asian British: Bangladeshi",
    "L": "Asian or Asian British: Any other Asian background", "M": "Black or Black British: Caribbean",
    "N": "Black or Black British: African", "P": "Black or Black British: Any other Black background",
    "R": "Other ethnic groups: Chinese", "S": "Other ethnic groups: Any other ethnic group",
    "Z": "Not stated", "99": "Not known",
}
#: Field -> allowed values. PUBLISHED names those copied from NHS England's or DHSC's published code.
CODE_LISTS: dict[str, tuple[str, ...]] = {
    "Client_Type": ("Service User", "Carer", "Carer known by association"),
    "Event_Type": ("Request", "Assessment", "Service", "Review"),
    "Primary_Support_Reason": (
        "Physical Support: Access & mobility only", "Physical Support: Personal care support",
        "Sensory Support: Support for visual impairment", "Sensory Support: Support for hearing impairment",
        "Sensory Support: Support for dual impairment", "Support with Memory & Cognition", "Learning Disability Support",
        "Mental Health Support", "Social Support: Substance misuse support", "Social Support: Asylum seeker support",
        "Social Support: Support for Social Isolation/Other", "Social Support: Support to Carer", "Unknown"),
    "Service_Type": (
        "Long Term Support: Nursing Care", "Long Term Support: Residential Care", "Long Term Support: Community",
        "Long Term Support: Prison", "Short Term Support: ST-Max", "Short Term Support: Ongoing Low Level",
        "Short Term Support: Other Short Term", "Carer Support: Direct to Carer",
        "Carer Support: Support involving the person cared-for"),
    "Delivery_Mechanism": ("Direct Payment", "CASSR Managed Personal Budget", "CASSR Commissioned Support"),
    "Event_Outcome": (
        "Progress to Reablement/ST-Max", "Progress to Assessment", "Admitted to hospital",
        "Progress to Re-assessment / Unplanned Review", "Progress to Support Planning / Services",
        "Progress to End of Life Care", "No change in package", "Service ended as planned", "NFA - Moved to another LA",
        "NFA - 100% NHS funded care", "NFA - Self-funded client (Inc. 12wk disregard)", "NFA - Support declined",
        "NFA - Information & Advice / Signposting only", "NFA - Deceased", "NFA - No services offered: Other reason",
        "NFA - Support ended: Other reason", "Progress to financial assessment", "Provision of service", "NFA- Other"),
    "Employment_Status": (
        "Paid: Less than 16 hours a week", "Paid: 16 or more hours a week", "Paid: Hours per week unknown",
        "Not in Paid Employment (seeking work)", "Not in Paid Employment (not actively seeking work / retired)",
        "Not in Paid Employment (voluntary work only)", "Unknown"),
    "Accommodation_Status": (
        "Owner occupier or shared ownership scheme", "Tenant", "Tenant - private landlord",
        "Settled mainstream housing with family / friends",
        "Supported accommodation / supported lodgings / supported group home", "Shared Lives scheme",
        "Approved premises for offenders released from prison or under probation supervision",
        "Sheltered housing / extra care housing / other sheltered housing",
        "Mobile accommodation for Gypsy / Roma and Traveller communities", "Rough sleeper / squatting",
        "Night shelter / emergency hostel / direct access hostel", "Refuge",
        "Placed in temporary accommodation by the council (inc. homelessness resettlement)",
        "Staying with family / friends as a short-term guest",
        "Acute / long-term healthcare residential facility or hospital", "Registered care home",
        "Registered nursing home", "Prison / Young offenders institution / detention centre",
        "Other temporary accommodation", "Unknown"),
    "Client_Funding_Status": ("Fully social care funded", "Joint client and social care funded", "Fully client funded",
                              "Unknown"),
    "Review_Outcomes_Achieved": ("Fully Met", "Partially Met", "Not Met"),
    # declared: joinedup's reading of the CLD R1 guidance (no machine-readable list is published)
    "Gender": ("Male", "Female", "Other", "Unknown"),
    "Ethnicity": tuple(ETHNICITY_DESCRIPTION.values()),
    "Has_Unpaid_Carer": _YN, "Autism_Spectrum_Disorder_ASD": _YN, "Visual_Impairment": _YN,
    "Hearing_Impairment": _YN, "Dementia": _YN,
    "Request_Route_of_Access": ("Planned Entry (Transition)", "Discharge from Hospital",
                                "Diversion from Hospital Services", "Self-Funder with depleted Funds", "Prison",
                                "Community / Other route"),
    "Assessment_Type": ("Short Term Assessment", "Long Term Assessment", "Unplanned Reassessment",
                        "Planned Reassessment", "Carer Assessment", "Financial Assessment"),
    "Eligible_Needs_Identified": ("Yes", "No"),
    "Method_of_Assessment": ("Face to face", "Telephone", "Video call", "Supported self-assessment",
                             "Self-assessment", "Other"),
    "Method_of_Review": ("Face to face", "Telephone", "Video call", "Supported self-review", "Self-review", "Other"),
    "Review_Reason": ("Planned", "Unplanned - Hospital admission or discharge", "Unplanned - Change in needs",
                      "Unplanned - Safeguarding concern", "Unplanned - Carer unable to continue",
                      "Unplanned - Other"),
    "Service_Component": ("Home Care", "Day Care", "Supported Living", "Shared Lives", "Reablement",
                          "Residential Care", "Nursing Care", "Equipment", "Respite", "Other"),
    # the dashboard reads the frequency by its first word (week%, fortnight%, 4-week%, month%, quarter%, annual%)
    "Cost_Frequency_Unit_Type": ("Hourly", "Daily", "Per session", "Weekly", "Fortnightly", "4-weekly", "Monthly",
                                 "Quarterly", "Annually", "One-off"),
}
#: The lists copied from published code, with where each comes from.
PUBLISHED: dict[str, str] = {
    "Client_Type": "DHSC CLD dashboard (client types in GetDQValues and the latest-person-details script)",
    "Event_Type": "NHS England STS001 replication code (Event_Type in Service, Request, Review, Assessment)",
    "Primary_Support_Reason": "NHS England LTS001a replication code, #REF_PSR",
    "Service_Type": "NHS England LTS001a/STS001 replication code, #REF_Service_Type (the two Carer Support types: "
                    "declared, the dashboard reads them as 'Carer Support%')",
    "Delivery_Mechanism": "NHS England LTS001a replication code, #REF_Service_Type_Delivery_Mech",
    "Event_Outcome": "NHS England STS001 replication code, #REF_SEQUEL_MAPPING",
    "Employment_Status": "NHS England LTS004 replication code, #REF_Employment_Status",
    "Accommodation_Status": "NHS England LTS004 replication code, #REF_Accommodation_Status",
    "Client_Funding_Status": "DHSC CLD dashboard, latest person details (Client_Funding_Status cleaned values)",
    "Review_Outcomes_Achieved": "CLD guidance, release 1 (February 2023): Fully Met, Partially Met, Not Met",
}


@dataclass(frozen=True)
class DqFlag:
    """One data-quality rule that failed: field, result, rows and the first row (1-based data row)."""

    field: str
    result: str
    rows: int
    first_row: int
    message: str


def _s(c: str) -> pl.Expr:
    return pl.col(c).fill_null("")


def _not_ckba() -> pl.Expr:
    return _s("Client_Type") != "Carer known by association"


def _event(kind: str) -> pl.Expr:
    return _s("Event_Type").str.starts_with(kind)


def _service_user() -> pl.Expr:
    return _s("Client_Type").str.starts_with("Service User")


def _costed() -> pl.Expr:
    return (_event("Service") & ~_s("Delivery_Mechanism").str.contains("CASSR Commissioned Support", literal=True)
            & (_s("Service_Type").str.starts_with("Long Term")
               | _s("Service_Component").is_in(["Short Term Residential Care", "Short Term Nursing Care",
                                                "Carer Respite"])
               | _s("Service_Type").str.starts_with("Carer Support")))


def applicable(field: str) -> pl.Expr:
    """True on rows where the field applies (the dashboard's rule)."""
    module = next(m for m, fs in MODULES.items() if field in fs)
    if module in ("Submission information",) or field in (
            "NHS_Number", "LA_Person_Unique_Identifier", "GP_Practice_Code", "GP_Practice_Name", "Gender", "Ethnicity",
            "Date_of_Birth", "Date_of_Death", "Client_Type", "Primary_Support_Reason", "Postcode",
            "Accommodation_Status", "Employment_Status", "Has_Unpaid_Carer"):
        return pl.lit(True)
    if module == "Person details":
        return _service_user()
    if module == "Events (all)":
        return _not_ckba()
    if module == "Carers and linked service users":
        return _s("Client_Type").str.starts_with("Carer")
    kind = {"Events (requests only)": "Request", "Events (assessments only)": "Assessment",
            "Events (services only)": "Service", "Events (reviews only)": "Review",
            "Costs (services only)": "Service"}[module]
    return _not_ckba() & (_event(kind) | (_event("Referral") if kind == "Request" else pl.lit(False)))


def mandatory(field: str) -> pl.Expr:
    """True on rows where the field must be filled (the dashboard's rule)."""
    if field in ("LA_Code", "Reporting_Period_Start_Date", "Reporting_Period_End_Date", "NHS_Number",
                 "LA_Person_Unique_Identifier", "Gender", "Ethnicity", "Date_of_Birth", "Client_Type", "Postcode",
                 "Accommodation_Status", "Has_Unpaid_Carer"):
        return pl.lit(True)
    if field == "Primary_Support_Reason":
        return ~_event("Request") & ~_event("Referral")
    if field == "Employment_Status":
        return _service_user() & (pl.col("_age") >= 18) & (pl.col("_age") < 65) & (
            _s("Primary_Support_Reason") == "Learning Disability Support")
    if field == "Client_Funding_Status":
        return _service_user() & ((_event("Assessment") & _s("Assessment_Type").str.starts_with("Financial Assessment"))
                                  | _event("Service") | _event("Review"))
    if field in ("Event_Type", "Event_Start_Date"):
        return _not_ckba()
    if field == "Event_End_Date":
        return (_not_ckba() & ~_event("Service")) | pl.col("Date_of_Death").is_not_null()
    if field == "Event_Outcome":
        return _not_ckba() & (_s("Assessment_Type") != "Financial Assessment")
    if field == "Request_Route_of_Access":
        return _not_ckba() & (_event("Request") | _event("Referral"))
    if field == "Assessment_Type":
        return _not_ckba() & _event("Assessment")
    if field == "Method_of_Assessment":
        return _not_ckba() & _event("Assessment") & ~_s("Assessment_Type").str.starts_with("Financial Assessment")
    if field in ("Service_Type", "Service_Component"):
        return _not_ckba() & _event("Service")
    if field in ("Review_Reason", "Method_of_Review"):
        return _not_ckba() & _event("Review")
    if field == "Review_Outcomes_Achieved":
        return _not_ckba() & _event("Review") & (_s("Review_Reason") == "Planned")
    if field in ("Unit_Cost", "Cost_Frequency_Unit_Type", "Planned_units_per_week"):
        return _costed()
    return pl.lit(False)


_ISO = r"^\d{4}-\d{2}-\d{2}$"
_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"
_NUMBER = r"^-?\d+(\.\d+)?$"


def _nhs_ok(v: str | None) -> bool:
    if v is None or not re.fullmatch(r"\d{10}", v) or len(set(v)) == 1:
        return False
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(v[:9])) % 11
    return (0 if check == 11 else check) == int(v[9]) and check != 10


def _valid(field: str) -> pl.Expr:
    v = pl.col(field)
    if field in CODE_LISTS:
        return v.is_in(list(CODE_LISTS[field]))
    if field in DATE_FIELDS:
        return v.str.contains(_ISO) & v.str.strptime(pl.Date, "%Y-%m-%d", strict=False).is_not_null()
    if field in NUMBER_FIELDS:
        return v.str.contains(_NUMBER)
    if field == "NHS_Number":
        return v.map_elements(_nhs_ok, return_dtype=pl.Boolean)
    if field == "Postcode":
        return v.str.to_uppercase().str.contains(_POSTCODE)
    if field == "LA_Code":
        return v.str.contains(r"^E0[6-9]\d{6}$")
    if field == "GP_Practice_Code":
        return v.str.contains(r"^[A-Z]\d{5}$")
    if field == "Provider_CQC_Location_ID":
        return v.str.contains(r"^1-\d{9,11}$")
    return pl.lit(True)


def dq_flags(df: pl.DataFrame) -> tuple[list[str], list[DqFlag], pl.DataFrame]:
    """The dashboard's data-quality rules on one submitted file (text columns): rules run, flags, and each flag's rows.

    A rule fails 'Blank (Mandatory)' where a mandatory field is empty, 'Invalid' where an
    applicable field holds a value off its list or of the wrong shape. The frame gives
    (field, result, row) for every failing row (row = 0-based data row).
    """
    missing = [f for f in FIELDS if f not in df.columns]
    if missing:
        raise ValueError(f"not a CLD file: fields missing: {', '.join(missing)}")
    d = df.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in FIELDS).with_row_index("_r")
    dob = pl.col("Date_of_Birth").str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    end = pl.col("Reporting_Period_End_Date").str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    d = d.with_columns(((end - dob).dt.total_days() / 365.25).floor().alias("_age"))
    rules, flags, rows = [], [], []
    for f in FIELDS:
        rules.append(f)
        app, man = applicable(f), mandatory(f)
        res = (pl.when(app & man & pl.col(f).is_null()).then(pl.lit("Failed: Blank (Mandatory)"))
               .when(app & pl.col(f).is_not_null() & ~_valid(f).fill_null(False)).then(pl.lit("Failed: Invalid")))
        bad = d.select("_r", res.alias("result")).filter(pl.col("result").is_not_null())
        for (result,), g in bad.group_by("result", maintain_order=True):
            what = (f"{f} is empty where it is mandatory" if result.endswith("(Mandatory)") else
                    f"{f} holds a value off its list" if f in CODE_LISTS else
                    "NHS number fails the modulus-11 check" if f == "NHS_Number" else f"{f} is not well formed")
            flags.append(DqFlag(f, result, g.height, int(g["_r"].min()) + 1, what))
            rows.append(g.select(pl.lit(f).alias("field"), pl.lit(result).alias("result"),
                                 pl.col("_r").cast(pl.Int64).alias("row")))
    frame = pl.concat(rows) if rows else pl.DataFrame(schema={"field": pl.Utf8, "result": pl.Utf8, "row": pl.Int64})
    return rules, flags, frame
