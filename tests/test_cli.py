"""The front door: help on every command, one-line errors with exit code 2, the installed script."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from joinedup.cli import app


def _commands(cmd, prefix=()):
    for name, sub in getattr(cmd, "commands", {}).items():
        yield prefix + (name,)
        yield from _commands(sub, prefix + (name,))


def test_every_command_has_help(run_cli):
    import typer.main

    commands = list(_commands(typer.main.get_command(app)))
    assert ("demo",) in commands
    for path in commands:
        code, out, err = run_cli(*path, "--help")
        assert code == 0, (path, err)
        assert "Usage" in out


@pytest.mark.parametrize("args", [["--bogus"], ["demo", "--people", "5"], ["no-such-command"]])
def test_bad_usage_is_one_line_exit_2(run_cli, args):
    code, out, err = run_cli(*args)
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err


def test_version(run_cli):
    code, out, _ = run_cli("--version")
    assert code == 0 and out.startswith("joinedup ")


def test_module_entry_point_runs_as_subprocess():
    proc = subprocess.run([sys.executable, "-m", "joinedup", "--bogus"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


@pytest.mark.skipif(shutil.which("joinedup") is None, reason="console script not installed in this environment")
def test_console_script_installed():
    proc = subprocess.run(["joinedup", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "demo" in proc.stdout
