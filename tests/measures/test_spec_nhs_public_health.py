"""Spec tests: NHS and public health measures, hand-made stores and hand-computed answers."""

from __future__ import annotations

from tests.measures.conftest import DEPRIVED

PEOPLE = """
person_id | birth_year | birth_month | sex
P1 | 1944 | 1 | F
P2 | 1944 | 1 | M
P3 | 1944 | 1 | F
P4 | 1974 | 1 | M
P5 | 2014 | 1 | F
"""


def test_ae_4_hours_counts_the_whole_last_day(spec):
    spec.persons(PEOPLE)
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | ed_minutes
A1 | P1 | ed_attendance | 2024-06-01 10:00:00 | 180
A2 | P2 | ed_attendance | 2024-07-01 10:00:00 | 240
A3 | P3 | ed_attendance | 2024-08-01 10:00:00 | 241
A4 | P4 | ed_attendance | 2024-09-01 10:00:00 |
A5 | P5 | ed_attendance | 2025-03-31 23:00:00 | 100
A6 | P5 | ed_attendance | 2024-03-31 10:00:00 | 100
""")
    assert spec.run("ae_4_hour_performance") == {"all": (3, 4, 75.0)}


def test_ae_12_hour_stays_by_quarter(spec):
    spec.persons(PEOPLE)
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | ed_minutes
A1 | P1 | ed_attendance | 2024-04-10 10:00:00 | 800
A2 | P2 | ed_attendance | 2024-06-30 10:00:00 | 100
A3 | P3 | ed_attendance | 2024-07-01 10:00:00 | 100
A4 | P4 | ed_attendance | 2025-01-15 10:00:00 | 721
""")
    assert spec.run("ae_12_hour_stays") == {
        "2024-25 Q1": (1, 2, 50.0), "2024-25 Q2": (0, 1, 0.0), "2024-25 Q3": (0, 0, None), "2024-25 Q4": (1, 1, 100.0)}


def test_emergency_readmission_within_30_days(spec):
    spec.persons(PEOPLE)
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | end_ts | is_emergency | discharge_method
S1 | P1 | inpatient_spell | 2024-04-20 00:00:00 | 2024-05-01 00:00:00 | true | 1
S2 | P1 | inpatient_spell | 2024-05-20 00:00:00 | 2024-05-25 00:00:00 | true | 1
S3 | P2 | inpatient_spell | 2024-05-25 00:00:00 | 2024-06-01 00:00:00 | true | 1
S4 | P2 | inpatient_spell | 2024-06-10 00:00:00 | 2024-06-15 00:00:00 | false | 1
S5 | P3 | inpatient_spell | 2024-06-25 00:00:00 | 2024-07-01 00:00:00 | true | 1
S6 | P3 | inpatient_spell | 2024-07-31 00:00:00 | 2024-08-02 00:00:00 | true | 1
S7 | P4 | inpatient_spell | 2024-08-01 00:00:00 | 2024-08-05 00:00:00 | true | 4
""")
    # S1 readmitted 19 days later; S3's return was elective; S6 came 30 days after S5 (too late); S7 died.
    assert spec.run("nhs_emergency_readmission_30d") == {"all": (1, 6, 16.67)}


def test_delayed_discharge_days_per_100000_adults(spec):
    spec.persons(PEOPLE)
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | end_ts | delayed_days
S1 | P1 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 3
S2 | P2 | inpatient_spell | 2024-06-01 00:00:00 | 2024-06-10 00:00:00 | 5
S3 | P3 | inpatient_spell | 2024-07-01 00:00:00 | 2024-07-10 00:00:00 | 0
S4 | P4 | inpatient_spell | 2024-08-01 00:00:00 | 2024-08-10 00:00:00 |
S5 | P5 | inpatient_spell | 2024-09-01 00:00:00 | 2024-09-10 00:00:00 | 2
S6 | P1 | inpatient_spell | 2024-01-01 00:00:00 | 2024-01-10 00:00:00 | 9
""")
    spec.population(2024, DEPRIVED, {("F", 40): 6000, ("M", 70): 4000, ("F", 10): 3000})
    assert spec.run("nhs_delayed_discharge_days_rate") == {"all": (8, 10000, 80.0)}


