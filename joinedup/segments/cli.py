"""`joinedup segments`: counts of people and families per segment (small numbers suppressed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from joinedup.console import out
from joinedup.options import DB

__all__ = ["register", "segments_cmd"]


def segments_cmd(
    db: Path = DB,
    period: Optional[str] = typer.Option(None, "--period", help="Financial year, e.g. 2024-25 (default: the latest complete one)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    suppress_below: Optional[int] = typer.Option(None, "--suppress-below", min=0, help="Suppress counts from 1 to N (default 7)."),
) -> None:
    """Count people by segment (adults by need, children by level of need) and families by shared need."""
    from joinedup.segments import api
    from joinedup.store import Store
    with Store.open(db, "analysis") as store:
        rows = api.counts(store, period=period, threshold=suppress_below).rows()
    if as_json:
        out.print(json.dumps(rows, indent=1), markup=False)
        return
    table = Table()
    for name in ("group", "segment", "title", "period", "count"):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(r["group"], r["segment"], r["title"], r["period"], "suppressed" if r["suppressed"] else f"{r['count']:,}")
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add `joinedup segments`."""
    app.command("segments")(segments_cmd)
