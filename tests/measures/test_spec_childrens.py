"""Spec tests: children's services measures, each on a hand-made store with a hand-computed answer."""

from __future__ import annotations

from tests.measures.conftest import DEPRIVED

KIDS = """
person_id | birth_year | birth_month | sex | imd_decile
P1 | 2014 | 1 | F | 1
P2 | 2016 | 1 | M | 10
P3 | 2012 | 1 | F |
P4 | 2010 | 1 | M | 2
P5 | 2012 | 1 | F | 3
"""


def _children_pop(spec, n=1000):
    spec.population(2024, DEPRIVED, {("F", 10): n // 2, ("M", 8): n // 2, ("F", 40): 5000})


def test_referral_rate_counts_referrals_per_10000_children(spec):
    spec.persons(KIDS)
    spec.add("csc_referral", """
record_id | referral_date
P1 | 2024-05-01
P1 | 2024-11-01
P2 | 2023-12-01
P2 | 2025-03-31
""")
    spec.population(2024, DEPRIVED, {("F", 10): 300, ("M", 8): 200, ("F", 40): 1000})
    assert spec.run("csc_referral_rate") == {"all": (3, 500, 60.0)}
    # By sex: girls 2 of 300, boys 1 of 200 (population estimates give the denominators).
    by_sex = spec.run("csc_referral_rate", by="sex")
    assert by_sex["F"] == (2, 300, 66.67) and by_sex["M"] == (1, 200, 50.0)


def test_re_referrals_within_12_months_of_a_previous_referral(spec):
    spec.persons(KIDS)
    spec.add("csc_referral", """
record_id | referral_date
P1 | 2023-06-01
P1 | 2024-05-01
P1 | 2024-11-01
P2 | 2023-05-31
P2 | 2024-06-01
P3 | 2024-07-01
""")
    assert spec.run("csc_re_referrals_12m") == {"all": (2, 4, 50.0)}
    by_q = spec.run("csc_re_referrals_12m", by="deprivation_quintile")
    assert by_q["Q1 most deprived"] == (2, 2, 100.0) and by_q["Q5 least deprived"] == (0, 1, 0.0)
    assert by_q["unknown"] == (0, 1, 0.0)


def test_assessments_within_45_working_days_skip_bank_holidays(spec):
    spec.persons(KIDS)
    # From the assessment's start: 3 Jun -> 5 Aug 2024 is 45 working days; to 6 Aug is 46; 20 Dec 2024 -> 26 Feb 2025 is 45
    # only because 25-26 Dec and 1 Jan are bank holidays; an authorisation after March is out.
    spec.add("csc_assessment", """
record_id | referral_date | start_date | authorisation_date
P1 | 2024-05-01 | 2024-06-03 | 2024-08-05
P2 | 2024-05-01 | 2024-06-03 | 2024-08-06
P3 | 2024-12-01 | 2024-12-20 | 2025-02-26
P4 | 2025-03-01 | 2025-03-02 | 2025-04-02
""")
    assert spec.run("csc_assessments_45_days") == {"all": (2, 3, 66.67)}


def test_s47_rate(spec):
    spec.persons(KIDS)
    spec.add("csc_s47", """
record_id | start_date
P1 | 2024-04-01
P2 | 2025-03-31
P3 | 2024-03-31
""")
    _children_pop(spec)
    assert spec.run("csc_s47_rate") == {"all": (2, 1000, 20.0)}


def test_s47_leading_to_a_plan_within_90_days(spec):
    spec.persons(KIDS)
    spec.add("csc_s47", """
record_id | start_date
P1 | 2024-05-01
P2 | 2024-06-01
P3 | 2024-07-01
""")
    spec.add("csc_cp_plan", """
record_id | start_date
P1 | 2024-06-15
P2 | 2024-09-30
""")
    assert spec.run("csc_s47_to_cp_plan") == {"all": (1, 3, 33.33)}


def test_children_in_need_at_31_march_count_children_not_episodes(spec):
    spec.persons(KIDS)
    spec.add("csc_referral", """
record_id | referral_date | closure_date | referral_nfa
P1 | 2024-01-01 |  | false
P2 | 2024-06-01 | 2025-03-31 | false
P3 | 2024-07-01 |  | true
P4 | 2024-08-01 |  | false
P4 | 2024-09-01 |  |
""")
    _children_pop(spec)
    assert spec.run("csc_cin_rate") == {"all": (2, 1000, 20.0)}


def test_cp_plans_open_at_31_march(spec):
    spec.persons(KIDS)
    spec.add("csc_cp_plan", """
record_id | start_date | end_date
P1 | 2024-10-01 |
P2 | 2023-01-01 | 2025-06-01
P3 | 2024-01-01 | 2025-01-01
""")
    _children_pop(spec)
    assert spec.run("csc_cp_plan_rate") == {"all": (2, 1000, 20.0)}


def test_second_or_later_plans_from_the_return_or_earlier_plans(spec):
    spec.persons(KIDS)
    spec.add("csc_cp_plan", """
record_id | start_date | end_date | previous_plans
P1 | 2024-05-01 |  | 1
P2 | 2020-01-01 | 2021-01-01 | 0
P2 | 2024-06-01 |  | 0
P3 | 2024-07-01 |  | 0
P4 | 2024-08-01 |  |
""")
    assert spec.run("csc_cp_second_plan") == {"all": (2, 4, 50.0)}


def test_plans_ending_that_lasted_two_years(spec):
    spec.persons(KIDS)
    spec.add("csc_cp_plan", """
record_id | start_date | end_date
P1 | 2022-05-01 | 2024-05-01
P2 | 2022-05-02 | 2024-05-01
P3 | 2024-01-01 | 2024-12-01
P4 | 2020-01-01 | 2023-01-01
""")
    assert spec.run("csc_cp_plans_2_years") == {"all": (1, 3, 33.33)}


def test_cla_rate_leaves_out_short_breaks(spec):
    spec.persons(KIDS)
    spec.add("cla_episode", """
record_id | start_date | end_date | rne | legal_status
P1 | 2024-01-01 |  | S | C2
P2 | 2024-02-01 |  | S | V3
P3 | 2023-01-01 | 2024-06-01 | S | C2
P3 | 2024-06-01 |  | P | C2
P4 | 2024-01-01 | 2025-02-01 | S | V2
""")
    _children_pop(spec)
    assert spec.run("cla_rate") == {"all": (2, 1000, 20.0)}


def test_three_placements_ignores_legal_status_only_changes(spec):
    spec.persons(KIDS)
    spec.add("cla_episode", """
record_id | start_date | end_date | rne | legal_status
P1 | 2023-01-01 | 2024-06-01 | S | C2
P1 | 2024-06-01 | 2024-09-01 | P | C2
P1 | 2024-09-01 |  | T | C2
P2 | 2023-01-01 | 2024-06-01 | S | V2
P2 | 2024-06-01 | 2024-10-01 | L | C1
P2 | 2024-10-01 |  | P | C2
P3 | 2024-02-01 |  | S | C2
""")
    assert spec.run("cla_three_placements") == {"all": (1, 3, 33.33)}


def test_long_term_stability_under_16s_in_care_2_5_years(spec):
    spec.persons("""
person_id | birth_year | birth_month | sex
P1 | 2012 | 1 | F
P2 | 2013 | 1 | M
P3 | 2014 | 1 | F
P4 | 2008 | 1 | M
P5 | 2012 | 1 | F
""")
    spec.add("cla_episode", """
record_id | start_date | end_date | rne | legal_status
P1 | 2022-01-01 | 2023-01-01 | S | C2
P1 | 2023-01-01 |  | P | C2
P2 | 2021-06-01 | 2024-01-01 | S | C2
P2 | 2024-01-01 |  | T | C2
P3 | 2023-01-01 |  | S | C2
P4 | 2020-01-01 |  | S | C2
P5 | 2022-01-01 | 2023-01-01 | S | C1
P5 | 2023-01-01 |  | L | C2
""")
    assert spec.run("cla_long_term_stability") == {"all": (2, 3, 66.67)}


CARE_LEAVERS = """
person_id | birth_year | birth_month | sex
P1 | 2004 | 1 | F
P2 | 2005 | 6 | M
P3 | 2007 | 1 | F
P4 | 2005 | 1 | M
P5 | 1990 | 1 | F
"""


def test_care_leavers_19_to_21_in_eet(spec):
    spec.persons(CARE_LEAVERS)
    spec.add("care_leaver", """
record_id | collection_year | in_eet
P1 | 2024-25 | true
P1 | 2023-24 | false
P2 | 2024-25 | false
P3 | 2024-25 | true
P4 | 2024-25 |
""")
    assert spec.run("care_leavers_eet") == {"all": (1, 3, 33.33)}


def test_care_leavers_who_needed_adult_social_care(spec):
    spec.persons(CARE_LEAVERS)
    spec.add("care_leaver", """
record_id | collection_year
P1 | 2024-25
P2 | 2024-25
P3 | 2024-25
P5 | 2010-11
""")
    spec.add("asc_event", """
event_id | record_id | client_type | event_type | start_date | end_date | service_type
A1 | P2 | service_user | service | 2024-09-01 | 2024-12-01 | Long Term Support: Community
A2 | P1 | service_user | service | 2022-01-01 | 2023-01-01 | Long Term Support: Community
""")
    assert spec.run("ju_care_leavers_in_asc") == {"all": (1, 3, 33.33)}
