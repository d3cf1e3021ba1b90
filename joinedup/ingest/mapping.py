"""Each source's rows -> the canonical tables (docs/formats.md describes every mapping).

Expressions are SQL over the typed, accepted rows of one file: field names in double quotes,
plus `_record_id` (HMAC of source and local id), `_id_space`, `_row`. `pseudo(kind, value)` is
the keyed HMAC. person_record, the vault and provenance are filled generically by the loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from joinedup.ingest.validate import postcode_norm_sql

__all__ = ["Target", "MAPPINGS", "SEEN", "targets_for", "seen_for", "sex_sql", "ethnicity_group_sql",
           "SEX_CODES", "ETHNIC_GROUPS"]


@dataclass(frozen=True)
class Target:
    """One canonical table filled from a source: column -> SQL, an optional filter and grouping."""

    table: str
    columns: dict[str, str]
    where: str | None = None
    group_by: tuple[str, ...] = field(default_factory=tuple)


def _case(expr: str, mapping: dict[str, str], default: str | None = "NULL") -> str:
    whens = " ".join(f"WHEN {expr} = '{k}' THEN '{v}'" for k, v in mapping.items())
    return f"CASE {whens} ELSE {default} END"


def _yes(expr: str, yes: str = "1", no: str = "0") -> str:
    return f"CASE WHEN {expr} = '{yes}' THEN TRUE WHEN {expr} = '{no}' THEN FALSE END"


def _district(expr: str) -> str:
    # the outward code of a full postcode however it is spaced (DY11AA -> DY1), or a district as given
    return f"NULLIF(split_part({postcode_norm_sql(expr)}, ' ', 1), '')"


#: Source codes for sex whose meaning (spec code description) is male or female.
SEX_CODES = {"male": "M", "female": "F"}

#: ONS 2021 high-level ethnic groups from the NHS ethnic category and the DfE ethnicity codes.
ETHNIC_GROUPS = {
    "nhs_ethnic_category": {"A": "White", "B": "White", "C": "White", "D": "Mixed", "E": "Mixed", "F": "Mixed",
                            "G": "Mixed", "H": "Asian", "J": "Asian", "K": "Asian", "L": "Asian", "R": "Asian",
                            "M": "Black", "N": "Black", "P": "Black", "S": "Other", "Z": "Unknown", "99": "Unknown"},
    "dfe_ethnicity": {"WBRI": "White", "WIRI": "White", "WIRT": "White", "WOTH": "White", "WROM": "White",
                      "MWBC": "Mixed", "MWBA": "Mixed", "MWAS": "Mixed", "MOTH": "Mixed", "AIND": "Asian",
                      "APKN": "Asian", "ABAN": "Asian", "AOTH": "Asian", "CHNE": "Asian", "BCRB": "Black",
                      "BAFR": "Black", "BOTH": "Black", "OOTH": "Other", "REFU": "Unknown", "NOBT": "Unknown"},
}


def sex_sql(expr: str, codes: dict[str, str] | None) -> str:
    """M, F or U from a source's sex code (by the code's meaning in the spec)."""
    if not codes:
        return "NULL"
    mapping = {k: SEX_CODES[v] for k, v in codes.items() if v in SEX_CODES}
    return f"CASE WHEN {expr} IS NULL THEN NULL {' '.join(f'WHEN {expr} = {chr(39)}{k}{chr(39)} THEN {chr(39)}{v}{chr(39)}' for k, v in mapping.items())} ELSE 'U' END"


def ethnicity_group_sql(expr: str, codes_ref: str | None) -> str:
    """ONS 2021 high-level group from a source's ethnicity code list."""
    if codes_ref not in ETHNIC_GROUPS:
        return "NULL"
    return _case(expr, ETHNIC_GROUPS[codes_ref], default=f"CASE WHEN {expr} IS NULL THEN NULL ELSE 'Unknown' END")


def _ev(source: str, field_: str) -> str:
    return f"pseudo('{source}', \"{field_}\")"


_ED_DISPOSAL = {"306706006": "admitted", "182992009": "discharged", "1066331000000109": "discharged",
                "1066321000000107": "left before treatment", "75004002": "died"}
