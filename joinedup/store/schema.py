"""The canonical schema of the analysis store (and of the identity vault beside it).

This is the contract between ingest (which writes it) and every later stage (which reads it).
Types are DuckDB/ANSI names that sqlglot maps to other engines. Every event table carries
provenance: the source id, the file's sha256, the load id and the row number in the file.
docs/schema.md is generated from this module (`python -m joinedup.store.schema > docs/schema.md`).

Identifiers: `record_id` = HMAC-SHA256(key, "source|local id") (hex, 32 characters) names one
person as one source knows them; `local_id_pseudo` = HMAC(key, "system|local id") is shared by
all the sources of one system (the CIN census and SSDA903 of one council's case system);
`nhs_number_pseudo` = HMAC(key, "nhs|NHS number"). The key comes from JOINEDUP_KEY or a key file.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Column", "Table", "PROVENANCE", "TABLES", "LINK_TABLES", "LINK_RUN_TABLES", "PEER_TABLES", "MEASURE_TABLES", "META_TABLE",
           "VAULT_TABLES", "SCHEMA_VERSION", "STORE_TABLES", "table", "markdown"]

#: The version of this schema; a store records the version that wrote it (table store_meta).
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Column:
    """One column: name, SQL type, meaning."""

    name: str
    type: str
    description: str = ""


@dataclass(frozen=True)
class Table:
    """One canonical table."""

    name: str
    description: str
    columns: tuple[Column, ...]
    provenance: bool = True

    @property
    def all_columns(self) -> tuple[Column, ...]:
        """Columns including the provenance columns where the table carries them."""
        return self.columns + (PROVENANCE if self.provenance else ())

    @property
    def column_names(self) -> list[str]:
        """Names of all columns."""
        return [c.name for c in self.all_columns]


def _cols(spec: str) -> tuple[Column, ...]:
    out = []
    for line in spec.strip().splitlines():
        name, type_, *desc = [p.strip() for p in line.split("|")]
        out.append(Column(name, type_, desc[0] if desc else ""))
    return tuple(out)


PROVENANCE = _cols("""
source | VARCHAR | source id, e.g. nhs.inpatient_spells
file_sha256 | VARCHAR | sha256 of the file the row came from
load_id | VARCHAR | the load that brought it
row_number | BIGINT | 1-based data row number in that file
""")

TABLES: tuple[Table, ...] = (
    Table("load", "one row per ingest run", _cols("""
load_id | VARCHAR | unique id of the run
started_at | TIMESTAMP |
finished_at | TIMESTAMP |
joinedup_version | VARCHAR |
status | VARCHAR | committed (a failed load leaves no row)
"""), provenance=False),
    Table("load_file", "one row per file per load", _cols("""
load_id | VARCHAR |
path | VARCHAR | path as given
source | VARCHAR |
file_sha256 | VARCHAR |
format | VARCHAR | csv, parquet, fhir-json, fhir-ndjson
rows_read | BIGINT |
rows_loaded | BIGINT |
rows_quarantined | BIGINT |
skipped | BOOLEAN | true when the same file (sha256) was loaded before
"""), provenance=False),
    Table("row_version", "the current version of every accepted source row, by content: a re-sent row is "
                         "recognised and a changed one replaces its old version", _cols("""
source | VARCHAR |
key_hash | VARCHAR | keyed hash of the source and the row's record key
row_hash | VARCHAR | keyed hash of every typed value of the row
file_sha256 | VARCHAR | the file the current version came from
row_number | BIGINT | its row in that file
load_id | VARCHAR |
"""), provenance=False),
    Table("quarantine", "every rejected row or value, with the reason", _cols("""
load_id | VARCHAR |
path | VARCHAR |
source | VARCHAR |
file_sha256 | VARCHAR |
row_number | BIGINT |
field | VARCHAR |
value | VARCHAR | the value, pseudonymised when the field is an identifier
reason | VARCHAR |
row_rejected | BOOLEAN | true when the whole row was kept out; false when only the value was set aside
"""), provenance=False),
    Table("person_record", "one person as one source knows them (source + local id)", _cols("""
