"""Lives cross sectors coherently: discharge to reablement, outcomes, deaths, births, beds, carers, estimates."""


from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.synth.place_fixtures import real_world

pytestmark = pytest.mark.filterwarnings("ignore:Sortedness")


@pytest.fixture(scope="module")
def world():
    return real_world()


@pytest.fixture(scope="module")
def spells(world):
    return world.events["nhs.inpatient_spells"]


@pytest.fixture(scope="module")
def stmax(world):
    asc = world.events["asc.client_level_data"]
    return asc.filter(pl.col("Service_Type") == "Short Term Support: ST-Max")


def _after_discharge(stmax: pl.DataFrame, spells: pl.DataFrame) -> pl.DataFrame:
    dis = spells.filter(pl.col("Discharge_Date").is_not_null()).select(
        "_person_id", pl.col("Discharge_Date").alias("dd"), pl.col("Primary_Diagnosis_ICD10").alias("dx")).sort("dd")
    return (stmax.sort("Event_Start_Date")
            .join_asof(dis, left_on="Event_Start_Date", right_on="dd", by="_person_id", strategy="backward")
            .with_columns(gap=(pl.col("Event_Start_Date") - pl.col("dd")).dt.total_days()))


def test_every_reablement_on_discharge_starts_within_days_of_it(world, spells, stmax):
    asc = world.events["asc.client_level_data"]
    req = asc.filter((pl.col("Request_Route_of_Access") == "Discharge from Hospital")
                     & (pl.col("Event_Outcome") == "Progress to Reablement/ST-Max"))
    m = _after_discharge(stmax.join(req.select("_person_id").unique(), on="_person_id", how="semi"), spells)
    from_hospital = m.filter(pl.col("gap") <= 3)
    assert from_hospital.height >= 0.5 * req.height
    assert from_hospital["gap"].min() >= 0
    # each discharge request is followed by a discharge and then, 0-3 days later, an ST-Max
    r = req.select("_person_id", pl.col("Event_Start_Date").alias("req")).sort("req").join_asof(
        spells.filter(pl.col("Discharge_Date").is_not_null()).select("_person_id", pl.col("Discharge_Date").alias("dd")).sort("dd"),
        left_on="req", right_on="dd", by="_person_id", strategy="forward").sort("dd").join_asof(
        stmax.select("_person_id", pl.col("Event_Start_Date").alias("st")).sort("st"),
        left_on="dd", right_on="st", by="_person_id", strategy="forward")
    gap = (r["st"] - r["dd"]).dt.total_days()
    assert gap.null_count() == 0 and gap.min() >= 0 and gap.max() <= 3


def test_hip_fracture_leads_to_admission_pathway_1_and_reablement(world, spells, stmax):
    hip = spells.filter(pl.col("Primary_Diagnosis_ICD10") == "S720")
    assert hip.height > 0
    assert (hip["Admission_Method"] == "21").all() and (hip["External_Cause_ICD10"] == "W19X").all()
    done = hip.filter(pl.col("Discharge_Pathway").is_not_null())
    assert (done["Discharge_Pathway"] == "1").mean() > 0.6
    p1 = done.filter((pl.col("Discharge_Pathway") == "1") & (pl.col("Discharge_Date") < world.period_end - pl.duration(days=5)))
    m = p1.sort("Discharge_Date").join_asof(
        stmax.select("_person_id", pl.col("Event_Start_Date").alias("st")).sort("st"),
        left_on="Discharge_Date", right_on="st", by="_person_id", strategy="forward")
    gap = (m["st"] - m["Discharge_Date"]).dt.total_days()
    people = world.people.select(pl.col("person_id").alias("_person_id"), "dob", "date_of_death")
    m = m.with_columns(gap=gap).join(people, on="_person_id").filter(
        pl.col("date_of_death").is_null() | (pl.col("date_of_death") > pl.col("Discharge_Date") + pl.duration(days=3)))
    assert (m["gap"].is_between(0, 3)).mean() > 0.95
    # the ED attendance that brought them in arrived by ambulance with a fall
    ed = world.events["nhs.ed_attendances"].filter(pl.col("EC_Chief_Complaint_SNOMED_CT") == "1912002")
    assert hip.join(ed, left_on=["_person_id", "Admission_Date"], right_on=["_person_id", "EC_Departure_Date"]).height >= 0.95 * hip.height


