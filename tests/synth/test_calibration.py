"""NHS and adult social care rates reproduced within stated tolerances (published figures in facts.md)."""

from __future__ import annotations

import polars as pl
import pytest

from tests.synth.place_fixtures import CAL_PEOPLE, real_world
from tests.synth.published import DISCHARGE_PATHWAYS_65, GP_MODES


@pytest.fixture(scope="module")
def world():
    return real_world()


@pytest.fixture(scope="module")
def ed(world):
    f = world.events["nhs.ed_attendances"]
    start = pl.col("Arrival_Date").cast(pl.Datetime) + pl.col("Arrival_Time").cast(pl.Duration)
    end = pl.col("EC_Departure_Date").cast(pl.Datetime) + pl.col("EC_Departure_Time").cast(pl.Duration)
    return f.with_columns(minutes=(end - start).dt.total_minutes(), month=pl.col("Arrival_Date").dt.month())


@pytest.fixture(scope="module")
def spells(world):
    s = world.events["nhs.inpatient_spells"].join(
        world.people.select(pl.col("person_id").alias("_person_id"), "dob"), on="_person_id")
    return s.with_columns(
        age=(pl.col("Admission_Date") - pl.col("dob")).dt.total_days() / 365.25,
        los=(pl.col("Discharge_Date") - pl.col("Admission_Date")).dt.total_days(),
        delay=(pl.col("Discharge_Date") - pl.col("Discharge_Ready_Date")).dt.total_days(),
        emergency=pl.col("Admission_Method").str.starts_with("2"))


def test_four_hour_standard(ed):
    """NHS England A&E 2024-25: ~73-76% within 4 hours (all types); the issue asks 70-78%."""
    share = (ed["minutes"] <= 240).mean()
    assert 0.70 <= share <= 0.78
    assert (ed["minutes"] > 0).all()


def test_four_hours_worse_in_winter(ed):
    winter = ed.filter(pl.col("month").is_in([12, 1, 2]))["minutes"].le(240).mean()
    summer = ed.filter(pl.col("month").is_in([6, 7, 8]))["minutes"].le(240).mean()
    assert winter < summer - 0.03


def test_four_hours_worse_when_beds_are_held_by_delayed_patients(world, ed, spells):
    delayed = spells.filter(pl.col("delay") > 0).select(
        pl.date_ranges("Discharge_Ready_Date", pl.col("Discharge_Date") - pl.duration(days=1)).alias("d")).explode("d")
    held = delayed.group_by("d").len().rename({"len": "held"})
    days = ed.join(held, left_on="Arrival_Date", right_on="d", how="left").with_columns(pl.col("held").fill_null(0))
    q1, q3 = days["held"].quantile(0.25), days["held"].quantile(0.75)
    busy = days.filter(pl.col("held") >= q3)["minutes"].le(240).mean()
    quiet = days.filter(pl.col("held") <= q1)["minutes"].le(240).mean()
    assert busy < quiet - 0.02


def test_ed_attendance_rate(ed):
    per_year = ed.height / CAL_PEOPLE / 3
    assert 0.36 < per_year < 0.52  # NHS England: ~26m attendances a year for ~57m people (0.46)


def test_length_of_stay(spells):
    """Health Foundation: emergency spells 9.1 days (2022), 85+ 12.5; the issue asks ~8-9."""
    em = spells.filter(pl.col("emergency") & pl.col("Discharge_Date").is_not_null())
    assert 7.5 <= em["los"].mean() <= 9.8
    assert em.filter(pl.col("age") >= 85)["los"].mean() >= 11.0
    assert em.filter(pl.col("age") >= 85)["los"].mean() > em.filter(pl.col("age") < 65)["los"].mean() + 4


def test_discharge_pathways_for_older_people(spells):
    """DHSC discharge guidance: for 65+, P0 ~50%, P1 ~45%, P2 ~4%, P3 ~1% (tolerance 3 points, 1 for P3)."""
    old = spells.filter(pl.col("emergency") & (pl.col("age") >= 65) & pl.col("Discharge_Pathway").is_not_null())
    share = dict(old["Discharge_Pathway"].value_counts(normalize=True).iter_rows())
    for p, want in DISCHARGE_PATHWAYS_65.items():
        assert abs(share.get(p, 0) - want) < (0.01 if p == "3" else 0.03), (p, share)


