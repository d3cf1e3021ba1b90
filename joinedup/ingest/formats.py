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
| EpisodeOfCare, other (community) | | quarantined: "EpisodeOfCare is not adult social care (community episodes are not held by the store)" | quarantine |
| any other resource type, or one that fails validation | | quarantined with the reason | quarantine |

Encounters and appointments whose subject Patient is in any FHIR file of the same run take that
patient's identifiers; otherwise the reference's id in the id space `fhir:Patient`. A reference is
`Type/id` (relative or absolute) or, inside a Bundle, an entry's `urn:uuid:` fullUrl (the resource's
id is the uuid; the reference's `type` says what it points to).
"""


_RETURNS = """
## Returns as submitted (synth writes them under DIR/returns/; ingest and `joinedup validate` read them)

The analyst copies above (CSV or Parquet, one file per source over the whole period) stay; beside
them the synthetic place writes the returns as a council submits them, made from the same rows.
Ingest reads them when pointed at them (`joinedup ingest place/returns/ssda903 place/returns/cin_census
place/returns/asc_cld --db STORE.duckdb`; a folder of years keeps the latest year's row of each record, a
folder of CLD quarters the latest submission's row of each event, and a rejected 903 or CLD row is named
by its year's or quarter's file and row); `joinedup ingest place` loads the analyst copies, which
also carry the history before the returns' years; `joinedup ingest place --returns` then loads the
returns its manifest lists: where both hold a record, the return's row becomes the record's current
version, so the store holds what the council submitted. Every flag
the official validators raise on them is traced to a deliberate defect listed in
`truth/return_defects.csv` (a second local id for the same child, `duplicate_record`; a transposed
date of birth, `dob_transposed`), to a DfE query (a rule whose code ends in Q, answered with a
reason), to a fault of the validator itself, or it is a known shortfall of the generator named here.

| return | specification followed | validator (own venv) | result on `joinedup synth --people 20000 --seed 5` |
|---|---|---|---|
| SSDA903 children looked after, `returns/ssda903/<2024-25>/` | DfE SSDA903 CSV tables, one folder per collection year: header, episodes, reviews, uasc, oc2, oc3, ad1, placed_for_adoption, previous_permanence, missing, sw_episodes with the exact columns of csc-validator-be-903 0.1.17 (`lac_validator/config.py`); SEX 1/2 to 2023-24, M/F/U from 2024-25; full postcodes; `XXXXXXX` URN where none applies; OC2 items only at the ages they apply | csc-validator-be-903 0.1.17, rule sets lac2022_23, lac2023_24, lac2024_25 | no structural error in any year; 252 / 271 / 263 rules run (41 skipped: previous-year tables and the Ofsted provider lists are not supplied); rule 231 crashes inside the validator in 2024-25 (reported apart); 1-11 flags a year: those on duplicated children traced to `duplicate_record`; rule 146 in 2024-25 is a validator fault (its list holds `k3` in lower case); known generator shortfalls, one or two rows each: 169, 178, 225, 358, 361, 378, 390, 408, 516, 1016, 3001, SW12STG2 |
| Children in need census, `returns/cin_census/cin_<2024-25>.xml` | DfE CIN census XML (Message / Header / Children / Child / ChildIdentifiers, ChildCharacteristics, CINdetails with Assessments and FactorsIdentifiedAtAssessment, CINPlanDates, Section47, ChildProtectionPlans with Reviews); `<GenderCurrent>` to 2023-24, `<Sex>` M/F/U from 2024-25; dates yyyy-mm-dd. No XML schema ships with the validator: joinedup checks the layout element by element | csc-validator-be-cin 0.1.13, rule sets cin2022_23, cin2023_24, cin2024_25 | no structural error; 105 / 105 / 109 rules run, none crashed; errors: 1520 (same UPN twice) traced to `duplicate_record`; known shortfalls 8565 (activity after closure, 2-10 rows a year) and 2885 (one row); queries 2991Q, 8825Q, 8670Q, 2888Q reported apart |
| ASC Client Level Data, `returns/asc_cld/cld_<2024-25>_q<1-4>.csv` | CLD Release 1, one CSV per quarter from April 2023 (when the collection became mandatory), financial year to date: the 48 fields of the DHSC CLD dashboard's data-quality rules in module order; a service open at the quarter's end has no end date yet, other events wait for the file after they end; ethnicity as a description; an unplanned review with its reason; employment, funding, the ASD/visual/hearing/dementia flags, methods of assessment and review, review outcomes, the regulated provider's CQC location and the cost frequency made from the copy, seeded per person | none is published; the DHSC CLD dashboard's DQ rules (GetDQValues, R1) as joinedup runs them | 8 quarters (819 to 2,084 rows); no structural problem; 48 fields checked in each; the only flags are NHS_Number blank (70-192 a quarter) or failing modulus 11 (1-19 a quarter), every one on a row listed in `truth/return_defects.csv` (`nhs_missing`, `nhs_mistyped`) |
| GP appointments as FHIR R4, `returns/fhir/gp_appointments_<practice>_<2025-03>.json` | HL7 FHIR R4 `collection` Bundles, one per practice for the period's last month: Organization (ODS code), Practitioner per role, Patient (NHS number with the UK Core verification status, name, birth date, gender, postcode, practice), Appointment (status, start, serviceType mode, participants); `urn:uuid:` fullUrls, resource id = the uuid | none applies; fhir.resources 8.3 (R4B models) on every entry, and joinedup's check that every reference names an entry of the Bundle | 3 Bundles, 8,870 appointments of 6,882 patients (14 MB); every entry valid, no dangling reference; ingest of `returns/fhir` lands every appointment of the month |

Reproduce: `joinedup synth --people 20000 --seed 5 --out place`, then `joinedup validate place
--install-validators` (first time; the validators' venv goes to `$JOINEDUP_VALIDATORS_VENV` or
`~/.cache/joinedup/validators-venv`, about 30 s from PyPI), then `joinedup validate place`.
Without that venv, `joinedup validate` runs joinedup's own checks only (columns, code lists per
collection year, date formats, the CIN XML layout) and says the official ones did not run.
`python -m pytest -q tests/formats` makes the venv and runs both validators on a 20,000-person place.
Measured once on the shared 2-core machine (6 December 2026, under other load): synth 51 s (686 MB
peak), `joinedup validate place` 5 min 3 s for 17 returns (3 SSDA903 years, 3 CIN years, 8 CLD
quarters, 3 FHIR Bundles; 593 MB peak), `joinedup ingest place --returns --db store.duckdb` 1 min 58 s
(997 MB peak; 1,988 return rows equal to the copy's were already present).

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

GP appointments are also written as FHIR R4: `returns/fhir/gp_appointments_<practice>_<month>.json`,
one `collection` Bundle per practice for the period's last month (Organization with the ODS code,
Practitioner per role, each Patient once with the NHS number and its UK Core verification status,
each Appointment with status, start, mode as serviceType and participants Patient, Practitioner
and the practice). Every entry has a `urn:uuid:` fullUrl, and every reference names an entry of the
same Bundle; `tests/formats/test_fhir.py` validates each Bundle with fhir.resources (R4B models) and
ingests it (every appointment of the month lands in `appointment`; Organization and Practitioner
entries are quarantined as resources the store does not hold). `joinedup ingest place --returns` does
not read them, since the month's appointments are already in the analyst copy: `joinedup ingest place/returns/fhir`
does.

Not yet written as submitted: community services (the place has no community-services extract, so
no EpisodeOfCare), school census XML (its analyst copy is what the place holds).
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
