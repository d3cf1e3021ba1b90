"""GP appointments as FHIR R4: one Bundle per practice for the last month of the period.

A practice system exports a month of its appointment book as a FHIR `collection` Bundle: the
practice (Organization, ODS code), its clinicians by role (Practitioner), each patient once
(Patient with the NHS number and its verification status, name, birth date, gender and postcode,
the practice as general practitioner) and each Appointment (status, start, mode as
serviceType/appointmentType, participants Patient, Practitioner and the practice). Every entry has
a `urn:uuid:` fullUrl and every reference points to an entry of the same Bundle. Made from the
analyst copy (nhs/gp_appointments), one month so that the files stay the size a practice sends.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import polars as pl

from joinedup.synth.identifiers import nhs_number_valid

__all__ = ["write_gp_bundles", "NHS_NUMBER_SYSTEM", "references_resolve"]

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
_ODS = "https://fhir.nhs.uk/Id/ods-organization-code"
_LOCAL = "https://fhir.nhs.uk/Id/local-patient-identifier"
_VERIFY = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
_NS = uuid.UUID("6f0c2b1e-7d1a-4c55-9a43-5b2f3c9e0a11")
_GENDER = {"1": "male", "2": "female", "9": "other", "X": "unknown"}
_STATUS = {"Attended": "fulfilled", "DNA": "noshow"}
_MODE = {"Face-to-Face": "Face to face", "Telephone": "Telephone", "Video Conference/Online": "Video conference",
         "Home Visit": "Home visit"}


def _urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_NS, '|'.join(map(str, parts)))}"


def _patient(r: dict, practice_urn: str, practice: str) -> dict:
    ids = [{"system": _LOCAL, "value": r["Patient_ID"]}]
    if r["NHS_Number"]:
        ids.insert(0, {"system": NHS_NUMBER_SYSTEM, "value": r["NHS_Number"], "extension": [{
            "url": _VERIFY, "valueCodeableConcept": {"coding": [{
                "system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland",
                "code": "01" if r["_nhs_ok"] else "02",
                "display": "Number present and verified" if r["_nhs_ok"] else "Number present but not traced"}]}}]})
    res = {"resourceType": "Patient", "identifier": ids,
           "name": [{"family": r["Person_Family_Name"], "given": [r["Person_Given_Name"]]}],
           "generalPractitioner": [{"reference": practice_urn, "identifier": {"system": _ODS, "value": practice}}]}
    if r["Person_Birth_Date"]:
        res["birthDate"] = r["Person_Birth_Date"]
    if r["Person_Stated_Gender_Code"] in _GENDER:
        res["gender"] = _GENDER[r["Person_Stated_Gender_Code"]]
    if r["Postcode_Usual_Address"]:
        res["address"] = [{"line": [r["Address_Line_1"]] if r["Address_Line_1"] else [],
                           "postalCode": r["Postcode_Usual_Address"]}]
    return res


def _bundle(practice: str, rows: pl.DataFrame, month: str) -> dict:
    org_urn = _urn("Organization", practice)
    entries = [{"fullUrl": org_urn, "resource": {"resourceType": "Organization", "identifier": [
        {"system": _ODS, "value": practice}], "name": f"GP practice {practice}"}}]
    staff = {}
    for role in sorted(rows["HCP_TYPE"].unique().to_list()):
        u = staff[role] = _urn("Practitioner", practice, role)
        display = "General practitioner" if role == "GP" else role
        entries.append({"fullUrl": u, "resource": {"resourceType": "Practitioner",
                                                   "name": [{"text": f"{display} ({practice})"}]}})
    patients = {}
    for r in rows.unique("Patient_ID", keep="first", maintain_order=True).iter_rows(named=True):
        u = patients[r["Patient_ID"]] = _urn("Patient", r["Patient_ID"])
        entries.append({"fullUrl": u, "resource": _patient(r, org_urn, practice)})
    for r in rows.iter_rows(named=True):
        start = f"{r['Appointment_Date']}T09:00:00+00:00"
        appt = {"resourceType": "Appointment", "identifier": [{"system": "https://fhir.nhs.uk/Id/gp-appointment",
                                                                "value": r["Appointment_ID"]}],
                "status": _STATUS.get(r["APPT_STATUS"], "booked" if r["APPT_STATUS"] == "Unknown" else "cancelled"),
                "start": start, "end": f"{r['Appointment_Date']}T09:10:00+00:00",
                "participant": [
                    {"actor": {"reference": patients[r["Patient_ID"]], "type": "Patient"}, "status": "accepted"},
                    {"actor": {"reference": staff[r["HCP_TYPE"]], "type": "Practitioner",
                               "display": "General practitioner" if r["HCP_TYPE"] == "GP" else r["HCP_TYPE"]},
                     "status": "accepted"},
                    {"actor": {"reference": org_urn, "type": "Organization",
                               "identifier": {"system": _ODS, "value": practice}}, "status": "accepted"}]}
        mode = _MODE.get(r["APPT_MODE"])
        if mode:
            appt["serviceType"] = [{"text": mode}]
        entries.append({"fullUrl": _urn("Appointment", r["Appointment_ID"]), "resource": appt})
    return {"resourceType": "Bundle", "id": str(uuid.uuid5(_NS, f"bundle|{practice}|{month}")), "type": "collection",
            "timestamp": f"{month}-01T00:00:00+00:00", "entry": entries}


def references_resolve(bundle: dict) -> list[str]:
    """Every reference in a Bundle that names no entry's fullUrl (empty when all resolve)."""
    full = {e["fullUrl"] for e in bundle["entry"]}
    out = []

    def walk(x: object) -> None:
        if isinstance(x, dict):
            ref = x.get("reference")
            if isinstance(ref, str) and ref not in full:
                out.append(ref)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for e in bundle["entry"]:
        walk(e["resource"])
    return out


def write_gp_bundles(copy: pl.DataFrame, folder: Path, period_end: date) -> dict:
    """Write one Bundle per practice for the period's last month; what was written."""
    folder.mkdir(parents=True, exist_ok=True)
    month = f"{period_end.year}-{period_end.month:02d}"
    rows = copy.filter(pl.col("Appointment_Date").str.starts_with(month)).sort("Practice_Code", "Appointment_ID")
    rows = rows.with_columns(_nhs_ok=pl.Series(nhs_number_valid(rows["NHS_Number"].fill_null("").to_numpy())))
    files = []
    for (practice,), part in rows.group_by("Practice_Code", maintain_order=True):
        name = f"gp_appointments_{practice}_{month}.json"
        bundle = _bundle(practice, part, month)
        for e in bundle["entry"]:  # the resource's id is its fullUrl's uuid
            e["resource"] = {"resourceType": e["resource"]["resourceType"], "id": e["fullUrl"][9:],
                             **{k: v for k, v in e["resource"].items() if k != "resourceType"}}
        (folder / name).write_text(json.dumps(bundle, separators=(",", ":")))
        files.append({"file": name, "appointments": part.height, "patients": part["Patient_ID"].n_unique()})
    return {"month": month, "files": files}
