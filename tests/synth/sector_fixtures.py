"""Shared pieces of the sector generator tests: one cached world and its frames, and a spec check."""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from joinedup.sources import codes_of, source
from tests.synth.world_factory import make_world

__all__ = ["sector_world", "assert_matches_spec"]

_TYPES = {"string": pl.Utf8, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "bool": pl.Boolean}


@lru_cache(maxsize=4)
def sector_world(people: int = 60_000, seed: int = 7):
    """A factory world with the children's, education and workforce frames generated in flow order."""
    from joinedup.synth import childrens, education, workforce

    world = make_world(people, seed=seed)
    for module in (childrens, education, workforce):
        world.events.update(module.generate(world))
    return world


def assert_matches_spec(source_id: str, frame: pl.DataFrame) -> None:
    """Exactly the source's columns in order (then truth columns), its types, and values in its codes."""
    src = source(source_id)
    truth = [c for c in frame.columns if c.startswith("_")]
    assert frame.columns[: len(src.columns)] == src.columns, source_id
    assert set(truth) <= {"_person_id", "_related_person_id"}, source_id
    assert "_person_id" in truth and frame.schema["_person_id"] == pl.Int64
    for f in src.fields:
        assert frame.schema[f.name] == _TYPES[f.type], f"{source_id}.{f.name}"
        if f.required:
            assert frame[f.name].null_count() == 0, f"{source_id}.{f.name} has nulls"
        codes = codes_of(src, f.name)
        if codes:
            bad = set(frame[f.name].drop_nulls().unique().to_list()) - set(codes)
            assert not bad, f"{source_id}.{f.name}: {sorted(bad)[:5]} not in the code list"
        if f.after:
            later = frame.filter(pl.col(f.name).is_not_null() & pl.col(f.after).is_not_null())
            assert (later[f.name] >= later[f.after]).all(), f"{source_id}.{f.name} before {f.after}"
