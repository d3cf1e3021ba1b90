"""Shared fixtures: the repo root, the shared reference folder (present in CI), a CLI runner, one Spark session."""

from __future__ import annotations

import os
import sys
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


@pytest.fixture(scope="module", autouse=True)
def _spark_views_end_with_their_module():
    """Temporary views and caches one module leaves in the shared Spark session are dropped before the next
    module runs (a `person` view left by one test module would shadow another module's store)."""
    yield
    if "pyspark" not in sys.modules:
        return
    from pyspark.sql import SparkSession
    spark = SparkSession.getActiveSession()
    if spark is None:
        return
    for table in spark.catalog.listTables():
        if table.isTemporary:
            spark.catalog.dropTempView(table.name)
    spark.catalog.clearCache()
