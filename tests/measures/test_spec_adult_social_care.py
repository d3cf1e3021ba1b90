"""Spec tests: adult social care measures (ASCOF style), hand-made stores and hand-computed answers."""

from __future__ import annotations

from tests.measures.conftest import DEPRIVED

ADULTS = """
person_id | birth_year | birth_month | sex | date_of_death
P1 | 1954 | 1 | F |
P2 | 1954 | 1 | M |
P3 | 1954 | 1 | F |
P4 | 1954 | 1 | M |
P5 | 2008 | 1 | F |
P6 | 1954 | 1 | M | 2024-07-01
P7 | 1984 | 1 | F |
"""
STMAX = "Short Term Support: ST-Max"
LTS = "Long Term Support: Community"


def test_2a_short_term_support_sequel(spec):
    # ASCOF 2A as NHS England's STS001 + 2A code builds it (hand-worked here; the port agrees on a
    # synthetic place in tests/measures/test_nhse_ascof.py).
    spec.persons(ADULTS + "P8 | 1950 | 1 | F |\n")
    r, st, nfa = "Progress to Reablement/ST-Max", "Service ended as planned", "NFA - Information & Advice / Signposting only"
    spec.add("asc_event", f"""
event_id | record_id | client_type | event_type | start_date | end_date | route_of_access | service_type | event_outcome
Q1 | P1 | service_user | request | 2024-05-01 | 2024-05-01 | Community | | {r}
S1 | P1 | service_user | service | 2024-05-03 | 2024-06-01 | | {STMAX} | {st}
Q1b | P1 | service_user | request | 2025-03-10 | 2025-03-10 | Community | | {r}
S1b | P1 | service_user | service | 2025-03-12 | 2025-04-10 | | {STMAX} | {st}
Q2 | P2 | service_user | request | 2024-06-01 | 2024-06-01 | Community | | {r}
S2 | P2 | service_user | service | 2024-06-02 | 2024-07-01 | | {STMAX} | Progress to Support Planning / Services
L2 | P2 | service_user | service | 2024-07-03 | | | {LTS} | No change in package
Q3 | P3 | service_user | request | 2024-07-01 | 2024-07-01 | Community | | {r}
S3 | P3 | service_user | service | 2024-07-02 | 2024-08-01 | | {STMAX} | Progress to Support Planning / Services
L3 | P3 | service_user | service | 2024-08-20 | 2025-02-01 | | {LTS} | Service ended as planned
L4 | P4 | service_user | service | 2023-01-01 | 2024-12-31 | | {LTS} | Service ended as planned
Q4 | P4 | service_user | request | 2024-08-01 | 2024-08-01 | Community | | {r}
S4 | P4 | service_user | service | 2024-08-02 | 2024-09-01 | | {STMAX} | {st}
Q5 | P5 | service_user | request | 2024-08-01 | 2024-08-01 | Community | | {r}
S5 | P5 | service_user | service | 2024-08-02 | 2024-09-01 | | {STMAX} | Progress to Re-assessment / Unplanned Review
R5 | P5 | service_user | review | 2024-09-02 | 2024-09-02 | | | {nfa}
Q6 | P6 | service_user | request | 2024-05-01 | 2024-05-01 | Community | | {r}
S6 | P6 | service_user | service | 2024-05-02 | 2024-06-01 | | {STMAX} | {st}
Q7 | P7 | service_user | request | 2024-10-01 | 2024-10-01 | Community | | {r}
S7 | P7 | service_user | service | 2024-10-02 | 2024-11-01 | | {STMAX} | {st}
R7 | P7 | service_user | review | 2024-11-03 | 2024-11-03 | | | No change in package
Q7b | P7 | service_user | request | 2024-12-20 | 2025-01-05 | Community | | {r}
S7b | P7 | service_user | service | 2025-02-15 | 2025-03-01 | | {STMAX} | {st}
Q8 | P8 | service_user | request | 2024-11-01 | 2024-11-01 | Community | | {r}
S8 | P8 | service_user | service | 2024-12-15 | 2025-01-10 | | {STMAX} | {st}
""")
    # Denominator 5, numerator 4:
    # P1: S1's only later events start 9 months on (out of scope, record type 5); its own outcome, service
    #     ended as planned, maps to 'no services - other': both. S1b ends after the year: not counted.
    # P2: community long-term support 2 days after S2 (record type 2): denominator only.
    # P3: long-term support 19 days after S3 is out of scope (> 3 days) and S3's outcome maps to nothing: neither.
    # P4: long-term support open when the request came: not a new client, so S4 is not in the cohort.
    # P5 (aged 16; the code has no age limit): a review the next day ends 'NFA - information and advice'
    #     (record type 3, universal services): both.
    # P6 died in the year, after the period started: kept (only deaths before the period are dropped): both.
    # P7: a review 2 days after S7 with no NFA outcome (record type 4): NHS England writes 'No services provided
    #     - other' with a hyphen there, which is not in its lists: neither. S7b started 41 days after its
    #     request ended (over 28): not in the cohort.
    # P8: S8 started 44 days after a one-day request, yet is in the cohort: the code ranks the sequels before
    #     it deletes the request's own row, so its first remaining sequel is never 'first' and the 28-day
    #     test never runs (as NHS England). No later events (record type 1), ended as planned: both.
    assert spec.run("ascof_2a_short_term_outcome") == {"all": (4, 5, 80.0)}


