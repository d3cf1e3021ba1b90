"""Calibration: each estimate is one query over a canonical table; defaults stand when data cannot say."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import yaml

from joinedup.model.calibrate import ESTIMATES, MIN_RECORDS, calibrate, write_params
from joinedup.store.schema import TABLES
from tests.store_con import connect


def _create(con, names: set[str]) -> None:
    for t in TABLES:
        if t.name in names:
            cols = ", ".join(f'"{c.name}" {c.type}' for c in t.all_columns)
            con.execute(f"CREATE TABLE {t.name} ({cols})")


def _insert(con, table: str, rows: list[dict]) -> None:
    import pyarrow as pa
    con.register("frame", pa.Table.from_pylist(rows))
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("calibrate") / "store.duckdb"
    con = connect(str(path))
    _create(con, {"encounter", "appointment", "foster_household", "workforce", "population", "csc_referral", "cla_episode"})
    start = datetime(2024, 1, 1)
    # 700 ED attendances over 10 weeks = 70 a week; 200 emergency spells (share 200/700)
    ed = [{"encounter_id": f"e{i}", "kind": "ed_attendance", "start_ts": start + timedelta(hours=i * 2.4)} for i in range(700)]
    spells = [{"encounter_id": f"s{i}", "kind": "inpatient_spell", "is_emergency": True,
               "start_ts": start + timedelta(days=i % 70), "los_days": 9, "delayed_days": 2,
               "discharge_pathway": [0, 0, 0, 1, 2][i % 5]} for i in range(200)]
    _insert(con, "encounter", ed)
    _insert(con, "encounter", spells)
    modes = ["face_to_face"] * 6 + ["telephone"] * 3 + ["video"]
    _insert(con, "appointment", [{"appointment_id": f"a{i}", "sector": "general_practice", "appt_date": date(2024, 1, 1) + timedelta(days=i % 28),
                                  "mode": modes[i % 10], "status": "attended"} for i in range(400)])
    # 40 council households a year ago, 4 left in the year; 3 places each
    _insert(con, "foster_household", [{"household_ref": f"h{i}", "agency_sector": "LA", "approval_date": date(2020, 1, 1),
                                       "places": 3, "deregistration_date": date(2024, 6, 1) if i < 4 else None}
                                      for i in range(40)] + [{"household_ref": "late", "agency_sector": "LA",
                                                               "approval_date": date(2024, 12, 31), "places": 3,
                                                               "deregistration_date": None}])
    # 50 care workers in post a year before, 10 of whom left in the year
    _insert(con, "workforce", [{"record_id": f"w{i}", "sector": "adult_social_care", "role": "care_worker",
                                "start_date": date(2020, 1, 1), "end_date": date(2024, 3, 1) if i < 10 else None,
                                "is_agency": False} for i in range(50)]
            + [{"record_id": "new", "sector": "adult_social_care", "role": "care_worker",
                "start_date": date(2024, 12, 31), "end_date": None, "is_agency": False}])
    _insert(con, "population", [{"mid_year": 2024, "lsoa21": "E01", "sex": "F", "age": a, "population": 1000} for a in range(0, 30)])
    # 365 referrals over one year for 18,000 children
    _insert(con, "csc_referral", [{"record_id": f"r{i}", "referral_date": date(2024, 1, 1) + timedelta(days=i)} for i in range(366)])
    con.close()
    return path


def _by_param(rows):
    return {r.param: r for r in rows}


def test_estimates_from_data(store):
    got = _by_param(calibrate(store))
    assert got["discharge.ed_attendances"].value == pytest.approx(700 / 10, rel=0.01)
    assert got["discharge.admission_share"].value == pytest.approx(200 / 700)
    assert got["discharge.acute_los"].value == pytest.approx(7 / 7)
    assert got["discharge.share_p0"].value == pytest.approx(0.6)
    assert got["discharge.share_p2"].value == pytest.approx(0.2)
    assert got["discharge.share_p1_reablement"].value == pytest.approx(0.2 * 10 / 17)
    assert got["travel.gp_face_to_face"].value == pytest.approx(0.6)
    assert got["travel.gp_video"].value == pytest.approx(0.1)
    assert got["travel.gp_appointments"].value == pytest.approx(100)
    assert got["children.deregistration_rate"].value == pytest.approx(4 / 40)
    assert got["children.foster_households_start"].value == 37
    assert got["children.places_per_household"].value == pytest.approx(3)
    assert got["workforce.care_worker_turnover"].value == pytest.approx(10 / 50)
    assert got["children.referral_rate"].value == pytest.approx(366 / (366 / 365.25) / 18000, rel=1e-5)
    for p in ("discharge.ed_attendances", "workforce.care_worker_turnover", "children.referral_rate"):
        assert got[p].source == "data"


def test_counts_scale_with_the_store_population(store):
    from joinedup.model.calibrate import REFERENCE_POPULATION
    got = _by_param(calibrate(store))
    ratio = 30_000 / REFERENCE_POPULATION
    assert got["discharge.general_acute_beds"].source == "scaled"
    assert got["discharge.general_acute_beds"].value == pytest.approx(850 * ratio, rel=1e-3)
    assert got["children.under18_population"].value == 18_000
    assert got["workforce.social_worker_posts"].value == pytest.approx(235 * 18_000 / 70_500, rel=1e-3)
    assert "discharge.ed_attendances" in got and got["discharge.ed_attendances"].source == "data"


def test_defaults_when_tables_are_absent_or_empty(store):
    got = _by_param(calibrate(store))
    assert got["discharge.reablement_length"].source == "default"
    assert "no table asc_event" in got["discharge.reablement_length"].note
    assert got["children.foster_share"].source == "default"          # cla_episode exists but is empty
    assert got["workforce.social_worker_turnover"].source == "default"
    assert got["travel.outpatient_appointments"].source == "scaled"


def test_small_numbers_are_not_used(tmp_path):
    path = tmp_path / "small.duckdb"
    con = connect(str(path))
    _create(con, {"foster_household"})
    _insert(con, "foster_household", [{"household_ref": f"h{i}", "agency_sector": "LA", "approval_date": date(2020, 1, 1),
                                       "places": 2, "deregistration_date": None} for i in range(MIN_RECORDS - 1)])
    con.close()
    got = _by_param(calibrate(path))
    assert got["children.foster_households_start"].source == "default"
    assert "fewer than" in got["children.foster_households_start"].note


def test_every_estimate_reads_a_canonical_table_into_a_real_parameter():
    from joinedup.model.catalogue import flat_model
    names = {t.name for t in TABLES}
    assert {e.table for e in ESTIMATES} <= names
    flat = flat_model("system")
    assert {e.param.replace(".", "__") for e in ESTIMATES} <= set(flat.params)


def test_params_file_round_trip(store, tmp_path, run_cli):
    out = tmp_path / "params.yaml"
    code, text, err = run_cli("model", "calibrate", "--db", str(store), "--out", str(out))
    assert code == 0 and "default" in text and "data" in text
    doc = yaml.safe_load(out.read_text())
    assert doc["parameters"]["discharge.admission_share"]["from"] == "data"
    code, _, _ = run_cli("simulate", "winter-bed-cut", "--runs", "5", "--years", "1", "--params", str(out), "--json")
    assert code == 0


def test_write_params(store, tmp_path):
    rows = calibrate(store)
    p = write_params(rows, tmp_path / "p.yaml", store)
    assert len(yaml.safe_load(p.read_text())["parameters"]) == len(rows) > len(ESTIMATES)
    assert len({r.param for r in rows}) == len(rows)
