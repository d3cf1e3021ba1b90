"""The ingest commands: `report` as the first argument, JSON shapes, help."""

from __future__ import annotations

import json


def test_report_as_first_argument(small_place, tmp_path, run_cli):
    db = tmp_path / "s.duckdb"
    assert run_cli("ingest", str(small_place / "csc.ssda903_episodes.csv"), "--db", str(db))[0] == 0
    code, out, err = run_cli("ingest", "report", "--db", str(db), "--json")
    assert code == 0, err
    rep = json.loads(out)
    assert len(rep["loads"]) == 1 and rep["loads"][0]["files"] == 1
    assert {"path", "source", "field", "reason", "values", "in_rejected_rows"} <= set(rep["quarantine"][0]) \
        if rep["quarantine"] else True
    code, out, _ = run_cli("ingest", "report", "--db", str(db))
    assert code == 0 and "loads into" in out


def test_report_takes_no_paths(tmp_path, run_cli):
    code, _, err = run_cli("ingest", "report", "x.csv", "--db", str(tmp_path / "s.duckdb"))
    assert code == 2 and err.startswith("error: ")


def test_quarantine_counts_are_suppressed_below_8(tmp_path, run_cli):
    from tests.ingest.place import make_rows
    import csv
    rows = make_rows("nhs.deaths", 20)
    rows[0]["PLACE_OF_DEATH"] = "moon"
    for r in rows[1:11]:
        r["DEC_SEX"] = "7"
    path = tmp_path / "deaths.csv"
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    db = tmp_path / "s.duckdb"
    assert run_cli("ingest", str(path), "--db", str(db))[0] == 0
    rep = json.loads(run_cli("ingest", "report", "--db", str(db), "--json")[1])
    by_field = {q["field"]: q for q in rep["quarantine"]}
    assert by_field["PLACE_OF_DEATH"]["values"] == "<8"
    assert by_field["DEC_SEX"]["values"] == 10 and by_field["DEC_SEX"]["in_rejected_rows"] == 0


def test_help(run_cli):
    code, out, _ = run_cli("ingest", "--help")
    assert code == 0 and "--db" in out and "report" in out