# ASCOF 2D (both methods): tests/measures/test_spec_ascof.py.


CARE_HOMES = """
event_id | record_id | client_type | event_type | start_date | service_type
C1 | P1 | service_user | service | 2024-06-01 | Long Term Support: Residential Care
C2a | P2 | service_user | service | 2022-01-01 | Long Term Support: Residential Care
C2 | P2 | service_user | service | 2024-07-01 | Long Term Support: Nursing Care
C3 | P3 | service_user | service | 2024-08-01 | Long Term Support: Residential Care
C4 | P4 | service_user | service | 2023-06-01 | Long Term Support: Residential Care
C5 | P5 | service_user | service | 2024-09-01 | Long Term Support: Nursing Care
"""
CARE_HOME_PEOPLE = """
person_id | birth_year | birth_month | sex
P1 | 1984 | 1 | F
P2 | 1974 | 1 | M
P3 | 1954 | 1 | F
P4 | 1994 | 1 | M
P5 | 1944 | 1 | F
"""


def test_2b_care_home_admissions_18_64(spec):
    spec.persons(CARE_HOME_PEOPLE)
    spec.add("asc_event", CARE_HOMES)
    spec.population(2024, DEPRIVED, {("F", 40): 10000, ("M", 50): 10000, ("F", 70): 2000, ("M", 80): 2000})
    # P1 first admission; P2 moved from residential to nursing (excluded); P4 admitted last year.
    assert spec.run("ascof_2b_care_home_admissions_18_64") == {"all": (1, 20000, 5.0)}


def test_2c_care_home_admissions_65_plus(spec):
    spec.persons(CARE_HOME_PEOPLE)
    spec.add("asc_event", CARE_HOMES)
    spec.population(2024, DEPRIVED, {("F", 40): 10000, ("M", 50): 10000, ("F", 70): 2000, ("M", 80): 2000})
    assert spec.run("ascof_2c_care_home_admissions_65_plus") == {"all": (2, 4000, 50.0)}


def test_3d_direct_payments_among_long_term_community_support(spec):
    # ASCOF 3D part 2a as NHS England's CLD code has it: snapshot 31 March, one setting per person.
    spec.persons(ADULTS)
    spec.add("asc_event", f"""
event_id | record_id | client_type | event_type | start_date | end_date | service_type | delivery_mechanism | service_component
D1 | P1 | service_user | service | 2023-01-01 |  | {LTS} | Direct Payment | Home Care
D2 | P2 | service_user | service | 2023-01-01 |  | {LTS} | CASSR Managed Personal Budget | Home Care
D3 | P3 | service_user | service | 2024-06-01 |  | {LTS} | Part Direct Payment | Home Care
D4 | P4 | service_user | service | 2023-01-01 | 2025-03-31 | {LTS} | Direct Payment | Home Care
D5 | P5 | service_user | service | 2024-01-01 |  | {LTS} | CASSR Commissioned Support | Direct Payment
D6 | P6 | service_user | service | 2023-01-01 |  | {LTS} | Direct Payment | Home Care
D7 | P7 | service_user | service | 2023-01-01 |  | {LTS} | Direct Payment | Home Care
R7 | P7 | service_user | service | 2024-11-01 |  | Long Term Support: Residential Care |  |
""")
    # Direct payment: P1; P4 (ending on the snapshot day is still open); P5 (by its service component).
    # Community only: P2 (managed budget), P3 ('Part Direct Payment' is not a CLD value). Out: P6 died
    # before the snapshot; P7 is in a care home as well, which ranks above community support.
    assert spec.run("ascof_3d_direct_payments") == {"all": (3, 5, 60.0)}