record_id | VARCHAR | HMAC of source and local id
system | VARCHAR | the local id space (e.g. csc for the CIN census and SSDA903)
local_id_pseudo | VARCHAR | HMAC of system and local id
nhs_number_pseudo | VARCHAR | HMAC of the NHS number, null when absent
nhs_number_verified | BOOLEAN | check digit valid and, where the source says, trace verified
upn_pseudo | VARCHAR | HMAC of the unique pupil number, null when absent
birth_year | SMALLINT |
birth_month | TINYINT |
sex | VARCHAR | M, F or U
ethnicity_group | VARCHAR | White, Mixed, Asian, Black, Other, Unknown (ONS 2021 high-level groups)
lsoa21 | VARCHAR | 2021 LSOA of the latest postcode, null when unknown or outside England
imd_decile | TINYINT | IMD 2025 decile of lsoa21 (1 = most deprived)
ward_code | VARCHAR | 2024 ward of lsoa21
gp_practice | VARCHAR | ODS code of the registered practice
first_seen | DATE | earliest event date for this record
last_seen | DATE | latest event date for this record
"""), ),
    Table("person_record_address", "addresses a record has held (pseudonymised), for families and linkage", _cols("""
record_id | VARCHAR |
address_key | VARCHAR | HMAC of the normalised postcode and address line (or postcode alone)
lsoa21 | VARCHAR |
first_seen | DATE |
last_seen | DATE |
""")),
    Table("stated_relation", "relations between people that a source states (parent, carer, cared-for)", _cols("""
