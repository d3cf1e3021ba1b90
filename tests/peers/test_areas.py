"""Both code systems, former codes and unknown codes."""

from __future__ import annotations

import pytest

from joinedup.errors import UserError
from joinedup.peers.areas import load_areas, resolve_area


@pytest.mark.parametrize("text", ["E08000027", "e08000027", "332", "Dudley", " dudley "])
def test_dudley_by_any_code(text):
    a = resolve_area(text, load_areas())
    assert (a.code, a.la_number, a.name) == ("E08000027", 332, "Dudley")


def test_former_code_resolves_to_the_reorganised_council():
    a = resolve_area("E10000002", load_areas())
    assert (a.code, a.la_number, a.name) == ("E06000060", 825, "Buckinghamshire")


def test_codes_are_unique():
    areas = load_areas()
    assert len({a.code for a in areas}) == len(areas) == 170
    assert len({a.la_number for a in areas}) == len(areas)


@pytest.mark.parametrize("text", ["E99999999", "999", "Atlantis", "E10000034X"])
def test_unknown_area_names_the_value(text):
    with pytest.raises(UserError, match=repr(text).replace("(", r"\(")):
        resolve_area(text, load_areas())
