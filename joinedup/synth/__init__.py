"""The synthetic place: a borough's people living coherent lives across sectors, written as real extracts.

`synthesise(people, seed, out)` builds the world (joinedup.synth.build), runs each sector's
generator in flow order (joinedup.synth.place.GENERATORS), applies realistic defects and writes
the extracts, DIR/truth/ and DIR/manifest.json (joinedup.synth.writer). A place bigger than one
household batch (joinedup.synth.batches) is built and written batch by batch, a part per extract.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from joinedup.synth.build import build_world
    from joinedup.synth.defects import DefectConfig, DefectRates
    from joinedup.synth.place import synthesise
    from joinedup.synth.world import World

__all__ = ["synthesise", "build_world", "DefectConfig", "DefectRates", "World"]

#: Where each public name lives: imported on first use, so that `joinedup <any command>` does not build
#: the synthesiser's tables (PEP 562).
_HOME = {"synthesise": "place", "build_world": "build", "DefectConfig": "defects", "DefectRates": "defects",
         "World": "world"}


def __getattr__(name: str) -> Any:
    """The public name from its module, imported on first use."""
    if name in _HOME:
        return getattr(import_module(f"joinedup.synth.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
