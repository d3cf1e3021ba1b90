"""The geography shipped in the package matches the published source in ../shared/reference."""

from __future__ import annotations

import csv

import pytest

from joinedup.reference import DEFAULT_AREA, area_name, local_authorities, lsoas
from joinedup.errors import UserError
from tests.conftest import SHARED_REFERENCE


def test_dudley_has_203_lsoas_22_in_most_deprived_decile():
    rows = lsoas(DEFAULT_AREA)
    assert len(rows) == 203  # shared/reference/README.md
    assert sum(r["imd_decile"] == 1 for r in rows) == 22
    assert area_name(DEFAULT_AREA) == "Dudley"
    assert all(52.3 < r["latitude"] < 52.6 and -2.3 < r["longitude"] < -1.9 for r in rows)


def test_every_english_district_is_there():
    assert len(local_authorities()) == 296


def test_unknown_area_is_a_user_error():
    with pytest.raises(UserError, match="E99999999"):
        lsoas("E99999999")


@pytest.mark.skipif(not (SHARED_REFERENCE / "geography").is_dir(), reason="../shared/reference not beside the repo")
def test_copy_matches_source():
    source = {}
    with open(SHARED_REFERENCE / "geography" / "imd2025_lsoa21.csv", newline="") as f:
        for r in csv.DictReader(f):
            source[r["lsoa21_code"]] = (int(float(r["IMD_decile"])), float(r["IMD_score"]))
    with open(SHARED_REFERENCE / "geography" / "lsoa21_centroids.csv", newline="") as f:
        centroids = {r["lsoa21_code"]: (float(r["latitude"]), float(r["longitude"])) for r in csv.DictReader(f)}
    for area in ("E08000027", "E06000001", "E09000033"):
        for r in lsoas(area):
            assert (r["imd_decile"], r["imd_score"]) == source[r["lsoa21_code"]]
            assert (r["latitude"], r["longitude"]) == centroids[r["lsoa21_code"]]
