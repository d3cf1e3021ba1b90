"""docs/formats.md: how each source maps to the canonical tables (`python -m joinedup.ingest.formats`)."""

from __future__ import annotations

from joinedup.ingest.fhir import BASE, fhir_sources
from joinedup.ingest.mapping import MAPPINGS, SEEN
from joinedup.sources import IDENTIFIER_ROLES, sources

__all__ = ["markdown"]

_INTRO = """# Formats and mappings

How every source joinedup reads lands in the canonical store (docs/schema.md). Generated from
`joinedup/ingest/mapping.py` and the source specs: `python -m joinedup.ingest.formats > docs/formats.md`.
Real-format samples of each are in `tests/data/` and `tests/ingest/test_samples.py` loads them.

## Every source with people in it

Each row of a source with a person key becomes (or updates) one `person_record` per (source,
local id): `record_id` = HMAC("source|local id"), `system` = the spec's id space (`csc` for the
CIN census, SSDA903 and case-system relationships; `nhs.acute` for ED and inpatient extracts;
`education.pupil` for the school census, attendance and exclusions, keyed by UPN),
`local_id_pseudo` = HMAC("system|local id"), `nhs_number_pseudo` = HMAC("nhs|NHS number") with
`nhs_number_verified`, `upn_pseudo` = HMAC("upn|UPN"), birth year and month from the date of birth,
sex M/F/U from the sex code's meaning, ONS 2021 ethnic group from the NHS ethnic category or the DfE
ethnicity code, LSOA 2021 from the postcode (ONS postcode lookup shipped in joinedup.reference),
IMD 2025 decile and 2024 ward from the LSOA, the GP practice, and first/last seen from the
source's event dates (below). Each postcode held becomes a `person_record_address` row
(HMAC of the postcode). The identifiers go to the vault (`identity`, `identity_history`,
`pseudonym`). Every canonical row carries `source`, `file_sha256`, `load_id` and `row_number`.

Fields with an identity role never reach the analysis store as values: {roles}.
"""

_FHIR = """
## FHIR R4 (JSON Bundles, single resources, NDJSON bulk exports)

Parsed and validated with fhir.resources (R4B models, which read these R4 resources unchanged).
Row number = Bundle entry (1-based) or NDJSON line. Each resource becomes a row of a FHIR source
with the fields of the national source it corresponds to, so the same validation and mapping
apply; the provenance `source` is the FHIR source.

| resource | FHIR source | as | canonical table |
|---|---|---|---|
| Patient | fhir.patients | identifiers: system `https://fhir.nhs.uk/Id/nhs-number` -> NHS number (verification status from the UK Core NHSNumberVerificationStatus extension, `01` = verified); the first other identifier -> local id, its `system` -> `person_record.system` (the id space); `name[0]`, `birthDate`, `gender` (male 1, female 2, other 9, unknown X), UK Core EthnicCategory extension, `address[].postalCode`, `generalPractitioner.identifier` (ODS) | person_record, vault |
| Encounter, class EMER | fhir.ed_attendances | `identifier` -> EC_Ident, `serviceProvider` -> site, `period` -> arrival and departure date/time, `hospitalization.admitSource` -> arrival mode (SNOMED), `hospitalization.dischargeDisposition` -> discharge destination (SNOMED; also gives `ed_disposal` when no discharge status) | encounter (ed_attendance) |
| Encounter, class IMP/ACUTE/NONAC | fhir.inpatient_spells | `identifier` -> spell number, UK Core AdmissionMethod extension -> admission method, `hospitalization.admitSource` -> admission source, `period` -> admission and discharge dates, `reasonCode` (ICD-10 system) -> primary diagnosis without the dot, `hospitalization.dischargeDisposition` -> discharge destination | encounter (inpatient_spell) |
| Appointment | fhir.appointments | `start` -> date; mode from `serviceType`/`appointmentType` codes and text (video/online, telephone, home, face to face, else Unknown); `status` fulfilled -> Attended, noshow -> DNA; participants: Patient -> person, Organization/Location -> practice (else the patient's GP), Practitioner -> HCP type | appointment (general_practice) |
| EpisodeOfCare, adult social care | fhir.episodes_of_care | `type` coding display in the CLD Service_Type list (or text naming social care) -> a CLD `Service` event; `period` -> event start/end; reporting period = the financial year of the start; `managingOrganization` -> LA code | asc_event |
| EpisodeOfCare, other (community health) | fhir.community_episodes | `identifier` (or id) -> episode id, `status`, `type` (code, display or text) -> team type, `period` -> start and end, `managingOrganization` -> provider ODS code (the referenced Organization's `https://fhir.nhs.uk/Id/ods-organization-code` identifier, or the reference's own identifier); a `patient` reference that resolves to no Patient of the run is quarantined | encounter (community_episode; `los_days` = days from start to end) |
| any other resource type, or one that fails validation | | quarantined with the reason | quarantine |

Encounters, appointments and episodes whose subject Patient is in any FHIR file of the same run take
that patient's identifiers; otherwise the reference's id in the id space `fhir:Patient` (a community
episode is then quarantined). Organization resources are not stored, but a reference to one resolves
to its ODS code. A FHIR source shares its record keys with the national source it stands for: an
Appointment with the Appointment_ID of a GP appointments row already loaded (in the same run or
before) replaces that row rather than adding a second. A reference is
`Type/id` (relative or absolute) or, inside a Bundle, an entry's `urn:uuid:` fullUrl (the resource's
id is the uuid; the reference's `type` says what it points to).
"""


