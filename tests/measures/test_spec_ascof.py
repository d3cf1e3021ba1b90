"""Spec tests: ASCOF 2D by its two published definitions, and 2B/2C as NHS England counts them from CLD, with the edge cases each names.

`ascof_2d_still_at_home_91_days`: ASCOF 2023-24 handbook, measure 2D (old 2B(1)): discharges from
1 October to 31 December, status on day 91 after discharge, counted per discharge.
`ascof_2d_in_community_84_days`: the 2024-25 method (DHSC Create_ASCOF_2D.sql): discharges in the
year, linked to a reablement cluster; death, an emergency readmission or a care-home admission in
the 84 days after discharge counts against.
"""

from __future__ import annotations


STMAX = "Short Term Support: ST-Max"
RES = "Long Term Support: Residential Care"

OLDER = """
person_id | birth_year | birth_month | sex | date_of_death
P1 | 1944 | 1 | F |
P2 | 1944 | 1 | M | 2025-04-01
P3 | 1944 | 1 | F |
P4 | 1944 | 1 | M |
P5 | 1944 | 1 | F |
P6 | 1944 | 1 | M |
P7 | 1964 | 1 | F |
P8 | 1944 | 1 | M |
P9 | 1944 | 1 | F |
P10 | 1944 | 1 | M | 2024-11-05
P11 | 1944 | 1 | F |
P12 | 1944 | 1 | M |
"""


def test_ascof_2d_91_days_counts_discharges_october_to_december_by_status_on_day_91(spec):
    spec.persons(OLDER)
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | end_ts | discharge_method | is_emergency
H1 | P1 | inpatient_spell | 2024-09-20 00:00:00 | 2024-10-01 00:00:00 | 1 | true
H2 | P2 | inpatient_spell | 2024-12-20 00:00:00 | 2024-12-31 00:00:00 | 1 | true
H3 | P3 | inpatient_spell | 2024-10-20 00:00:00 | 2024-11-01 00:00:00 | 1 | true
H4 | P4 | inpatient_spell | 2024-10-20 00:00:00 | 2024-11-01 00:00:00 | 1 | true
H4b | P4 | inpatient_spell | 2025-01-20 00:00:00 | 2025-02-05 00:00:00 | 1 | true
H5 | P5 | inpatient_spell | 2024-09-20 00:00:00 | 2024-09-30 00:00:00 | 1 | true
H6 | P6 | inpatient_spell | 2024-12-25 00:00:00 | 2025-01-01 00:00:00 | 1 | true
H7 | P7 | inpatient_spell | 2024-10-20 00:00:00 | 2024-11-01 00:00:00 | 1 | true
H8 | P8 | inpatient_spell | 2024-10-20 00:00:00 | 2024-11-01 00:00:00 | 1 | true
H9 | P9 | inpatient_spell | 2024-10-05 00:00:00 | 2024-10-10 00:00:00 | 1 | true
H9b | P9 | inpatient_spell | 2024-11-25 00:00:00 | 2024-12-01 00:00:00 | 1 | true
H9c | P9 | inpatient_spell | 2024-12-20 00:00:00 | 2024-12-28 00:00:00 | 1 | true
H10 | P10 | inpatient_spell | 2024-10-20 00:00:00 | 2024-11-05 00:00:00 | 4 | true
H11 | P11 | inpatient_spell | 2024-10-20 00:00:00 | 2024-11-01 00:00:00 | 1 | true
H12 | P12 | inpatient_spell | 2024-10-20 00:00:00 | 2024-11-01 00:00:00 | 1 | true
""")
    spec.add("asc_event", f"""
