"""GP appointments and community health episodes as FHIR R4 Bundles.

GP appointments: one Bundle per practice for the last month of the period.

A practice system exports a month of its appointment book as a FHIR `collection` Bundle: the
practice (Organization, ODS code), its clinicians by role (Practitioner), each patient once
(Patient with the NHS number and its verification status, name, birth date, gender and postcode,
the practice as general practitioner) and each Appointment (status, start, mode as
serviceType/appointmentType, participants Patient, Practitioner and the practice). Every entry has
a `urn:uuid:` fullUrl and every reference points to an entry of the same Bundle. Made from the
analyst copy (nhs/gp_appointments), one month so that the files stay the size a practice sends.

Community health services: one Bundle per provider for the period's last financial year, the
EpisodeOfCare of each referral to a community team (from referral to discharge), made from the
inpatient spells copy (nhs/inpatient_spells): a discharge home on pathway 1 is referred to the
community rehabilitation (intermediate care) team, one on pathway 2 to community bedded
rehabilitation, and some older people discharged home without support (pathway 0) to district
nursing. Each episode references its Patient, the provider (Organization, ODS code) as managing
organisation and the team's lead as care manager (Practitioner), all entries of the same Bundle.
"""

from __future__ import annotations

import json
import uuid
import zlib
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from joinedup.synth.identifiers import nhs_number_valid

__all__ = ["write_gp_bundles", "write_community_bundles", "NHS_NUMBER_SYSTEM", "references_resolve",
           "COMMUNITY_TEAMS", "DISTRICT_NURSING_SHARE"]

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
        res["address"] = [{**({"line": [r["Address_Line_1"]]} if r["Address_Line_1"] else {}),
                           "postalCode": r["Postcode_Usual_Address"]}]
    return res


def _organisation_entries(code: str, name: str, staff: dict[str, str]) -> tuple[str, dict[str, str], list[dict]]:
    """An Organization entry (by ODS code) and a Practitioner entry per staff key (key -> name text), with urns."""
    org_urn = _urn("Organization", code)
    entries = [{"fullUrl": org_urn, "resource": {"resourceType": "Organization", "identifier": [
        {"system": _ODS, "value": code}], "name": name}}]
    urns = {}
    for key, text in staff.items():
        u = urns[key] = _urn("Practitioner", code, key)
        entries.append({"fullUrl": u, "resource": {"resourceType": "Practitioner", "name": [{"text": text}]}})
    return org_urn, urns, entries


def _collection(bundle_id: str, timestamp: str, entries: list[dict]) -> dict:
    """A Bundle of type collection."""
    return {"resourceType": "Bundle", "id": bundle_id, "type": "collection", "timestamp": timestamp, "entry": entries}


def _bundle(practice: str, rows: pl.DataFrame, month: str) -> dict:
    roles = sorted(rows["HCP_TYPE"].unique().to_list())
    org_urn, staff, entries = _organisation_entries(practice, f"GP practice {practice}", {
        role: f"{'General practitioner' if role == 'GP' else role} ({practice})" for role in roles})
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
    return _collection(str(uuid.uuid5(_NS, f"bundle|{practice}|{month}")), f"{month}-01T00:00:00+00:00", entries)


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
        bundle = _with_ids(_bundle(practice, part, month))  # the resource's id is its fullUrl's uuid
        (folder / name).write_text(json.dumps(bundle, separators=(",", ":")))
        files.append({"file": name, "appointments": part.height, "patients": part["Patient_ID"].n_unique()})
    return {"month": month, "files": files}


#: Community teams: (team, median days from referral to discharge). Assumptions: intermediate care at home
#: lasts up to six weeks (NICE NG74: usually no more than 6 weeks), bedded rehabilitation about three weeks,
#: a district nursing episode after discharge (wound care, medication, catheter care) about two months.
COMMUNITY_TEAMS = {"1": ("Community rehabilitation (intermediate care at home)", 32),
                   "2": ("Community bedded rehabilitation", 21), "0": ("District nursing", 56)}
#: Share of people aged 75 or over discharged home without support (pathway 0) whom the ward refers to
#: district nursing (assumption: about 1 in 6).
DISTRICT_NURSING_SHARE = 0.17
_DIED = "4"  # Discharge_Method: the patient died in hospital


def _community_episodes(spells: pl.DataFrame, y0: date, y1: date, period_end: date, seed: int) -> pl.DataFrame:
    """One row per community episode referred in [y0, y1]: the spell's patient, team, start, end (None if open)."""
    s = spells.filter(pl.col("Discharge_Date").is_not_null() & (pl.col("Discharge_Method").fill_null("") != _DIED)
                      & pl.col("Discharge_Pathway").is_in(list(COMMUNITY_TEAMS)))
    s = s.with_columns(pl.col("Discharge_Date").str.strptime(pl.Date, "%Y-%m-%d", strict=False).alias("_dis"),
                       pl.col("Person_Birth_Date").str.strptime(pl.Date, "%Y-%m-%d", strict=False).alias("_dob"))
    s = s.filter(pl.col("_dis").is_between(y0 - timedelta(days=1), y1 - timedelta(days=1))).sort(
        "Hospital_Provider_Spell_Number")
    rng = np.random.default_rng([seed, zlib.crc32(f"community:{y1}".encode())])
    n = s.height
    u, days = rng.random(n), rng.lognormal(0.0, 0.45, n)
    age = ((s["_dis"] - s["_dob"]).dt.total_days() / 365.25).fill_null(0).to_numpy()
    pathway = s["Discharge_Pathway"].to_numpy().astype(str)
    keep = (pathway != "0") | ((age >= 75) & (u < DISTRICT_NURSING_SHARE))
    median = np.array([COMMUNITY_TEAMS[p][1] for p in pathway])
    length = np.maximum(np.rint(median * days).astype(np.int64), 3)
    t = s.with_columns(pl.Series("_len", length), pl.Series("Team", [COMMUNITY_TEAMS[p][0] for p in pathway]))
    t = t.filter(pl.Series(keep)).with_columns((pl.col("_dis") + pl.duration(days=1)).alias("_start"))
    t = t.with_columns((pl.col("_start") + pl.duration(days=pl.col("_len"))).alias("_end"))
    return t.with_columns(pl.when(pl.col("_end") > period_end).then(None).otherwise(pl.col("_end")).alias("_end"))


