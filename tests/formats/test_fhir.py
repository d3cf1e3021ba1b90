"""GP appointments and community health episodes as FHIR R4 Bundles: valid resources (fhir.resources),
references that resolve, and ingest of them."""

from __future__ import annotations

import json

import duckdb
import polars as pl
from fhir.resources.R4B.bundle import Bundle

from joinedup.ingest.loader import ingest
from joinedup.synth.returns.fhir import references_resolve


def _bundles(place):
    return sorted((place / "returns" / "fhir").glob("gp_appointments_*.json"))


def test_bundles_validate_and_every_reference_resolves(place):
    files = _bundles(place)
    assert files and all(f.name.endswith("_2025-03.json") for f in files)
    kinds = set()
    for f in files:
        doc = json.loads(f.read_text())
        Bundle.model_validate(doc)  # raises on any invalid resource
        assert references_resolve(doc) == [], f.name
        urls = [e["fullUrl"] for e in doc["entry"]]
        assert all(u.startswith("urn:uuid:") for u in urls) and len(set(urls)) == len(urls)
        kinds |= {e["resource"]["resourceType"] for e in doc["entry"]}
    assert kinds == {"Organization", "Practitioner", "Patient", "Appointment"}


def test_ingest_reads_every_appointment_of_the_month(place, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    copy = pl.read_csv(place / "nhs" / "gp_appointments.csv", infer_schema=False)
    month = copy.filter(pl.col("Appointment_Date").str.starts_with("2025-03"))
    db = tmp_path / "fhir.duckdb"
    ingest([place / "returns" / "fhir"], db)
    con = duckdb.connect(str(db), read_only=True)
    n, people, practices = con.execute(
        "SELECT count(*), count(record_id), count(provider_code) FROM appointment").fetchone()
    assert n == people == practices == month.height
    attended = con.execute("SELECT count(*) FROM appointment WHERE status = 'attended'").fetchone()[0]
    assert attended == month.filter(pl.col("APPT_STATUS") == "Attended").height
    rejected = con.execute("SELECT DISTINCT reason FROM quarantine WHERE row_rejected").fetchall()
    assert {r[0] for r in rejected} <= {"resource type Organization is not read by joinedup",
                                        "resource type Practitioner is not read by joinedup"}


def _community(place):
    return sorted((place / "returns" / "fhir").glob("community_episodes_*.json"))


def test_community_bundles_hold_episodes_of_care_whose_references_resolve(place):
    from fhir.resources.R4B.episodeofcare import EpisodeOfCare

    files = _community(place)
    assert [f.name for f in files] == ["community_episodes_RNA_2024-25.json"]
    doc = json.loads(files[0].read_text())
    Bundle.model_validate(doc)
    assert references_resolve(doc) == []
    urls = [e["fullUrl"] for e in doc["entry"]]
    assert all(u.startswith("urn:uuid:") for u in urls) and len(set(urls)) == len(urls)
    by_url = {e["fullUrl"]: e["resource"] for e in doc["entry"]}
    eocs = [e["resource"] for e in doc["entry"] if e["resource"]["resourceType"] == "EpisodeOfCare"]
    assert eocs
    for r in eocs:
        EpisodeOfCare.model_validate(r)
        assert by_url[r["patient"]["reference"]]["resourceType"] == "Patient"
        assert by_url[r["managingOrganization"]["reference"]]["resourceType"] == "Organization"
        assert by_url[r["careManager"]["reference"]]["resourceType"] == "Practitioner"
        assert "2024-04-01" <= r["period"]["start"] <= "2025-03-31"
        assert (r["status"] == "finished") == ("end" in r["period"])
        assert r["period"].get("end", "9999") > r["period"]["start"]
    # one episode per referral: each follows a discharge from the place's hospital spells
    spells = pl.read_csv(place / "nhs" / "inpatient_spells.csv", infer_schema=False)
    refs = {r["identifier"][0]["value"].removeprefix("RNA-CE-") for r in eocs}
    assert refs <= set(spells["Hospital_Provider_Spell_Number"].to_list()) and len(refs) == len(eocs)
    teams = {r["type"][0]["text"] for r in eocs}
    assert {"Community rehabilitation (intermediate care at home)", "District nursing"} <= teams


def test_ingest_stores_every_community_episode_of_care(place, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    (f,) = _community(place)
    eocs = [e["resource"] for e in json.loads(f.read_text())["entry"] if e["resource"]["resourceType"] == "EpisodeOfCare"]
    db = tmp_path / "community.duckdb"
    ingest([f], db)
    con = duckdb.connect(str(db), read_only=True)
    n, people, open_, provider = con.execute(
        "SELECT count(*), count(DISTINCT record_id), count(*) FILTER (WHERE end_ts IS NULL), min(provider_code) "
        "FROM encounter WHERE kind = 'community_episode'").fetchone()
    assert n == len(eocs) and provider == "RNA"
    assert people == len({r["patient"]["reference"] for r in eocs})
    assert open_ == sum(1 for r in eocs if "end" not in r["period"])
    flagged = con.execute("SELECT DISTINCT field, row_rejected FROM quarantine "
                          "WHERE source = 'fhir.community_episodes'").fetchall()
    # no episode is rejected; a field flagged is only a deliberately mistyped NHS number carried from the spell
    assert set(flagged) <= {("NHS_Number", False)}
    # each episode's patient is a person record with an NHS number where the Patient has one
    with_nhs = con.execute("SELECT count(*) FROM encounter e JOIN person_record p USING (record_id) "
                           "WHERE e.kind = 'community_episode' AND p.nhs_number_pseudo IS NOT NULL").fetchone()[0]
    assert with_nhs > 0.9 * n


def test_validate_checks_each_bundle_and_names_a_dangling_reference(place, tmp_path):
    from joinedup.validate import validate_path

    results = validate_path(place / "returns" / "fhir", official=False)
    assert results and all(r.form == "fhir_bundle" and not r.problems for r in results)
    doc = json.loads(_bundles(place)[0].read_text())
    appt = next(e for e in doc["entry"] if e["resource"]["resourceType"] == "Appointment")
    appt["resource"]["participant"][0]["actor"]["reference"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    appt["resource"]["start"] = "31/03/2025"  # not a FHIR instant
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    (r,) = validate_path(bad, official=False)
    assert {p.check for p in r.problems} == {"references", "resource"}
    where = next(p for p in r.problems if p.check == "resource")
    assert where.first_row == doc["entry"].index(appt) + 1 and "start" in where.field