def test_most_older_people_are_at_home_91_days_after_reablement(world, spells, stmax):
    """SALT/ASCOF 2B: 82% (2019-20); NICE: 83% of 65+ still at home 91 days after reablement (tolerance 6 points)."""
    m = _after_discharge(stmax, spells).filter(pl.col("gap") <= 3)
    people = world.people.select(pl.col("person_id").alias("_person_id"), "dob", "date_of_death", "left")
    m = m.join(people, on="_person_id").filter(
        ((pl.col("dd") - pl.col("dob")).dt.total_days() / 365.25 >= 65) & (pl.col("dd") <= date(2024, 12, 31)))
    d91 = pl.col("dd") + pl.duration(days=91)
    care = world.events["asc.client_level_data"].filter(
        pl.col("Service_Type").is_in(["Long Term Support: Residential Care", "Long Term Support: Nursing Care"])
    ).group_by("_person_id").agg(pl.col("Event_Start_Date").min().alias("care_from"))
    m = m.join(care, on="_person_id", how="left").with_row_index("i")
    in_bed = m.join(spells.select("_person_id", "Admission_Date", "Discharge_Date"), on="_person_id").filter(
        (pl.col("Admission_Date") <= d91) & (pl.col("Discharge_Date").is_null() | (pl.col("Discharge_Date") > d91)))["i"]
    home = m.filter(~pl.col("i").is_in(in_bed.implode())).filter(
        (pl.col("date_of_death").is_null() | (pl.col("date_of_death") > d91))
        & (pl.col("care_from").is_null() | (pl.col("care_from") > d91))
        & (pl.col("left").is_null() | (pl.col("left") > d91))).height / m.height
    assert 0.76 <= home <= 0.88, home


def test_nothing_happens_after_death(world):
    dead = world.people.select(pl.col("person_id").alias("_person_id"), "date_of_death").drop_nulls()
    checks = {"nhs.ed_attendances": "Arrival_Date", "nhs.inpatient_spells": "Admission_Date",
              "nhs.gp_appointments": "Appointment_Date", "asc.client_level_data": "Event_Start_Date"}
    for sid, col in checks.items():
        late = world.events[sid].join(dead, on="_person_id").filter(pl.col(col) > pl.col("date_of_death"))
        assert late.height == 0, sid


def test_no_one_is_in_two_beds_at_once(spells):
    s = spells.sort("_person_id", "Admission_Date").with_columns(
        prev_end=pl.col("Discharge_Date").shift(1).over("_person_id"))
    clash = s.filter(pl.col("prev_end").is_not_null() & (pl.col("Admission_Date") < pl.col("prev_end")))
    assert clash.height == 0


def test_admitted_attendances_have_their_spell(world, spells):
    ed = world.events["nhs.ed_attendances"].filter(pl.col("EC_Discharge_Status_SNOMED_CT") == "306706006")
    via = spells.filter(pl.col("Admission_Method") == "21").select("_person_id", "Admission_Date").unique()
    matched = ed.join(via, left_on=["_person_id", "EC_Departure_Date"], right_on=["_person_id", "Admission_Date"], how="semi")
    assert matched.height >= 0.99 * ed.height


def test_deaths_match_the_people_and_hospital_deaths_end_a_spell(world, spells):
    deaths = world.events["nhs.deaths"]
    truth = world.people.filter(pl.col("date_of_death").is_not_null())
    assert deaths.height == truth.height
    j = deaths.join(truth.select(pl.col("person_id").alias("_person_id"), "date_of_death"), on="_person_id")
    assert (j["DATE_OF_DEATH"] == j["date_of_death"]).all()
    hosp = deaths.filter(pl.col("PLACE_OF_DEATH") == "hospital")
    ended = spells.filter(pl.col("Discharge_Method") == "4").select("_person_id", pl.col("Discharge_Date").alias("DATE_OF_DEATH"))
    assert hosp.join(ended, on=["_person_id", "DATE_OF_DEATH"], how="semi").height >= 0.97 * hosp.height
    assert (spells.filter(pl.col("Discharge_Method") == "4")["Discharge_Destination"] == "79").all()


