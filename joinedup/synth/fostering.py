"""Fostering households of the place's fostering services (Ofsted fostering collection, household level).

The stock is scaled from Ofsted's national figures to the place's under-18s; households join and
leave at Ofsted's national rates, so the place shows the same net loss of carers.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from joinedup.reference import postcodes
from joinedup.synth.sector_common import day, frame_for, postcode_district, to_dates

__all__ = ["generate", "HOUSEHOLDS_PER_10K_CHILDREN", "JOIN_RATE", "LEAVE_RATE"]

#: Ofsted, Fostering in England 2023-24: 42,615 fostering households; ONS mid-2023 England 0-17
#: population ~ 12.1 million -> ~ 35 households per 10,000 under-18s.
HOUSEHOLDS_PER_10K_CHILDREN = 42_615 / 12_100_000 * 10_000
#: Ofsted 2023-24: 4,055 households joined and 4,820 left in the year (net loss of 765).
JOIN_RATE = 4_055 / 42_615
LEAVE_RATE = 4_820 / 42_615
#: Kinship (family and friends) households: 21% of households, 50% of new approvals (Ofsted 2023-24).
KINSHIP_STOCK_SHARE, KINSHIP_NEW_SHARE = 0.21, 0.50
#: Mainstream households with an independent fostering agency (assumption; Ofsted 2023-24 shows
#: IFAs hold a little under half of mainstream households).
IFA_SHARE = 0.45
#: Places per household: 70,465 places / 42,615 households (Ofsted 2023-24) ~ 1.65.
_PLACES_MAINSTREAM = np.array([1, 2, 3, 4]), np.array([0.40, 0.40, 0.15, 0.05])
_PLACES_KINSHIP = np.array([1, 2, 3]), np.array([0.70, 0.25, 0.05])
_REASONS_MAIN = np.array(["Retirement", "Personal circumstances", "Transferred to IFA", "Allegation", "Other"])
_REASONS_MAIN_P = np.array([0.25, 0.37, 0.08, 0.03, 0.27])
_REASONS_KIN = np.array(["Special guardianship", "Personal circumstances", "Other"])
_REASONS_KIN_P = np.array([0.55, 0.20, 0.25])


def generate(world, rng: np.random.Generator, children: int) -> pl.DataFrame:
    """Households approved before the period end and still approved at its start (or later)."""
    start, end = day(world.period_start), day(world.period_end)
    stock = max(1, int(round(children * HOUSEHOLDS_PER_10K_CHILDREN / 10_000)))
    # the stock at the start: kinship households are newer (shorter stays), mainstream older
    kin0 = rng.random(stock) < KINSHIP_STOCK_SHARE
    tenure = np.where(kin0, rng.exponential(2.0 * 365, stock), rng.exponential(7.0 * 365, stock))
    approval0 = start - np.rint(tenure).astype(np.int64) - 1
    # joiners through the period (Poisson at the join rate of the initial stock)
    years = (end - start + 1) / 365.25
    k = rng.poisson(JOIN_RATE * stock * years)
    approval1 = start + rng.integers(0, end - start + 1, k)
    kin1 = rng.random(k) < KINSHIP_NEW_SHARE
    approval = np.concatenate([approval0, approval1])
    kin = np.concatenate([kin0, kin1])
    n = len(approval)
    # leavers: kinship households leave faster (a special guardianship order ends fostering)
    leave_rate = np.where(kin, LEAVE_RATE * 2.0, LEAVE_RATE * 0.78)
    dereg = np.maximum(approval, start) + np.rint(rng.exponential(1.0, n) / leave_rate * 365.25).astype(np.int64)
    gone = dereg <= end
    ifa = ~kin & (rng.random(n) < IFA_SHARE)
    application = approval - np.where(kin, rng.integers(60, 140, n), rng.integers(150, 260, n))
    enquiry = application - rng.integers(20, 120, n)
    vals, p = _PLACES_MAINSTREAM
    kv, kp = _PLACES_KINSHIP
    places = np.where(kin, kv[rng.choice(len(kv), n, p=kp)], vals[rng.choice(len(vals), n, p=p)])
    reason = np.where(kin, _REASONS_KIN[rng.choice(3, n, p=_REASONS_KIN_P)],
                      _REASONS_MAIN[rng.choice(5, n, p=_REASONS_MAIN_P)])
    reason = np.where(ifa & (reason == "Transferred to IFA"), "Other", reason)
    districts = np.unique(postcode_district(pl.Series([r["postcode"] for r in postcodes(world.area)])).to_numpy())
    order = np.argsort(approval, kind="stable")
    hid = pl.Series(np.arange(1, n + 1)).cast(pl.Utf8).str.zfill(5)
    return frame_for("csc.fostering_households", {
        "Household_ID": ("FH" + hid), "Agency_Sector": np.where(ifa, "IFA", "LA")[order],
        "Household_Type": np.where(kin, "Kinship", "Mainstream")[order],
        "Enquiry_Date": to_dates(enquiry[order], ~kin[order]), "Application_Date": to_dates(application[order]),
        "Approval_Date": to_dates(approval[order]), "Approved_Places": places[order],
        "Deregistration_Date": to_dates(dereg[order], gone[order]),
        "Deregistration_Reason": pl.Series(np.where(gone, reason, None)[order].tolist(), dtype=pl.Utf8),
        "Postcode_District": districts[rng.integers(0, len(districts), n)]},
        {"_person_id": pl.Series([None] * n, dtype=pl.Int64)})