_ED_DESTINATION_DISPOSAL = {"306706006": "admitted", "305398007": "died", "306689006": "discharged",
                            "306691003": "discharged", "306694006": "discharged"}
_ARRIVAL = {"1048031000000100": "ambulance", "1048061000000105": "own transport",
            "1048071000000103": "public transport", "1048081000000101": "police"}
_EMERGENCY = ("21", "22", "23", "24", "25", "2A", "2B", "2C", "2D", "28")
_PLACEMENT_GROUP = (
    "CASE WHEN \"PLACE\" IN ('U1', 'U2', 'U3') THEN 'kinship_fostering' "
    "WHEN \"PLACE\" IN ('U4', 'U5', 'U6') AND \"PLACE_PROVIDER\" IN ('PR4', 'PR5') THEN 'independent_fostering' "
    "WHEN \"PLACE\" IN ('U4', 'U5', 'U6') THEN 'in_house_fostering' "
    "WHEN \"PLACE\" IN ('K1', 'K2', 'R1', 'S1') THEN 'residential' "
    "WHEN \"PLACE\" = 'P1' THEN 'placed_with_parents' "
    "WHEN \"PLACE\" IN ('P2', 'K3', 'H5') THEN 'independent_living' "
    "WHEN \"PLACE\" IN ('A3', 'A4', 'A5', 'A6') THEN 'adoption' ELSE 'other' END")

