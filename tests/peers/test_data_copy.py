"""The published figures shipped in the package match ../shared/reference/peers."""

from __future__ import annotations

import csv
import json

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tests.peers.conftest import DATA, SHARED_PEERS

pytestmark = pytest.mark.skipif(not SHARED_PEERS.is_dir(), reason="../shared/reference/peers not beside the repo")


def _rows(table, cols):
    return sorted(zip(*(table.column(c).to_pylist() for c in cols)), key=repr)


def test_lait_copy_matches_source():
    src = pq.read_table(SHARED_PEERS / "children_lait.parquet", columns=["measure_code", "period", "la_number", "value"])
    src = src.set_column(2, "la_number", pc.cast(src.column("la_number"), "int64"))
    copy = pq.read_table(DATA / "children_lait.parquet")
    copy = copy.set_column(2, "la_number", pc.cast(copy.column("la_number"), "int64"))
    cols = ["measure_code", "period", "la_number", "value"]
    assert copy.num_rows == src.num_rows == 641_070
    assert _rows(copy, cols) == _rows(src, cols)


def test_asc_copy_matches_source():
    with open(SHARED_PEERS / "adult_social_care_oflog.csv", newline="") as f:
        src = sorted((r["Financial year"], r["Local authority code"], r["Code"],
                      float(r["Value"]) if r["Value"] not in ("", "NA") else None, float(r["MEDIAN"]))
                     for r in csv.DictReader(f))
    copy = pq.read_table(DATA / "adult_social_care_oflog.parquet")
    got = sorted(_rows(copy, ["financial_year", "area_code", "measure_code", "value", "median"]),
                 key=lambda r: r[:3])
    assert len(got) == len(src) == 6_376
    assert sorted(got, key=lambda r: r[:3]) == sorted(src, key=lambda r: r[:3])


def test_dictionary_copy_keeps_first_definition_of_each_code():
    first = {}
    with open(SHARED_PEERS / "children_lait_dictionary.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            first.setdefault(r["Measure_short"], (r["Chart_title"], r["Polarity"], r["y_axis_name"]))
    with open(DATA / "children_lait_dictionary.csv", newline="", encoding="utf-8") as f:
        copy = {r["measure_code"]: (r["title"], r["polarity"], r["unit"]) for r in csv.DictReader(f)}
    assert copy == first


@pytest.mark.parametrize("name", ["children_statistical_neighbours_2025.csv", "children_la_codes.csv",
                                  "ofsted_ilacs_latest.csv"])
def test_verbatim_copies(name):
    assert (DATA / name).read_bytes() == (SHARED_PEERS / name).read_bytes()


def test_neighbours_copy_keeps_every_upper_tier_council():
    src = json.loads((SHARED_PEERS / "adult_social_care_nearest_neighbours.json").read_text())
    copy = json.loads((DATA / "adult_social_care_nearest_neighbours.json").read_text())
    assert copy == {k: v for k, v in src.items() if k[:3] in ("E06", "E08", "E09", "E10")}
