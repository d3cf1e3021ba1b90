"""Workforce: spec conformance, turnover and pay calibration, careers across roles and sectors."""

from __future__ import annotations

import polars as pl
import pytest

from joinedup.synth import workforce
from joinedup.synth.sector_rates import workforce_rates
from tests.synth.sector_fixtures import assert_matches_spec, sector_world
from tests.synth.world_factory import make_world

WF = ["workforce.asc_wds", "workforce.nhs_esr", "workforce.childrens_social_work", "workforce.gp_practice_staff"]


@pytest.fixture(scope="module")
def world():
    return sector_world()


@pytest.fixture(scope="module")
def big():
    # a larger workforce for the rarer roles (registered managers, nurses, children's social workers)
    w = make_world(200_000, seed=11)
    w.events.update(workforce.generate(w))
    return w


@pytest.mark.parametrize("source_id", WF)
def test_frames_match_their_spec(world, source_id):
    assert_matches_spec(source_id, world.events[source_id])


# Skills for Care State of the sector 2024-25; Nuffield Trust (ASC nurses); LAIT (children's social work).
CALIBRATION = [
    ("turnover_care_worker_pct", 28.5, 4),
    ("turnover_registered_manager_pct", 17, 6),
    ("turnover_asc_registered_nurse_pct", 33, 10),
    ("turnover_asc_all_pct", 25, 5),
    ("care_worker_median_hourly", 12.00, 0.3),
    ("csw_agency_pct", 14, 6),
    ("turnover_csw_pct", 11.8, 6),
]


@pytest.mark.parametrize(("measure", "target", "tolerance"), CALIBRATION)
def test_calibrated_to_published_rates(big, measure, target, tolerance):
    rates = workforce_rates(big.events, big)
    assert abs(rates[measure] - target) <= tolerance, f"{measure}: {rates[measure]:.2f} vs {target}"


def _moves(w, a_src, a_filter, b_src, b_filter, a_start, a_end, b_start):
    a = w.events[a_src].filter(a_filter).select("_person_id", pl.col(a_end).alias("_ae"))
    b = w.events[b_src].filter(b_filter).select("_person_id", pl.col(b_start).alias("_bs"))
    return a.join(b, on="_person_id").filter(pl.col("_bs") > pl.col("_ae")).height


def test_real_moves_between_roles_and_sectors(big):
    esr, asc, gp = "workforce.nhs_esr", "workforce.asc_wds", "workforce.gp_practice_staff"
    care_to_senior = _moves(big, asc, pl.col("MAINJOBROLE") == "8", asc, pl.col("MAINJOBROLE") == "7",
                            "STARTDATE", "LEAVEDATE", "STARTDATE")
    senior_to_na = _moves(big, asc, pl.col("MAINJOBROLE") == "7", asc, pl.col("MAINJOBROLE") == "25",
                          "STARTDATE", "LEAVEDATE", "STARTDATE")
    asc_to_nhs = _moves(big, asc, pl.lit(True), esr, pl.lit(True), "STARTDATE", "LEAVEDATE", "Assignment_Start_Date")
    mgr_to_rm = _moves(big, esr, pl.col("Job_Role") == "Manager", asc, pl.col("MAINJOBROLE") == "3",
                       "Assignment_Start_Date", "Assignment_End_Date", "STARTDATE")
    mgr_to_pm = _moves(big, esr, pl.col("Job_Role") == "Manager", gp, pl.col("Staff_Role") == "Practice Manager",
                       "Assignment_Start_Date", "Assignment_End_Date", "Start_Date")
    assert care_to_senior > 20 and asc_to_nhs > 20
    assert senior_to_na > 0 and mgr_to_rm > 0 and mgr_to_pm > 0


def test_a_person_keeps_their_identity_across_employers(big):
    asc = big.events["workforce.asc_wds"]
    esr = big.events["workforce.nhs_esr"]
    both = asc.select("_person_id", "NINUMBER", "DOB", "SURNAME").join(
        esr.select("_person_id", "NI_Number", "Date_of_Birth", "Last_Name"), on="_person_id")
    assert both.height > 0
    assert (both["NINUMBER"] == both["NI_Number"]).all() and (both["DOB"] == both["Date_of_Birth"]).all()
    # each employer has its own worker id for the same person
    multi = asc.group_by("_person_id").agg(pl.col("UNIQUEWORKERID").n_unique().alias("ids"), pl.len())
    assert (multi.filter(pl.col("len") > 1)["ids"] > 1).any()
    csw = big.events["workforce.childrens_social_work"]
    assert csw.group_by("_person_id").agg(pl.col("SWENo").n_unique())["SWENo"].eq(1).all()


def test_leavers_have_reasons_and_stayers_do_not(world):
    asc = world.events["workforce.asc_wds"]
    assert (asc["LEAVEDATE"].is_null() == asc["LEAVEREASON"].is_null()).all()
    esr = world.events["workforce.nhs_esr"]
    assert (esr["Assignment_End_Date"].is_null() == esr["Destination_On_Leaving"].is_null()).all()


def test_same_world_gives_identical_frames():
    a = workforce.generate(make_world(10_000, seed=5))
    b = workforce.generate(make_world(10_000, seed=5))
    for key in a:
        assert a[key].equals(b[key]), key
