"""The stages in the order data flows (DESIGN.md), and the hooks each one offers the front door.

Each stage package may hold `cli.py` with `register(app: typer.Typer) -> None` (its commands)
and `demo.py` with `run(ctx: DemoContext) -> None` (its step of `joinedup demo`). The front
door finds them here, so a stage adds itself without editing cli.py.
"""

from __future__ import annotations

import importlib
from importlib.util import find_spec
from types import ModuleType

__all__ = ["STAGES", "stage_hooks"]

#: Data flows one way, in this order; `demo` runs the steps in this order too.
STAGES: tuple[str, ...] = (
    "synth", "validate", "ingest", "link", "measures", "segments", "model", "glossary", "peers", "web",
)


def stage_hooks(hook: str) -> list[tuple[str, ModuleType]]:
    """The `joinedup.<stage>.<hook>` modules that exist, in flow order."""
    found = []
    for stage in STAGES:
        name = f"joinedup.{stage}.{hook}"
        if find_spec(f"joinedup.{stage}") is None or find_spec(name) is None:
            continue
        found.append((stage, importlib.import_module(name)))
    return found