_RETURNS = """
## Returns as submitted (synth writes them under DIR/returns/; ingest and `joinedup validate` read them)

The analyst copies above (CSV or Parquet, one file per source over the whole period) stay; beside
them the synthetic place writes the returns as a council submits them, made from the same rows.
`joinedup ingest place --db STORE.duckdb` reads the copies (which also carry the history before the
returns' years), then every return the manifest lists: SSDA903 years, CIN census XML, school census
XML, CLD quarters and FHIR Bundles. `--no-returns` reads the copies only. Where both hold a record
(same source and record key; a FHIR Appointment and the GP appointments row with its Appointment_ID),
the return's row becomes the record's current version and the copy's row leaves the store, whether
it was loaded before or earlier in the same run: no record is counted twice. (Until December 2026 a
row replaced earlier in the same run stayed in the staging tables and reached the store beside its
new version; that is what moved NHS England's ASCOF 2C by one person in 2023-24 when the CLD
quarters were loaded over the copy. On the 5,000-person place that code, with `--returns`, held 2,264
`asc_event` rows for 1,340 events; now 1,340, as the copies alone give; and with the FHIR Bundles read
too `tests/formats/test_returns_ingest.py` fails on it: 84,563 appointment rows for 82,347
appointments. ASCOF 2A, 2C and 2D after `joinedup link`, with and without the returns, are equal:
2C 5/1,024 in 2023-24 and 4/1,033 in 2024-25, 2A 20/26 and 15/19, 2D 13/14 and 6/6, from
`joinedup measures run --db store.duckdb --measure ascof_2c_care_home_admissions_65_plus --period
2023-24 --suppress-below 0 --json`; suppressed at the default threshold, as counts this small must be.
ASCOF 2B (18-64), where a 1 against the NHS England port's 0 had been reported for one year at 20,000
people, seed 11: on 7 December 2026, `joinedup synth --people 20000 --seed 11 --out place --clean`,
`joinedup ingest place --db store.duckdb` (with the returns), `joinedup link --db store.duckdb`, then
`joinedup measures run --db store.duckdb --measure ascof_2b_care_home_admissions_18_64 --period
2022-23 --suppress-below 0 --json` (and 2023-24, 2024-25) give 1, 4 and 3, equal to the port
(tests/measures/nhse_ascof.py) on the copy and on the CLD quarters alike: the difference does not
reproduce at this version (the staging fix above, which moved 2C by one, is the likely reason; not
proven, as the version that gave 1 was not rerun).) Each return can also be read on its own
(`joinedup ingest place/returns/ssda903 --db STORE.duckdb`, likewise `cin_census`, `school_census`,
`asc_cld`, `fhir`); a folder of years keeps the latest year's row of each record, a folder of CLD
quarters the latest submission's row of each event, and a rejected row is named by its year's,
quarter's or school's file and row.

Every flag the official validators raise is traced to a row listed in `truth/return_defects.csv`:
a deliberate defect (a second local id for the same child, `duplicate_record`; a transposed date of
birth, `dob_transposed`; on a CLD row a missing or mistyped NHS number), or to a DfE query (a rule
whose code ends in Q, answered with a reason), or to a fault of the validator itself: 903 rule 146 in
2024-25 (its list holds supported accommodation as `k3` in lower case while it upper-cases every
value) and, row by row, 903 rule 169 on a real placement postcode in a local authority whose code is
newer than the validator's 2021 authority table (North Yorkshire, Cumberland, Westmorland and Furness,
Somerset, and Barnsley and Sheffield's 2024 codes): the validator's own postcode list places it, its
authority table cannot, so it derives no PL_LA (`joinedup/validate/official_runner.py` checks each
such row against the validator's own two tables). The generator breaks no rule of its own: no
generator shortfall is listed, and `tests/formats` fails on any flag of either DfE validator that is
not traced.

What the generator once broke, and how each was fixed (SSDA903 on 20,000 people, seed 5, December 2026:
12 untraced flags before, 0 after; the rules marked "seed N" were found by running the validators on
seeds 1-7, which the tests do not run):

| rule | what the validator checks | cause in the generator | fix |
|---|---|---|---|
| 158 | INTERVENTION_OFFERED blank when an intervention was received (found on seed 2) | both drawn independently | offered only when none was received |
| 217t (seed 6) | no independent living (P2) after 28 October 2023 | P2 placements went on past that day | a P2 placement going on after it is supported accommodation (K3; H5 before 2024-25) |
| 222 (seed 3, 6) | no Ofsted URN for H5 before its registration began | an H5 open at 31 March 2023 kept its URN | in a return before 29 October 2023 every H5 has `XXXXXXX` |
| 577 (seed 4) | a missing episode ends within the period of care | up to 2 days after a one-day episode | back by the episode's end |
| SW11bSTG2 (seed 3, 4, 6) | a later social worker episode after one ending in the year's last five days | the allocation ended the day care ended (REC not X1), as it should | not the data's fault: named a validator fault per row (`official_runner.py`) |
| CIN 4008 (seed 3) | no CIN plan starting after the child's death | the plan started up to 9 days after the assessment | no plan for a child who died before it would start |
| 169 | placement LA derivable from PL_POST | real postcodes in LAs made after 2021 | not the data's fault: named a validator fault per row (above) |
| 178 | no PLACE_PROVIDER for Z1, T0-T4 | Z1 was given provider PR1 | Z1 has no provider |
| 225 | a reason for every change of placement, also with the same carer (RNE T, U) | reasons written for RNE P and B only | CARPL (care plan) for T and U |
| 358 | no remand (J1-J3) under 10 | J1 drawn at any age | under 10 police protection (L1) instead |
| 361 | police protection (L1) at most 72 hours | the emergency status resolved after 1-8 days | after 1-3 days for L1 (an EPO, L2, still up to 8) |
| 378 | no placement with parents (P1) under s20 (V2) | a change of legal status only to V2 kept P1 | the same day the child moves to relatives (U3), RNE B |
| 390, 408 | adoption (E11) from an adoptive placement A3-A6; A5/A6 only under a placement order (E1) | placement moves and legal status changes (C2) drawn after the order and the adoptive placement; the order could fall before care began | the order and the placement lie inside the period of care and nothing changes after them |
| 516 | special guardianship (E45/E46) from a foster placement U1-U6 | the last placement could be residential | a child not fostered moves to connected-person fostering (U3) some months before the order; no move after it |
| 3001 | no "with former foster carers" (Z1, Z2) accommodation at 17 | drawn at any age | with parents or relatives (B1) at 17 |
| SW12STG2 | a social worker episode for every episode that ends in the year | an episode ending on 1 April got none (its one-day allocation was dropped) | the allocation starts when care began, not at the year's start |

| return | specification followed (version) | validator (version) | result |
|---|---|---|---|
| SSDA903 children looked after, `returns/ssda903/<2024-25>/` | DfE SSDA903 CSV tables, one folder per collection year: header, episodes, reviews, uasc, oc2, oc3, ad1, placed_for_adoption, previous_permanence, missing, sw_episodes with the exact columns of csc-validator-be-903 0.1.17 (`lac_validator/config.py`); SEX 1/2 to 2023-24, M/F/U from 2024-25; PLACE K3 from 2024-25, H5 before (with the Ofsted URN from 28 October 2023); full postcodes; `XXXXXXX` URN where none applies; OC2 items only at the ages they apply; no OC3 row for a 17/18-year-old who left care after the birthday | csc-validator-be-903 0.1.17, rule sets lac2022_23, lac2023_24, lac2024_25, in their own venv | 5,000 people (seed 5): no structural error in any year; flags: none in 2022-23, one 169 in 2023-24 and one 146 in 2024-25, both validator faults (169: a Sheffield placement postcode, E08000039, which the validator's 2021 authority table lacks; 146: its `k3`); 0 untraced. 20,000 people (seed 5, the place `tests/formats` checks): 0, 1 and 2 flags a year (169 x2 and 146, validator faults); 0 untraced, where 12 were before (table above); no generator shortfall listed. Seeds 1-4, 6 and 7 at 20,000 people: 0 untraced once the rules found on them were fixed (same table); 357 and 388 on `duplicate_record` children (seeds 4, 6) |
| Children in need census, `returns/cin_census/cin_<2024-25>.xml` | DfE CIN census XML (Message / Header / Children / Child / ChildIdentifiers, ChildCharacteristics, CINdetails with Assessments and FactorsIdentifiedAtAssessment, CINPlanDates, Section47, ChildProtectionPlans with Reviews); `<GenderCurrent>` to 2023-24, `<Sex>` M/F/U from 2024-25; dates yyyy-mm-dd. No XML schema ships with the validator: joinedup checks the layout element by element | csc-validator-be-cin 0.1.13, rule sets cin2022_23, cin2023_24, cin2024_25 | 5,000 people: no structural error; no error flag; queries 2991Q, 8825Q, 8670Q, 2888Q (15-19 a year) reported apart. 20,000 people (seed 5): no error flag untraced (2885 x2 and 1520 x2 a year on `duplicate_record` children); queries 73-81 a year. Rule 8565 (activity after closure) is fixed: a closure the copy dates before the episode's last activity moves to that date; rule 4008 (a CIN plan starting after the child's death, seed 3) too. `tests/formats/test_cin_census.py` fails on any untraced error flag (the former allowance for 2885 is gone: its flags are all on `duplicate_record` children) |
| School census, `returns/school_census/sc_<2025>_<LAEstab>.xml` (one file per school per spring census) | DfE school census, pupil level, CBDS element names: SchoolCensus / Header (CollectionDetails: Collection, Term SPR, Year, ReferenceDate; Source: SourceLevel S, LEA, Estab ...) / SchoolInformation / Pupils / PupilOnRoll (BasicDetails: UPN, names, DOB, Sex, Ethnicity, EnrolStatus, EntryDate, NCyearActual; SpecialEducationalNeeds: SENprovision, SENneeds/SENneed/SENtypeRank, SENtype; HomeInformation/Address/BS7666Address/PostCode). The DfE's own XSD is not published openly; joinedup ships `joinedup/ingest/schemas/school_census.xsd` (version 2024-25) with those names, the code lists and formats, and marks its two own elements (FSMeligible: eligibility on census day where the DfE return lists FSM periods; SchoolInformation/URN) | no public validator (the DfE's COLLECT checks on upload); every file is checked against the XSD with lxml 6 when synth writes it, when `joinedup validate` reads it, and before ingest reads a value (a file off the schema is refused whole, naming file, line and element) | 5,000 people: 12 files (4 schools x 3 censuses, 2,524 pupils), all valid; read back they equal the copy's rows |
| ASC Client Level Data, `returns/asc_cld/cld_<2024-25>_q<1-4>.csv` | CLD Release 1, one CSV per quarter from April 2023 (when the collection became mandatory), financial year to date: the 48 fields of the DHSC CLD dashboard's data-quality rules in module order; a service open at the quarter's end has no end date yet, other events wait for the file after they end; ethnicity as a description; an unplanned review with its reason | none is published; the DHSC CLD dashboard's DQ rules (GetDQValues, R1) as joinedup runs them | 5,000 people: 8 quarters, no structural problem; the only flags are NHS_Number blank or failing modulus 11, every one on a row listed in `truth/return_defects.csv` (`nhs_missing`, `nhs_mistyped`) |
| GP appointments as FHIR R4, `returns/fhir/gp_appointments_<practice>_<2025-03>.json` | HL7 FHIR R4 `collection` Bundles, one per practice for the period's last month: Organization (ODS code), Practitioner per role, Patient (NHS number with the UK Core verification status, name, birth date, gender, postcode, practice), Appointment; `urn:uuid:` fullUrls, resource id = the uuid | none applies; fhir.resources 8 (R4B models) on every entry, and joinedup's check that every reference names an entry of the Bundle | 5,000 people: 2 Bundles, every entry valid, no dangling reference; `joinedup ingest place` replaces the month's 2,216 copy rows with the Bundles' appointments (no second row) |
| Community health services as FHIR R4, `returns/fhir/community_episodes_<provider>_<2024-25>.json` | HL7 FHIR R4 `collection` Bundle per provider for the period's last financial year: Organization (ODS code, the managing organisation), Practitioner (each team's lead, the care manager), Patient (NHS number with its verification status, the trust's patient number, name, birth date, gender, postcode, registered practice by ODS code), EpisodeOfCare (identifier, status finished/active, type = the team as text, period from referral to discharge, patient, managingOrganization, careManager); `urn:uuid:` fullUrls | none applies; fhir.resources 8 (R4B models) on every entry, and joinedup's check that every reference names an entry of the Bundle | 5,000 people: 1 Bundle, 330 entries (180 EpisodeOfCare, 146 Patient, 3 Practitioner, 1 Organization), every entry valid, every reference resolves; ingest stores all 180 as `encounter` rows of kind `community_episode`, none quarantined (`tests/formats/test_fhir.py`) |

Reproduce (5,000 people, 6 December 2026, shared 2-core machine): `joinedup synth --people 5000
--seed 5 --out place` (5 s), `joinedup validate place --install-validators` the first time (the
validators' venv goes to `$JOINEDUP_VALIDATORS_VENV` or `~/.cache/joinedup/validators-venv`, about
30 s from PyPI), then `joinedup validate place` (1 min 4 s, 28 returns, 0 untraced flags), then
`joinedup ingest place --db store.duckdb` (29 s; `--no-returns` 20 s; the same number of rows in every event table).
The issue's acceptance, 20,000 people, measured once the same day: `joinedup synth --people 20000 --seed 5
--out place` 19 s (689 MB peak), `joinedup validate place` 1 min 25 s for 41 returns (3 SSDA903
years, 3 CIN years, 24 school census files, 8 CLD quarters, 3 FHIR Bundles; 597 MB peak; no
structural problem), `joinedup ingest place --db store.duckdb` 2 min 36 s (1.4 GB peak; 34 files,
572,075 rows read; the returns' rows equal to a copy's are present, 11,939, the others replace the
copy's, 13,604). Without the
validators' venv, `joinedup validate` runs joinedup's own checks only (columns, code lists per
collection year, date formats, the CIN XML layout, the school census XSD) and says the official ones
did not run. `python -m pytest -q tests/formats` makes the venv and runs both validators on a
20,000-person place (`JOINEDUP_FORMATS_PEOPLE=5000` for a smaller one).
Measured again on 7 December 2026 with the community Bundle added, on the same machine under a load of
about 9 (other jobs): `joinedup synth --people 5000 --seed 5 --out place`, then `joinedup validate
place` 3 min 10 s (29 returns, 516 MB peak, 0 untraced flags), `joinedup ingest place --db
store.duckdb` 3 min 57 s (786 MB peak; 180 `community_episode` encounters, none quarantined). The
seeds: `joinedup synth --people 20000 --seed N --out place` then `joinedup validate place --json`,
N = 1 to 7.

ASC Client Level Data has no published validator: NHS England checks a submission on receipt and
the DHSC CLD dashboard reports its data quality field by field (`GetDQValues`: whether each of the
48 fields applies to the row, whether it is mandatory there, and whether the value is valid).
`joinedup validate` runs those rules (joinedup/sources/cld.py) on each quarter. Code lists marked
published there are copied from NHS England's CLD-to-SALT/ASCOF code ("Defined List in CLD spec":
Primary_Support_Reason, Service_Type, Delivery_Mechanism, Event_Outcome, Employment_Status,
Accommodation_Status) or the dashboard (Client_Type, Client_Funding_Status) or the CLD R1 guidance
(Review_Outcomes_Achieved); `tests/formats/data/cld_r1_published.yaml` holds them as published and
`tests/formats/test_cld.py` checks every quarter against it. The other coded fields (Gender,
Ethnicity as NHS Data Dictionary descriptions, the Yes/No/Unknown flags, Request_Route_of_Access,
Assessment_Type, Method_of_Assessment, Method_of_Review, the reasons of an unplanned review,
Service_Component, Cost_Frequency_Unit_Type) follow joinedup's reading of the CLD R1 guidance: no
machine-readable list of them is published to check against.

Community health services have no analyst copy: the place's community episodes exist only as the
FHIR Bundle `returns/fhir/community_episodes_<provider>_<2024-25>.json`, made from the inpatient spells'
discharges (`joinedup/synth/returns/fhir.py`: pathway 1 -> community rehabilitation at home, pathway 2
-> bedded rehabilitation, about 1 in 6 of those aged 75+ discharged home on pathway 0 -> district
nursing; episode lengths are assumptions). `joinedup ingest place` stores each as an `encounter` of
kind `community_episode` (`tests/formats/test_fhir.py`).
"""


