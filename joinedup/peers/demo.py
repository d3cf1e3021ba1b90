"""The peers step of `joinedup demo`: import the published figures and write Dudley's peer report."""

from __future__ import annotations

from joinedup.console import err
from joinedup.demo import DemoContext
from joinedup.peers.importer import import_published
from joinedup.peers.report import write_report
from joinedup.reference import DEFAULT_AREA

__all__ = ["run"]


def run(ctx: DemoContext) -> None:
    """Import the shipped published figures into the store and write the peer report of the default place."""
    summary = import_published(ctx.store)
    err.print(f"imported {sum(w for _, _, w in summary.files.values()):,} published rows into {ctx.store}")
    out = ctx.workspace / "peers.html"
    standing_out = write_report(ctx.store, DEFAULT_AREA, out)
    err.print(f"peer report: {standing_out} measures where the place stands out")
    ctx.made["peer report"] = out
