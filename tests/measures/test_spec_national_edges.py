"""Edge cases of the national (non-ASCOF) measures, hand-computed: boundary dates, ages at the cut-off,
people with no records and empty denominators (period 2024-25: 1 April 2024 to 31 March 2025)."""

from __future__ import annotations

from tests.measures.conftest import DEPRIVED

PEOPLE = """
person_id | birth_year | birth_month | sex | imd_decile
P1 | 2007 | 4 | F | 1
P2 | 2007 | 3 | M | 1
P3 | 1950 | 6 | F | 10
P4 | 1990 | 1 | M | 10
P5 | 2015 | 2 | F | 5
"""


def test_ae_4_hours_period_edges_by_the_second(spec):
    spec.persons(PEOPLE)
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | ed_minutes
A1 | P1 | ed_attendance | 2024-03-31 23:59:59 | 60
A2 | P1 | ed_attendance | 2024-04-01 00:00:00 | 240
A3 | P2 | ed_attendance | 2025-03-31 23:59:59 | 241
A4 | P2 | ed_attendance | 2025-04-01 00:00:00 | 60
A5 | P3 | ed_attendance | 2024-10-01 12:00:00 | 0
A6 | P3 | inpatient_spell | 2024-10-01 12:00:00 | 60
""")
    # In the year: A2 (on the first second; 240 minutes is within 4 hours), A3 (on the last second; 241 is
    # not) and A5 (0 minutes). A1 and A4 fall a second either side; A6 is not an attendance. P4 and P5 have
    # no attendance and count nowhere.
    assert spec.run("ae_4_hour_performance") == {"all": (2, 3, 66.67)}


def test_ae_4_hours_age_band_is_the_age_on_the_last_day(spec):
    spec.persons(PEOPLE)
    spec.add("encounter", """
encounter_id | record_id | kind | start_ts | ed_minutes
A1 | P1 | ed_attendance | 2024-06-01 10:00:00 | 100
A2 | P2 | ed_attendance | 2024-06-01 10:00:00 | 300
""")
    # On 31 March 2025 P1 (born April 2007) is 17 and P2 (born March 2007) has turned 18.
    by_age = spec.run("ae_4_hour_performance", by="age_band")
    assert by_age["16-17"] == (1, 1, 100.0) and by_age["18-24"] == (0, 1, 0.0)
    assert set(by_age) == {"all", "16-17", "18-24"}


def test_ae_4_hours_with_no_attendances_gives_no_figure(spec):
    spec.persons(PEOPLE)
    # Zero denominator: a row that says so, with no value, never 0% (a share of nothing is not zero).
    out = spec.run("ae_4_hour_performance")
    assert out == {"all": (0, 0, None)}


def test_re_referrals_twelve_months_inclusive_same_day_and_period_edges(spec):
    spec.persons(PEOPLE)
    spec.add("csc_referral", """
record_id | referral_date
P1 | 2023-06-01
P1 | 2024-06-01
P2 | 2023-06-01
P2 | 2024-06-02
P3 | 2024-09-01
P3 | 2024-09-01
P4 | 2023-02-28
P4 | 2024-02-29
P4 | 2025-02-28
P5 | 2024-03-31
P5 | 2025-03-31
P5 | 2025-04-01
""")
    # In the year: P1 2024-06-01 (previous exactly 12 months before: a re-referral), P2 2024-06-02 (12 months
    # and a day: not), P3 twice on one day (neither is the other's re-referral), P4 2025-02-28 (previous
    # 2024-02-29 is within 12 months: a re-referral), P5 2025-03-31 (the last day; its previous, 2024-03-31,
    # is exactly 12 months before: a re-referral). 2024-02-29 and 2024-03-31 are before the year, 2025-04-01 after.
    assert spec.run("csc_re_referrals_12m") == {"all": (3, 6, 50.0)}


def test_re_referrals_with_no_referrals_gives_no_figure(spec):
    spec.persons(PEOPLE)
    spec.add("csc_referral", """
record_id | referral_date
P1 | 2024-03-31
P1 | 2025-04-01
""")
    out = spec.run("csc_re_referrals_12m")
    assert out == {"all": (0, 0, None)}


def test_cla_rate_at_31_march_edges(spec):
    spec.persons(PEOPLE)
    spec.add("cla_episode", """
record_id | start_date | end_date | rne | legal_status
P1 | 2024-01-01 | 2025-03-31 | S | C2
P2 | 2024-01-01 | 2025-04-01 | S | C2
P3 | 2025-03-31 |  | S | C2
P5 | 2023-05-01 | 2024-07-01 | S | C2
P5 | 2024-07-01 |  | P | C2
P5 | 2024-07-01 |  | L | C2
""")
    spec.population(2024, DEPRIVED, {("F", 10): 1500, ("M", 17): 500, ("F", 18): 4000})
    # Looked after at 31 March 2025: P2 (ceases the day after), P3 (started that day) and P5 (once, though
    # two episodes are open); P1 ceased on 31 March itself. P4 has no episode. The denominator is the
    # children under 18 in the estimates (1,500 + 500; the 18-year-olds are not children): 3 per 2,000 = 15.0.
    assert spec.run("cla_rate") == {"all": (3, 2000, 15.0)}


def test_cla_rate_with_no_population_gives_no_figure(spec):
    spec.persons(PEOPLE)
    spec.add("cla_episode", """
record_id | start_date | end_date | rne | legal_status
P5 | 2024-07-01 |  | P | C2
""")
    # One child looked after and no population estimate: the rate has no denominator and no value.
    out = spec.run("cla_rate")
    assert out == {"all": (1, 0, None)}