event_id | record_id | client_type | event_type | start_date | end_date | service_type
S1 | P1 | service_user | service | 2024-10-01 | 2024-10-20 | {STMAX}
S2 | P2 | service_user | service | 2025-01-07 | 2025-01-30 | {STMAX}
S3 | P3 | service_user | service | 2024-11-02 | 2024-11-30 | {STMAX}
C3 | P3 | service_user | service | 2023-06-01 |  | {RES}
S4 | P4 | service_user | service | 2024-11-02 | 2024-11-30 | {STMAX}
S5 | P5 | service_user | service | 2024-10-01 | 2024-10-20 | {STMAX}
S6 | P6 | service_user | service | 2025-01-02 | 2025-01-20 | {STMAX}
S7 | P7 | service_user | service | 2024-11-02 | 2024-11-30 | {STMAX}
S8 | P8 | service_user | service | 2024-11-09 | 2024-11-30 | {STMAX}
S9 | P9 | service_user | service | 2024-10-07 | 2024-10-30 | {STMAX}
S9b | P9 | service_user | service | 2024-12-02 | 2024-12-20 | {STMAX}
S10 | P10 | service_user | service | 2024-11-05 | 2024-11-05 | {STMAX}
S11 | P11 | service_user | service | 2024-11-02 | 2024-11-30 | {STMAX}
C11 | P11 | service_user | service | 2024-12-01 | 2025-01-15 | {RES}
S12 | P12 | service_user | service | 2024-11-02 | 2024-11-30 | {STMAX}
C12 | P12 | service_user | service | 2025-01-25 |  | {RES}
""")
    # In: P1 (first day; home), P2 (last day, ST-Max 7 days on; died on day 91), P3 (already in a care
    # home: not home), P4 (in hospital over day 91), P9 twice (ST-Max 3 days before the first discharge,
    # one day after the second; the third discharge had no reablement), P11 (care home ended before day
    # 91: home), P12 (moved into a care home before day 91). Out: P5 (30 September), P6 (1 January),
    # P7 (under 65), P8 (reablement 8 days after), P10 (died in hospital).
    assert spec.run("ascof_2d_still_at_home_91_days") == {"all": (4, 8, 50.0)}


def test_ascof_2d_84_days_2024_25_method_cluster_latest_discharge_and_readmission(spec):
    spec.persons(OLDER)
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | end_ts | discharge_method | is_emergency | admission_method | discharge_destination
H1 | P1 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 1 | true | 21 | 19
H2 | P2 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 1 | true | 21 | 19
R2 | P2 | inpatient_spell | 2024-08-02 00:00:00 | 2024-08-04 00:00:00 | 1 | true | 21 | 19
H3 | P3 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 1 | true | 21 | 19
R3 | P3 | inpatient_spell | 2024-08-03 00:00:00 | 2024-08-05 00:00:00 | 1 | true | 21 | 19
H4 | P4 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 1 | true | 21 | 19
R4 | P4 | inpatient_spell | 2024-06-01 00:00:00 | 2024-06-01 00:00:00 | 1 | true | 21 | 19
E4 | P4 | inpatient_spell | 2024-06-10 00:00:00 | 2024-06-12 00:00:00 | 1 | false | 11 | 19
H5 | P5 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 1 | true | 21 | 19
H5b | P5 | inpatient_spell | 2024-05-12 00:00:00 | 2024-05-14 00:00:00 | 1 | true | 21 | 19
R5 | P5 | inpatient_spell | 2024-08-06 00:00:00 | 2024-08-09 00:00:00 | 1 | true | 21 | 19
H6 | P6 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 1 | true | 21 | 51
H7 | P7 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 1 | true | 21 | 19
H8 | P8 | inpatient_spell | 2024-05-10 00:00:00 | 2024-05-10 00:00:00 | 1 | true | 21 | 19
H9 | P9 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 1 | true | 21 | 19
H11 | P11 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 1 | true | 21 | 19
H12 | P12 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 1 | true | 21 | 19
""")
    spec.add("asc_event", f"""
event_id | record_id | client_type | event_type | start_date | end_date | service_type | service_component
S1 | P1 | service_user | service | 2024-05-12 | 2024-06-01 | {STMAX} | Reablement
S2 | P2 | service_user | service | 2024-05-11 | 2024-06-01 | {STMAX} | Reablement
S3 | P3 | service_user | service | 2024-05-11 | 2024-06-01 | {STMAX} | Reablement
S4 | P4 | service_user | service | 2024-05-11 | 2024-05-30 | {STMAX} | Reablement
S4b | P4 | service_user | service | 2024-06-05 | 2024-06-20 | {STMAX} | Reablement
S5 | P5 | service_user | service | 2024-05-13 | 2024-06-01 | {STMAX} | Reablement
S6 | P6 | service_user | service | 2024-05-11 | 2024-06-01 | {STMAX} | Reablement
S7 | P7 | service_user | service | 2024-05-11 | 2024-06-01 | {STMAX} | Reablement
S8 | P8 | service_user | service | 2024-05-11 | 2024-06-01 | {STMAX} | Reablement
S9 | P9 | service_user | service | 2024-05-11 | 2024-06-01 | {STMAX} | Other
S11 | P11 | service_user | service | 2024-05-11 | 2024-06-01 | {STMAX} | Reablement
C11 | P11 | service_user | service | 2024-08-02 |  | {RES} |
S12 | P12 | service_user | service | 2024-05-04 | 2024-06-01 | {STMAX} | Reablement
""")
    # In: P1 (ST-Max 2 days after; nothing follows), P2 (emergency readmission on day 84: against),
    # P3 (readmission on day 85: for), P4 (one cluster: S4b starts 6 days after S4 ends; a zero-night
    # emergency stay and an elective one do not count), P5 (two discharges linked: the later one, so a
    # readmission 84 days after it counts against), P11 (care home on day 84: against).
    # Out: P6 (discharged to another hospital), P7 (under 65), P8 (no overnight stay), P9 (not
    # reablement), P10 (no spell), P12 (reablement started 6 days before discharge).
    assert spec.run("ascof_2d_in_community_84_days") == {"all": (3, 6, 50.0)}


