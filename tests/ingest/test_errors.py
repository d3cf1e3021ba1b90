"""A file that cannot be read stops the run: exit 2, one line naming file (row, field), nothing loaded."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.ingest.conftest import snapshot


def _episodes(tmp_path, small_place):
    path = tmp_path / "episodes.csv"
    shutil.copy(small_place / "csc.ssda903_episodes.csv", path)
    return path


def _broken(kind: str, tmp_path, small_place):
    good = (small_place / "csc.ssda903_episodes.csv").read_text()
    header, *rows = good.splitlines()
    p = tmp_path / f"{kind}.csv"
    if kind == "empty":
        p.write_bytes(b"")
        return p, "empty file", None, None
    if kind == "binary":
        p.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
        return p, "binary", 0, None
    if kind == "latin1":
        p.write_bytes((header + "\n" + rows[0] + "\n").encode() + "é,01/01/2024\n".encode("latin-1"))
        return p, "UTF-8", 2, None
    if kind == "duplicated_header":
        p.write_text(header + ",CHILD\n" + rows[0] + ",x\n")
        return p, "duplicated header", 0, "CHILD"
    if kind == "missing_column":
        cols = header.split(",")
        keep = [i for i, c in enumerate(cols) if c != "DECOM"]
        lines = [",".join(cols[i] for i in keep)] + [",".join(r.split(",")[i] for i in keep) for r in rows]
        p.write_text("\n".join(lines) + "\n")
        return p, "missing", 0, "DECOM"
    if kind == "field_count":
        p.write_text("\n".join([header, *rows[:3], rows[3] + ",extra,fields", *rows[4:]]) + "\n")
        return p, "fields", 4, None
    if kind == "unrecognised":
        p.write_text("colour,flavour\nred,sweet\n")
        return p, "colour, flavour", None, None
    if kind == "truncated_parquet":
        p = tmp_path / "t.parquet"
        pq.write_table(pa.table({"CHILD": ["1"] * 100, "DECOM": ["01/01/2024"] * 100}), p)
        p.write_bytes(p.read_bytes()[:-40])
        return p, "Parquet", None, None
    raise AssertionError(kind)


KINDS = ["empty", "binary", "latin1", "duplicated_header", "missing_column", "field_count", "unrecognised",
         "truncated_parquet"]


@pytest.mark.parametrize("kind", KINDS)
def test_unreadable_file_exit_2_one_line_store_unchanged(kind, tmp_path, small_place, run_cli):
    db = tmp_path / "store.duckdb"
    good = _episodes(tmp_path, small_place)
    assert run_cli("ingest", str(good), "--db", str(db))[0] == 0
    before = snapshot(db)
    other = tmp_path / "attendance.csv"
    shutil.copy(small_place / "education.attendance.csv", other)
    bad, words, row, field = _broken(kind, tmp_path, small_place)
    # a good file alongside: nothing from the run may be loaded
    code, out, err = run_cli("ingest", str(other), str(bad), "--db", str(db))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {bad}: "), lines[0]
    assert words.lower() in lines[0].lower()
    if row is not None:
        assert f"row {row}" in lines[0]
    if field is not None:
        assert f"field {field}" in lines[0]
    assert "Traceback" not in err
    assert snapshot(db) == before


def test_manifest_row_count_mismatch_is_an_error(tmp_path, small_place, run_cli):
    place = tmp_path / "place"
    shutil.copytree(small_place, place)
    path = place / "education.attendance.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")
    code, _, err = run_cli("ingest", str(place), "--db", str(tmp_path / "s.duckdb"))
    assert code == 2 and "education.attendance.csv" in err and "sha256" in err


def test_report_on_missing_store_is_a_user_error(tmp_path, run_cli):
    code, _, err = run_cli("ingest", "report", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and err.startswith("error: ") and "none.duckdb" in err


@pytest.mark.parametrize("name,content,row", [
    ("b.json", '{"resourceType": "Bundle", "entry": [', 1),
    ("e.ndjson", '{"resourceType": "Patient", "id": "a"}\n{"resourceType": \n', 2),
    ("n.json", '{"hello": 1}', None),
    ("z.ndjson", "", None),
])
def test_unreadable_fhir_exit_2_naming_file_and_row(name, content, row, tmp_path, run_cli):
    path = tmp_path / name
    path.write_text(content)
    code, _, err = run_cli("ingest", str(path), "--db", str(tmp_path / "s.duckdb"))
    assert code == 2
    line = err.strip()
    assert "\n" not in line and line.startswith(f"error: {path}: ")
    if row is not None:
        assert f"row {row}" in line


@pytest.mark.parametrize("setting, message", [
    ("MEMORY_ENV", "memory limit 'lots' not understood"),
    ("BATCH_ENV", "JOINEDUP_INGEST_BATCH_ROWS must be a whole number"),
])
def test_a_size_setting_not_understood_is_one_line(run_cli, tmp_path, small_place, monkeypatch, setting, message):
    from joinedup.ingest import loader
    monkeypatch.setenv(getattr(loader, setting), "lots")
    code, out, err = run_cli("ingest", str(_episodes(tmp_path, small_place)), "--db", str(tmp_path / "s.duckdb"))
    assert code == 2
    assert err.strip().startswith("error:") and message in err
    assert len(err.strip().splitlines()) == 1


def test_memory_limit_default_and_override(monkeypatch):
    from joinedup.ingest.loader import MEMORY_ENV, memory_limit
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    assert 512 <= int(memory_limit().removesuffix("MB")) <= 4096
    monkeypatch.setenv(MEMORY_ENV, "3GB")
    assert memory_limit() == "3GB"
