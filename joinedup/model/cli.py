"""Commands of the model stage: `joinedup model ...` and `joinedup simulate`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from joinedup.console import err, out, progress
from joinedup.errors import UserError
from joinedup.options import DB

__all__ = ["register", "model_app", "simulate_command"]

model_app = typer.Typer(help="The linked stock-and-flow models of the place: list, show, diagram, calibrate, export.",
                        no_args_is_help=True)


def _names() -> str:
    from joinedup.model.catalogue import SYSTEM, model_names
    return ", ".join(model_names() + [SYSTEM])


@model_app.command("list")
def list_models() -> None:
    """List the models, their size, levers and links."""
    from joinedup.model.catalogue import flat_model, links, model_names, model_spec
    from joinedup.model.scenarios import shipped_scenarios
    t = Table(title="Models (run together by `joinedup simulate`)", title_justify="left")
    for c in ("name", "title", "stocks", "flows", "auxiliaries", "parameters", "levers"):
        t.add_column(c, justify="right" if c in ("stocks", "flows", "auxiliaries", "parameters") else "left")
    for n in model_names():
        spec, flat = model_spec(n), flat_model(n)
        levers = ", ".join(k for k, p in spec.parameters.items() if p.lever)
        t.add_row(n, spec.title, str(len(flat.stocks)), str(len(flat.flows)), str(len(flat.auxes)),
                  str(len(spec.parameters)), levers)
    out.print(t)
    out.print("links: " + "; ".join(f"{ln.source} -> {ln.to}" for ln in links()))
    out.print("shipped scenarios: " + ", ".join(shipped_scenarios()))


@model_app.command("show")
def show(name: str = typer.Argument(..., help="Model name, 'system' for all linked, or a model YAML file."),
         as_json: bool = typer.Option(False, "--json", help="Print the structure as JSON.")) -> None:
    """Show a model's structure and parameters (value, range, uncertainty, source)."""
    from joinedup.model.catalogue import flat_model
    flat = flat_model(name)
    if as_json:
        doc = {
            "name": flat.name, "title": flat.title, "time_units": flat.time_units,
            "stocks": {flat.display(n): {"units": s.units, "initial": _src(s.initial), "inflows": [flat.display(f) for f in s.inflows],
                                         "outflows": [flat.display(f) for f in s.outflows]} for n, s in flat.stocks.items()},
            "flows": {flat.display(n): {"units": v.units, "equation": _src(v.tree)} for n, v in flat.flows.items()},
            "auxiliaries": {flat.display(n): {"units": v.units, "equation": _src(v.tree)} for n, v in flat.auxes.items()},
            "parameters": {flat.display(n): p.model_dump(exclude_none=True) for n, p in flat.params.items()},
            "lookups": {flat.display(n): lk.model_dump() for n, lk in flat.lookups.items()},
        }
        print(json.dumps(doc, indent=2))
        return
    out.print(f"[bold]{flat.title}[/] ({flat.name}; time in {flat.time_units}s)")
    t = Table(title="Stocks", title_justify="left")
    for c in ("stock", "units", "initial", "inflows", "outflows"):
        t.add_column(c)
    for n, s in flat.stocks.items():
        t.add_row(flat.display(n), s.units, _src(s.initial), ", ".join(flat.display(f).split(".")[1] for f in s.inflows),
                  ", ".join(flat.display(f).split(".")[1] for f in s.outflows))
    out.print(t)
    t = Table(title="Flows and auxiliaries", title_justify="left")
    for c in ("name", "kind", "units", "equation"):
        t.add_column(c)
    for kind, table in (("flow", flat.flows), ("auxiliary", flat.auxes)):
        for n, v in table.items():
            t.add_row(flat.display(n), kind, v.units, _src(v.tree))
    out.print(t)
    t = Table(title="Parameters", title_justify="left")
    for c in ("parameter", "value", "units", "range", "uncertainty", "lever", "source"):
        t.add_column(c)
    for n, p in flat.params.items():
        d = p.distribution
        unc = "" if d is None else f"{d.kind} " + " ".join(f"{k}={v:g}" for k, v in d.model_dump(exclude_none=True).items() if k != "kind")
        t.add_row(flat.display(n), f"{p.value:g}", p.units, "" if p.range is None else f"[{p.range[0]:g}, {p.range[1]:g}]",
                  unc, "yes" if p.lever else "", p.source)
    out.print(t)


def _src(tree) -> str:
    import ast
    return ast.unparse(tree).replace("__", ".")


@model_app.command("diagram")
def diagram(name: str = typer.Argument(..., help="Model name, 'system', or a model YAML file."),
            out_path: Path = typer.Option(..., "--out", help="SVG file to write.")) -> None:
    """Draw a model's stock-and-flow diagram as SVG."""
    from joinedup.model.catalogue import flat_model
    from joinedup.model.diagram import write_diagram
    if out_path.suffix.lower() != ".svg":
        raise UserError("the diagram is SVG: give a file ending .svg", file=str(out_path), field="--out")
    write_diagram(flat_model(name), out_path)
    out.print(f"wrote {out_path}")


