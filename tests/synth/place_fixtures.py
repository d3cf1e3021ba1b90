"""Shared pieces of the synthetic place tests: one real world with every sector's clean frames, one written place."""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

from joinedup.synth.build import build_world
from joinedup.synth.place import generate_frames, synthesise

__all__ = ["real_world", "written_place", "CAL_PEOPLE"]

#: People in the calibration world: large enough that the tolerances below are several standard errors wide.
CAL_PEOPLE = 20_000


@lru_cache(maxsize=2)
def real_world(people: int = CAL_PEOPLE, seed: int = 7):
    """The population builder's world with every available generator run in flow order."""
    warnings.simplefilter("ignore", UserWarning)
    world = build_world(people, seed)
    generate_frames(world)
    return world


@lru_cache(maxsize=4)
def written_place(root: str, people: int = 3_000, seed: int = 11, fmt: str = "parquet"):
    """A place written to `root` (the result with its manifest and world)."""
    return synthesise(people, seed, Path(root), fmt, force=True)
