"""`joinedup demo`: the main job, every stage in turn on the embedded synthetic place."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.console import err, out
from joinedup.stages import stage_hooks

__all__ = ["DemoContext", "run_demo"]

DEFAULT_PEOPLE = 320_000
DEFAULT_WORKSPACE = Path("joinedup-demo")


@dataclass
class DemoContext:
    """What each stage's demo step reads and adds to: the workspace and what earlier steps made."""

    workspace: Path
    people: int
    seed: int = 1
    made: dict[str, Path] = field(default_factory=dict)

    @property
    def place(self) -> Path:
        """The synthetic place's extracts."""
        return self.workspace / "place"

    @property
    def store(self) -> Path:
        """The analysis store."""
        return self.workspace / "store.duckdb"


def run_demo(ctx: DemoContext) -> None:
    """Run every stage's demo step in flow order and print what each one made."""
    ctx.workspace.mkdir(parents=True, exist_ok=True)
    for stage, module in stage_hooks("demo"):
        started = time.perf_counter()
        err.rule(f"[bold]{stage}")
        module.run(ctx)
        err.print(f"[dim]{stage} took {time.perf_counter() - started:.1f} s[/dim]")
    out.print(f"[bold green]demo complete[/] in {ctx.workspace}")
    for name, path in ctx.made.items():
        out.print(f"  {name}: {path}")