def _source_section(sid: str) -> list[str]:
    src = sources()[sid]
    lines = [f"### `{sid}`: {src.title}", "", f"Imitates: {src.imitates}. Reference: {src.reference}.",
             f"Dates: `{src.date_format}`. Record key: {', '.join(src.record_key)}."
             + (f" Person key: {src.person_key} (id space `{src.id_space}`)." if src.person_key else
                " No person key (no person_record)."), ""]
    ids = [f"{f.name} ({f.role})" for f in src.fields if f.role]
    if ids:
        lines += [f"Identity fields: {', '.join(ids)}.", ""]
    if sid in SEEN:
        lines += [f"Seen: first {SEEN[sid][0]}, last {SEEN[sid][1]}.", ""]
    for tgt in MAPPINGS.get(sid, []):
        where = f" (rows where {tgt.where})" if tgt.where else ""
        lines += [f"-> `{tgt.table}`{where}", "", "| column | from |", "|---|---|"]
        lines += [f"| {c} | `{e.replace('|', '/')}` |" for c, e in tgt.columns.items()]
        lines.append("")
    if not MAPPINGS.get(sid):
        lines += ["Identity only: person_record and the vault.", ""]
    return lines


def markdown() -> str:
    """The mapping of every source as Markdown."""
    lines = [_INTRO.format(roles=", ".join(sorted(IDENTIFIER_ROLES))), "## Sources", ""]
    for sid in sorted(sources()):
        lines += _source_section(sid)
    lines.append(_RETURNS)
    lines.append(_FHIR)
    lines += ["FHIR sources and the national source whose fields they share: "
              + ", ".join(f"`{k}` -> `{v}`" for k, v in BASE.items()) + f" ({len(fhir_sources())} in all).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
