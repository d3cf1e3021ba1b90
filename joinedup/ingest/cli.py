"""`joinedup ingest PATH... --db STORE.duckdb [--json]` and `joinedup ingest report --db STORE.duckdb`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import typer
from rich.table import Table

from joinedup.console import err, out, progress
from joinedup.errors import UserError
from joinedup.options import DB

__all__ = ["register", "ingest_command", "print_result", "print_report"]


def print_result(result, as_json: bool) -> None:
    """The outcome of a load: one JSON object, or a table with why each file was recognised."""
    if as_json:
        out.print(json.dumps(result.as_json()), markup=False, highlight=False, soft_wrap=True)
        return
    table = Table(title=f"load {result.load_id}")
    numbers = ("read", "loaded", "quarantined", "already present", "replaced")
    for col in ("file", "source", *numbers):
        table.add_column(col, justify="right" if col in numbers else "left", overflow="fold")
    for f in result.files:
        table.add_row(Path(f.path).name, f.source, str(f.rows_read), str(f.rows_loaded), str(f.rows_quarantined),
                      str(f.rows_present), str(f.rows_replaced))
    t = result.totals()
    table.add_row("[bold]total", "", str(t["rows_read"]), str(t["rows_loaded"]), str(t["rows_quarantined"]),
                  str(t["rows_present"]), str(t["rows_replaced"]))
    out.print(table)
    for f in result.files:  # which source each file is, and why we think so
        out.print(f"{f.path}: {f.source}: {f.why}", markup=False, highlight=False)
    if t["rows_present"]:
        out.print(f"{t['rows_present']} row(s) were already in the store (same source, record key and values) "
                  "and were not loaded again", markup=False, highlight=False)
    out.print(f"store: {result.store}  vault: {result.vault}  pseudonym key: {result.key_origin}")
    out.print(f"see rejected rows with: joinedup ingest report --db {result.store}", markup=False)


def print_report(rep: dict, as_json: bool) -> None:
    """The report: loads, then quarantined values grouped by file, field and reason."""
    if as_json:
        out.print(json.dumps(rep), markup=False, highlight=False, soft_wrap=True)
        return
    loads = Table(title=f"loads into {rep['store']}")
    for col in ("load", "started", "files", "skipped", "read", "loaded", "quarantined"):
        loads.add_column(col)
    for r in rep["loads"]:
        loads.add_row(r["load_id"], r["started_at"][:19], str(r["files"]), str(r["files_skipped"]),
                      str(r["rows_read"]), str(r["rows_loaded"]), str(r["rows_quarantined"]))
    out.print(loads)
    q = Table(title="quarantine by file, field and reason (counts 1-7 shown as <8)")
    for col in ("file", "field", "reason", "values", "in rejected rows"):
        q.add_column(col)
    for r in rep["quarantine"]:
        q.add_row(Path(r["path"]).name, r["field"], r["reason"], str(r["values"]), str(r["in_rejected_rows"]))
    out.print(q if rep["quarantine"] else "quarantine: empty")


def ingest_command(
    paths: List[str] = typer.Argument(..., help="Folders (with or without manifest.json) or files; or 'report'."),
    db: Path = DB,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    returns: bool = typer.Option(True, "--returns/--no-returns", help="For a folder with manifest.json, also read "
                                 "the returns as submitted that it lists (SSDA903 years, CIN and school census XML, CLD "
                                 "quarters, FHIR bundles), after the copies (the default); --no-returns reads the "
                                 "CSV/Parquet copies only."),
) -> None:
    """Validate, pseudonymise and load extracts into the store; `ingest report` shows loads and quarantine."""
    from joinedup.ingest.loader import ingest
    from joinedup.ingest.api import report
    from joinedup.store import Store

    if paths[0] == "report":
        if len(paths) > 1:
            raise UserError("ingest report takes no paths (use --db)")
        with Store.open(db, "analysis") as store:
            print_report(report(store).as_json(), as_json)
        return
    with progress() as bar:
        task = bar.add_task("ingest", total=None)
        result = ingest([Path(p) for p in paths], db, returns=returns,
                        progress=lambda name, n: bar.update(task, advance=n, description=f"ingest {name}"))
    if not as_json:
        err.print(f"pseudonym key: {result.key_origin}")
    print_result(result, as_json)


def register(app: typer.Typer) -> None:
    """Add `joinedup ingest` (with `report` as its first argument) to the front door."""
    app.command("ingest", help="Validate, pseudonymise and load extracts; 'joinedup ingest report --db STORE' "
                               "shows loads and quarantine.")(ingest_command)
