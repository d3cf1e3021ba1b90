"""The synthetic place: a borough's people living coherent lives across sectors, written as real extracts.

`synthesise(people, seed, out)` builds the world (joinedup.synth.build), runs each sector's
generator in flow order (joinedup.synth.place.GENERATORS), applies realistic defects and writes
the extracts, DIR/truth/ and DIR/manifest.json (joinedup.synth.writer). A place bigger than one
household batch (joinedup.synth.batches) is built and written batch by batch, a part per extract.
"""

from __future__ import annotations

__all__ = ["synthesise", "build_world", "DefectConfig", "DefectRates", "World"]

from joinedup.synth.build import build_world
from joinedup.synth.defects import DefectConfig, DefectRates
from joinedup.synth.place import synthesise
from joinedup.synth.world import World
