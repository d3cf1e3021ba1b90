"""The synth step of `joinedup demo`: build the embedded synthetic place in the workspace."""

from __future__ import annotations

from joinedup.console import out
from joinedup.demo import DemoContext

__all__ = ["run"]


def run(ctx: DemoContext) -> None:
    """Synthesise ctx.people people with ctx.seed into ctx.place (Parquet) and record it in ctx.made."""
    from joinedup.synth.place import synthesise

    # The demo place carries the paradoxes leaders meet, so the paradox lens has something to find.
    result = synthesise(ctx.people, ctx.seed, ctx.place, "parquet", force=True, paradoxes=True)
    rows = sum(f["rows"] for f in result.manifest["files"])
    out.print(f"synthetic place: {len(result.manifest['files'])} extracts, {rows:,} rows, "
              f"{result.manifest['people_ever']:,} people")
    ctx.made["synthetic place"] = ctx.place
    ctx.made["synthetic place manifest"] = ctx.place / "manifest.json"
