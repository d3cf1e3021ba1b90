"""The segments step of `joinedup demo`: people and families per segment (small numbers suppressed)."""

from __future__ import annotations

import json

from joinedup.console import err
from joinedup.measures.engine import open_store
from joinedup.measures.periods import financial_year, parse_financial_year
from joinedup.measures.runner import coverage
from joinedup.segments.counts import segment_counts

__all__ = ["run"]


def run(ctx) -> None:
    """Count segments for the latest complete year and write them into the workspace."""
    engine = open_store(ctx.store)
    years = coverage(engine)
    if not years:
        err.print("[yellow]segments: the store holds no complete financial year[/]")
        return
    counts = segment_counts(engine, financial_year(parse_financial_year(years[-1])))
    path = ctx.workspace / "segments.json"
    path.write_text(json.dumps([c.as_row() for c in counts], indent=1), encoding="utf-8")
    ctx.made["segments"] = path
    err.print(f"segments: {len(counts)} counts for {years[-1]}")