def test_ascof_2b_2c_admissions_as_nhs_england_counts_them_from_cld(spec):
    # NHS England's CLD code (ASCOF 2B2C, 2023-24): still in care on the snapshot, 1 April after the
    # year; a move is an earlier care-home service still open then; age on the snapshot from the 1st
    # of the birth month over 365.25 days.
    spec.persons("""
person_id | birth_year | birth_month | sex
A1 | 1960 | 4 | F
A2 | 1960 | 3 | M
A3 | 1950 | 1 | F
A4 | 1950 | 1 | M
A5 | 1950 | 1 | F
A6 | 1950 | 1 | M
""")
    spec.add("asc_event", f"""
event_id | record_id | client_type | event_type | start_date | end_date | service_type
H1 | A1 | service_user | service | 2024-06-01 |  | {RES}
H2 | A2 | service_user | service | 2024-06-01 |  | {RES}
H3 | A3 | service_user | service | 2024-06-01 | 2025-02-01 | {RES}
H4a | A4 | service_user | service | 2021-01-01 | 2022-01-01 | {RES}
H4 | A4 | service_user | service | 2024-06-01 |  | Long Term Support: Nursing Care
H5a | A5 | service_user | service | 2021-01-01 |  | {RES}
H5 | A5 | service_user | service | 2024-06-01 |  | Long Term Support: Nursing Care
H6 | A6 | carer | service | 2024-06-01 |  | {RES}
""")
    spec.population(2024, "E01009733", {("F", 40): 10000, ("F", 70): 1000})
    # A1 turns 65 on 1 April 2025 by the calendar, but 23,741 days / 365.25 = 64.99: 18-64.
    # A2 is 65: 65+. A3 left care before the snapshot: not counted. A4's earlier care home closed
    # before the snapshot: a new admission. A5 moved from residential to nursing: not new. A6 a carer.
    assert spec.run("ascof_2b_care_home_admissions_18_64") == {"all": (1, 10000, 10.0)}
    assert spec.run("ascof_2c_care_home_admissions_65_plus") == {"all": (2, 1000, 200.0)}
