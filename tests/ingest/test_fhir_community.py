"""Community EpisodeOfCare (FHIR R4): stored as a community episode, its Patient and Organization references resolved."""

from __future__ import annotations

import json

import duckdb

from joinedup.ingest.fhir import NHS_NUMBER_SYSTEM, ODS_SYSTEM
from joinedup.ingest.loader import ingest

_PAT, _ORG, _EOC, _GONE = ("urn:uuid:0b6b2b4e-3f5c-4f11-9a55-0c1d6f1e0001", "urn:uuid:0b6b2b4e-3f5c-4f11-9a55-0c1d6f1e0002",
                           "urn:uuid:0b6b2b4e-3f5c-4f11-9a55-0c1d6f1e0003", "urn:uuid:0b6b2b4e-3f5c-4f11-9a55-0c1d6f1e0009")


def _bundle(patient_ref: str) -> dict:
    def uid(u: str) -> str:
        return u.rsplit(":", 1)[1]
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": _ORG, "resource": {"resourceType": "Organization", "id": uid(_ORG), "name": "Community trust",
                                       "identifier": [{"system": ODS_SYSTEM, "value": "RYK"}]}},
        {"fullUrl": _PAT, "resource": {
            "resourceType": "Patient", "id": uid(_PAT),
            "identifier": [{"system": NHS_NUMBER_SYSTEM, "value": "9434765919"},
                           {"system": "https://trust.example/Id/mrn", "value": "MRN-77"}],
            "name": [{"family": "Okafor", "given": ["Ada"]}], "gender": "female", "birthDate": "1941-02-03",
            "address": [{"postalCode": "DY1 1AA"}]}},
        {"fullUrl": _EOC, "resource": {
            "resourceType": "EpisodeOfCare", "id": uid(_EOC), "status": "finished",
            "identifier": [{"system": "https://trust.example/Id/episode", "value": "CN-1"}],
            "type": [{"coding": [{"system": "http://snomed.info/sct", "code": "310123005",
                                  "display": "District nursing service"}]}],
            "patient": {"reference": patient_ref, "type": "Patient"},
            "managingOrganization": {"reference": _ORG, "type": "Organization"},
            "period": {"start": "2024-09-02", "end": "2024-10-14"}}}]}


def test_community_episode_stored_with_references_resolved(tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    (tmp_path / "community.json").write_text(json.dumps(_bundle(_PAT)))
    db = tmp_path / "s.duckdb"
    result = ingest([tmp_path / "community.json"], db)
    # the Organization is read for the reference only (a type the store does not hold), the rest is loaded
    assert (result.files[0].rows_loaded, result.files[0].rows_quarantined) == (2, 1)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT e.kind, e.provider_code, CAST(e.start_ts AS DATE), CAST(e.end_ts AS DATE), e.los_days, "
                       "p.system, p.nhs_number_pseudo IS NOT NULL, p.birth_year FROM encounter e "
                       "JOIN person_record p USING (record_id) WHERE e.source = 'fhir.community_episodes'").fetchall()
    assert [tuple(map(str, r)) for r in rows] == [(
        "community_episode", "RYK", "2024-09-02", "2024-10-14", "42", "https://trust.example/Id/mrn", "True", "1941")]


def test_community_episode_with_a_dangling_patient_is_quarantined(tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    (tmp_path / "community.json").write_text(json.dumps(_bundle(_GONE)))
    db = tmp_path / "s.duckdb"
    ingest([tmp_path / "community.json"], db)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM encounter").fetchone()[0] == 0
    reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine WHERE source = 'fhir.community_episodes'")
               .fetchall()]
    assert reasons and all("does not resolve to a Patient" in r for r in reasons)
