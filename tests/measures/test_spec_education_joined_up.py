"""Spec tests: education and the joined-up measures that only a linked picture gives."""

from __future__ import annotations

from tests.measures.conftest import DEPRIVED

PUPILS = """
person_id | birth_year | birth_month | sex
P1 | 2014 | 1 | F
P2 | 2013 | 1 | M
P3 | 2012 | 1 | F
P4 | 2011 | 1 | M
"""
ATTENDANCE = """
record_id | academic_year | term | sessions_possible | sessions_authorised | sessions_unauthorised
P1 | 2024/25 | AUT | 100 | 5 | 6
P1 | 2024/25 | SPR | 100 | 0 | 0
P2 | 2024/25 | AUT | 100 | 10 | 10
P3 | 2024/25 | AUT | 100 | 4 | 5
P4 | 2023/24 | AUT | 100 | 50 | 0
"""


def test_persistent_absence_sums_all_terms(spec):
    spec.persons(PUPILS)
    spec.add("school_attendance", ATTENDANCE)
    # P1 missed 11 of 200 sessions (5.5%): not persistent although one term was 11%.
    assert spec.run("edu_persistent_absence") == {"all": (1, 3, 33.33)}


def test_persistent_absence_of_children_in_need(spec):
    spec.persons(PUPILS)
    spec.add("school_attendance", ATTENDANCE)
    spec.add("csc_referral", """
record_id | referral_date | closure_date | referral_nfa
P2 | 2024-01-01 |  | false
P3 | 2024-06-01 | 2024-09-01 | false
P1 | 2024-06-01 | 2024-06-02 | true
""")
    assert spec.run("csc_cin_persistent_absence") == {"all": (1, 2, 50.0)}


def test_suspensions_in_the_academic_year(spec):
    spec.persons(PUPILS)
    spec.add("school_census", """
record_id | census_date
P1 | 2024-10-03
P2 | 2024-10-03
P3 | 2024-10-03
P4 | 2023-10-05
P3 | 2025-01-16
""")
    spec.add("school_exclusion", """
record_id | category | start_date
P1 | SUSP | 2024-11-01
P2 | PERM | 2025-01-01
P3 | SUSP | 2025-09-02
P4 | SUSP | 2025-02-01
""")
    assert spec.run("edu_suspensions") == {"all": (1, 3, 33.33)}


def test_children_in_need_with_a_parent_in_adult_social_care(spec):
    spec.persons("""
person_id | birth_year | birth_month | sex
C1 | 2014 | 1 | F
C2 | 2015 | 1 | M
C3 | 2016 | 1 | F
A1 | 1984 | 1 | F
A2 | 1980 | 1 | M
""")
    spec.add("csc_referral", """
record_id | referral_date | referral_nfa
C1 | 2024-06-01 | false
C2 | 2024-06-01 | false
C3 | 2024-06-01 | false
""")
    spec.add("family_member", """
family_id | person_id | role
F1 | C1 | child
F1 | A1 | parent
F2 | C2 | child
F2 | A2 | parent
""")
    spec.add("asc_event", """
event_id | record_id | client_type | event_type | start_date | end_date | service_type
X1 | A1 | service_user | service | 2024-09-01 |  | Long Term Support: Community
X2 | A2 | service_user | service | 2022-01-01 | 2023-01-01 | Long Term Support: Community
""")
    assert spec.run("ju_cin_parent_asc") == {"all": (1, 3, 33.33)}


def test_people_known_to_three_or_more_services(spec):
    spec.persons("""
person_id | birth_year | birth_month | sex
P1 | 1984 | 1 | F
P2 | 1944 | 1 | M
P3 | 2010 | 1 | F
""")
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts
E1 | P1 | ed_attendance | 2024-05-01 10:00:00
E2 | P2 | ed_attendance | 2024-05-01 10:00:00
E3 | P3 | ed_attendance | 2024-05-01 10:00:00
""")
    spec.add("asc_event", """
event_id | record_id | client_type | event_type | start_date
X1 | P1 | carer | assessment | 2024-06-01
X2 | P2 | service_user | request | 2024-06-01
""")
    spec.add("csc_referral", """
record_id | referral_date
P1 | 2024-07-01
""")
    spec.add("cla_episode", """
record_id | start_date | rne
P3 | 2024-02-01 | S
""")
    spec.add("school_exclusion", """
record_id | category | start_date
P3 | SUSP | 2024-11-01
""")
    spec.population(2024, DEPRIVED, {("F", 40): 6000, ("M", 70): 4000})
    assert spec.run("ju_known_to_3_sectors") == {"all": (2, 10000, 2.0)}


def test_older_people_sent_home_without_support_and_readmitted(spec):
    spec.persons("""
person_id | birth_year | birth_month | sex
P1 | 1944 | 1 | F
P2 | 1944 | 1 | M
P3 | 1944 | 1 | F
P4 | 1944 | 1 | M
""")
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | end_ts | is_emergency | discharge_pathway | discharge_destination | discharge_method
S1 | P1 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | true | 0 | 19 | 1
S5 | P1 | inpatient_spell | 2024-05-20 00:00:00 | 2024-05-30 00:00:00 | true | 1 | 19 | 1
S2 | P2 | inpatient_spell | 2024-06-01 00:00:00 | 2024-06-10 00:00:00 | true | 0 | 19 | 1
S3 | P3 | inpatient_spell | 2024-07-01 00:00:00 | 2024-07-10 00:00:00 | true |  | 19 | 1
S4 | P4 | inpatient_spell | 2024-08-01 00:00:00 | 2024-08-10 00:00:00 | true | 1 | 19 | 1
""")
    spec.add("asc_event", """
event_id | record_id | client_type | event_type | start_date | service_type
X2 | P2 | service_user | service | 2024-06-13 | Short Term Support: ST-Max
""")
    assert spec.run("ju_discharged_home_no_support_readmitted") == {"all": (1, 2, 50.0)}


def test_ae_frequent_attenders_known_to_social_care(spec):
    spec.persons("""
person_id | birth_year | birth_month | sex
P1 | 1984 | 1 | F
P2 | 1944 | 1 | M
P3 | 1990 | 1 | F
""")
    rows = ["encounter_id | record_id | kind | start_ts"]
    for pid, n in (("P1", 5), ("P2", 6), ("P3", 4)):
        rows += [f"{pid}-{i} | {pid} | ed_attendance | 2024-{i + 4:02d}-01 10:00:00" for i in range(n)]
    spec.add("encounter", "\n".join(rows))
    spec.add("asc_event", """
event_id | record_id | client_type | event_type | start_date
X1 | P1 | service_user | assessment | 2024-06-01
X3 | P3 | service_user | assessment | 2024-06-01
""")
    assert spec.run("ju_ae_frequent_attenders_known_to_care") == {"all": (1, 2, 50.0)}
