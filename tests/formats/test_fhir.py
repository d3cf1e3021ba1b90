"""GP appointments as FHIR R4 Bundles: valid resources (fhir.resources), references that resolve, and ingest of them."""

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
