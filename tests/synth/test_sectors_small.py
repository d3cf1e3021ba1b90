"""The smallest place the CLI allows still gives valid (possibly empty) extracts in every sector."""

from __future__ import annotations

import pytest

from joinedup.synth import childrens, education, workforce
from joinedup.synth.build import build_world
from tests.synth.sector_fixtures import assert_matches_spec
from tests.synth.world_factory import make_world


@pytest.mark.parametrize("seed", [1, 2])
def test_a_place_of_1000_people(seed):
    world = build_world(1_000, seed)
    for module in (childrens, education, workforce):
        out = module.generate(world)
        world.events.update(out)
        for source_id, frame in out.items():
            assert_matches_spec(source_id, frame)


def test_a_population_without_care_columns_still_has_children_in_need():
    world = make_world(3_000, seed=2)
    world.people = world.people.drop("cla_entry_date", "care_experienced")
    out = childrens.generate(world)
    assert out["csc.cin_episodes"].height > 0 and out["csc.ssda903_episodes"].height == 0
