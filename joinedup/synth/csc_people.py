"""The people on children's case files: the child identifiers module and the relationships table."""

from __future__ import annotations

import numpy as np
import polars as pl

from joinedup.synth.sector_common import address_at, days_of, frame_for, parent_links, years_between

__all__ = ["cin_children", "family_members", "disabilities"]

_REL = {"mother": "Mother", "father": "Father", "step-parent": "Step-parent", "grandparent": "Grandparent",
        "carer": "Carer"}


def disabilities(people: pl.DataFrame) -> pl.Series:
    """DfE disability codes from the person's needs (NONE when there are none)."""
    ld = people["learning_disability"].to_numpy()
    pd_ = people["physical_disability"].to_numpy()
    out = np.where(ld & pd_, "LD;MOB", np.where(ld, "LD", np.where(pd_, "MOB", "NONE")))
    return pl.Series(out)


def cin_children(world, person_ids: pl.Series, ids, end: int) -> pl.DataFrame:
    """One row per child in the CIN census: identifiers, characteristics, postcode at the period end."""
    p = pl.DataFrame({"person_id": person_ids.cast(pl.Int64)}).join(
        world.people.with_columns(pl.col("person_id").cast(pl.Int64)), on="person_id", how="left")
    pid = p["person_id"].to_numpy()
    dob = days_of(p["dob"])
    upn = p["upn"]
    young = years_between(dob, end) < 5
    unknown = np.where(upn.is_null().to_numpy(), np.where(young, "UN2", "UN5"), None)
    addr = address_at(world, pid, np.full(len(pid), end))
    return frame_for("csc.cin_children", {
        "LAchildID": ids(pid), "UPN": upn, "UPNunknown": pl.Series(unknown.tolist(), dtype=pl.Utf8),
        "Forename": p["given_name"], "Surname": p["family_name"], "PersonBirthDate": p["dob"],
        "GenderCurrent": p["sex"].replace_strict({"M": "1", "F": "2"}, default="0"),
        "PersonDeathDate": p["date_of_death"], "Ethnicity": p["ethnicity_dfe"], "PostCode": addr["postcode"],
        "Disabilities": disabilities(p)}, {"_person_id": pid})


def family_members(world, child_ids: pl.Series, ids, end: int) -> pl.DataFrame:
    """Parents, step-parents, grandparents and siblings recorded on each child's case file."""
    kids = pl.DataFrame({"child": child_ids.cast(pl.Int64)})
    links = parent_links(world)
    adults = kids.join(links, on="child", how="inner").select("child", pl.col("parent").alias("rel"), "relation")
    mothers = links.filter(pl.col("relation") == "mother").select("parent", "child")
    sib = (kids.join(mothers, on="child").join(mothers.rename({"child": "rel"}), on="parent")
           .filter(pl.col("rel") != pl.col("child")).select("child", "rel").unique()
           .with_columns(pl.lit("sibling").alias("relation")))
    r = pl.concat([adults, sib]).unique(["child", "rel"], keep="first").sort(["child", "rel"])
    ppl = world.people.with_columns(pl.col("person_id").cast(pl.Int64))
    r = r.join(ppl.rename({"person_id": "rel"}), on="rel", how="left")
    res = world.residence.filter(pl.col("to_date").is_null() | (pl.col("to_date").cast(pl.Int64) > end)).select(
        pl.col("person_id").cast(pl.Int64), "household_id").unique("person_id", keep="last")
    r = (r.join(res.rename({"person_id": "child", "household_id": "_hc"}), on="child", how="left")
         .join(res.rename({"person_id": "rel", "household_id": "_hr"}), on="rel", how="left"))
    lives = (r["_hc"] == r["_hr"]).fill_null(False).to_numpy()
    rel = r["relation"].replace_strict({**_REL, "sibling": "Sibling"}, default="Other relative")
    pr = np.where(rel.is_in(["Mother", "Father"]).to_numpy(), "Y", "N")
    addr = address_at(world, r["rel"].to_numpy(), np.full(r.height, end))
    return frame_for("csc.family_members", {
        "LAchildID": ids(r["child"].to_numpy()), "RelatedPersonID": ids(r["rel"].to_numpy()), "Relationship": rel,
        "ParentalResponsibility": pr, "LivesWithChild": np.where(lives, "Y", "N"),
        "Forename": r["given_name"], "Surname": r["family_name"], "PersonBirthDate": r["dob"],
        "GenderCurrent": r["sex"].replace_strict({"M": "1", "F": "2"}, default="0"), "NHSNumber": r["nhs_number"],
        "PostCode": addr["postcode"], "AddressLine1": addr["address"]},
        {"_person_id": r["rel"].to_numpy(), "_related_person_id": r["child"].to_numpy()})