MAPPINGS: dict[str, list[Target]] = {
    "nhs.ed_attendances": [Target("encounter", {
        "encounter_id": _ev("nhs.ed_attendances", "EC_Ident"), "record_id": "_record_id", "kind": "'ed_attendance'",
        "provider_code": '"Provider_Site_Code"',
        "start_ts": '"Arrival_Date" + "Arrival_Time"', "end_ts": '"EC_Departure_Date" + "EC_Departure_Time"',
        "ed_department_type": '"EC_Department_Type"',
        "arrival_mode": _case('"EC_Arrival_Mode_SNOMED_CT"', _ARRIVAL,
                              "CASE WHEN \"EC_Arrival_Mode_SNOMED_CT\" IS NOT NULL THEN 'other' END"),
        "ed_disposal": "CASE WHEN \"Discharge_Destination_SNOMED_CT\" = '19712007' THEN 'transferred' ELSE "
                       + _case('"EC_Discharge_Status_SNOMED_CT"', _ED_DISPOSAL,
                               _case('"Discharge_Destination_SNOMED_CT"', _ED_DESTINATION_DISPOSAL)) + " END",
        "is_emergency": "TRUE", "discharge_destination": '"Discharge_Destination_SNOMED_CT"',
        "ed_minutes": "CAST(date_diff('minute', \"Arrival_Date\" + \"Arrival_Time\", "
                      "\"EC_Departure_Date\" + \"EC_Departure_Time\") AS INTEGER)",
    })],
    "nhs.inpatient_spells": [Target("encounter", {
        "encounter_id": _ev("nhs.inpatient_spells", "Hospital_Provider_Spell_Number"), "record_id": "_record_id",
        "kind": "'inpatient_spell'", "provider_code": '"Provider_Code"',
        "start_ts": 'CAST("Admission_Date" AS TIMESTAMP)', "end_ts": 'CAST("Discharge_Date" AS TIMESTAMP)',
        "is_emergency": f"\"Admission_Method\" IN ({', '.join(repr(c) for c in _EMERGENCY)})",
        "admission_method": '"Admission_Method"', "admission_source": '"Admission_Source"',
        "primary_diagnosis": '"Primary_Diagnosis_ICD10"', "external_cause": '"External_Cause_ICD10"',
        "discharge_ready_date": '"Discharge_Ready_Date"', "discharge_method": '"Discharge_Method"',
        "discharge_destination": '"Discharge_Destination"', "discharge_pathway": 'TRY_CAST("Discharge_Pathway" AS TINYINT)',
        "los_days": "CAST(date_diff('day', \"Admission_Date\", \"Discharge_Date\") AS INTEGER)",
        "delayed_days": "CAST(date_diff('day', \"Discharge_Ready_Date\", \"Discharge_Date\") AS INTEGER)",
    })],
    "fhir.community_episodes": [Target("encounter", {
        "encounter_id": _ev("fhir.community_episodes", "Episode_Identifier"), "record_id": "_record_id",
        "kind": "'community_episode'", "provider_code": '"Provider_Code"',
        "start_ts": 'CAST("Episode_Start_Date" AS TIMESTAMP)', "end_ts": 'CAST("Episode_End_Date" AS TIMESTAMP)',
        "is_emergency": "FALSE",
        "los_days": "CAST(date_diff('day', \"Episode_Start_Date\", \"Episode_End_Date\") AS INTEGER)",
    })],
    "nhs.gp_appointments": [Target("appointment", {
        "appointment_id": _ev("nhs.gp_appointments", "Appointment_ID"), "record_id": "_record_id",
        "sector": "'general_practice'", "provider_code": '"Practice_Code"', "appt_date": '"Appointment_Date"',
        "mode": _case('"APPT_MODE"', {"Face-to-Face": "face_to_face", "Telephone": "telephone",
                                      "Video Conference/Online": "video", "Home Visit": "home_visit"}, "'unknown'"),
        "hcp_type": '"HCP_TYPE"',
        "status": _case('"APPT_STATUS"', {"Attended": "attended", "DNA": "did_not_attend"}, "'unknown'"),
    })],
    "nhs.deaths": [Target("death", {
        "record_id": "_record_id", "date_of_death": '"DATE_OF_DEATH"', "registration_date": '"REG_DATE_OF_DEATH"',
        "underlying_cause": '"S_UNDERLYING_COD_ICD10"', "place_of_death": '"PLACE_OF_DEATH"'})],
    "asc.client_level_data": [
        Target("asc_event", {
            "event_id": _ev("asc.client_level_data", "Event_Reference"), "record_id": "_record_id",
            "client_type": _case('"Client_Type"', {"Service User": "service_user", "Carer": "carer",
                                                   "Carer known by association": "carer_known_by_association"}),
            "event_type": 'lower("Event_Type")', "start_date": '"Event_Start_Date"', "end_date": '"Event_End_Date"',
            "route_of_access": '"Request_Route_of_Access"', "assessment_type": '"Assessment_Type"',
            "eligible_needs": _yes('"Eligible_Needs_Identified"', "Yes", "No"), "service_type": '"Service_Type"',
            "service_component": '"Service_Component"', "delivery_mechanism": '"Delivery_Mechanism"',
            "planned_units_per_week": '"Planned_units_per_week"', "unit_cost": '"Unit_Cost"',
            "review_reason": '"Review_Reason"', "event_outcome": '"Event_Outcome"',
            "primary_support_reason": '"Primary_Support_Reason"', "has_unpaid_carer": '"Has_Unpaid_Carer"',
            "cared_for_local_id_pseudo": "pseudo(_id_space, \"Cared_For_Person_Identifier\")",
            "reporting_period_start": '"Reporting_Period_Start_Date"', "reporting_period_end": '"Reporting_Period_End_Date"',
        }),
        Target("stated_relation", {
            "record_id": "_record_id", "relation": "'carer'", "related_system": "_id_space",
            "related_local_id_pseudo": "pseudo(_id_space, \"Cared_For_Person_Identifier\")",
            "parental_responsibility": "NULL", "lives_with": "NULL"},
            where='"Cared_For_Person_Identifier" IS NOT NULL'),
    ],
    "csc.cin_children": [Target("death", {"record_id": "_record_id", "date_of_death": '"PersonDeathDate"'},
                                where='"PersonDeathDate" IS NOT NULL')],
    "csc.cin_episodes": [Target("csc_referral", {
        "record_id": "_record_id", "referral_date": '"CINreferralDate"', "referral_source": '"ReferralSource"',
        "primary_need": '"PrimaryNeedCode"', "closure_date": '"CINclosureDate"',
        "reason_for_closure": '"ReasonForClosure"', "referral_nfa": _yes('"ReferralNFA"')})],
    "csc.cin_assessments": [Target("csc_assessment", {
        "record_id": "_record_id", "referral_date": '"CINreferralDate"', "start_date": '"AssessmentActualStartDate"',
        "authorisation_date": '"AssessmentAuthorisationDate"', "factors": '"AssessmentFactors"'})],
    "csc.section47": [Target("csc_s47", {
        "record_id": "_record_id", "referral_date": '"CINreferralDate"', "start_date": '"S47ActualStartDate"',
        "icpc_target_date": '"InitialCPCtarget"', "icpc_date": '"DateOfInitialCPC"',
        "icpc_not_required": _yes('"ICPCnotRequired"')})],
    "csc.cp_plans": [Target("csc_cp_plan", {
        "record_id": "_record_id", "referral_date": '"CINreferralDate"', "start_date": '"CPPstartDate"',
        "end_date": '"CPPendDate"', "initial_category": '"InitialCategoryOfAbuse"',
        "latest_category": '"LatestCategoryOfAbuse"', "previous_plans": 'CAST("NumberOfPreviousCPP" AS SMALLINT)'})],
    "csc.family_members": [Target("stated_relation", {
        "record_id": "_record_id", "relation": 'lower("Relationship")', "related_system": "_id_space",
        "related_local_id_pseudo": "pseudo(_id_space, \"LAchildID\")",
        "parental_responsibility": _yes('"ParentalResponsibility"', "Y", "N"),
        "lives_with": _yes('"LivesWithChild"', "Y", "N")})],
    "csc.ssda903_header": [Target("cla_child", {
        "record_id": "_record_id", "is_mother": _yes('"MOTHER"'), "uasc": "NULL", "uasc_ceased_date": "NULL"})],
    "csc.ssda903_uasc": [Target("cla_child", {
        "record_id": "_record_id", "is_mother": "NULL", "uasc": "TRUE", "uasc_ceased_date": '"DUC"'})],
    "csc.ssda903_episodes": [Target("cla_episode", {
        "record_id": "_record_id", "start_date": '"DECOM"', "end_date": '"DEC"', "rne": '"RNE"',
        "legal_status": '"LS"', "cin_code": '"CIN"', "placement_type": '"PLACE"', "placement_group": _PLACEMENT_GROUP,
        "placement_provider": '"PLACE_PROVIDER"', "reason_ended": '"REC"',
        "reason_place_change": '"REASON_PLACE_CHANGE"', "home_postcode_district": _district('"HOME_POST"'),
        "placement_postcode_district": _district('"PL_POST"'), "placement_urn": '"URN"'})],
    "csc.ssda903_reviews": [Target("cla_review", {
        "record_id": "_record_id", "review_date": '"REVIEW"', "review_code": '"REVIEW_CODE"'})],
    "csc.ssda903_oc2": [Target("cla_outcome", {
        "record_id": "_record_id", "sdq_score": 'CAST("SDQ_SCORE" AS SMALLINT)', "sdq_reason": '"SDQ_REASON"',
        "convicted": _yes('"CONVICTED"'), "health_check": _yes('"HEALTH_CHECK"'),
        "immunisations": _yes('"IMMUNISATIONS"'), "teeth_check": _yes('"TEETH_CHECK"'),
        "health_assessment": _yes('"HEALTH_ASSESSMENT"'), "substance_misuse": _yes('"SUBSTANCE_MISUSE"')})],
    "csc.ssda903_oc3": [Target("care_leaver", {
        "record_id": "_record_id", "collection_year": '"COLLECTION_YEAR"', "in_touch": '"IN_TOUCH"',
        "activity": '"ACTIV"', "in_eet": "CASE WHEN \"ACTIV\" IS NULL THEN NULL ELSE \"ACTIV\" IN "
                                        "('F1', 'F2', 'F4', 'F5', 'P1', 'P2', 'P4', 'P5') END",
        "accommodation": '"ACCOM"',
        "accommodation_suitable": "CASE WHEN right(\"ACCOM\", 1) = '1' THEN TRUE "
                                  "WHEN right(\"ACCOM\", 1) = '2' THEN FALSE END"})],
    "csc.fostering_households": [Target("foster_household", {
        "household_ref": _ev("csc.fostering_households", "Household_ID"), "agency_sector": '"Agency_Sector"',
        "household_type": 'lower("Household_Type")', "enquiry_date": '"Enquiry_Date"',
        "application_date": '"Application_Date"', "approval_date": '"Approval_Date"',
        "places": 'CAST("Approved_Places" AS SMALLINT)', "deregistration_date": '"Deregistration_Date"',
        "deregistration_reason": '"Deregistration_Reason"', "postcode_district": _district('"Postcode_District"')})],
    "education.school_census": [Target("school_census", {
        "record_id": "_record_id", "census_date": '"CensusDate"', "school_urn": '"URN"', "nc_year": '"NCyearActual"',
        "enrol_status": '"EnrolStatus"', "fsm_eligible": _yes('"FSMeligible"', "true", "false"),
        "sen_provision": '"SENprovision"', "sen_type": '"SENtype"', "in_care": _yes('"InCare"', "true", "false")})],
    "education.attendance": [Target("school_attendance", {
        "record_id": "_record_id", "academic_year": '"AcademicYear"', "term": '"Term"', "school_urn": '"URN"',
        "sessions_possible": 'CAST("SessionsPossible" AS SMALLINT)',
        "sessions_authorised": 'CAST("SessionsAuthorised" AS SMALLINT)',
        "sessions_unauthorised": 'CAST("SessionsUnauthorised" AS SMALLINT)'})],
    "education.exclusions": [Target("school_exclusion", {
        "record_id": "_record_id", "school_urn": '"URN"', "category": '"Category"', "start_date": '"StartDate"',
        "sessions": 'CAST("Sessions" AS SMALLINT)', "reason": '"Reason"'})],
    "education.pupil_contacts": [Target("stated_relation", {
        "record_id": "_record_id",
        "relation": _case('"Relationship"', {"PAR": "parent", "CAR": "carer", "FAM": "other relative",
                                             "FOS": "carer", "SWR": "contact", "OTH": "contact"}),
        "related_system": "'education.pupil'", "related_local_id_pseudo": "pseudo('education.pupil', \"UPN\")",
        "parental_responsibility": _yes('"Responsibility"', "true", "false"), "lives_with": "NULL"})],
    "ons.population_estimates": [Target("population", {
        "mid_year": 'CAST("Mid_Year" AS SMALLINT)', "lsoa21": '"LSOA21CD"',
        "sex": _case('"Sex"', {"1": "M", "2": "F"}), "age": 'CAST(least("Age", 90) AS SMALLINT)',
        "population": 'CAST("Population" AS INTEGER)'})],
    "workforce.asc_wds": [Target("workforce", {
        "record_id": "_record_id", "sector": "'adult_social_care'", "employer_code": '"LOCALESTID"',
        "role": _case('"MAINJOBROLE"', {"3": "registered_manager", "7": "senior_care_worker", "8": "care_worker",
                                        "16": "registered_nurse", "25": "nursing_associate", "6": "social_worker"},
                      "'other'"),
        "source_role": '"MAINJOBROLE"', "hourly_rate": '"HOURLYRATE"',
        "annual_salary": "CASE WHEN \"SALARYINT\" = '1' THEN \"SALARY\" END",
        "fte": 'round(least("CONTHOURS" / 37.5, 1.0), 2)', "is_agency": "\"EMPLSTATUS\" = '4'",
        "start_date": '"STARTDATE"', "end_date": '"LEAVEDATE"', "leaving_reason": '"LEAVEREASON"',
        "destination": _case('"LEAVEREASON"', {"another social care employer": "adult_social_care", "NHS": "nhs",
                                               "other sector": "other_sector", "retired": "retired",
                                               "left workforce": "left_workforce"})})],
    "workforce.nhs_esr": [Target("workforce", {
        "record_id": "_record_id", "sector": "'nhs'", "employer_code": '"Organisation_Code"',
        "role": _case('"Job_Role"', {"Staff Nurse": "registered_nurse", "Sister/Charge Nurse": "registered_nurse",
                                     "Nursing Associate": "nursing_associate",
                                     "Healthcare Assistant": "healthcare_assistant", "Manager": "nhs_manager",
                                     "Team Leader": "nhs_manager"}, "'other'"),
        "source_role": '"Job_Role"', "pay_band": '"AfC_Band"', "fte": '"FTE"', "is_agency": "FALSE",
        "start_date": '"Assignment_Start_Date"', "end_date": '"Assignment_End_Date"',
        "leaving_reason": '"Leaving_Reason"', "destination": '"Destination_On_Leaving"'})],
    "workforce.childrens_social_work": [Target("workforce", {
        "record_id": "_record_id", "sector": "'childrens_social_work'",
        "role": "CASE WHEN \"OrgRole\" IN ('1', '2', '3') THEN 'social_work_manager' ELSE 'social_worker' END",
        "source_role": '"OrgRole"', "fte": '"FTE"', "is_agency": "\"AgencyWorker\" = '1'",
        "start_date": '"RoleStartDate"', "end_date": '"RoleEndDate"', "leaving_reason": '"ReasonLeave"',
        "caseload": 'CAST("Cases30" AS SMALLINT)'})],
    "workforce.gp_practice_staff": [Target("workforce", {
        "record_id": "_record_id", "sector": "'general_practice'", "employer_code": '"Practice_Code"',
        "role": _case('"Staff_Role"', {"Partner/Provider": "gp", "Salaried GP": "gp", "Practice Nurse": "practice_nurse",
                                       "Advanced Nurse Practitioner": "practice_nurse",
                                       "Healthcare Assistant": "healthcare_assistant",
                                       "Practice Manager": "practice_manager"}, "'other'"),
        "source_role": '"Staff_Role"', "fte": '"FTE"', "is_agency": "FALSE", "start_date": '"Start_Date"',
        "end_date": '"End_Date"'})],
}

