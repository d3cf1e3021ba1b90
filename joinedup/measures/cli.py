"""`joinedup measures ...`: list, run, paradoxes, docs and the compiled SQL of the measure library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from joinedup.console import err, out, progress
from joinedup.errors import UserError
from joinedup.options import DB, ENGINE, SPARK_MASTER
from joinedup.store import Store

__all__ = ["register", "measures_app"]

measures_app = typer.Typer(help="Outcome and process measures declared as data, run on the store.", no_args_is_help=True)

_DIRS = typer.Option(None, "--measures", help="A folder of the council's own measure YAML files (repeatable).")
_JSON = typer.Option(False, "--json", help="Print JSON (one object per row) instead of a table.")
_SUPPRESS = typer.Option(None, "--suppress-below", min=0,
                         help="Suppress counts from 1 to N (default 7, or JOINEDUP_SUPPRESS_BELOW).")


def _table(*names: str) -> Table:
    # Fold rather than truncate: an id or the word "suppressed" must never be cut short.
    table = Table()
    for name in names:
        numeric = name in ("numerator", "denominator", "value")
        table.add_column(name, overflow="fold", min_width=10 if numeric else None, no_wrap=numeric,
                         justify="right" if numeric else "left")
    return table


def _cell(v, suppressed: bool) -> str:
    if suppressed:
        return "suppressed"
    if v is None:
        return "-"
    return f"{v:,.1f}" if isinstance(v, float) and not float(v).is_integer() else f"{v:,.0f}" if isinstance(v, (int, float)) else str(v)


@measures_app.command("list")
def list_cmd(as_json: bool = _JSON, dirs: Optional[list[Path]] = _DIRS) -> None:
    """List the measures: id, kind, sectors, unit, title."""
    from joinedup.measures import api  # on use: the front door does not load SciPy for other commands
    rows = [m.as_dict() for m in api.list_measures(dirs)]
    if as_json:
        out.print(json.dumps(rows, indent=1), markup=False)
        return
    table = _table("id", "kind", "sectors", "unit", "title")
    for r in rows:
        table.add_row(r["id"], r["kind"], ", ".join(r["sectors"]), r["unit"], r["title"])
    out.print(table)


@measures_app.command("run")
def run_cmd(
    db: Path = DB,
    period: Optional[str] = typer.Option(None, "--period", help="Financial year, e.g. 2024-25 (default: the latest complete one in the store)."),
    by: str = typer.Option("all", "--by", help="Breakdown: all, age_band, sex, ethnicity_group, deprivation_quintile, ward or segment."),
    measure: Optional[list[str]] = typer.Option(None, "--measure", help="Run only this measure (repeatable)."),
    dirs: Optional[list[Path]] = _DIRS,
    as_json: bool = _JSON,
    suppress_below: Optional[int] = _SUPPRESS,
    engine: str = ENGINE,
    spark_master: Optional[str] = SPARK_MASTER,
) -> None:
    """Run measures: one row per measure, period and breakdown group, small numbers suppressed."""
    from joinedup.measures import api  # on use: the front door does not load SciPy for other commands
    with Store.open(db, "analysis", engine=engine, spark_master=spark_master) as store, progress() as bar:
        task = bar.add_task("measures", total=len(measure or []) or len(api.library(dirs)))
        result = api.run(store, period=period, by=by, measures=measure, dirs=dirs, threshold=suppress_below,
                         on_measure=lambda m: bar.advance(task))
    if not result.linked:
        err.print("[yellow]note:[/] no person index in the store (run joinedup link): each source record counts as a person")
    rows = result.rows()
    if as_json:
        out.print(json.dumps(rows, indent=1), markup=False)
        return
    table = _table("measure", "period", "group", "numerator", "denominator", "value", "95% CI")
    notes: dict[tuple[str, str], str] = {}
    for r in rows:
        s = r["suppressed"]
        ci = "suppressed" if s else "-" if r["ci_low"] is None else f"{_cell(r['ci_low'], False)} to {_cell(r['ci_high'], False)}"
        value = _cell(r["value"], s)
        if r["history"] != "complete":
            notes[(r["measure"], r["period"])] = r["history"]
            value += " (!)"
        table.add_row(r["measure"], r["period"], r["group"] if r["breakdown"] == "all" else f"{r['breakdown']}: {r['group']}",
                      _cell(r["numerator"], s), _cell(r["denominator"], s), value, ci)
    out.print(table)
    for (mid, label), note in notes.items():
        out.print(f"(!) {mid} {label}: {note}", markup=False)


@measures_app.command("paradoxes")
def paradoxes_cmd(
    db: Path = DB,
    dirs: Optional[list[Path]] = _DIRS,
    as_json: bool = _JSON,
    suppress_below: Optional[int] = _SUPPRESS,
) -> None:
    """For each process-outcome pair: both trends over the years, flagged where the process improves and the outcome does not."""
    from joinedup.measures import api  # on use: the front door does not load SciPy for other commands
    with Store.open(db, "analysis") as store:
        found = api.paradoxes(store, dirs=dirs, threshold=suppress_below)
    if as_json:
        out.print(json.dumps([p.as_dict() for p in found], indent=1), markup=False)
        return
    for p in found:
        mark = "[bold red]FLAG[/]" if p.flagged else "[green]ok[/]"
        out.print(f"{mark} {p.process.measure} -> {p.outcome.measure}")
        out.print(f"     {p.sentence}", markup=False)
    tests = sorted({t for p in found if p.trend_tested for t in p.test.split("; ") if not t.startswith("two-sided")})
    out.print(f"[dim]Tests: {'; '.join(tests) + '; two-sided, 5% level' if tests else 'none (numbers suppressed)'}[/]")


@measures_app.command("docs")
def docs_cmd(out_path: Path = typer.Option(..., "--out", help="Where to write the catalogue (Markdown)."),
             dirs: Optional[list[Path]] = _DIRS) -> None:
    """Write the measure catalogue (Markdown) from the YAML."""
    from joinedup.measures import api  # on use: the front door does not load SciPy for other commands
    from joinedup.measures.catalogue import markdown
    text = markdown(api.library(dirs))
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot write the catalogue: {e}", file=str(out_path)) from None
    err.print(f"wrote {out_path}")


@measures_app.command("sql")
def sql_cmd(
    measure: str = typer.Option(..., "--measure", help="The measure id."),
    period: str = typer.Option("2024-25", "--period", help="Financial year, e.g. 2024-25."),
    by: str = typer.Option("all", "--by", help="Breakdown."),
    dialect: str = typer.Option("duckdb", "--dialect", help="duckdb or spark."),
    dirs: Optional[list[Path]] = _DIRS,
) -> None:
    """Print the SQL one measure compiles to, for one engine (the first period of the financial year)."""
    from joinedup.measures import api  # on use: the front door does not load SciPy for other commands
    out.print(api.compiled_sql(measure, period=period, by=by, dialect=dialect, dirs=dirs), markup=False)


def register(app: typer.Typer) -> None:
    """Add `joinedup measures`."""
    app.add_typer(measures_app, name="measures")
