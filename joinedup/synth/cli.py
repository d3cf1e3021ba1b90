"""`joinedup synth`: write a synthetic place's extracts, ground truth and manifest."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from joinedup.console import err, out, progress
from joinedup.reference import DEFAULT_AREA

__all__ = ["register", "synth"]


def synth(
    people: int = typer.Option(320_000, "--people", help="Residents at the start of the period (1,000 to 20,000,000)."),
    seed: int = typer.Option(1, "--seed", help="Seed: the same seed and version give byte-identical files."),
    out_dir: Path = typer.Option(..., "--out", help="Folder to write the extracts, truth/ and manifest.json into."),
    fmt: str = typer.Option("parquet", "--format", help="parquet or csv."),
    force: bool = typer.Option(False, "--force", help="Replace the contents of a non-empty --out folder."),
    area: str = typer.Option(DEFAULT_AREA, "--area", help="ONS code of the local authority whose LSOAs and postcodes to use."),
    start_year: int = typer.Option(2022, "--start-year", min=2015, max=2030,
                                   help="First financial year (three years from 1 April of it)."),
    defects_file: Path | None = typer.Option(None, "--defects", help="YAML file of defect rates per sector (docs/synth.md)."),
    clean: bool = typer.Option(False, "--clean", help="Write extracts with no defects at all."),
    paradoxes: bool = typer.Option(False, "--paradoxes", help="Plant the paradoxes leaders meet (docs/synth.md); on in the demo."),
) -> None:
    """Synthesise a place: people, households and every sector's extracts, with ground truth apart."""
    from joinedup.synth.defects import DefectConfig, load_defects
    from joinedup.synth.batches import batch_sizes
    from joinedup.synth.place import available_generators, check_request, synthesise

    check_request(people, out_dir, force, fmt)
    defects = DefectConfig.none() if clean else load_defects(defects_file) if defects_file else None
    batches = len(batch_sizes(people)) if people > 0 else 1
    steps = ["population", *available_generators()]
    with progress() as bar:
        task = bar.add_task("synthesising", total=len(steps) * batches + 1)
        result = synthesise(people, seed, out_dir, fmt, area, start_year, force, defects,
                            on_step=lambda name: bar.update(task, advance=1, description=name), paradoxes=paradoxes)
    m = result.manifest
    table = Table(title=f"{m['area_name']} ({m['area']}), {m['period']['start']} to {m['period']['end']}, seed {m['seed']}")
    table.add_column("source")
    table.add_column("rows", justify="right")
    table.add_column("file")
    shown: dict[str, list] = {}
    for f in m["files"]:  # a place of several batches: one line per extract, its parts' rows summed
        row = shown.setdefault(f["source"], [f["source"], 0, f["path"] if "part" not in f else str(Path(f["path"]).parent) + "/"])
        row[1] += f["rows"]
    for source_id, rows, path in shown.values():
        table.add_row(source_id, f"{rows:,}", path)
    table.add_row("[dim]truth[/dim]", f"{sum(t['rows'] for t in m['truth'] if 'records' in t['path']):,}",
                  "truth/records" + ("/" if "batches" in m else "." + ("csv" if fmt == "csv" else "parquet")))
    out.print(table)
    out.print(f"{m['people']:,} residents at the start, {m['people_ever']:,} people in the period; "
              f"manifest: {out_dir / 'manifest.json'}")
    err.print(f"[dim]took {sum(result.timings.values()):.1f} s[/dim]")


def register(app: typer.Typer) -> None:
    """Add `joinedup synth` to the front door."""
    app.command("synth")(synth)
