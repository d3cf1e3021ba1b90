"""The measures step of `joinedup demo`: the whole library on the store, and the paradox lens."""

from __future__ import annotations

import json

from joinedup.console import err, progress
from joinedup.measures.engine import open_store
from joinedup.measures.paradox import paradoxes
from joinedup.measures.runner import coverage, run_measures
from joinedup.measures.spec import load_library

__all__ = ["run"]


def run(ctx) -> None:
    """Run every measure for the latest complete year; write rows and paradox sentences to the workspace."""
    engine = open_store(ctx.store)
    lib = load_library()
    years = coverage(engine)
    if not years:
        err.print("[yellow]measures: the store holds no complete financial year; nothing to measure[/]")
        return
    with progress() as bar:
        task = bar.add_task(f"measures {years[-1]}", total=len(lib))
        rows = run_measures(engine, lib, years[-1], on_measure=lambda m: bar.advance(task))
    path = ctx.workspace / "measures.json"
    path.write_text(json.dumps([r.as_row() for r in rows], indent=1), encoding="utf-8")
    ctx.made["measures"] = path
    if len(years) >= 2:
        found = paradoxes(engine, lib, years)
        lens = ctx.workspace / "paradoxes.json"
        lens.write_text(json.dumps([p.as_dict() for p in found], indent=1), encoding="utf-8")
        text = ctx.workspace / "paradoxes.txt"
        text.write_text("\n".join(("FLAG " if p.flagged else "ok   ") + p.sentence for p in found) + "\n", encoding="utf-8")
        ctx.made["paradoxes"] = text
        err.print(f"measures: {len(rows)} rows for {years[-1]}; {sum(p.flagged for p in found)} of {len(found)} pairs flagged")
