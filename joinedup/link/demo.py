"""The link stage's step of `joinedup demo`: build the person index, evaluate it, write the report."""

from __future__ import annotations

from joinedup.console import err
from joinedup.link.evaluate import evaluate_store, format_figures
from joinedup.link.index import build_index
from joinedup.link.report import write_report

__all__ = ["run"]


def run(ctx) -> None:
    """Link ctx.store, evaluate against the place's truth when present, write the linkage report."""
    summary = build_index(ctx.store)
    err.print(summary.describe(), markup=False, highlight=False)
    truth = ctx.place / "truth"
    if truth.is_dir():
        err.print(format_figures(evaluate_store(ctx.store, truth)), markup=False, highlight=False)
    report = ctx.workspace / "linkage-report.html"
    write_report(ctx.store, report, truth if truth.is_dir() else None)
    ctx.made["linkage report"] = report
