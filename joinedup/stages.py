"""The stages in the order data flows (DESIGN.md), and the hooks each one offers the front door.

Each stage package may hold `cli.py` with `register(app: typer.Typer) -> None` (its commands)
and `demo.py` with `run(ctx: DemoContext) -> None` (its step of `joinedup demo`). The front
door finds them here, so a stage adds itself without editing cli.py.

A stage imports only from the stages before it and from SHARED. Where an earlier stage offers
something a later one defines (a measure broken down by segment), the later stage declares it in a
hook module the earlier one asks for by name: `joinedup.<stage>.breakdowns` with
`VIEWS: dict[str, Callable[[Period], sqlglot tree]]` (one query per breakdown: person_id -> group).
Likewise a writer that changes what later stages read (a load, a link run) asks each later stage's
`joinedup.<stage>.stored` module to `refresh(store)` what it derives, in the same write session
before it publishes, so that readers of the new version find it stored (measure results).
"""

from __future__ import annotations

import importlib
from importlib.util import find_spec
from types import ModuleType

from typing import Any

__all__ = ["STAGES", "SHARED", "breakdown_view", "refresh_stored", "stage_hooks"]

#: Data flows one way, in this order; `demo` runs the steps in this order too.
STAGES: tuple[str, ...] = (
    "synth", "ingest", "validate", "store", "link", "measures", "segments", "model", "glossary", "peers", "web",
)

#: Stages every other stage may import: the shared language (terms annotate every screen and report).
SHARED: tuple[str, ...] = ("glossary",)


def stage_hooks(hook: str) -> list[tuple[str, ModuleType]]:
    """The `joinedup.<stage>.<hook>` modules that exist, in flow order."""
    found = []
    for stage in STAGES:
        name = f"joinedup.{stage}.{hook}"
        if find_spec(f"joinedup.{stage}") is None or find_spec(name) is None:
            continue
        found.append((stage, importlib.import_module(name)))
    return found


def breakdown_view(name: str, period: Any) -> Any:
    """The query giving each person's group in a breakdown a later stage declares (e.g. 'segment')."""
    for _stage, module in stage_hooks("breakdowns"):
        views = getattr(module, "VIEWS", {})
        if name in views:
            return views[name](period)
    raise KeyError(f"no stage declares the breakdown {name!r}")


def refresh_stored(store: Any, after: str) -> None:
    """Let every stage after `after` store what it derives from the data, in the writer's session (before publishing)."""
    later = STAGES[STAGES.index(after) + 1:]
    for stage, module in stage_hooks("stored"):
        if stage in later:
            module.refresh(store)
