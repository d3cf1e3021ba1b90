"""Each real-format sample (SSDA903, CIN census, ASC CLD, school census, FHIR R4) loads and maps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.store_con import connect

DATA = ROOT / "tests" / "data"
SAMPLES = sorted(p for p in DATA.rglob("*") if p.suffix in (".csv", ".json", ".ndjson"))
EXPECTED_SOURCE = {
    "ssda903/header.csv": "csc.ssda903_header", "ssda903/episodes.csv": "csc.ssda903_episodes",
    "ssda903/reviews.csv": "csc.ssda903_reviews", "ssda903/uasc.csv": "csc.ssda903_uasc",
    "ssda903/oc2.csv": "csc.ssda903_oc2", "ssda903/oc3.csv": "csc.ssda903_oc3",
    "cin/child_identifiers.csv": "csc.cin_children", "cin/cin_details.csv": "csc.cin_episodes",
    "cin/assessments.csv": "csc.cin_assessments", "cin/section47.csv": "csc.section47",
    "cin/child_protection_plans.csv": "csc.cp_plans", "asc_cld.csv": "asc.client_level_data",
    "school_census.csv": "education.school_census",
}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(DATA)))
def test_each_sample_loads(path: Path, tmp_path, run_cli):
    code, out, err = run_cli("ingest", str(path), "--db", str(tmp_path / "s.duckdb"), "--json")
    assert code == 0, err
    f = json.loads(out)["files"][0]
    rel = str(path.relative_to(DATA))
    if rel in EXPECTED_SOURCE:
        assert f["source"] == EXPECTED_SOURCE[rel]
        assert f["rows_quarantined"] == 0
    assert f["rows_loaded"] > 0
    assert f["rows_loaded"] + f["rows_quarantined"] == f["rows_read"]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    from joinedup.cli import main
    db = tmp_path_factory.mktemp("samples") / "s.duckdb"
    with pytest.MonkeyPatch.context() as mp:  # the key set for this store only, never leaked to later tests
        mp.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
        try:
            main(["ingest", str(DATA), "--db", str(db)])
        except SystemExit as e:
            assert not e.code
    con = connect(str(db), read_only=True)
    yield con
    con.close()


def q(con, sql):
    return con.execute(sql).fetchall()


def test_ssda903_episodes_map_with_placement_group(sample_store):
    rows = q(sample_store, "SELECT placement_type, placement_provider, placement_group, home_postcode_district "
                           "FROM cla_episode ORDER BY start_date")
    assert ("U4", "PR1", "in_house_fostering", "DY1") in rows
    assert ("U6", "PR4", "independent_fostering", "DY1") in rows
    assert ("K2", "PR4", "residential", "DY5") in rows
    assert ("U1", "PR1", "kinship_fostering", "B62") in rows


def test_uasc_and_header_and_outcomes(sample_store):
    assert q(sample_store, "SELECT count(*) FROM cla_child WHERE uasc")[0][0] == 1
    assert q(sample_store, "SELECT count(*) FROM cla_child WHERE is_mother")[0][0] == 1
    assert q(sample_store, "SELECT in_eet, accommodation_suitable FROM care_leaver ORDER BY in_eet") == \
        [(False, False), (True, True)]


def test_csc_sources_share_the_local_id_space(sample_store):
    # the CIN census and SSDA903 of one case system: same child, same local_id_pseudo
    rows = q(sample_store, "SELECT local_id_pseudo, count(DISTINCT source) FROM person_record "
                           "WHERE system = 'csc' GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
    assert rows[0][1] >= 5


def test_asc_carer_states_relation_to_cared_for(sample_store):
    rows = q(sample_store, """SELECT r.relation, p.record_id IS NOT NULL FROM stated_relation r
        LEFT JOIN person_record p ON p.local_id_pseudo = r.related_local_id_pseudo AND p.source = 'asc.client_level_data'
        WHERE r.source = 'asc.client_level_data'""")
    assert rows == [("carer", True)]


def test_bad_nhs_number_kept_unverified_and_quarantined_as_value(sample_store):
    rows = q(sample_store, "SELECT row_rejected, value FROM quarantine WHERE field = 'NHS_Number' "
                           "AND path LIKE '%asc_cld.csv'")
    assert len(rows) == 1 and rows[0][0] is False and rows[0][1] != "9074833781"
    assert q(sample_store, "SELECT count(*) FROM person_record WHERE source = 'asc.client_level_data' "
                           "AND nhs_number_pseudo IS NOT NULL AND NOT nhs_number_verified")[0][0] == 1


def test_fhir_maps_to_encounters_appointments_and_asc(sample_store):
    kinds = q(sample_store, "SELECT kind, source, ed_disposal, discharge_destination, primary_diagnosis "
                            "FROM encounter WHERE source LIKE 'fhir.%' ORDER BY kind")
    assert ("ed_attendance", "fhir.ed_attendances", "admitted", "306706006", None) in kinds
    assert ("inpatient_spell", "fhir.inpatient_spells", None, "19", "S720") in kinds
    appts = q(sample_store, "SELECT mode, status FROM appointment WHERE source = 'fhir.appointments'")
    assert ("face_to_face", "attended") in appts
    asc = q(sample_store, "SELECT service_type FROM asc_event WHERE source = 'fhir.episodes_of_care'")
    assert ("Short Term Support: ST-Max",) in asc
    # the patient's id space is the identifier's system; verified NHS number from the extension
    pr = q(sample_store, "SELECT DISTINCT system, nhs_number_verified, lsoa21 IS NOT NULL FROM person_record "
                         "WHERE source = 'fhir.patients'")
    assert ("https://dudleygroup.nhs.uk/Id/mrn", True, True) in pr


def test_fhir_resources_not_held_are_quarantined_with_reasons(sample_store):
    reasons = {r[0] for r in q(sample_store, "SELECT reason FROM quarantine WHERE field = 'resourceType'")}
    assert any("Observation" in r for r in reasons)
    assert not any("EpisodeOfCare" in r for r in reasons)


def test_fhir_community_episode_of_care_is_stored_with_its_patient(sample_store):
    # eoc-2 of bundle.json: "Community nursing" for Patient/pat-2, open since 1 July 2024
    rows = q(sample_store, "SELECT e.kind, e.start_ts, e.end_ts, p.source, p.birth_year IS NOT NULL "
                           "FROM encounter e JOIN person_record p USING (record_id) "
                           "WHERE e.source = 'fhir.community_episodes'")
    assert len(rows) == 1
    kind, start, end, psource, born = rows[0]
    assert (kind, str(start)[:10], end, psource, born) == (
        "community_episode", "2024-07-01", None, "fhir.community_episodes", True)
    assert q(sample_store, "SELECT count(*) FROM quarantine WHERE source = 'fhir.community_episodes'")[0][0] == 0
