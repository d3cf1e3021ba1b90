"""Paradoxes a leader meets, planted in the synthetic place on request (`--paradoxes`; on in the demo).

- **The 4-hour standard met while older people bounce back**: year by year more A&E attendances
  that would have waited over 4 hours leave within it, while more older people discharged from
  hospital (with support, pathways 1-3) come back as an emergency within 30 days.
- **Referrals handled faster while the same children return**: year by year more children's
  social care assessments that would have taken over 45 working days are authorised within them,
  while more children whose referral closed are referred again within 12 months.

Each is planted on the clean frames after every generator has run, with the place's own random
stream, so the same seed gives the same place. `PLANTED` names the process-outcome pairs the
paradox lens should flag, and nothing else.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

__all__ = ["PLANTED", "plant"]

#: (process measure, outcome measure) pairs that the planted paradoxes make part ways.
PLANTED = (("ae_4_hour_performance", "nhs_emergency_readmission_30d"),
           ("csc_assessments_45_days", "csc_re_referrals_12m"))

# Share of would-be breaches moved under 4 hours, and of older people's supported discharges
# followed by an emergency readmission, in the first, second and third financial year.
_FASTER = (0.0, 0.35, 0.7)
_BOUNCE_BACK = (0.0, 0.3, 0.6)
# Share of late assessments authorised within 45 working days instead, and of closed referrals
# followed by a new referral of the same child, by financial year.
_QUICKER_ASSESSMENT = (0.0, 0.3, 0.5)
_RETURN = (0.0, 0.25, 0.5)


def _year_index(d: pl.Expr, start_year: int) -> pl.Expr:
    fy = pl.when(d.dt.month() >= 4).then(d.dt.year()).otherwise(d.dt.year() - 1)
    return (fy - start_year).clip(0, 2)


def _faster_ed(rng: np.random.Generator, ed: pl.DataFrame, start_year: int) -> pl.DataFrame:
    arrive = pl.col("Arrival_Date").dt.combine(pl.col("Arrival_Time"))
    leave = pl.col("EC_Departure_Date").dt.combine(pl.col("EC_Departure_Time"))
    f = ed.with_columns(_a=arrive, _wait=(leave - arrive).dt.total_minutes(),
                        _k=_year_index(pl.col("Arrival_Date"), start_year))
    share = np.array(_FASTER)[f["_k"].to_numpy()]
    move = (f["_wait"].fill_null(0).to_numpy() > 240) & (rng.random(f.height) < share)
    minutes = rng.integers(150, 236, f.height)
    new_leave = f["_a"] + pl.Series(minutes * 60_000_000, dtype=pl.Duration("us"))
    f = f.with_columns(_new=new_leave, _move=pl.Series(move))
    return f.with_columns(
        EC_Departure_Date=pl.when("_move").then(pl.col("_new").dt.date()).otherwise("EC_Departure_Date"),
        EC_Departure_Time=pl.when("_move").then(pl.col("_new").dt.time()).otherwise("EC_Departure_Time"),
    ).drop("_a", "_wait", "_k", "_new", "_move")


def _bounce_back(rng: np.random.Generator, spells: pl.DataFrame, deaths: pl.DataFrame, start_year: int,
                 end: date, world=None) -> pl.DataFrame:
    s = spells.with_row_index("_i").with_columns(_k=_year_index(pl.col("Discharge_Date"), start_year))
    died = deaths.group_by("_person_id").agg(_dod=pl.col("DATE_OF_DEATH").min())
    nxt = (s.sort("_person_id", "Admission_Date")
           .with_columns(_next=pl.col("Admission_Date").shift(-1).over("_person_id")))
    c = nxt.join(died, on="_person_id", how="left")
    age = (pl.col("Discharge_Date") - pl.col("Person_Birth_Date")).dt.total_days() / 365.25
    c = c.filter(
        (age >= 65) & pl.col("Discharge_Date").is_not_null()
        & pl.col("Discharge_Pathway").is_in(["1", "2", "3"]) & (pl.col("Discharge_Method") != "4")
        & (pl.col("_next").is_null() | (pl.col("_next") > pl.col("Discharge_Date") + timedelta(days=60)))
        & (pl.col("_dod").is_null() | (pl.col("_dod") > pl.col("Discharge_Date") + timedelta(days=60)))
        & (pl.col("Discharge_Date") + timedelta(days=40) <= end)
    ).sort("_i")
    pick = rng.random(c.height) < np.array(_BOUNCE_BACK)[c["_k"].to_numpy()]
    c = c.filter(pl.Series(pick))
    gap = pl.Series(rng.integers(2, 26, c.height)).cast(pl.Int64)
    los = (c["Discharge_Date"] - c["Admission_Date"]).dt.total_days().clip(1, 30)
    new = c.with_columns(
        Hospital_Provider_Spell_Number=pl.format("{}P{}", pl.col("Provider_Code"), pl.int_range(
            first := (world.seq_start("paradoxes.spells", c.height) if world is not None else 1), first + c.height).cast(pl.Utf8).str.zfill(8)),
        Admission_Date=pl.col("Discharge_Date") + pl.duration(days=gap),
        Admission_Method=pl.lit("21"), Admission_Source=pl.lit("19"),
    ).with_columns(
        Discharge_Date=pl.col("Admission_Date") + pl.duration(days=los),
        Discharge_Ready_Date=pl.col("Admission_Date") + pl.duration(days=los),
        Discharge_Method=pl.lit("1"), Discharge_Destination=pl.lit("19"),
    ).select(spells.columns)
    return pl.concat([spells, new]).sort("Admission_Date", maintain_order=True)


def _quicker_assessments(rng: np.random.Generator, a: pl.DataFrame, start_year: int) -> pl.DataFrame:
    f = a.with_columns(_k=_year_index(pl.col("AssessmentAuthorisationDate"), start_year),
                       _days=(pl.col("AssessmentAuthorisationDate") - pl.col("AssessmentActualStartDate")).dt.total_days())
    # Over 63 calendar days is over 45 working days whatever the bank holidays.
    late = f["_days"].fill_null(0).to_numpy() > 63
    move = late & f["_k"].is_not_null().to_numpy() & (rng.random(f.height) < np.array(_QUICKER_ASSESSMENT)[f["_k"].fill_null(0).to_numpy()])
    days = pl.Series(rng.integers(15, 56, f.height)).cast(pl.Int64)
    return f.with_columns(AssessmentAuthorisationDate=pl.when(pl.Series(move))
                          .then(pl.col("AssessmentActualStartDate") + pl.duration(days=days))
                          .otherwise("AssessmentAuthorisationDate")).drop("_k", "_days")


def _returns(rng: np.random.Generator, episodes: pl.DataFrame, children: pl.DataFrame, start_year: int,
             end: date) -> pl.DataFrame:
    gap = pl.Series(rng.integers(14, 90, episodes.height)).cast(pl.Int64)
    born = children.group_by("LAchildID").agg(_born=pl.col("PersonBirthDate").min())
    e = (episodes.with_row_index("_i").with_columns(_new=pl.col("CINclosureDate") + pl.duration(days=gap))
         .sort("LAchildID", "CINreferralDate")
         .with_columns(_next=pl.col("CINreferralDate").shift(-1).over("LAchildID"))
         .join(born, on="LAchildID", how="left"))
    e = e.filter(pl.col("CINclosureDate").is_not_null() & (pl.col("_new") <= pl.col("CINreferralDate") + timedelta(days=360))
                 & (pl.col("_new") + timedelta(days=60) <= end) & (pl.col("_new") >= date(start_year, 4, 1))
                 & (pl.col("_next").is_null() | (pl.col("_next") > pl.col("_new") + timedelta(days=120)))
                 & pl.col("_born").is_not_null() & (pl.col("_new") < pl.col("_born") + timedelta(days=int(17.5 * 365.25)))
                 ).sort("_i")
    e = e.with_columns(_k=_year_index(pl.col("_new"), start_year))
    pick = rng.random(e.height) < np.array(_RETURN)[e["_k"].to_numpy()]
    e = e.filter(pl.Series(pick))
    stay = pl.Series(rng.integers(10, 45, e.height)).cast(pl.Int64)
    new = e.with_columns(CINreferralDate=pl.col("_new"), CINclosureDate=pl.col("_new") + pl.duration(days=stay),
                         ReasonForClosure=pl.lit("RC8"), ReferralNFA=pl.lit("0")).select(episodes.columns)
    return pl.concat([episodes, new])


def plant(world) -> None:
    """Plant every paradox in world.events (the clean frames), deterministically for the world's seed."""
    rng = world.child_rng("paradoxes")
    start_year, end = world.period_start.year, world.period_end
    ev = world.events
    ev["nhs.ed_attendances"] = _faster_ed(rng, ev["nhs.ed_attendances"], start_year)
    ev["nhs.inpatient_spells"] = _bounce_back(rng, ev["nhs.inpatient_spells"], ev["nhs.deaths"], start_year, end, world)
    ev["csc.cin_assessments"] = _quicker_assessments(rng, ev["csc.cin_assessments"], start_year)
    ev["csc.cin_episodes"] = _returns(rng, ev["csc.cin_episodes"], ev["csc.cin_children"], start_year, end)