def test_births_are_maternity_spells(world, spells):
    babies = world.people.filter((pl.col("dob") >= world.period_start) & (pl.col("arrived") == pl.col("dob")))
    born = spells.filter(pl.col("Admission_Method") == "82")
    assert born.height == babies.height
    assert (born.join(babies.select(pl.col("person_id").alias("_person_id"), "dob"), on="_person_id")
            .select((pl.col("Admission_Date") == pl.col("dob")).all()).item())
    assert spells.filter(pl.col("Admission_Method") == "31").height == babies.height


def test_carers_care_for_people_on_long_term_support(world):
    asc = world.events["asc.client_level_data"]
    carers = asc.filter(pl.col("Client_Type") == "Carer")
    supported = asc.filter(pl.col("Service_Type") == "Long Term Support: Community")["_person_id"].unique()
    assert carers["_related_person_id"].is_in(supported.implode()).all()
    assert (carers["Total_Hrs_Caring_per_week"] > 0).all()


def test_population_estimates_count_the_residents(world):
    ons = world.events["ons.population_estimates"]
    assert sorted(ons["Mid_Year"].unique()) == [2022, 2023, 2024]
    assert ons["LSOA21CD"].n_unique() == world.households["lsoa21"].n_unique()
    assert ons["Age"].min() == 0 and ons["Age"].max() == 90
    d = date(2022, 6, 30)
    here = world.residence.filter((pl.col("from_date") <= d) & (pl.col("to_date").is_null() | (pl.col("to_date") > d))
                                  & pl.col("household_id").is_not_null())
    assert ons.filter(pl.col("Mid_Year") == 2022)["Population"].sum() == here["person_id"].n_unique()


def test_sectors_see_the_same_people(world):
    """A looked-after child has the same UPN in the SSDA903 header and the school census (cross-sector coherence)."""
    if "csc.ssda903_header" not in world.events or "education.school_census" not in world.events:
        pytest.skip("children's and education generators not present")
    cla = world.events["csc.ssda903_header"].filter(pl.col("UPN").is_not_null())
    census = world.events["education.school_census"].select("UPN", "_person_id").unique()
    j = cla.join(census, on="UPN")
    assert j.height > 0 and (j["_person_id"] == j["_person_id_right"]).all()


def test_no_attendance_while_in_a_hospital_bed(world, spells):
    ed = world.events["nhs.ed_attendances"].select("_person_id", "Arrival_Date").with_row_index("i")
    inside = ed.join(spells.select("_person_id", "Admission_Date", "Discharge_Date"), on="_person_id").filter(
        (pl.col("Admission_Date") < pl.col("Arrival_Date"))
        & (pl.col("Discharge_Date").is_null() | (pl.col("Discharge_Date") > pl.col("Arrival_Date"))))
    assert inside["i"].n_unique() <= 0.002 * ed.height


def test_unplanned_reviews_follow_hospital_stays(world, spells):
    asc = world.events["asc.client_level_data"]
    unplanned = asc.filter((pl.col("Event_Type") == "Review") & (pl.col("Review_Reason") == "Unplanned")).sort("Event_Start_Date")
    dis = spells.filter(pl.col("Discharge_Date").is_not_null()).select("_person_id", pl.col("Discharge_Date").alias("dd")).sort("dd")
    m = unplanned.join_asof(dis, left_on="Event_Start_Date", right_on="dd", by="_person_id", strategy="backward")
    after_stay = ((m["Event_Start_Date"] - m["dd"]).dt.total_days() <= 14).fill_null(False)
    assert after_stay.mean() > 0.4  # the rest are unplanned reviews of long-term support drawn at random
