"""Synthesise a place end to end: build the world, run each sector's generator in flow order, write it."""

from __future__ import annotations

import importlib
import shutil
import time
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Callable

import polars as pl

from joinedup import __version__
from joinedup.errors import UserError
from joinedup.reference import DEFAULT_AREA, area_name
from joinedup.synth.build import build_world, period_of
from joinedup.synth.defects import DefectConfig
from joinedup.synth.world import World
from joinedup.synth.returns import write_returns
from joinedup.synth.writer import write_place

__all__ = ["GENERATORS", "GENERATOR_VERSION", "SynthResult", "synthesise", "generate_frames", "MIN_PEOPLE", "MAX_PEOPLE"]

#: Sector generators in flow order; each is `joinedup.synth.<name>.generate(world)`. Missing ones are skipped.
GENERATORS = ("ons", "nhs", "asc", "childrens", "education", "workforce")
#: Bump when a change alters the files a seed produces.
GENERATOR_VERSION = "1"
MIN_PEOPLE = 1_000
MAX_PEOPLE = 20_000_000


@dataclass
class SynthResult:
    """What a run made: the manifest, the world and timings per step."""

    manifest: dict
    world: World
    timings: dict[str, float] = field(default_factory=dict)


def available_generators() -> list[str]:
    """The sector generator modules present in this installation, in flow order."""
    return [g for g in GENERATORS if find_spec(f"joinedup.synth.{g}") is not None]


def generate_frames(world: World, on_step: Callable[[str], None] | None = None,
                    timings: dict[str, float] | None = None) -> dict[str, pl.DataFrame]:
    """Run every available generator, each seeing the clean output of those before it; returns world.events."""
    for name in available_generators():
        started = time.perf_counter()
        module = importlib.import_module(f"joinedup.synth.{name}")
        for source_id, frame in module.generate(world).items():
            world.events[source_id] = frame
        if timings is not None:
            timings[name] = time.perf_counter() - started
        if on_step:
            on_step(name)
    return world.events


def check_request(people: int, out: Path, force: bool, fmt: str) -> None:
    """Refuse impossible sizes, unknown formats and a non-empty folder without force (one-line errors)."""
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise UserError(f"--people must be between {MIN_PEOPLE:,} and {MAX_PEOPLE:,} (got {people:,})")
    if fmt not in ("parquet", "csv"):
        raise UserError(f"--format must be parquet or csv (got {fmt!r})")
    if out.exists() and not out.is_dir():
        raise UserError("output path exists and is not a folder", file=str(out))
    if out.exists() and any(out.iterdir()) and not force:
        raise UserError("output folder is not empty (use --force to replace its contents)", file=str(out))


def synthesise(people: int, seed: int, out: Path, fmt: str = "parquet", area: str = DEFAULT_AREA,
               start_year: int = 2022, force: bool = False, defects: DefectConfig | None = None,
               on_step: Callable[[str], None] | None = None, paradoxes: bool = False) -> SynthResult:
    """Build the place and write its extracts, truth and manifest into `out` (paradoxes: plant joinedup.synth.paradoxes).

    The clean frames are released as they are written (result.world.events is empty afterwards);
    to keep them, call build_world and generate_frames yourself.
    """
    check_request(people, out, force, fmt)
    name = area_name(area)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    world = build_world(people, seed, area, start_year)
    timings["population"] = time.perf_counter() - started
    if on_step:
        on_step("population")
    frames = generate_frames(world, on_step, timings)
    if paradoxes:
        from joinedup.synth.paradoxes import plant
        plant(world)
    if out.exists() and force:
        for child in out.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    out.mkdir(parents=True, exist_ok=True)
    start_d, end_d = period_of(start_year)
    meta = {"generator": "joinedup.synth", "version": f"{__version__}+synth.{GENERATOR_VERSION}", "seed": seed,
            "people": people, "people_ever": world.people.height, "area": area, "area_name": name,
            "period": {"start": start_d.isoformat(), "end": end_d.isoformat()}}
    started = time.perf_counter()
    manifest = write_place(world, frames, out, fmt, defects or DefectConfig(), meta)
    timings["write"] = time.perf_counter() - started
    started = time.perf_counter()
    manifest = write_returns(out, manifest, start_d, end_d)
    timings["returns"] = time.perf_counter() - started
    if on_step:
        on_step("write")
    return SynthResult(manifest, world, timings)