def _community_bundle(provider: str, eps: pl.DataFrame, label: str) -> dict:
    org_urn, leads, entries = _organisation_entries(provider, f"Community health services ({provider})", {
        team: f"Team lead, {team} ({provider})" for team in sorted(eps["Team"].unique().to_list())})
    patients = {}
    for r in eps.unique("Local_Patient_Identifier", keep="first", maintain_order=True).iter_rows(named=True):
        u = patients[r["Local_Patient_Identifier"]] = _urn("Patient", provider, r["Local_Patient_Identifier"])
        row = {"Patient_ID": r["Local_Patient_Identifier"], "NHS_Number": r["NHS_Number"], "_nhs_ok": r["_nhs_ok"],
               "Person_Family_Name": r["Person_Family_Name"], "Person_Given_Name": r["Person_Given_Name"],
               "Person_Birth_Date": r["Person_Birth_Date"], "Person_Stated_Gender_Code": r["Person_Stated_Gender_Code"],
               "Postcode_Usual_Address": r["Postcode_Usual_Address"], "Address_Line_1": None}
        res = _patient(row, "", r["GP_Practice_Code"] or "")
        # the registered practice is named by its ODS code (it is no entry of this Bundle)
        res["generalPractitioner"] = ([{"type": "Organization", "identifier": {"system": _ODS,
                                                                                "value": r["GP_Practice_Code"]}}]
                                      if r["GP_Practice_Code"] else [])
        if not res["generalPractitioner"]:
            del res["generalPractitioner"]
        entries.append({"fullUrl": u, "resource": res})
    for r in eps.iter_rows(named=True):
        ref = f"{provider}-CE-{r['Hospital_Provider_Spell_Number']}"
        eoc = {"resourceType": "EpisodeOfCare",
               "identifier": [{"value": ref, "assigner": {"identifier": {"system": _ODS, "value": provider}}}],
               "status": "finished" if r["_end"] is not None else "active",
               "type": [{"text": r["Team"]}],
               "patient": {"reference": patients[r["Local_Patient_Identifier"]], "type": "Patient"},
               "managingOrganization": {"reference": org_urn, "type": "Organization",
                                        "identifier": {"system": _ODS, "value": provider}},
               "period": {"start": r["_start"].isoformat(), **({"end": r["_end"].isoformat()} if r["_end"] else {})},
               "careManager": {"reference": leads[r["Team"]], "type": "Practitioner"}}
        entries.append({"fullUrl": _urn("EpisodeOfCare", ref), "resource": eoc})
    return _collection(str(uuid.uuid5(_NS, f"community|{provider}|{label}")), f"20{label[5:]}-04-01T00:00:00+00:00",
                       entries)


def _with_ids(bundle: dict) -> dict:
    """Each entry's resource with its id, the fullUrl's uuid, first after resourceType."""
    for e in bundle["entry"]:
        e["resource"] = {"resourceType": e["resource"]["resourceType"], "id": e["fullUrl"][9:],
                         **{k: v for k, v in e["resource"].items() if k != "resourceType"}}
    return bundle


def community_year(period_end: date) -> tuple[date, date]:
    """The community Bundles' year: the last financial year (1 April to 31 March) ending in the period."""
    y1 = date(period_end.year, 3, 31)
    y1 = y1 if y1 <= period_end else date(y1.year - 1, 3, 31)
    return date(y1.year - 1, 4, 1), y1


def community_spells(period_end: date) -> pl.Expr:
    """The spells the community Bundles can use (discharged in their year, as `_community_episodes` counts it), for
    reading fewer rows; on ISO dates as text or as dates."""
    y0, y1 = community_year(period_end)
    return pl.col("Discharge_Date").cast(pl.Utf8).is_between(pl.lit(str(y0 - timedelta(days=1))),
                                                             pl.lit(str(y1 - timedelta(days=1))))


def write_community_bundles(spells: pl.DataFrame, folder: Path, period_end: date, seed: int) -> dict:
    """Write one community-services Bundle per provider for the period's last financial year; what was written."""
    folder.mkdir(parents=True, exist_ok=True)
    y0, y1 = community_year(period_end)
    label = f"{y0.year}-{str(y1.year)[2:]}"
    eps = _community_episodes(spells, y0, y1, period_end, seed)
    eps = eps.with_columns(_nhs_ok=pl.Series(nhs_number_valid(eps["NHS_Number"].fill_null("").to_numpy())))
    files = []
    for (provider,), part in eps.group_by("Provider_Code", maintain_order=True):
        name = f"community_episodes_{provider}_{label}.json"
        (folder / name).write_text(json.dumps(_with_ids(_community_bundle(provider, part, label)),
                                              separators=(",", ":")))
        files.append({"file": name, "episodes": part.height, "patients": part["Local_Patient_Identifier"].n_unique(),
                      "open_at_period_end": int(part["_end"].is_null().sum())})
    return {"year": label, "files": files}
