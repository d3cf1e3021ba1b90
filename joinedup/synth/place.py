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
from joinedup.sources import source as get_source
from joinedup.synth.batches import PlaceState, batch_seed, batch_sizes
from joinedup.synth.build import build_world, period_of
from joinedup.synth.defects import DefectConfig
from joinedup.synth.world import World
from joinedup.synth.returns import write_returns
from joinedup.synth.writer import TRUTH_FILES, _write_source, write_batch, write_manifest

__all__ = ["GENERATORS", "GENERATOR_VERSION", "SynthResult", "synthesise", "generate_frames", "MIN_PEOPLE", "MAX_PEOPLE"]

#: Sector generators in flow order; each is `joinedup.synth.<name>.generate(world)`. Missing ones are skipped.
GENERATORS = ("ons", "nhs", "asc", "childrens", "education", "workforce")
#: Bump when a change alters the files a seed produces.
GENERATOR_VERSION = "1"
MIN_PEOPLE = 1_000
MAX_PEOPLE = 20_000_000
#: Extracts of counts per cell (no person rows): in a place of several batches, each batch's counts are
#: summed cell by cell and the extract written once, whole (the value columns named here are summed).
SUMMED = {"ons.population_estimates": ("Population",)}


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
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
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

    The place is built and written in household batches of about joinedup.synth.batches.batch_people()
    residents (joinedup.synth.batches), so that memory stays flat as the place grows; a place of one
    batch writes one file per extract, a bigger one a part per batch (sector/dataset/part-NNNNN.ext).
    The clean frames are released as they are written (result.world.events is empty afterwards), and
    result.world is the last batch's world; to keep the frames, call build_world and generate_frames yourself.
    """
    check_request(people, out, force, fmt)
    name = area_name(area)
    defects = defects or DefectConfig()
    timings: dict[str, float] = {}
    sizes = batch_sizes(people)
    place = PlaceState(people=people, batches=len(sizes))
    multi = len(sizes) > 1
    if out.exists() and force:
        for child in out.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    out.mkdir(parents=True, exist_ok=True)
    files: list[dict] = []
    truth: list[dict] = []
    summed: dict[str, list[pl.DataFrame]] = {}
    people_ever = 0
    world: World | None = None
    for b, n_b in enumerate(sizes):
        world = None  # the last batch's world is freed before the next is built
        place.batch, place.batch_people = b, n_b
        started = time.perf_counter()
        world = build_world(n_b, batch_seed(seed, b), area, start_year, place)
        _add(timings, "population", started)
        if on_step:
            on_step("population")
        frames = generate_frames(world, on_step, timings)
        if paradoxes:
            from joinedup.synth.paradoxes import plant
            plant(world)
        if multi:
            for sid in SUMMED:
                if sid in frames:  # counts per cell: summed over the batches, written once at the end
                    summed.setdefault(sid, []).append(frames.pop(sid))
                    world.events.pop(sid, None)
        started = time.perf_counter()
        f, t = write_batch(world, frames, out, fmt, defects, part=b if multi else None)
        files += f
        truth += t
        people_ever += world.people.height
        _add(timings, "write", started)
    started = time.perf_counter()
    for sid, parts in summed.items():
        keys = [c for c in parts[0].columns if c not in SUMMED[sid]]
        frame = pl.concat(parts).group_by(keys).agg(pl.col(c).sum() for c in SUMMED[sid]).sort(keys)
        files.append(_write_source(None, get_source(sid), frame.select(parts[0].columns), None,
                                   defects.for_sector(get_source(sid).sector), out, fmt)[0])
    if multi:
        files.sort(key=lambda e: (e["source"], e.get("part", -1)))
        truth.sort(key=lambda e: (TRUTH_FILES.index(Path(e["path"]).parent.name), e.get("part", -1)))
    start_d, end_d = period_of(start_year)
    meta = {"generator": "joinedup.synth", "version": f"{__version__}+synth.{GENERATOR_VERSION}", "seed": seed,
            "people": people, "people_ever": people_ever, "area": area, "area_name": name,
            "period": {"start": start_d.isoformat(), "end": end_d.isoformat()}}
    if multi:
        meta["batches"] = {"count": len(sizes), "residents": sizes}
    manifest = write_manifest(out, meta, fmt, defects, files, truth)
    _add(timings, "write", started)
    started = time.perf_counter()
    manifest = write_returns(out, manifest, start_d, end_d)
    timings["returns"] = time.perf_counter() - started
    if on_step:
        on_step("write")
    assert world is not None
    return SynthResult(manifest, world, timings)


def _add(timings: dict[str, float], step: str, started: float) -> None:
    timings[step] = timings.get(step, 0.0) + time.perf_counter() - started
