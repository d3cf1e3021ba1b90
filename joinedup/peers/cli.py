"""`joinedup peers ...`: import the published figures, compare a council with its neighbours, chart, report."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from joinedup.console import err, out, progress
from joinedup.errors import UserError
from joinedup.options import db_option

__all__ = ["register", "DEFAULT_DB"]

#: The store the peers commands use unless --db says otherwise (the demo uses workspace/store.duckdb).
DEFAULT_DB = Path("joinedup.duckdb")

peers = typer.Typer(help="The place beside its statistical neighbours and England, from published figures.",
                    no_args_is_help=True)

_DB = db_option(DEFAULT_DB)
_AREA = typer.Option(..., "--area", help="Council: ONS code (E08000027), DfE LA number (332) or name.")


@peers.command("import")
def import_cmd(
    source: Path = typer.Option(None, "--from", help="Folder of published files (default: the copy shipped in the package)."),
    db: Path = _DB,
) -> None:
    """Load the published figures into tidy peer tables of the store."""
    from joinedup.peers.importer import import_published

    with progress() as bar:
        bar.add_task("importing published peer figures", total=None)
        summary = import_published(db, source)
    table = Table(title=f"peer figures imported into {db}")
    for col in ("file", "table", "rows read", "rows written"):
        table.add_column(col, justify="right" if col.startswith("rows") else "left")
    for name, (target, read, written) in summary.files.items():
        table.add_row(name, target, f"{read:,}", f"{written:,}")
    out.print(table)
    out.print("values by status: " + ", ".join(f"{k} {v:,}" for k, v in summary.statuses.items()))


@peers.command("compare")
def compare_cmd(
    area: str = _AREA,
    measure: list[str] = typer.Option(None, "--measure", help="Published measure id (repeatable; default: the headline set)."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON (schema joinedup.peers.compare/1)."),
    db: Path = _DB,
) -> None:
    """Compare a council with its statistical neighbours and England, measure by measure."""
    from joinedup.peers.compare import compare
    from joinedup.peers.text import fmt

    doc = compare(db, area, measure or None)
    if as_json:
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    a = doc["area"]
    table = Table(title=f"{a['name']} ({a['code']}, DfE {a['la_number']}) beside its neighbours")
    for col in ("measure", "period", "value", "neighbours: median (range)", "England", "rank", "direction", "vs neighbours"):
        table.add_column(col)
    for m in doc["measures"]:
        s, latest, sig = m["neighbour_summary"], m["latest"], m["significance"]
        num = lambda v, unit=m["unit"]: fmt(v, unit, bare=True) if v is not None else "-"  # noqa: E731
        rng = f"{num(s['median'])} ({num(s['min'])}-{num(s['max'])})" if s["median"] is not None else "-"
        table.add_row(f"{m['short']} [{m['id']}]", m["period_compared"] or "-",
                      fmt(latest["value"], m["unit"]) if latest else "not published",
                      rng, num(m["england"]["value"]),
                      f"{m['rank']['position']}/{m['rank']['of']}" if m["rank"] else "-", m["direction"]["label"],
                      _versus(sig))
    out.print(table)


def _versus(sig: dict) -> str:
    over = sig.get("overdispersion")
    if sig["verdict"] and over and over["band"] != sig["band"]:
        return f"{sig['verdict']} ({over['verdict']} allowing for spread)"
    return sig["verdict"] or sig["note"] or "-"


@peers.command("chart")
def chart_cmd(
    area: str = _AREA,
    measure: str = typer.Option(..., "--measure", help="Published measure id."),
    out_file: Path = typer.Option(..., "--out", help="Image to write: .png or .svg."),
    db: Path = _DB,
) -> None:
    """Chart a measure: the council's trend beside its neighbours, and a funnel plot where there is a denominator."""
    from joinedup.peers.chart import write_chart
    from joinedup.peers.compare import compare

    if out_file.suffix.lower() not in (".png", ".svg"):
        raise UserError(f"--out must end in .png or .svg, got {out_file.name!r}")
    doc = compare(db, area, [measure])
    panels = write_chart(doc["area"]["name"], doc["measures"][0], out_file)
    out.print(f"wrote {out_file} ({', '.join(panels)})")


@peers.command("report")
def report_cmd(
    area: str = _AREA,
    out_file: Path = typer.Option(..., "--out", help="HTML file to write (self-contained, works offline)."),
    db: Path = _DB,
) -> None:
    """Write a short peer report: where the council stands out among its neighbours, in plain English."""
    from joinedup.peers.report import write_report

    if out_file.suffix.lower() not in (".html", ".htm"):
        raise UserError(f"--out must end in .html, got {out_file.name!r}")
    with progress() as bar:
        bar.add_task("writing the peer report", total=None)
        n = write_report(db, area, out_file)
    out.print(f"wrote {out_file} ({n} measure{'' if n == 1 else 's'} where the council stands out)")


@peers.command("areas")
def areas_cmd(db: Path = _DB) -> None:
    """List the councils with their ONS codes and DfE LA numbers."""
    from joinedup.peers.compare import PeerStore

    ps = PeerStore.open(db)
    try:
        table = Table(title="councils")
        for col in ("ONS code", "DfE number", "name", "region", "note"):
            table.add_column(col)
        for a in ps.areas:
            if a.kind == "council":
                note = (f"abolished {a.abolished}" if a.abolished else "") + (f"formerly {', '.join(a.former)}" if a.former else "")
                table.add_row(a.code, str(a.la_number), a.name, a.region or "", note)
        out.print(table)
    finally:
        ps.close()


@peers.command("measures")
def measures_cmd(search: str = typer.Option(None, "--search", help="Only measures whose id or title contains this."),
                 db: Path = _DB) -> None:
    """List the published measures (ids to give to --measure)."""
    from joinedup.peers import sql
    from joinedup.peers.compare import PeerStore

    ps = PeerStore.open(db)
    try:
        rows = ps.con.fetchall(sql.MEASURES)
    finally:
        ps.close()
    table = Table(title="published measures")
    for col in ("id", "title", "topic", "polarity", "source"):
        table.add_column(col)
    for mid, title, topic, polarity, _unit, _scheme, source in rows:
        if search and search.lower() not in f"{mid} {title}".lower():
            continue
        table.add_row(mid, title, topic or "", polarity, source)
    out.print(table)
    err.print(f"[dim]{table.row_count} measures[/dim]")


def register(app: typer.Typer) -> None:
    """Add `joinedup peers ...` to the front door."""
    app.add_typer(peers, name="peers")
