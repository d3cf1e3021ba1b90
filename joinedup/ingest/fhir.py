"""FHIR R4 resources (Bundles in JSON, or NDJSON) -> rows of the NHS and adult social care sources.

Validated as fhir.resources (the R4B models, which read R4 Patient, Encounter, EpisodeOfCare and
Appointment unchanged) would: a resource of a plain shape by a fast structural check
(joinedup.ingest.fhir_fast, at least as strict), any other by fhir.resources itself, which gives
every rejection its reason. Each resource becomes one row of a FHIR source that
has the columns of the national source it corresponds to, so the same validation, mapping,
pseudonymisation and provenance apply (docs/formats.md):

- Patient -> fhir.patients (person_record and vault; id space from the identifier's system)
- Encounter class EMER -> fhir.ed_attendances (encounter, kind ed_attendance)
- Encounter class IMP/ACUTE/NONAC -> fhir.inpatient_spells (encounter, kind inpatient_spell)
- Appointment -> fhir.appointments (appointment, mode from serviceType/appointmentType)
- EpisodeOfCare of adult social care -> fhir.episodes_of_care (asc_event, service events)
- EpisodeOfCare of any other service (community health: nursing, therapies, ...) -> fhir.community_episodes
  (encounter, kind community_episode: the episode from referral to discharge, its provider and team)

References resolve within the run: a Patient by `Patient/id` or a Bundle's `urn:uuid:` fullUrl (its
identity then comes from that Patient resource), an Organization to its ODS code (the Organization
resource's identifier, or the reference's own identifier).

A resource that fails validation, or of a type the store does not hold, is quarantined with
its row number (entry of the Bundle, or line of the NDJSON) and the reason.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyarrow as pa
from pydantic import ValidationError

from joinedup.errors import UserError
from joinedup.ingest import fhir_fast
from joinedup.inputs import parse_json
from joinedup.sources import Source, SourceField, sources

__all__ = ["BASE", "fhir_sources", "collect_patients", "collect_organizations", "read_parts", "NHS_NUMBER_SYSTEM",
           "ODS_SYSTEM"]

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
_VERIFICATION = "NHSNumberVerificationStatus"
_ETHNIC = "EthnicCategory"
_ADMISSION_METHOD = "AdmissionMethod"
_GENDER = {"male": "1", "female": "2", "other": "9", "unknown": "X"}

#: FHIR source -> the national source whose fields and mapping it shares.
BASE = {"fhir.patients": "fhir.patients", "fhir.ed_attendances": "nhs.ed_attendances",
        "fhir.inpatient_spells": "nhs.inpatient_spells", "fhir.appointments": "nhs.gp_appointments",
        "fhir.episodes_of_care": "asc.client_level_data", "fhir.community_episodes": "fhir.community_episodes"}
_PATIENT_FIELDS = ["Local_Patient_Identifier", "NHS_Number", "NHS_Number_Status_Indicator_Code", "Person_Given_Name",
                   "Person_Family_Name", "Person_Birth_Date", "Person_Stated_Gender_Code", "Ethnic_Category",
                   "Postcode_Usual_Address", "GP_Practice_Code"]


@lru_cache(maxsize=1)
def fhir_sources() -> dict[str, Source]:
    """The FHIR sources, derived from the national ones (same fields, ISO dates)."""
    known = sources()
    ed = known["nhs.ed_attendances"]
    out = {"fhir.patients": ed.model_copy(update={
        "id": "fhir.patients", "title": "FHIR Patient", "imitates": "FHIR R4 Patient (UK Core)",
        "record_key": ["Local_Patient_Identifier"], "person_key": "Local_Patient_Identifier", "system": None,
        "fields": [ed.field(n) for n in _PATIENT_FIELDS]})}
    out["fhir.community_episodes"] = ed.model_copy(update={
        "id": "fhir.community_episodes", "title": "FHIR EpisodeOfCare (community health services)",
        "imitates": "FHIR R4 EpisodeOfCare (UK Core): a community health service's episode, referral to discharge "
                    "(as the Community Services Data Set's referral and discharge dates)",
        "reference": "HL7 FHIR R4 EpisodeOfCare; NHS England Community Services Data Set (referral received and "
                     "discharge dates, provider organisation, team type)",
        "record_key": ["Episode_Identifier"], "person_key": "Local_Patient_Identifier", "system": None,
        "fields": [ed.field(n) for n in _PATIENT_FIELDS] + [
            SourceField(name="Episode_Identifier", type="string", required=True,
                        description="EpisodeOfCare.identifier (or its id)"),
            SourceField(name="Episode_Status", type="string", description="EpisodeOfCare.status"),
            SourceField(name="Provider_Code", type="string",
                        description="ODS code of the managing organisation (the referenced Organization's)"),
            SourceField(name="Team_Type", type="string", description="EpisodeOfCare.type (code, display or text)"),
            SourceField(name="Episode_Start_Date", type="date", required=True, not_future=True),
            SourceField(name="Episode_End_Date", type="date", after="Episode_Start_Date", not_future=True)]})
    for fid, base in BASE.items():
        if fid not in out:
            out[fid] = known[base].model_copy(update={"id": fid, "date_format": "%Y-%m-%d", "system": None})
    return out


def _models():
    from fhir.resources.R4B.appointment import Appointment
    from fhir.resources.R4B.encounter import Encounter
    from fhir.resources.R4B.episodeofcare import EpisodeOfCare
    from fhir.resources.R4B.patient import Patient
    return {"Patient": Patient, "Encounter": Encounter, "Appointment": Appointment, "EpisodeOfCare": EpisodeOfCare}


#: Resources of each type per file that the fast path accepts and fhir.resources validates as well: a
#: disagreement (the fast check accepting what fhir.resources rejects) turns the fast path off for the file.
CROSS_CHECK = 20

#: Resources read in this process: by the fast path, by fhir.resources (all it refused, and the cross-checks)
#: and rejected (the benchmarks print these).
STATS = {"fast": 0, "validated": 0, "rejected": 0}


def _items(path: Path, fmt: str) -> list[tuple[int, object]]:
    """(row, resource as parsed JSON) for every resource in the file (one file's JSON is held at a time)."""
    raw = path.read_bytes()
    if not raw.strip():
        raise UserError("empty file", file=str(path))
    if b"\x00" in raw[:65536]:
        raise UserError("binary file, not JSON", file=str(path), row=0)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UserError(f"not UTF-8 text (byte {e.start + 1})", file=str(path)) from None
    del raw
    if fmt == "fhir-ndjson":
        return [(i, parse_json(line, str(path), row=i)) for i, line in enumerate(text.splitlines(), start=1)
                if line.strip()]
    doc = parse_json(text, str(path))
    del text
    if not isinstance(doc, dict) or "resourceType" not in doc:
        raise UserError("not a FHIR resource (no resourceType)", file=str(path))
    if doc["resourceType"] != "Bundle":
        return [(1, doc)]
    entries = doc.get("entry") or []
    if not isinstance(entries, list):
        raise UserError("Bundle.entry is not a list", file=str(path), field="entry")
    for i, entry in enumerate(entries, 1):
        if entry is not None and not isinstance(entry, dict):
            raise UserError("Bundle entry is not an object", file=str(path), row=i, field="entry")
    return [(i, (entry or {}).get("resource") or {}) for i, entry in enumerate(entries, 1)]


def _resources(path: Path, fmt: str):
    """(row, resourceType, model or raw dict, problem) for every resource in the file, in file order.

    A resource of a plain shape is checked by the fast path (joinedup.ingest.fhir_fast) and read
    through a view; any other is validated by fhir.resources, which also gives every rejection its
    reason. The first resources of each type the fast path accepts are validated by both (CROSS_CHECK).
    """
    models = _models()
    items = _items(path, fmt)
    fast, sampled = True, dict.fromkeys(models, 0)
    for n, (row, res) in enumerate(items):
        items[n] = None  # each resource is let go once read: the file's rows, not its JSON, stay in memory
        rtype = res.get("resourceType") if isinstance(res, dict) else None
        if rtype not in models:
            yield row, str(rtype), res, f"resource type {rtype} is not read by joinedup"
            continue
        if fast and fhir_fast.check(res):
            STATS["fast"] += 1
            if sampled[rtype] >= CROSS_CHECK:
                yield row, rtype, fhir_fast.View(res), None
                continue
            sampled[rtype] += 1
            STATS["validated"] += 1
            try:
                models[rtype].model_validate(res)
            except ValidationError:
                fast = False  # the fast check is wrong about this file: fhir.resources reads all of it
            else:
                yield row, rtype, fhir_fast.View(res), None
                continue
        STATS["validated"] += 1
        try:
            yield row, rtype, models[rtype].model_validate(res), None
        except ValidationError as e:
            STATS["rejected"] += 1
            first = e.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            yield row, rtype, res, f"invalid {rtype}: {where}: {first.get('msg')}"


def _ext_code(exts, name: str) -> str | None:
    for ext in exts or []:
        if ext.url and name in ext.url:
            cc = getattr(ext, "valueCodeableConcept", None)
            if cc and cc.coding:
                return cc.coding[0].code
            code = getattr(ext, "valueCode", None) or getattr(ext, "valueString", None)
            if code:
                return code
        nested = _ext_code(getattr(ext, "extension", None), name)
        if nested:
            return nested
    return None


def _patient_row(p) -> dict:
    nhs = status = local = space = None
    for ident in p.identifier or []:
        if ident.system == NHS_NUMBER_SYSTEM:
            nhs = ident.value
            status = _ext_code(ident.extension, _VERIFICATION)
        elif local is None and ident.value:
            local, space = ident.value, ident.system or "fhir:Patient"
    if local is None:
        local, space = p.id, "fhir:Patient"
    name = (p.name or [None])[0]
    gp = None
    for ref in p.generalPractitioner or []:
        if ref.identifier and ref.identifier.value:
            gp = ref.identifier.value
            break
    postcode = next((a.postalCode for a in p.address or [] if a.postalCode), None)
    return {"Local_Patient_Identifier": local, "_id_space": space, "NHS_Number": nhs,
            "NHS_Number_Status_Indicator_Code": status,
            "Person_Given_Name": (name.given or [None])[0] if name else None,
            "Person_Family_Name": name.family if name else None,
            "Person_Birth_Date": p.birthDate.isoformat() if p.birthDate else None,
            "Person_Stated_Gender_Code": _GENDER.get(p.gender) if p.gender else None,
            "Ethnic_Category": _ext_code(p.extension, _ETHNIC), "Postcode_Usual_Address": postcode,
            "GP_Practice_Code": gp}


_PATIENT_KEYS = ("Local_Patient_Identifier", "_id_space", "NHS_Number", "NHS_Number_Status_Indicator_Code",
                 "Person_Given_Name", "Person_Family_Name", "Person_Birth_Date", "Person_Stated_Gender_Code",
                 "Ethnic_Category", "Postcode_Usual_Address", "GP_Practice_Code")


class Patients(dict):
    """Patient id -> identity row, held as a tuple of values (a third of a dict's memory) and given out as a dict."""

    def __setitem__(self, pid: str, row: dict) -> None:
        super().__setitem__(pid, tuple(row.get(k) for k in _PATIENT_KEYS))

    def __getitem__(self, pid: str) -> dict:
        return dict(zip(_PATIENT_KEYS, super().__getitem__(pid)))

    def get(self, pid: str, default: dict | None = None) -> dict | None:
        """The identity row of a patient id, or `default`."""
        return self[pid] if pid in self else default


def collect_references(paths: list[Path]) -> tuple[dict[str, dict], dict[str, str]]:
    """Patient id -> identity row and Organization id -> ODS code, from every FHIR file of a run, in one pass.

    A reference resolves across files (bulk exports split by type), so every file is read once
    before any is loaded; what is kept is one small row per Patient, not the resources.
    """
    from joinedup.ingest.readers import file_format
    patients: dict[str, dict] = Patients()
    orgs: dict[str, str] = {}
    for path in paths:
        for _row, rtype, res, problem in _resources(path, file_format(path)):
            if rtype == "Patient" and problem is None and res.id:
                patients[res.id] = _patient_row(res)
            elif rtype == "Organization" and isinstance(res, dict) and isinstance(res.get("id"), str):
                ods = next((i.get("value") for i in res.get("identifier") or [] if isinstance(i, dict)
                            and i.get("system") == ODS_SYSTEM and i.get("value")), None)
                if ods:
                    orgs[res["id"]] = str(ods)
    return patients, orgs


def collect_patients(paths: list[Path]) -> dict[str, dict]:
    """Patient id -> identity row, from every FHIR file of a run (bulk exports split by type)."""
    return collect_references(paths)[0]


def collect_organizations(paths: list[Path]) -> dict[str, str]:
    """Organization id -> ODS code, from every FHIR file of a run (what an Organization reference resolves to)."""
    return collect_references(paths)[1]


def _target(ref) -> tuple[str, str | None]:
    """(resource type, id) a reference points to: 'Patient/123', or a Bundle's 'urn:uuid:...' with its type."""
    r = (ref.reference or "") if ref else ""
    if r.startswith("urn:uuid:"):
        return ref.type or "", r[len("urn:uuid:"):]
    parts = r.split("/")
    return (parts[-2] if len(parts) >= 2 else (ref.type or "") if ref else ""), (parts[-1] or None)


def _subject(ref, patients: dict[str, dict]) -> dict:
    pid = _target(ref)[1] if ref and ref.reference else None
    if pid and pid in patients:
        return dict(patients[pid])
    return {"Local_Patient_Identifier": pid, "_id_space": "fhir:Patient"}


def _ident(res) -> str | None:
    ids = getattr(res, "identifier", None) or []
    return next((i.value for i in ids if i.value), None) or res.id


def _date(value) -> str | None:
    return value.date().isoformat() if hasattr(value, "date") else (value.isoformat() if value else None)


def _time(value) -> str | None:
    return value.strftime("%H:%M:%S") if hasattr(value, "strftime") and hasattr(value, "hour") else None


def _codes(concepts) -> list[str]:
    out = []
    for cc in concepts or []:
        out += [c.code or "" for c in cc.coding or []] + [c.display or "" for c in cc.coding or []]
        out.append(cc.text or "")
    return [x for x in out if x]


def _mode(appt) -> str:
    words = " ".join(_codes(appt.serviceType) + _codes([appt.appointmentType] if appt.appointmentType else [])).lower()
    for keys, mode in ((("video", "online", "vc"), "Video Conference/Online"), (("telephone", "phone", "tel"), "Telephone"),
                       (("home",), "Home Visit"), (("face", "f2f", "in person", "fac"), "Face-to-Face")):
        if any(k in words for k in keys):
            return mode
    return "Unknown"


def _org(ref, orgs: dict[str, str] | None = None) -> str | None:
    if ref and ref.identifier and ref.identifier.value:
        return ref.identifier.value
    target = _target(ref)[1] if ref else None
    return (orgs or {}).get(target, target) if target else None


def _encounter(enc, patients) -> tuple[str, dict]:
    cls = (enc.class_fhir.code or "").upper() if enc.class_fhir else ""
    row = _subject(enc.subject, patients)
    start, end = (enc.period.start, enc.period.end) if enc.period else (None, None)
    hosp = enc.hospitalization
    dispo = hosp.dischargeDisposition.coding[0].code if hosp and hosp.dischargeDisposition and \
        hosp.dischargeDisposition.coding else None
    provider = _org(enc.serviceProvider)
    if cls == "EMER":
        row.update({"EC_Ident": _ident(enc), "Provider_Site_Code": provider, "EC_Department_Type": "01",
                    "Arrival_Date": _date(start), "Arrival_Time": _time(start), "EC_Departure_Date": _date(end),
                    "EC_Departure_Time": _time(end), "Discharge_Destination_SNOMED_CT": dispo,
                    "EC_Arrival_Mode_SNOMED_CT": hosp.admitSource.coding[0].code if hosp and hosp.admitSource and
                    hosp.admitSource.coding else None})
        return "fhir.ed_attendances", row
    if cls in ("IMP", "ACUTE", "NONAC"):
        diag = None
        for cc in enc.reasonCode or []:
            for c in cc.coding or []:
                if c.system and "icd-10" in c.system.lower():
                    diag = (c.code or "").replace(".", "")
        row.update({"Hospital_Provider_Spell_Number": _ident(enc), "Provider_Code": provider,
                    "Admission_Method": _ext_code(enc.extension, _ADMISSION_METHOD),
                    "Admission_Source": hosp.admitSource.coding[0].code if hosp and hosp.admitSource and
                    hosp.admitSource.coding else None,
                    "Admission_Date": _date(start), "Discharge_Date": _date(end), "Primary_Diagnosis_ICD10": diag,
                    "Discharge_Destination": dispo})
        return "fhir.inpatient_spells", row
    row["_problem"] = f"Encounter class {cls or 'missing'} is not an emergency (EMER) or inpatient (IMP) encounter"
    return "fhir.ed_attendances", row


def _appointment(appt, patients) -> tuple[str, dict]:
    patient_ref = practice = None
    hcp = "Unknown"
    for part in appt.participant or []:
        ref = part.actor
        if ref is None:
            continue
        kind = _target(ref)[0]
        if kind == "Patient":
            patient_ref = ref
        elif kind in ("Organization", "Location") and practice is None:
            practice = _org(ref)
        elif kind in ("Practitioner", "PractitionerRole"):
            hcp = "GP" if "gp" in (ref.display or "").lower().split() or "general practitioner" in \
                (ref.display or "").lower() else "Other Practice staff"
    row = _subject(patient_ref, patients)
    status = {"fulfilled": "Attended", "noshow": "DNA"}.get(appt.status, "Unknown")
    row.update({"Appointment_ID": _ident(appt), "Practice_Code": practice or row.get("GP_Practice_Code"),
                "Appointment_Date": _date(appt.start), "APPT_MODE": _mode(appt), "HCP_TYPE": hcp,
                "APPT_STATUS": status, "Patient_ID": row.pop("Local_Patient_Identifier", None)})
    return "fhir.appointments", row


def _community(eoc, patients, orgs) -> tuple[str, dict]:
    row = _subject(eoc.patient, patients)
    start, end = (eoc.period.start, eoc.period.end) if eoc.period else (None, None)
    row.update({"Episode_Identifier": _ident(eoc), "Episode_Status": eoc.status,
                "Provider_Code": _org(eoc.managingOrganization, orgs), "Team_Type": next(iter(_codes(eoc.type)), None),
                "Episode_Start_Date": _date(start), "Episode_End_Date": _date(end)})
    if eoc.patient is None or not eoc.patient.reference or _target(eoc.patient)[1] not in patients:
        row["_problem"] = "EpisodeOfCare.patient does not resolve to a Patient of the files read"
    return "fhir.community_episodes", row


def _episode(eoc, patients, orgs: dict[str, str] | None = None) -> tuple[str, dict]:
    words = _codes(eoc.type)
    if not any(w.startswith(("Long Term Support", "Short Term Support", "Carer Support")) or "social care" in w.lower()
               for w in words):
        return _community(eoc, patients, orgs or {})
    row = _subject(eoc.patient, patients)
    start, end = (eoc.period.start, eoc.period.end) if eoc.period else (None, None)
    service = next((w for w in words if w.startswith(("Long Term Support", "Short Term Support", "Carer Support"))),
                   None)
    if start is not None:
        y = start.year if start.month >= 4 else start.year - 1
        period = (f"{y}-04-01", f"{y + 1}-03-31")
    else:
        period = (None, None)
    row.update({"LA_Code": _org(eoc.managingOrganization, orgs), "Reporting_Period_Start_Date": period[0],
                "Reporting_Period_End_Date": period[1],
                "LA_Person_Unique_Identifier": row.pop("Local_Patient_Identifier", None),
                "NHS_Number": row.get("NHS_Number"), "First_Name": row.pop("Person_Given_Name", None),
                "Surname": row.pop("Person_Family_Name", None), "Date_of_Birth": row.pop("Person_Birth_Date", None),
                "Postcode": row.pop("Postcode_Usual_Address", None), "Client_Type": "Service User",
                "Event_Type": "Service", "Event_Reference": _ident(eoc), "Event_Start_Date": _date(start),
                "Event_End_Date": _date(end), "Service_Type": service})
    gender = row.pop("Person_Stated_Gender_Code", None)
    row["Gender"] = {"1": "Male", "2": "Female", "9": "Other", "X": "Unknown"}.get(gender or "", None)
    row["Ethnicity"] = row.pop("Ethnic_Category", None)
    return "fhir.episodes_of_care", row


def read_parts(path: Path, fmt: str, patients: dict[str, dict],
               organizations: dict[str, str] | None = None) -> list[tuple[Source, pa.Table]]:
    """The file's resources as Arrow tables, one per FHIR source, columns as text plus _row."""
    srcs = fhir_sources()
    rows: dict[str, list[dict]] = {k: [] for k in srcs}
    for row_no, rtype, model, problem in _resources(path, fmt):
        if problem is not None:
            target = {"Encounter": "fhir.ed_attendances", "Appointment": "fhir.appointments",
                      "EpisodeOfCare": "fhir.episodes_of_care"}.get(rtype, "fhir.patients")
            rows[target].append({"_row": row_no, "_problem": problem})
            continue
        if rtype == "Patient":
            target, row = "fhir.patients", _patient_row(model)
        elif rtype == "Encounter":
            target, row = _encounter(model, patients)
        elif rtype == "Appointment":
            target, row = _appointment(model, patients)
        else:
            target, row = _episode(model, patients, organizations)
        row["_row"] = row_no
        rows[target].append(row)
    parts = []
    for sid, items in rows.items():
        if not items:
            continue
        src = srcs[sid]
        names = ["_row", "_id_space", "_problem", *src.columns]
        cols = {n: [r.get(n) for r in items] for n in names}
        types = {n: pa.int64() if n == "_row" else pa.string() for n in names}
        table = pa.table({n: pa.array([None if v is None else (v if n == "_row" else str(v)) for v in cols[n]],
                                      type=types[n]) for n in names})
        parts.append((src, table))
    return parts
