"""Segments: each person in one segment, highest need first; families by shared need; counts suppressed."""

from __future__ import annotations

import json

import pytest
import yaml

from joinedup.errors import UserError
from joinedup.measures.engine import StoreEngine
from joinedup.measures.periods import financial_year
from joinedup.segments.assign import family_select, segment_select
from joinedup.segments.counts import segment_counts
from joinedup.segments.spec import load_group, load_groups
from tests.measures.conftest import Spec
from tests.measures.spec_store import save

FY = financial_year(2024)


@pytest.fixture
def spec(request) -> Spec:
    s = Spec("duckdb", request)
    s.persons("""
person_id | birth_year | birth_month | sex | date_of_death
CL | 2012 | 1 | F |
CP | 2013 | 1 | M |
CN | 2014 | 1 | F |
EH | 2015 | 1 | M |
UN | 2016 | 1 | F |
LV | 2004 | 1 | M |
EOL | 1940 | 1 | F | 2024-10-01
FR | 1940 | 1 | M |
CX | 1980 | 1 | F |
MA | 1995 | 1 | F |
LT | 1970 | 1 | M |
AC | 1985 | 1 | M |
HE | 1990 | 1 | F |
OLD | 1930 | 1 | F | 2023-01-01
""")
    s.add("cla_episode", "record_id | start_date | rne\nCL | 2024-02-01 | S")
    s.add("csc_cp_plan", "record_id | start_date\nCP | 2024-06-01")
    s.add("csc_referral", "record_id | referral_date | referral_nfa\nCN | 2024-06-01 | false\nCP | 2024-05-01 | false\nEH | 2024-07-01 | true")
    s.add("care_leaver", "record_id | collection_year\nLV | 2024-25")
    s.add("asc_event", """
event_id | record_id | client_type | event_type | start_date | service_type
A1 | FR | service_user | service | 2024-01-01 | Long Term Support: Community
A2 | CX | service_user | service | 2024-01-01 | Long Term Support: Community
""")
    s.add("encounter", """
encounter_id | record_id | kind | start_ts | is_emergency | primary_diagnosis
M1 | MA | inpatient_spell | 2024-08-01 00:00:00 | false | O80
E1 | AC | ed_attendance | 2024-09-01 10:00:00 | |
E2 | EOL | ed_attendance | 2024-09-01 10:00:00 | |
""")
    rows = ["appointment_id | record_id | sector | appt_date | status"]
    rows += [f"G{i} | LT | general_practice | 2024-{i + 4:02d}-10 | attended" for i in range(6)]
    s.add("appointment", "\n".join(rows))
    s.add("family_member", "family_id | person_id | role\nF1 | CN | child\nF1 | CX | parent\nF2 | EH | child\nF2 | AC | parent")
    s.add("family", "family_id | kind | first_seen | last_seen\nF1 | parent_child | 2020-01-01 | 2025-03-31\nF2 | household | 2020-01-01 | 2025-03-31\nF3 | household | 2026-01-01 |")
    return s


def test_each_person_lands_in_the_highest_segment_their_records_show(spec):
    engine = StoreEngine(spec.con)
    got = {r["person_id"]: r["segment"] for r in engine.query(segment_select(FY))}
    assert got == {
        "CL": "child_looked_after", "CP": "child_protection", "CN": "child_in_need", "EH": "child_early_help",
        "UN": "child_universal", "LV": "care_leaver", "EOL": "adult_end_of_life", "FR": "adult_frailty",
        "CX": "adult_complex_needs", "MA": "adult_maternal", "LT": "adult_long_term_condition",
        "AC": "adult_acute_episode", "HE": "adult_healthy"}  # OLD died before the period: not counted


def test_families_by_shared_need(spec):
    engine = StoreEngine(spec.con)
    got = {r["family_id"]: r["segment"] for r in engine.query(family_select(FY))}
    assert got == {"F1": "family_child_and_adult_need", "F2": "family_universal"}


def test_counts_are_suppressed_and_never_zero_for_small(spec):
    counts = segment_counts(StoreEngine(spec.con), FY)
    children = {c.segment: c for c in counts if c.group == "children"}
    assert all(c.count is None or c.count == 0 or c.count > 7 for c in counts)
    assert children["child_looked_after"].suppressed and children["child_looked_after"].count is None
    assert children["all"].suppressed  # 6 children and young people: small enough to hide too
    raw = {c.segment: c.count for c in segment_counts(StoreEngine(spec.con), FY, threshold=0)}
    assert raw["child_looked_after"] == 1 and raw["adult_healthy"] == 1 and raw["family_universal"] == 1


def test_segments_cli_json(run_cli, spec, tmp_path):
    path = tmp_path / "store.duckdb"
    save(spec, path)
    code, out, err = run_cli("segments", "--db", str(path), "--period", "2024-25", "--json", "--suppress-below", "0")
    rows = json.loads(out)
    assert code == 0, err
    assert {"group", "unit", "segment", "title", "period", "count", "suppressed"} == set(rows[0])
    assert {r["segment"]: r["count"] for r in rows if r["group"] == "adults"}["adult_frailty"] == 1
    code, out, _ = run_cli("segments", "--db", str(path), "--period", "2024-25")
    assert code == 0 and "suppressed" in out


def test_every_measure_can_run_by_segment():
    from joinedup.measures.spec import load_library
    assert all("segment" in m.breakdowns for m in load_library())


def test_shipped_groups_load_with_unique_ids():
    groups = load_groups()
    assert [g.group for g in groups] == ["children", "adults", "families"]
    assert len({s.id for g in groups for s in g.segments}) == sum(len(g.segments) for g in groups)


def test_a_bad_condition_names_file_group_and_segment(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"group": "g", "unit": "person", "title": "t", "description": "d", "applies": "TRUE",
                                    "segments": [{"id": "seg_one", "title": "t", "description": "d", "where": "shoe_size > 3"}]}))
    with pytest.raises(UserError) as e:
        load_group(path)
    assert "bad.yaml" in str(e.value) and "segments.seg_one.where" in str(e.value) and "shoe_size" in str(e.value)


def test_services_per_segment_count_the_people_each_sector_knows(spec):
    from joinedup.segments.services import segment_services
    spec.con.execute("UPDATE person SET sectors = 'csc,education' WHERE person_id IN ('CL', 'CP')")
    spec.con.execute("UPDATE person SET sectors = 'asc,nhs' WHERE person_id = 'FR'")
    spec.con.execute("UPDATE person SET sectors = 'nhs' WHERE person_id IN ('MA', 'AC', 'HE')")
    got = {(s.segment, s.sector): (s.people, s.of) for s in segment_services(StoreEngine(spec.con), FY, threshold=0)}
    assert got[("child_looked_after", "csc")] == (1, 1) and got[("child_looked_after", "education")] == (1, 1)
    assert got[("child_looked_after", "nhs")] == (0, 1)
    assert got[("adult_frailty", "asc")] == (1, 1) and got[("adult_frailty", "csc")] == (0, 1)
    assert got[("adult_healthy", "nhs")] == (1, 1)
    # 'asc' is matched as a whole name in the list, never inside another sector's name.
    assert got[("adult_maternal", "asc")] == (0, 1)


def test_services_per_segment_are_suppressed_when_small(spec):
    from joinedup.segments.services import segment_services
    spec.con.execute("UPDATE person SET sectors = 'nhs'")
    rows = segment_services(StoreEngine(spec.con), FY)
    assert all(r.suppressed and r.people is None for r in rows if r.sector == "nhs")