def test_requests_resulting_in_a_service_within_91_days(spec):
    spec.persons(ADULTS)
    spec.add("asc_event", f"""
event_id | record_id | client_type | event_type | start_date | service_type
Q1 | P1 | service_user | request | 2024-05-01 |
V1 | P1 | service_user | service | 2024-06-01 | {STMAX}
Q2 | P2 | service_user | request | 2024-06-01 |
V2 | P2 | service_user | service | 2024-10-01 | {LTS}
Q3 | P3 | service_user | request | 2024-07-01 |
Q4 | P4 | carer | request | 2024-07-01 |
""")
    assert spec.run("asc_requests_resulting_in_service") == {"all": (1, 3, 33.33)}


def test_long_term_support_rate_65_plus(spec):
    spec.persons("""
person_id | birth_year | birth_month | sex
P1 | 1954 | 1 | F
P2 | 1954 | 1 | M
P3 | 1964 | 1 | F
""")
    spec.add("asc_event", f"""
event_id | record_id | client_type | event_type | start_date | end_date | service_type
L1 | P1 | service_user | service | 2024-06-01 |  | {LTS}
L2 | P2 | service_user | service | 2023-06-01 | 2024-03-01 | {LTS}
L3 | P3 | service_user | service | 2024-06-01 |  | {LTS}
""")
    spec.population(2024, DEPRIVED, {("F", 70): 600, ("M", 70): 400, ("F", 40): 9000})
    assert spec.run("asc_long_term_support_rate_65_plus") == {"all": (1, 1000, 100.0)}


def test_reviews_of_long_term_support_open_a_year(spec):
    spec.persons(ADULTS)
    spec.add("asc_event", f"""
event_id | record_id | client_type | event_type | start_date | end_date | service_type
L1 | P1 | service_user | service | 2023-01-01 |  | {LTS}
R1 | P1 | service_user | review | 2024-09-01 | 2024-09-01 |
L2 | P2 | service_user | service | 2023-01-01 |  | {LTS}
R2 | P2 | service_user | review | 2023-09-01 | 2023-09-01 |
L3 | P3 | service_user | service | 2024-06-01 |  | {LTS}
R3 | P3 | service_user | review | 2024-12-01 | 2024-12-01 |
""")
    assert spec.run("asc_reviews_of_long_term_support") == {"all": (1, 2, 50.0)}


def test_reablement_offered_after_discharge(spec):
    spec.persons("""
person_id | birth_year | birth_month | sex
P1 | 1944 | 1 | F
P2 | 1944 | 1 | M
P3 | 1944 | 1 | F
P4 | 1974 | 1 | M
""")
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | end_ts | discharge_method
E1 | P1 | inpatient_spell | 2024-05-01 00:00:00 | 2024-05-10 00:00:00 | 1
E2 | P2 | inpatient_spell | 2024-06-01 00:00:00 | 2024-06-10 00:00:00 | 1
E3 | P3 | inpatient_spell | 2024-07-01 00:00:00 | 2024-07-10 00:00:00 | 4
E4 | P4 | inpatient_spell | 2024-07-01 00:00:00 | 2024-07-10 00:00:00 | 1
""")
    spec.add("asc_event", f"""
event_id | record_id | client_type | event_type | start_date | end_date | service_type
S1 | P1 | service_user | service | 2024-05-12 | 2024-06-12 | {STMAX}
S4 | P4 | service_user | service | 2024-07-11 | 2024-08-11 | {STMAX}
""")
    assert spec.run("asc_reablement_after_discharge_65_plus") == {"all": (1, 2, 50.0)}
