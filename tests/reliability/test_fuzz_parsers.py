"""Property-based fuzz of every parser: each input either parses or raises `UserError` naming the file.

Parsers: the ingest readers (CSV header, Parquet, FHIR JSON and NDJSON, CIN census XML, SSDA903 CSV,
the manifest and folder planner) and one whole ingest per example for CSV; the spec loaders (measures,
segments, scenarios, models, glossary terms, any YAML spec); explain's paper readers (text, Word, PDF);
match's file reader. Inputs are random bytes, text shaped like each format, and valid files with bytes
changed, cut or spliced. Any other exception (or a UserError that names no file) fails the test: that
is a traceback a user would see. `scripts/fuzz_parsers.py` runs the same targets for longer (atheris
when installed, else hypothesis without an example limit).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings

from joinedup.errors import UserError
from tests.reliability import fuzz_targets as ft

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_n = itertools.count()


def _check(target: Callable[[Path], object], path: Path) -> None:
    try:
        target(path)
    except UserError as e:
        assert e.file, f"UserError without a file: {e}"


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    d = tmp_path / f"case{next(_n)}"  # a fresh name each time: readers cache by path, size and time
    d.mkdir()
    p = d / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("name", sorted(ft.TARGETS))
def test_every_parser_answers_with_a_parse_or_a_user_error(name, tmp_path):
    suffix, target, seeds = ft.TARGETS[name]

    @SETTINGS
    @given(ft.inputs(seeds))
    def fuzz(data: bytes) -> None:
        _check(target, _file(tmp_path, f"input{suffix}", data))

    fuzz()


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=ft.inputs(ft.csv_seeds()))
def test_a_whole_ingest_of_a_fuzzed_csv_exits_0_or_2_with_one_line(data, tmp_path, run_cli):
    path = _file(tmp_path, "nhs.deaths.csv", data)
    code, _out, err = run_cli("ingest", str(path), "--db", str(path.parent / "store.duckdb"))
    assert code in (0, 2), err
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and str(path) in lines[0], err


def test_the_targets_find_what_they_should(tmp_path):
    """The harness can fail: a target's valid seed parses, and a broken one gives a UserError naming the file."""
    for suffix, target, seeds in ft.TARGETS.values():
        target(_file(tmp_path, f"input{suffix}", seeds[0]))
    with pytest.raises(UserError) as e:
        ft.TARGETS["csv_header"][1](_file(tmp_path, "input.csv", b"a,a\n1,2\n"))
    assert e.value.file and e.value.field == "a"
    with pytest.raises(UserError):
        ft.TARGETS["manifest"][1](_file(tmp_path, "input.json", json.dumps({"files": [{"path": "../x.csv"}]}).encode()))
