"""The command line: a thin front door over the stages (each stage registers its own commands)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

try:  # typer >= 0.20 vendors click as typer._click; older releases use click itself
    from typer._click import exceptions as cx
except ImportError:  # pragma: no cover
    from click import exceptions as cx

from joinedup import __version__
from joinedup.console import err
from joinedup.demo import DEFAULT_PEOPLE, DEFAULT_WORKSPACE, DemoContext, run_demo
from joinedup.errors import UserError
from joinedup.stages import stage_hooks

__all__ = ["app", "main", "one_line"]

app = typer.Typer(
    name="joinedup",
    help="Join up a place's People services around the individual: synth, ingest, link, measure, model, explain, compare.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"joinedup {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """joinedup: one linked, person- and family-centred picture of a place's People services."""


@app.command()
def demo(
    people: int = typer.Option(DEFAULT_PEOPLE, "--people", min=100, max=20_000_000, help="People in the synthetic place."),
    workspace: Path = typer.Option(DEFAULT_WORKSPACE, "--workspace", help="Folder for everything the demo makes."),
    seed: int = typer.Option(1, "--seed", help="Seed of the synthetic place."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="End by serving the web app (--no-serve stops after the files)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port of the web app."),
) -> None:
    """The main job: build the synthetic place, run every stage on it, then serve the web app."""
    ctx = DemoContext(workspace=workspace, people=people, seed=seed)
    run_demo(ctx)
    if serve:
        from joinedup.web.demo import serve_demo
        serve_demo(ctx, port=port)


for _stage, _module in stage_hooks("cli"):
    _module.register(app)


def one_line(text: str) -> str:
    """The text on one line: line breaks and other control characters (from a file's own bytes) escaped."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; user errors print one line and exit 2, never a traceback."""
    try:
        rc = app(args=argv, standalone_mode=False)
    except UserError as e:
        err.print(f"error: {one_line(str(e))}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(e.exit_code)
    except cx.NoArgsIsHelpError as e:
        err.print(e.ctx.get_help() if e.ctx else str(e), markup=False)
        sys.exit(2)
    except cx.UsageError as e:
        hint = f" (try '{e.ctx.command_path} --help')" if e.ctx else ""
        err.print(f"error: {e.format_message()}{hint}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err.print("error: aborted", markup=False)
        sys.exit(130)
    except cx.ClickException as e:
        err.print(f"error: {e.format_message()}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(e.exit_code)
    sys.exit(rc if isinstance(rc, int) else 0)
