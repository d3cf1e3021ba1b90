"""Education: spec conformance, calibration to DfE figures, coherence with children's social care."""

from __future__ import annotations

import polars as pl
import pytest

from joinedup.synth import education
from joinedup.synth.sector_common import days_of, years_between
from joinedup.synth.sector_rates import education_rates
from tests.synth.sector_fixtures import assert_matches_spec, sector_world
from tests.synth.world_factory import make_world

EDU = ["education.school_census", "education.attendance", "education.exclusions", "education.pupil_contacts"]


@pytest.fixture(scope="module")
def world():
    return sector_world()


@pytest.fixture(scope="module")
def rates(world):
    frames = dict(world.events)
    census = frames["education.school_census"]
    cin = census.filter(pl.col("_person_id").is_in(frames["csc.cin_episodes"]["_person_id"].implode()))["UPN"].unique()
    frames["_cin_upns"] = cin
    return education_rates(frames, world)


@pytest.mark.parametrize("source_id", EDU)
def test_frames_match_their_spec(world, source_id):
    assert_matches_spec(source_id, world.events[source_id])


# DfE national statistics (see the constants in joinedup/synth/education*.py for each source).
CALIBRATION = [
    ("fsm_pct", 25, 3),
    ("sen_support_pct", 13, 2),
    ("ehc_plan_pct", 4.6, 1.2),
    ("absence_pct", 7.1, 1.0),
    ("persistent_absence_pct", 20, 3),
    ("suspensions_per_100", 11.3, 2.5),
    ("permanent_per_100", 0.13, 0.1),
]


@pytest.mark.parametrize(("measure", "target", "tolerance"), CALIBRATION)
def test_calibrated_to_published_rates(rates, measure, target, tolerance):
    assert abs(rates[measure] - target) <= tolerance, f"{measure}: {rates[measure]:.2f} vs {target}"


def test_children_in_need_are_much_more_often_persistently_absent(rates):
    assert rates["persistent_absence_cin_pct"] > 1.5 * rates["persistent_absence_pct"]


def test_looked_after_children_are_in_the_census_with_the_same_upn(world):
    census = world.events["education.school_census"]
    header = world.events["csc.ssda903_header"].filter(pl.col("UPN").is_not_null())
    eps = world.events["csc.ssda903_episodes"]
    for cd in education.census_dates(world):
        on = eps.filter((pl.col("DECOM") <= cd) & (pl.col("DEC").is_null() | (pl.col("DEC") > cd)))
        cla = header.filter(pl.col("CHILD").is_in(on["CHILD"].implode()))
        c = census.filter(pl.col("CensusDate") == cd)
        found = cla.join(c.select("UPN", "InCare", pl.col("_person_id").alias("_p")), on="UPN", how="inner")
        assert (found["_p"] == found["_person_id"]).all()
        assert (found["InCare"] == "true").all()
        # every looked-after child of school age living in the place is in the census
        p = world.people.filter(pl.col("person_id").is_in(cla["_person_id"].implode()))
        age = years_between(days_of(p["dob"]), days_of(pl.Series([cd]))[0])
        school_age = p.filter(pl.Series((age >= 5) & (age <= 15)) & pl.col("left").is_null())
        assert set(school_age["upn"]) <= set(found["UPN"])
    assert census.filter(pl.col("InCare") == "true").height > 0


def test_year_group_follows_date_of_birth(world):
    c = world.events["education.school_census"].filter(pl.col("NCyearActual").is_in(["R", "7", "11"]))
    for year, age in (("R", 4), ("7", 11), ("11", 15)):
        sub = c.filter(pl.col("NCyearActual") == year)
        aug31 = sub.select((pl.date(pl.col("CensusDate").dt.year() - 1, 8, 31)).cast(pl.Int64))["date"].to_numpy()
        assert (years_between(days_of(sub["DOB"]), aug31) == age).all()


def test_contacts_are_the_pupils_true_parents(world):
    pc = world.events["education.pupil_contacts"]
    rel = world.relations.select(pl.col("person_id").alias("_person_id"), pl.col("related_person_id").alias("_related_person_id"))
    assert pc.join(rel, on=["_person_id", "_related_person_id"], how="anti").height == 0
    upns = world.people.select(pl.col("person_id").alias("_related_person_id"), pl.col("upn").alias("_u"))
    assert (pc.join(upns, on="_related_person_id")["_u"] == pc.join(upns, on="_related_person_id")["UPN"]).all()
    assert pc.group_by("UPN").agg(pl.col("ContactOrder").min())["ContactOrder"].eq(1).all()


def test_exclusions_fall_in_the_period_and_at_the_pupils_school(world):
    ex = world.events["education.exclusions"]
    assert ex["StartDate"].max() <= world.period_end
    assert (ex.filter(pl.col("Category") == "PERM")["Sessions"].null_count()
            == ex.filter(pl.col("Category") == "PERM").height)
    urns = set(world.events["education.school_census"]["URN"])
    assert set(ex["URN"]) <= urns


def test_same_world_gives_identical_frames():
    a = education.generate(make_world(6_000, seed=4))
    b = education.generate(make_world(6_000, seed=4))
    for key in a:
        assert a[key].equals(b[key]), key
