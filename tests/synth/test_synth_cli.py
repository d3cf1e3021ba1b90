"""`joinedup synth` and the demo step: a summary table on success, one-line errors with exit 2 on bad input."""

from __future__ import annotations

import json

import pytest


def _one_line_error(code: int, err: str) -> str:
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


def test_synth_writes_a_place_and_prints_a_summary(run_cli, tmp_path):
    out = tmp_path / "place"
    code, stdout, err = run_cli("synth", "--people", "1500", "--seed", "7", "--out", str(out))
    assert code == 0, err
    assert "nhs.ed_attendances" in stdout and "asc.client_level_data" in stdout and "rows" in stdout
    m = json.loads((out / "manifest.json").read_text())
    assert m["seed"] == 7 and m["people"] == 1500 and len(m["files"]) >= 6


@pytest.mark.parametrize("args, needle", [
    (["--people", "10"], "--people must be between"),
    (["--people", "999999999"], "--people must be between"),
    (["--format", "xlsx"], "--format must be parquet or csv"),
    (["--area", "E99999999"], "E99999999"),
    (["--bogus"], "No such option"),
])
def test_bad_input_is_one_line_exit_2(run_cli, tmp_path, args, needle):
    code, _, err = run_cli("synth", "--out", str(tmp_path / "x"), *args)
    assert needle in _one_line_error(code, err)


def test_non_empty_folder_needs_force(run_cli, tmp_path):
    out = tmp_path / "full"
    out.mkdir()
    (out / "something.txt").write_text("keep me")
    code, _, err = run_cli("synth", "--people", "1000", "--out", str(out))
    assert "not empty" in _one_line_error(code, err)
    assert (out / "something.txt").exists()
    code, _, err = run_cli("synth", "--people", "1000", "--out", str(out), "--force")
    assert code == 0, err
    assert not (out / "something.txt").exists() and (out / "manifest.json").exists()


def test_out_is_required(run_cli):
    code, _, err = run_cli("synth", "--people", "1000")
    assert "--out" in _one_line_error(code, err)


def test_demo_step_builds_the_place(tmp_path):
    from joinedup.demo import DemoContext
    from joinedup.synth.demo import run

    ctx = DemoContext(workspace=tmp_path / "ws", people=1200, seed=3)
    ctx.workspace.mkdir()
    run(ctx)
    assert (ctx.place / "manifest.json").exists()
    assert ctx.made["synthetic place"] == ctx.place


def test_defects_file_is_validated(run_cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("asc:\n  nhs_missing: 1.5\n")
    code, _, err = run_cli("synth", "--people", "1000", "--out", str(tmp_path / "p"), "--defects", str(bad))
    line = _one_line_error(code, err)
    assert "bad.yaml" in line and "asc.nhs_missing" in line
    typo = tmp_path / "typo.yaml"
    typo.write_text("asc:\n  nhs_mising: 0.1\n")
    code, _, err = run_cli("synth", "--people", "1000", "--out", str(tmp_path / "p"), "--defects", str(typo))
    assert "nhs_mising" in _one_line_error(code, err)
    good = tmp_path / "good.yaml"
    good.write_text("asc:\n  nhs_missing: 0.5\n")
    code, _, err = run_cli("synth", "--people", "1000", "--out", str(tmp_path / "p"), "--defects", str(good))
    assert code == 0, err
    m = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert m["defects"]["asc"]["nhs_missing"] == 0.5
