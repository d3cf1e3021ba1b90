"""The DfE LA numbers shipped for UPNs match the published source."""

from __future__ import annotations

import csv

import pytest

from joinedup.synth.build import la_number
from tests.conftest import SHARED_REFERENCE

SOURCE = SHARED_REFERENCE / "peers" / "ofsted_ilacs_latest.csv"


def test_known_numbers():
    assert la_number("E08000027") == 332  # Dudley
    assert la_number("E08000028") == 333  # Sandwell
    assert la_number("E07000001") == 999  # not a children's services authority


@pytest.mark.skipif(not SOURCE.is_file(), reason="../shared/reference not beside the repo")
def test_copy_matches_source():
    with SOURCE.open(newline="") as f:
        rows = {r["ltla23cd"]: int(r["la_code"]) for r in csv.DictReader(f) if r["ltla23cd"].startswith("E")}
    assert rows and all(la_number(code) == num for code, num in rows.items())
