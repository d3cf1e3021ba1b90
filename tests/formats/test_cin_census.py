"""CIN census XML: the DfE's own validator on the synthetic returns, and ingest of the XML."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import duckdb

from joinedup.ingest.loader import ingest


def test_each_year_is_a_cin_census_message_with_plans_reviews_and_factors(place):
    files = sorted((place / "returns" / "cin_census").glob("*.xml"))
    assert [f.name for f in files] == ["cin_2022-23.xml", "cin_2023-24.xml", "cin_2024-25.xml"]
    root = ET.parse(files[-1]).getroot()
    assert root.findtext("Header/CollectionDetails/Collection") == "CIN"
    assert root.findtext("Header/CollectionDetails/Year") == "2025"
    assert {c.findtext("ChildIdentifiers/Sex") for c in root.iter("Child")} <= {"M", "F", "U"}
    assert root.find(".//CINPlanDates/CINPlanStartDate") is not None
    assert root.find(".//ChildProtectionPlans/Reviews/CPPreviewDate") is not None
    done = [a for a in root.iter("Assessments") if a.findtext("AssessmentAuthorisationDate")]
    assert done and all(a.find("FactorsIdentifiedAtAssessment/AssessmentFactors") is not None for a in done)
    old = ET.parse(files[0]).getroot()
    assert {c.findtext("ChildIdentifiers/GenderCurrent") for c in old.iter("Child")} <= {"0", "1", "2", "9"}


def test_official_cin_validator_errors_are_all_explained(checked):
    results = [r for r in checked if r.form == "cin_census"]
    assert [r.year for r in results] == ["2022-23", "2023-24", "2024-25"]
    for r in results:
        assert not r.problems, r.problems
        assert r.official is not None and r.official.refused is None
        assert len(r.official.rules_run) >= 100
        assert not r.untraced, (r.year, dict(r.untraced))  # every error flag is a listed deliberate defect
        assert "8897Q" not in r.queries and "4180" not in r.untraced  # factors and Sex, as the issue found them


def test_ingest_reads_the_cin_xml_years(place, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    db = tmp_path / "c.duckdb"
    res = ingest([place / "returns" / "cin_census"], db)
    assert res.files[0].rows_quarantined == 0 and res.files[0].rows_loaded > 0
    con = duckdb.connect(str(db), read_only=True)
    n, distinct = con.execute("SELECT count(*), count(DISTINCT (record_id, referral_date)) FROM csc_referral").fetchone()
    assert n == distinct > 0
    assert con.execute("SELECT count(*) FROM csc_cp_plan").fetchone()[0] > 0
    sexes = {r[0] for r in con.execute("SELECT DISTINCT sex FROM person_record").fetchall()}
    assert sexes <= {"M", "F", "U", None} and "M" in sexes
    con.close()