record_id | VARCHAR | the record that states it (e.g. the related adult's record)
relation | VARCHAR | mother, father, parent, step-parent, grandparent, sibling, carer, other relative, cared_for, contact
related_system | VARCHAR | id space of the other person
related_local_id_pseudo | VARCHAR | HMAC(system, local id) of the other person (a child's LAchildID, a pupil's UPN, a cared-for person's id)
parental_responsibility | BOOLEAN |
lives_with | BOOLEAN |
""")),
    Table("population", "mid-year population estimates (denominators)", _cols("""
mid_year | SMALLINT |
lsoa21 | VARCHAR |
sex | VARCHAR | M or F
age | SMALLINT | 90 = 90 and over
population | INTEGER |
""")),
    Table("encounter", "NHS emergency department attendances and inpatient spells", _cols("""
encounter_id | VARCHAR | pseudonymised attendance or spell identifier
record_id | VARCHAR |
kind | VARCHAR | ed_attendance, inpatient_spell or community_episode (a community health service episode, FHIR EpisodeOfCare)
provider_code | VARCHAR |
start_ts | TIMESTAMP | arrival (ED) or admission (spell; midnight)
end_ts | TIMESTAMP | departure (ED) or discharge (spell; midnight)
ed_department_type | VARCHAR | 01-04
arrival_mode | VARCHAR | ambulance, own transport, public transport, police, other
ed_disposal | VARCHAR | admitted, discharged, left before treatment, died, transferred
is_emergency | BOOLEAN | emergency admission method (21-2D, 28)
admission_method | VARCHAR |
admission_source | VARCHAR |
primary_diagnosis | VARCHAR | ICD-10 without dot
external_cause | VARCHAR | ICD-10 external cause (falls W00-W19)
discharge_ready_date | DATE |
discharge_method | VARCHAR |
discharge_destination | VARCHAR | data dictionary code
discharge_pathway | TINYINT | 0-3
los_days | INTEGER | length of stay (spells)
delayed_days | INTEGER | discharge date minus discharge ready date, when both known
ed_minutes | INTEGER | arrival to departure (ED)
""")),
    Table("appointment", "appointments (GP practices now; other sectors as they send them)", _cols("""
appointment_id | VARCHAR |
record_id | VARCHAR |
sector | VARCHAR | general_practice, community_health, adult_social_care, childrens_services
provider_code | VARCHAR | practice code
appt_date | DATE |
mode | VARCHAR | face_to_face, telephone, video, home_visit, unknown
hcp_type | VARCHAR |
status | VARCHAR | attended, did_not_attend, unknown
""")),
    Table("death", "registered deaths", _cols("""
record_id | VARCHAR |
date_of_death | DATE |
registration_date | DATE |
underlying_cause | VARCHAR | ICD-10
place_of_death | VARCHAR |
""")),
    Table("asc_event", "adult social care events (CLD): requests, assessments, services, reviews", _cols("""
event_id | VARCHAR | pseudonymised Event_Reference
record_id | VARCHAR |
client_type | VARCHAR | service_user, carer, carer_known_by_association
event_type | VARCHAR | request, assessment, service, review
start_date | DATE |
end_date | DATE |
route_of_access | VARCHAR | CLD Request_Route_of_Access text
assessment_type | VARCHAR |
eligible_needs | BOOLEAN |
service_type | VARCHAR | CLD Service_Type text (e.g. 'Short Term Support: ST-Max')
service_component | VARCHAR |
delivery_mechanism | VARCHAR |
planned_units_per_week | DOUBLE |
unit_cost | DOUBLE |
review_reason | VARCHAR |
event_outcome | VARCHAR | CLD Event_Outcome text
primary_support_reason | VARCHAR | CLD text
has_unpaid_carer | VARCHAR |
cared_for_local_id_pseudo | VARCHAR | for carers: HMAC(system, cared-for person's id)
reporting_period_start | DATE |
reporting_period_end | DATE |
""")),
    Table("csc_referral", "children in need episodes (CIN census CINdetails)", _cols("""
record_id | VARCHAR |
referral_date | DATE |
referral_source | VARCHAR |
primary_need | VARCHAR | N0-N9
closure_date | DATE |
reason_for_closure | VARCHAR | RC1-RC9
referral_nfa | BOOLEAN |
""")),
    Table("csc_assessment", "children and family assessments", _cols("""
record_id | VARCHAR |
referral_date | DATE |
start_date | DATE |
authorisation_date | DATE |
factors | VARCHAR | ';'-separated factor codes
""")),
    Table("csc_s47", "section 47 enquiries", _cols("""
record_id | VARCHAR |
referral_date | DATE |
start_date | DATE |
icpc_target_date | DATE |
icpc_date | DATE |
icpc_not_required | BOOLEAN |
""")),
    Table("csc_cp_plan", "child protection plans", _cols("""
record_id | VARCHAR |
referral_date | DATE |
start_date | DATE |
end_date | DATE |
initial_category | VARCHAR | NEG, PHY, SAB, EMO, MUL
latest_category | VARCHAR |
previous_plans | SMALLINT | NumberOfPreviousCPP
""")),
    Table("cla_episode", "children looked after episodes (SSDA903)", _cols("""
record_id | VARCHAR |
start_date | DATE | DECOM
end_date | DATE | DEC
rne | VARCHAR |
legal_status | VARCHAR |
cin_code | VARCHAR |
placement_type | VARCHAR | PLACE code
placement_group | VARCHAR | in_house_fostering, independent_fostering, kinship_fostering, residential, placed_with_parents, independent_living, adoption, other
placement_provider | VARCHAR |
reason_ended | VARCHAR | REC
reason_place_change | VARCHAR |
home_postcode_district | VARCHAR |
placement_postcode_district | VARCHAR |
placement_urn | VARCHAR |
""")),
    Table("cla_child", "children looked after header facts (SSDA903 Header, UASC)", _cols("""
record_id | VARCHAR |
is_mother | BOOLEAN |
uasc | BOOLEAN |
uasc_ceased_date | DATE |
""")),
    Table("cla_review", "looked after reviews", _cols("""
record_id | VARCHAR |
review_date | DATE |
review_code | VARCHAR |
""")),
    Table("cla_outcome", "outcomes of children looked after 12 months (SSDA903 OC2)", _cols("""
record_id | VARCHAR |
sdq_score | SMALLINT |
sdq_reason | VARCHAR |
convicted | BOOLEAN |
health_check | BOOLEAN |
immunisations | BOOLEAN |
teeth_check | BOOLEAN |
health_assessment | BOOLEAN |
substance_misuse | BOOLEAN |
""")),
    Table("care_leaver", "care leavers' activity and accommodation at 17-21 (SSDA903 OC3)", _cols("""
record_id | VARCHAR |
collection_year | VARCHAR | e.g. 2024-25
in_touch | VARCHAR |
activity | VARCHAR | ACTIV code
in_eet | BOOLEAN | education, employment or training (F1, F2, F4, F5, P1, P2, P4, P5)
accommodation | VARCHAR | ACCOM code
accommodation_suitable | BOOLEAN |
""")),
    Table("foster_household", "fostering households (no person identifiers)", _cols("""
household_ref | VARCHAR | pseudonymised Household_ID
agency_sector | VARCHAR | LA or IFA
household_type | VARCHAR | mainstream or kinship
enquiry_date | DATE |
application_date | DATE |
approval_date | DATE |
places | SMALLINT |
deregistration_date | DATE |
deregistration_reason | VARCHAR |
postcode_district | VARCHAR |
""")),
    Table("school_census", "pupil records per census", _cols("""
record_id | VARCHAR |
census_date | DATE |
school_urn | VARCHAR |
nc_year | VARCHAR |
enrol_status | VARCHAR |
fsm_eligible | BOOLEAN |
sen_provision | VARCHAR | N, K (SEN support), E (EHC plan)
sen_type | VARCHAR |
in_care | BOOLEAN |
""")),
    Table("school_attendance", "sessions per pupil per term", _cols("""
record_id | VARCHAR |
academic_year | VARCHAR | e.g. 2024/25
term | VARCHAR | AUT, SPR, SUM
school_urn | VARCHAR |
sessions_possible | SMALLINT |
sessions_authorised | SMALLINT |
sessions_unauthorised | SMALLINT |
""")),
    Table("school_exclusion", "suspensions and permanent exclusions", _cols("""
record_id | VARCHAR |
school_urn | VARCHAR |
category | VARCHAR | SUSP, PERM, LUNC
start_date | DATE |
sessions | SMALLINT |
reason | VARCHAR |
""")),
    Table("workforce", "staff in post across sectors, one row per role held", _cols("""
record_id | VARCHAR |
sector | VARCHAR | adult_social_care, nhs, childrens_social_work, general_practice
employer_code | VARCHAR |
role | VARCHAR | care_worker, senior_care_worker, nursing_associate, registered_nurse, registered_manager, nhs_manager, healthcare_assistant, practice_manager, practice_nurse, gp, social_worker, social_work_manager, other
source_role | VARCHAR | the role as the source codes it
pay_band | VARCHAR |
hourly_rate | DOUBLE |
annual_salary | DOUBLE |
fte | DOUBLE |
is_agency | BOOLEAN |
start_date | DATE |
end_date | DATE |
leaving_reason | VARCHAR |
destination | VARCHAR | where they went, when the source says
caseload | SMALLINT | children's social workers: cases on 30 September
""")),
)

#: Written by the link stage (the person index and families); read by measures, segments and web.
LINK_TABLES: tuple[Table, ...] = (
    Table("person", "one row per person found by linkage (stable ids across runs)", _cols("""
person_id | VARCHAR | stable id, e.g. P + 12 hex; kept by re-runs and incremental runs
birth_year | SMALLINT | most common value across the person's records
birth_month | TINYINT |
sex | VARCHAR | M, F or U
ethnicity_group | VARCHAR |
lsoa21 | VARCHAR | latest known
imd_decile | TINYINT |
ward_code | VARCHAR |
date_of_death | DATE | from the death table, when linked
first_seen | DATE |
last_seen | DATE |
n_records | INTEGER |
sectors | VARCHAR | comma-separated sectors the person is known to (nhs, asc, csc, education, workforce)
"""), provenance=False),
    Table("person_source_link", "source record -> person", _cols("""
record_id | VARCHAR |
person_id | VARCHAR |
match_probability | DOUBLE | 1.0 for exact methods
method | VARCHAR | nhs_number, local_id, probabilistic, manual, singleton
linked_at | TIMESTAMP |
"""), provenance=False),
    Table("family", "households over time and parent-child families", _cols("""
family_id | VARCHAR | stable id
kind | VARCHAR | household or parent_child
first_seen | DATE |
last_seen | DATE |
"""), provenance=False),
    Table("family_member", "who belongs to each family, in what role, on what evidence", _cols("""
family_id | VARCHAR |
person_id | VARCHAR |
role | VARCHAR | parent, child, adult, member
evidence | VARCHAR | shared_address, csc_family_members, pupil_contacts, asc_carer, ssda903_mother
first_seen | DATE |
last_seen | DATE |
"""), provenance=False),
    Table("link_decision", "clerical-review decisions on pairs of records, applied by every link run", _cols("""
record_id_a | VARCHAR | the smaller record id of the pair
record_id_b | VARCHAR | the larger record id of the pair
decision | VARCHAR | match (join their persons) or no-match (never one person)
note | VARCHAR | the reviewer's reason (free text: no identifiers)
decided_by | VARCHAR | who decided
decided_at | TIMESTAMP | when (UTC); a later decision on the pair replaces this one
"""), provenance=False),
)

#: Written by each link run for its report and the clerical review queue (replaced by every run).
LINK_RUN_TABLES: tuple[Table, ...] = (
    Table("link_model", "the trained linkage model of the last run", _cols("""
built_at | TIMESTAMP |
model_json | VARCHAR | Splink's saved model
threshold | DOUBLE | match probability at or above which a pair is one person
blocking_rules | VARCHAR | JSON list
records | BIGINT |
pairs_scored | BIGINT |
"""), provenance=False),
    Table("link_parameters", "m and u probabilities of each comparison level", _cols("""
comparison | VARCHAR |
level | VARCHAR |
m | DOUBLE |
u | DOUBLE |
bayes_factor | DOUBLE |
match_weight | DOUBLE |
"""), provenance=False),
    Table("link_weight_histogram", "scored pairs by match weight", _cols("""
bin_low | DOUBLE |
bin_high | DOUBLE |
pairs | BIGINT |
"""), provenance=False),
    Table("link_examples", "pairs either side of the threshold, as comparison levels (no identifiers)", _cols("""
side | VARCHAR | above or below
match_weight | DOUBLE |
match_probability | DOUBLE |
levels | VARCHAR | JSON: comparison -> level label
"""), provenance=False),
    Table("link_review_pairs", "the scored pairs nearest the threshold, kept for clerical review", _cols("""
pair_id | VARCHAR |
record_id_a | VARCHAR |
record_id_b | VARCHAR |
match_weight | DOUBLE |
match_probability | DOUBLE |
distance | DOUBLE | from the threshold, in match weight
levels | VARCHAR | JSON: comparison -> level label
"""), provenance=False),
)

#: Written by `joinedup peers import` (published figures of the place's statistical neighbours).
PEER_TABLES: tuple[Table, ...] = (
    Table("peer_area", "councils, regions and England", _cols("""
area_code | VARCHAR |
la_number | SMALLINT |
area_name | VARCHAR |
kind | VARCHAR | council, region or england
region | VARCHAR |
former | VARCHAR[] | codes the area had before a reorganisation
abolished | SMALLINT | year
"""), provenance=False),
    Table("peer_measure", "published measures", _cols("""
id | VARCHAR |
title | VARCHAR |
topic | VARCHAR |
polarity | VARCHAR | high, low or none
unit | VARCHAR |
description | VARCHAR |
year_type | VARCHAR |
denominator | VARCHAR |
scheme | VARCHAR | the neighbour scheme the publisher uses
england_basis | VARCHAR |
source | VARCHAR |
"""), provenance=False),
    Table("peer_value", "published values per measure, period and area", _cols("""
measure_id | VARCHAR |
period | VARCHAR |
period_end | SMALLINT |
area_code | VARCHAR |
la_number | SMALLINT |
area_name | VARCHAR |
value | DOUBLE |
status | VARCHAR | value, suppressed, missing...
reason | VARCHAR |
polarity | VARCHAR |
unit | VARCHAR |
source | VARCHAR |
"""), provenance=False),
    Table("peer_neighbours", "statistical neighbours of each council", _cols("""
scheme | VARCHAR |
area_code | VARCHAR |
la_number | SMALLINT |
neighbour_code | VARCHAR |
neighbour_la_number | SMALLINT |
rank | SMALLINT |
closeness | VARCHAR |
"""), provenance=False),
    Table("peer_ofsted", "latest Ofsted ILACS judgements", _cols("""
area_code | VARCHAR |
la_number | SMALLINT |
area_name | VARCHAR |
overall | VARCHAR |
impact_of_leaders | VARCHAR |
help_and_protection | VARCHAR |
in_care | VARCHAR |
care_leavers | VARCHAR |
framework | VARCHAR |
inspection_start | VARCHAR |
inspection_end | VARCHAR |
publication_date | VARCHAR |
link | VARCHAR |
"""), provenance=False),
    Table("peer_import", "one row per file of a peers import", _cols("""
file | VARCHAR |
target | VARCHAR |
rows_read | BIGINT |
rows_written | BIGINT |
imported_at | TIMESTAMP |
"""), provenance=False),
)

#: Written by each load and link run (joinedup.measures.stored) for readers of that version of the store.
MEASURE_TABLES: tuple[Table, ...] = (
    Table("measure_result", "released rows (disclosure applied) of every shipped measure's total in every period of "
                            "every complete financial year, computed when the data last changed; "
                            "store_meta's measure_results_* keys say from what", _cols("""
measure | VARCHAR | measure id
period | VARCHAR | e.g. 2024-25, 2024-25 Q1
breakdown | VARCHAR | all
ord | INTEGER | row order within the measure, period and breakdown
grp | VARCHAR | group (all)
numerator | DOUBLE | empty when suppressed
denominator | DOUBLE | empty when suppressed or a count
value | DOUBLE |
ci_low | DOUBLE | 95% confidence interval
ci_high | DOUBLE |
suppressed | BOOLEAN | withheld by disclosure control
sum_sq | DOUBLE | sum of squared values (for a mean's trend test)
history | VARCHAR | complete, or which look-back or follow-up the period lacks
"""), provenance=False),
)

#: The store's own facts (schema_version).
META_TABLE = Table("store_meta", "facts about the store itself: schema_version, and what the stored measure "
                                 "results were computed from (measure_results_inputs, _years, _linked)", _cols("""
key | VARCHAR |
value | VARCHAR |
"""), provenance=False)

#: The identity vault (STORE.vault.duckdb): direct identifiers, keyed by the same pseudonyms. Columns
#: marked "sealed" hold AES-256-GCM ciphertext (`joinedup.store.vaultcrypt`); identify mode opens them.
VAULT_TABLES: tuple[Table, ...] = (
    Table("identity", "latest identifiers of each person record", _cols("""
record_id | VARCHAR |
source | VARCHAR |
system | VARCHAR |
local_id | VARCHAR | sealed
nhs_number | VARCHAR | sealed; as given (after removing spaces)
nhs_number_valid | BOOLEAN | modulus-11 check digit valid
given_name | VARCHAR | sealed
family_name | VARCHAR | sealed
date_of_birth | VARCHAR | sealed; opens to the ISO date (a DATE in identify mode)
sex | VARCHAR | M, F or U
postcode | VARCHAR | sealed; normalised (upper case, single space)
address | VARCHAR | sealed
upn | VARCHAR | sealed
other_id | VARCHAR | sealed; e.g. National Insurance number
"""), provenance=False),
    Table("identity_history", "every distinct identifier value a record has held, with when", _cols("""
record_id | VARCHAR |
field | VARCHAR | given_name, family_name, date_of_birth, postcode, address, nhs_number
value | VARCHAR | sealed
first_seen | DATE |
last_seen | DATE |
"""), provenance=False),
    Table("pseudonym", "pseudonym -> identifier, for the few who may re-identify (e.g. a practitioner's audited person view)", _cols("""
pseudonym | VARCHAR |
kind | VARCHAR | record_id, local_id, nhs_number, upn, address_key, event_id
value | VARCHAR | sealed
"""), provenance=False),
)


#: Every table the analysis store may hold (the vault's are VAULT_TABLES).
STORE_TABLES: tuple[Table, ...] = TABLES + LINK_TABLES + LINK_RUN_TABLES + PEER_TABLES + MEASURE_TABLES + (META_TABLE,)


def table(name: str) -> Table:
    """A declared table of the store or the vault, by name."""
    for t in STORE_TABLES + VAULT_TABLES:
        if t.name == name:
            return t
    raise KeyError(name)


def markdown() -> str:
    """The schema as Markdown (docs/schema.md)."""
    lines = ["# The canonical store schema", "", (__doc__ or "").strip(), ""]
    for heading, tables in (("Analysis store", TABLES), ("Person index (written by link)", LINK_TABLES),
                            ("Link run diagnostics (written by link)", LINK_RUN_TABLES),
                            ("Peers (written by joinedup peers import)", PEER_TABLES),
                            ("Measure results (written by each load and link run)", MEASURE_TABLES),
                            ("The store itself", (META_TABLE,)),
                            ("Identity vault (STORE.vault.duckdb)", VAULT_TABLES)):
        lines += [f"## {heading}", ""]
        for t in tables:
            lines += [f"### `{t.name}`", "", t.description, "", "| column | type | meaning |", "|---|---|---|"]
            lines += [f"| {c.name} | {c.type} | {c.description} |" for c in t.all_columns]
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