def test_length_of_stay_of_emergency_spells(spec):
    spec.persons(PEOPLE)
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | end_ts | is_emergency | los_days
S1 | P1 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-03 00:00:00 | true | 2
S2 | P2 | inpatient_spell | 2024-06-01 00:00:00 | 2024-06-05 00:00:00 | true | 4
S3 | P3 | inpatient_spell | 2024-07-01 00:00:00 | 2024-07-07 00:00:00 | true | 6
S4 | P4 | inpatient_spell | 2024-08-01 00:00:00 | 2024-08-11 00:00:00 | false | 10
S5 | P5 | inpatient_spell | 2024-08-01 00:00:00 | 2024-08-11 00:00:00 | true |
""")
    assert spec.run("nhs_length_of_stay") == {"all": (12, 3, 4.0)}


PATHWAYS = """
encounter_id | record_id | kind | start_ts | end_ts | discharge_pathway | discharge_method
S1 | P1 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-03 00:00:00 | 0 | 1
S2 | P2 | inpatient_spell | 2024-06-01 00:00:00 | 2024-06-05 00:00:00 | 0 | 1
S3 | P3 | inpatient_spell | 2024-07-01 00:00:00 | 2024-07-07 00:00:00 | 1 | 1
S4 | P1 | inpatient_spell | 2024-08-01 00:00:00 | 2024-08-11 00:00:00 | 3 | 1
S5 | P2 | inpatient_spell | 2024-09-01 00:00:00 | 2024-09-11 00:00:00 |  | 1
S6 | P4 | inpatient_spell | 2024-09-01 00:00:00 | 2024-09-11 00:00:00 | 0 | 1
"""


def test_discharges_by_pathway_0(spec):
    spec.persons(PEOPLE)
    spec.add("encounter", PATHWAYS)
    assert spec.run("nhs_discharges_pathway_0") == {"all": (2, 4, 50.0)}


def test_discharges_by_pathway_3(spec):
    spec.persons(PEOPLE)
    spec.add("encounter", PATHWAYS)
    assert spec.run("nhs_discharges_pathway_3") == {"all": (1, 4, 25.0)}


def test_falls_admissions_65_plus(spec):
    spec.persons(PEOPLE)
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | end_ts | is_emergency | external_cause
S1 | P1 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-03 00:00:00 | true | W01
S2 | P2 | inpatient_spell | 2024-06-01 00:00:00 | 2024-06-05 00:00:00 | true | W199
S3 | P3 | inpatient_spell | 2024-07-01 00:00:00 | 2024-07-07 00:00:00 | true | W20
S4 | P1 | inpatient_spell | 2024-08-01 00:00:00 | 2024-08-11 00:00:00 | true | X10
S5 | P4 | inpatient_spell | 2024-08-01 00:00:00 | 2024-08-11 00:00:00 | true | W05
S6 | P2 | inpatient_spell | 2024-08-01 00:00:00 | 2024-08-11 00:00:00 | false | W05
""")
    spec.population(2024, DEPRIVED, {("F", 70): 1500, ("M", 90): 500, ("F", 40): 9000})
    assert spec.run("nhs_falls_admissions_65_plus") == {"all": (2, 2000, 100.0)}


def test_self_harm_admissions(spec):
    spec.persons(PEOPLE)
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | end_ts | is_emergency | external_cause
S1 | P1 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-03 00:00:00 | true | X60
S2 | P2 | inpatient_spell | 2024-06-01 00:00:00 | 2024-06-05 00:00:00 | true | X849
S3 | P3 | inpatient_spell | 2024-07-01 00:00:00 | 2024-07-07 00:00:00 | true | X85
S4 | P4 | inpatient_spell | 2024-07-01 00:00:00 | 2024-07-07 00:00:00 | false | X70
""")
    spec.population(2024, DEPRIVED, {("F", 40): 6000, ("M", 70): 4000})
    assert spec.run("ph_self_harm_admissions") == {"all": (2, 10000, 20.0)}


def test_mortality_under_75(spec):
    spec.persons("""
person_id | birth_year | birth_month | sex
P1 | 1964 | 1 | F
P2 | 1944 | 1 | M
P3 | 1950 | 1 | F
P4 | 1964 | 1 | M
""")
    spec.add("death", """
record_id | date_of_death
P1 | 2024-06-01
P2 | 2024-07-01
P3 | 2024-06-15
P4 | 2024-03-01
""")
    spec.population(2024, DEPRIVED, {("F", 40): 3000, ("M", 60): 2000, ("M", 80): 700})
    assert spec.run("ph_mortality_under_75") == {"all": (2, 5000, 40.0)}
