"""`joinedup report board`: the board pack for one financial year, as PDF or HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from joinedup.console import err, out

__all__ = ["report_app", "board_command"]

report_app = typer.Typer(help="Reports for the joint table: the board pack.", no_args_is_help=True)


@report_app.command("board")
def board_command(
    db: Path = typer.Option(..., "--db", help="The analysis store."),
    period: str = typer.Option(..., "--period", help="Financial year, such as 2024-25."),
    out_path: Path = typer.Option(..., "--out", help="Where to write the pack: a .pdf or .html file."),
    state_url: Optional[str] = typer.Option(None, "--state-url", help="The app's state database (default: beside the store)."),
    runs: int = typer.Option(200, "--runs", min=10, max=100_000, help="Ensemble runs of the pack's scenario."),
) -> None:
    """Overview, paradox flags, actions due with their trends, the agenda's balance, peers and one scenario."""
    from joinedup.web.board import write_board
    from joinedup.web.state import default_state_url, open_state
    state = open_state(state_url or default_state_url(db))
    try:
        pack = write_board(db, state, period, out_path, runs=runs)
    finally:
        state.close()
    c = pack.context
    err.print(f"board pack {period}: {len(c['due'])} actions due, {len(c['flags'])} paradox flags, "
              f"{len(c['quarters'])} quarters of agenda, scenario {c['scenario']['name']}", markup=False)
    out.print(f"wrote {out_path}", markup=False, highlight=False)
