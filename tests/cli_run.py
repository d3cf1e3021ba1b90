"""Run the joinedup front door in process from a fixture of any scope (the `run_cli` fixture needs a test's capsys)."""

from __future__ import annotations


def cli(*args: str) -> None:
    """Run `joinedup ARGS` in process; fail the test with the command if it exits non-zero."""
    from joinedup.cli import main

    try:
        main(list(args))
    except SystemExit as e:
        assert not e.code, f"joinedup {' '.join(args)} exited {e.code}"
