"""Shared fixtures: the repo root, the shared reference folder (present in CI), a CLI runner, one Spark session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture
def run_cli(capsys):
    """Run the joinedup front door in process; returns (exit code, stdout, stderr)."""
    from joinedup.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
            code = 0
        except SystemExit as e:
            code = int(e.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session per test run (local[2], no UI): every Spark test shares it."""
    if os.environ.get("JOINEDUP_SPARK") == "0":
        pytest.skip("Spark tests switched off by JOINEDUP_SPARK=0")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark tests need Java (none found)")
    pytest.importorskip("pyspark")
    from joinedup.measures.spark import local_session
    session = local_session()
    yield session
    session.stop()