#: The dates that say when a source's record was seen (first_seen, last_seen of person_record).
SEEN: dict[str, tuple[str, str]] = {
    "nhs.ed_attendances": ('"Arrival_Date"', 'coalesce("EC_Departure_Date", "Arrival_Date")'),
    "nhs.inpatient_spells": ('"Admission_Date"', 'coalesce("Discharge_Date", "Admission_Date")'),
    "nhs.gp_appointments": ('"Appointment_Date"', '"Appointment_Date"'),
    "fhir.community_episodes": ('"Episode_Start_Date"', 'coalesce("Episode_End_Date", "Episode_Start_Date")'),
    "nhs.deaths": ('"DATE_OF_DEATH"', '"DATE_OF_DEATH"'),
    "asc.client_level_data": ('"Event_Start_Date"', 'coalesce("Event_End_Date", "Event_Start_Date")'),
    "csc.cin_episodes": ('"CINreferralDate"', 'coalesce("CINclosureDate", "CINreferralDate")'),
    "csc.cin_assessments": ('"AssessmentActualStartDate"', '"AssessmentActualStartDate"'),
    "csc.section47": ('"S47ActualStartDate"', '"S47ActualStartDate"'),
    "csc.cp_plans": ('"CPPstartDate"', 'coalesce("CPPendDate", "CPPstartDate")'),
    "csc.ssda903_episodes": ('"DECOM"', 'coalesce("DEC", "DECOM")'),
    "csc.ssda903_reviews": ('"REVIEW"', '"REVIEW"'),
    "education.school_census": ('"CensusDate"', '"CensusDate"'),
    "education.exclusions": ('"StartDate"', '"StartDate"'),
    "workforce.asc_wds": ('"STARTDATE"', 'coalesce("LEAVEDATE", "STARTDATE")'),
    "workforce.nhs_esr": ('"Assignment_Start_Date"', 'coalesce("Assignment_End_Date", "Assignment_Start_Date")'),
    "workforce.childrens_social_work": ('"RoleStartDate"', 'coalesce("RoleEndDate", "RoleStartDate")'),
    "workforce.gp_practice_staff": ('"Start_Date"', 'coalesce("End_Date", "Start_Date")'),
}


def targets_for(base_id: str) -> list[Target]:
    """The canonical tables a source fills besides person_record (empty for identity-only sources)."""
    return MAPPINGS.get(base_id, [])


def seen_for(base_id: str) -> tuple[str, str]:
    """SQL of the first and last date a row shows its person (NULL where the source has none)."""
    return SEEN.get(base_id, ("CAST(NULL AS DATE)", "CAST(NULL AS DATE)"))