def test_delays_after_ready(spells):
    """Health Foundation: ~1.3 days from ready to discharge on average; a long tail; worse on pathways 1-3."""
    em = spells.filter(pl.col("emergency") & pl.col("delay").is_not_null())
    assert (em["delay"] >= 0).all()
    assert 0.8 <= em["delay"].mean() <= 2.0
    assert 1.0 <= em.filter(pl.col("age") >= 65)["delay"].mean() <= 2.5
    assert em["delay"].max() >= 20  # long tail
    by_path = dict(em.group_by("Discharge_Pathway").agg(pl.col("delay").mean()).drop_nulls().iter_rows())
    assert by_path["1"] > 2 * by_path["0"]


def test_delays_longer_when_social_care_is_short(spells):
    em = spells.filter(pl.col("emergency") & pl.col("Discharge_Pathway").is_in(["1", "2", "3"]))
    em = em.with_columns(m=pl.col("Discharge_Ready_Date").dt.month())
    winter = em.filter(pl.col("m").is_in([12, 1, 2]))["delay"].mean()
    summer = em.filter(pl.col("m").is_in([6, 7, 8]))["delay"].mean()
    assert winter > summer * 1.2


def test_gp_appointment_modes(world):
    """NHS England GPAD 2024: face to face ~62%, telephone ~31%, video ~1.5%, home visit ~1% (tolerance 2 points)."""
    gp = world.events["nhs.gp_appointments"]
    share = dict(gp["APPT_MODE"].value_counts(normalize=True).iter_rows())
    for mode in ("Face-to-Face", "Telephone", "Video Conference/Online"):
        assert abs(share[mode] - GP_MODES[mode]) < 0.02, mode
    assert abs(share["Home Visit"] - GP_MODES["Home Visit"]) < 0.01
    assert 4.5 < gp.height / CAL_PEOPLE / 3 < 6.5  # GPAD: ~5.5 appointments per person a year


def test_adult_social_care_volumes(world):
    asc = world.events["asc.client_level_data"]
    p = world.people.with_columns(a=(pl.lit(world.period_start) - pl.col("dob")).dt.total_days() / 365.25)
    n65 = p.filter(pl.col("a") >= 65).height
    lts = asc.filter(pl.col("Service_Type").str.starts_with("Long Term Support")).join(
        p.select(pl.col("person_id").alias("_person_id"), "a"), on="_person_id")
    per_year_65 = lts.filter(pl.col("a") >= 65)["_person_id"].n_unique() / n65
    assert 0.05 < per_year_65 < 0.11  # SALT 2022-23: ~5% of 65+ on long-term support in a year; ~8% over 3 years
    comm = asc.filter(pl.col("Service_Type") == "Long Term Support: Community")
    dp = (comm["Delivery_Mechanism"] == "Direct Payment").mean()
    assert 0.12 < dp < 0.35  # ASCOF 3D part 2a: ~26% of community clients take direct payments
    reqs = asc.filter(pl.col("Event_Type") == "Request")
    assert set(reqs["Request_Route_of_Access"].unique()) >= {"Discharge from Hospital", "Community / Other route"}
    carers = asc.filter(pl.col("Client_Type") == "Carer")
    assert carers.height > 0 and carers["_related_person_id"].null_count() == 0


def test_short_term_outcomes(world):
    """ASCOF 2A 2022-23: median 78.2% of new ST-Max clients with no long-term sequel (Dudley 87.1%)."""
    asc = world.events["asc.client_level_data"]
    st = asc.filter(pl.col("Service_Type") == "Short Term Support: ST-Max").sort("Event_Start_Date")
    lts = asc.filter(pl.col("Service_Type").str.starts_with("Long Term Support")).select(
        "_person_id", pl.col("Event_Start_Date").alias("lts_start"))
    m = st.join(lts, on="_person_id", how="left").with_columns(
        seq=(pl.col("lts_start") > pl.col("Event_Start_Date")) & (pl.col("lts_start") <= pl.col("Event_End_Date") + pl.duration(days=14)))
    by_ep = m.group_by("Event_Reference").agg(pl.col("seq").any())
    no_lts = 1 - by_ep["seq"].mean()
    assert 0.70 < no_lts < 0.92