@model_app.command("export")
def export(name: str = typer.Argument(..., help="Model name, 'system' for all linked, or a model YAML file."),
           fmt: str = typer.Option("xmile", "--format", help="Export format: xmile."),
           out_path: Path = typer.Option(..., "--out", help="File to write."),
           years: float = typer.Option(5, "--years", min=0.02, max=100, help="Simulation length written in sim_specs.")) -> None:
    """Export a model as XMILE so Stella, Vensim or PySD can run it."""
    from joinedup.model.catalogue import flat_model
    from joinedup.model.engine import WEEKS_PER_YEAR
    from joinedup.model.xmile import write_xmile
    if fmt.lower() != "xmile":
        raise UserError(f"unknown format {fmt!r} (supported: xmile)", field="--format")
    write_xmile(flat_model(name), out_path, weeks=years * WEEKS_PER_YEAR)
    out.print(f"wrote {out_path}")


@model_app.command("calibrate")
def calibrate_command(db: Path = DB,
                      out_path: Path = typer.Option(None, "--out", help="Write the values to this params YAML.")) -> None:
    """Estimate parameters from the store; say which came from data and which are defaults."""
    from joinedup.model.calibrate import calibrate, write_params
    rows = calibrate(db)
    t = Table(title=f"Calibration from {db}", title_justify="left")
    for c in ("parameter", "value", "default", "from", "note"):
        t.add_column(c, justify="right" if c in ("value", "default") else "left")
    for r in rows:
        t.add_row(r.param, f"{r.value:.4g}", f"{r.default:.4g}", r.source, r.note)
    out.print(t)
    n = sum(r.source == "data" for r in rows)
    scaled = sum(r.source == "scaled" for r in rows)
    err.print(f"{n} of {len(rows)} parameters from data, {scaled} scaled to the store's population, "
              f"{len(rows) - n - scaled} defaults")
    if out_path:
        write_params(rows, out_path, db)
        out.print(f"wrote {out_path}")


def _scenario_path(arg: str) -> Path:
    from joinedup.model.scenarios import shipped_scenarios
    p = Path(arg)
    if p.exists():
        return p
    shipped = shipped_scenarios()
    if arg in shipped:
        return shipped[arg]
    raise UserError(f"scenario file not found (shipped scenarios: {', '.join(shipped)})", file=arg)


def simulate_command(
    scenario: str = typer.Argument(..., help="Scenario YAML file (or the name of a shipped scenario)."),
    runs: int = typer.Option(1000, "--runs", min=1, max=1_000_000, help="Ensemble runs."),
    years: float = typer.Option(5, "--years", min=0.1, max=50, help="Years to simulate (52 weekly steps a year)."),
    seed: int = typer.Option(1, "--seed", help="Seed of the parameter draws."),
    params: Path = typer.Option(None, "--params", help="Parameter values from `joinedup model calibrate --out`."),
    method: str = typer.Option("euler", "--method", help="Integration: euler or rk4."),
    as_json: bool = typer.Option(False, "--json", help="Print percentile series as JSON."),
    plot: Path = typer.Option(None, "--plot", help="Write fan charts to this PNG."),
) -> None:
    """Simulate a scenario against the baseline across all linked models (median, 5th-95th percentiles)."""
    from joinedup.model.catalogue import flat_model
    from joinedup.model.report import fan_chart, result_table
    from joinedup.model.scenarios import load_params, load_scenario
    from joinedup.model.simulate import simulate
    if method not in ("euler", "rk4"):
        raise UserError(f"unknown method {method!r} (euler or rk4)", field="--method")
    if plot is not None and plot.suffix.lower() != ".png":
        raise UserError("fan charts are PNG: give a file ending .png", file=str(plot), field="--plot")
    sc = load_scenario(_scenario_path(scenario))
    flat = flat_model("system")
    values = load_params(params, flat) if params else None
    with progress() as bar:
        task = bar.add_task(f"simulating {sc.name}: {runs:,} runs x 2", total=None)
        result = simulate(sc, runs=runs, years=years, seed=seed, params=values, method=method, flat=flat)
        bar.update(task, completed=1, total=1)
    if plot is not None:
        fan_chart(result, plot)
        err.print(f"wrote {plot}")
    if as_json:
        print(json.dumps(result.to_json()))
    else:
        out.print(result_table(result))


def register(app: typer.Typer) -> None:
    """Add `joinedup model ...` and `joinedup simulate` to the front door."""
    app.add_typer(model_app, name="model")
    app.command("simulate")(simulate_command)
