"""The peers commands as a user runs them: import, compare (table and JSON), chart, report, errors."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET

import pytest

from joinedup.peers.cli import DEFAULT_DB


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_default_store_is_named():
    assert DEFAULT_DB.name == "joinedup.duckdb"


def test_import_prints_counts(run_cli, tmp_path):
    code, out, err = run_cli("peers", "import", "--db", str(tmp_path / "s.duckdb"))
    assert code == 0, err
    assert "children_lait.parquet" in out and "641,070" in out and "missing 94,181" in out


def test_compare_json_is_stable_and_documented(run_cli, peer_store):
    code, out, err = run_cli("peers", "compare", "--area", "E08000027", "--json", "--db", str(peer_store))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "joinedup.peers.compare/1"
    assert doc["area"] == {"code": "E08000027", "la_number": 332, "name": "Dudley", "region": "West Midlands"}
    assert doc["ofsted"]["overall"] == "requires improvement"
    assert len(doc["measures"]) == 22
    keys = {"id", "short", "title", "topic", "unit", "polarity", "source", "scheme", "latest", "period_compared", "series",
            "neighbours", "neighbour_summary", "england", "region", "rank", "direction", "significance"}
    assert all(set(m) == keys for m in doc["measures"])
    sig_keys = {"method", "per", "denominator", "denominator_rule", "target", "limits", "band", "verdict", "overdispersion", "note", "points"}
    assert all(set(m["significance"]) == sig_keys for m in doc["measures"])
    code2, out2, _ = run_cli("peers", "compare", "--area", "332", "--json", "--db", str(peer_store))
    assert out2 == out  # the DfE number gives the same document, byte for byte


def test_compare_table_for_a_named_measure(run_cli, peer_store):
    code, out, err = run_cli("peers", "compare", "--area", "Kent", "--measure", "CIN", "--db", str(peer_store))
    assert code == 0, err
    assert "Kent" in out and "[CIN]" in out.replace("\n", "")


@pytest.mark.parametrize("args,needle", [
    (["compare", "--area", "E99999999"], "unknown area 'E99999999'"),
    (["compare", "--area", "332", "--measure", "NoSuchMeasure"], "unknown measure 'NoSuchMeasure'"),
    (["compare", "--area", "E92000001"], "not a council"),
    (["chart", "--area", "332", "--measure", "CIN", "--out", "x.gif"], "--out must end in .png or .svg"),
    (["chart", "--area", "9999", "--measure", "CIN", "--out", "x.png"], "unknown area '9999'"),
    (["report", "--area", "Atlantis", "--out", "x.html"], "unknown area 'Atlantis'"),
])
def test_errors_are_one_line_exit_2(run_cli, peer_store, args, needle):
    code, _, err = run_cli("peers", *args, "--db", str(peer_store))
    assert code == 2
    assert needle in _one_error_line(err)


def test_store_without_import_is_a_user_error(run_cli, tmp_path):
    code, _, err = run_cli("peers", "compare", "--area", "332", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "peers import" in _one_error_line(err)


def test_import_from_missing_folder(run_cli, tmp_path):
    code, _, err = run_cli("peers", "import", "--from", str(tmp_path / "nope"), "--db", str(tmp_path / "s.duckdb"))
    assert code == 2 and "not a folder" in _one_error_line(err)


def test_chart_png_with_funnel(run_cli, peer_store, tmp_path):
    out_file = tmp_path / "rereferrals.png"
    code, out, err = run_cli("peers", "chart", "--area", "E08000027", "--measure", "ReReferral", "--out", str(out_file),
                             "--db", str(peer_store))
    assert code == 0, err
    assert "trend, funnel" in out
    data = out_file.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width > height > 200  # two panels side by side


def test_chart_svg_without_denominator(run_cli, peer_store, tmp_path):
    out_file = tmp_path / "caseload.svg"
    code, out, err = run_cli("peers", "chart", "--area", "332", "--measure", "Work_Force_AvgNumCase_SW", "--out", str(out_file),
                             "--db", str(peer_store))
    assert code == 0, err
    assert "(trend)" in out
    root = ET.parse(out_file).getroot()
    assert root.tag.endswith("svg")


def test_report_is_self_contained(run_cli, peer_store, tmp_path):
    out_file = tmp_path / "peers.html"
    code, out, err = run_cli("peers", "report", "--area", "E08000027", "--out", str(out_file), "--db", str(peer_store))
    assert code == 0, err
    html = out_file.read_text()
    assert html.startswith("<!doctype html>") and "<svg" in html
    assert "<script" not in html and "<link" not in html and "src=\"http" not in html
    assert "Dudley" in html and "requires improvement" in html
    assert "Social worker turnover" in html and "Worse than its neighbours" in html
    assert "Open Government Licence" in html


def test_report_notes_deprivation_and_abolition(run_cli, peer_store, tmp_path):
    dudley, northants = tmp_path / "dudley.html", tmp_path / "northants.html"
    assert run_cli("peers", "report", "--area", "332", "--out", str(dudley), "--db", str(peer_store))[0] == 0
    # joinedup.reference: Dudley has 22 of its 203 LSOAs in the most deprived decile (11%).
    assert "with 11% of its neighbourhoods in England&#39;s most deprived tenth" in dudley.read_text()
    assert run_cli("peers", "report", "--area", "928", "--out", str(northants), "--db", str(peer_store))[0] == 0
    assert "Northamptonshire was abolished in 2021" in northants.read_text()


def test_a_file_that_is_not_a_store(run_cli, tmp_path):
    not_a_store = tmp_path / "notes.duckdb"
    not_a_store.write_text("not a database\n")
    for args in (["import"], ["compare", "--area", "332"]):
        code, _, err = run_cli("peers", *args, "--db", str(not_a_store))
        assert code == 2 and "not a joinedup store" in _one_error_line(err)
    assert not_a_store.read_text() == "not a database\n"


def test_unwritable_output(run_cli, peer_store, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run_cli("peers", "report", "--area", "332", "--out", str(blocker / "r.html"), "--db", str(peer_store))
    assert code == 2 and "cannot write report" in _one_error_line(err)
