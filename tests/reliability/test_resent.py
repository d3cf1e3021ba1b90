"""Idempotent by content, not by bytes: a re-sent extract is not loaded twice; a changed row replaces its version."""

from __future__ import annotations

import csv
import io
import json

from tests import store_con

from tests.ingest.conftest import snapshot


def _counts(db) -> dict[str, int]:
    con = store_con.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("death", "encounter", "person_record", "row_version")}
    finally:
        con.close()


def _load(run_cli, db, *paths) -> dict:
    code, out, err = run_cli("ingest", *map(str, paths), "--db", str(db), "--json")
    assert code == 0, err
    return json.loads(out)


def _rows(path) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(path.read_text()))
    return list(reader.fieldnames), list(reader)


def _write(path, header, rows, newline="\n") -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator=newline)
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue())


def test_same_rows_in_a_byte_different_file_are_not_loaded_again(small_place, tmp_path, run_cli):
    db = tmp_path / "store.duckdb"
    first = _load(run_cli, db, small_place / "nhs.deaths.csv", small_place / "nhs.ed_attendances.csv")
    before, snap = _counts(db), snapshot(db)
    header, rows = _rows(small_place / "nhs.deaths.csv")
    resent = tmp_path / "deaths_resent.csv"
    _write(resent, header, list(reversed(rows)), newline="\n")  # LF, not CRLF; rows reordered
    assert resent.read_bytes() != (small_place / "nhs.deaths.csv").read_bytes()
    again = _load(run_cli, db, resent)
    f = again["files"][0]
    assert not f["skipped"] and f["rows_read"] == len(rows)
    assert f["rows_present"] == len(rows) and f["rows_loaded"] == 0 and f["rows_replaced"] == 0
    assert _counts(db) == before
    # nothing of the analysis tables changed but the load's own bookkeeping
    after = snapshot(db)
    assert {k: v for k, v in after.items() if not k.endswith((":load", ":load_file"))} == \
        {k: v for k, v in snap.items() if not k.endswith((":load", ":load_file"))}
    assert first["totals"]["rows_present"] == 0


def test_the_same_rows_twice_in_one_run_are_loaded_once(small_place, tmp_path, run_cli):
    db = tmp_path / "store.duckdb"
    header, rows = _rows(small_place / "nhs.deaths.csv")
    copy = tmp_path / "deaths_copy.csv"
    _write(copy, header, rows, newline="\n")
    result = _load(run_cli, db, small_place / "nhs.deaths.csv", copy)
    assert result["totals"]["rows_present"] == len(rows)
    assert _counts(db)["death"] == len(rows)


def test_a_resent_extract_with_changed_rows_replaces_them_as_a_new_version(small_place, tmp_path, run_cli):
    db = tmp_path / "store.duckdb"
    _load(run_cli, db, small_place / "nhs.deaths.csv")
    before = _counts(db)
    header, rows = _rows(small_place / "nhs.deaths.csv")
    changed = [dict(r) for r in rows]
    for r in changed[:3]:
        r["PLACE_OF_DEATH"] = "hospice" if r["PLACE_OF_DEATH"] != "hospice" else "home"
    resent = tmp_path / "deaths_v2.csv"
    _write(resent, header, changed)
    result = _load(run_cli, db, resent)
    f = result["files"][0]
    assert (f["rows_present"], f["rows_replaced"], f["rows_loaded"]) == (len(rows) - 3, 3, 3)
    assert _counts(db) == before  # replaced, not appended
    con = store_con.connect(str(db), read_only=True)
    try:
        places = con.execute("SELECT count(*) FROM death WHERE file_sha256 <> ?",
                             [con.execute("SELECT file_sha256 FROM load_file ORDER BY load_id LIMIT 1").fetchone()[0]]
                             ).fetchone()[0]
    finally:
        con.close()
    assert places == 3  # the three new versions come from the re-sent file


def test_the_report_says_how_many_rows_were_already_present(small_place, tmp_path, run_cli):
    db = tmp_path / "store.duckdb"
    _load(run_cli, db, small_place / "nhs.deaths.csv")
    header, rows = _rows(small_place / "nhs.deaths.csv")
    resent = tmp_path / "deaths_lf.csv"
    _write(resent, header, rows)
    code, out, err = run_cli("ingest", str(resent), "--db", str(db))
    assert code == 0, err
    assert f"{len(rows)} row(s) were already in the store" in out


def test_loads_in_the_same_second_sort_as_they_ran(small_place, tmp_path, run_cli):
    """Readers take the loads in ORDER BY load_id: loads must sort in the order they ran."""
    db = tmp_path / "store.duckdb"
    ids = [_load(run_cli, db, small_place / name)["load_id"] for name in ("nhs.deaths.csv", "nhs.ed_attendances.csv")]
    assert ids == sorted(ids)
    con = store_con.connect(str(db), read_only=True)
    try:
        ordered = [r[0] for r in con.execute("SELECT load_id FROM load ORDER BY load_id").fetchall()]
        by_start = [r[0] for r in con.execute("SELECT load_id FROM load ORDER BY started_at").fetchall()]
    finally:
        con.close()
    assert ordered == by_start == ids


def test_load_ids_made_within_one_second_sort_as_made():
    """Ids made microseconds apart sort in the order made (an id to the second plus random hex did not)."""
    import time

    from joinedup.ingest.loader import new_load_id
    ids = []
    for _ in range(40):
        ids.append(new_load_id())
        time.sleep(0.00002)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_versions_in_one_run_follow_each_other(small_place, tmp_path, run_cli):
    """A run of three versions of one extract: each changed row replaces the version staged before it.

    The third file is the first again: its three rows differ from the second file's (now the staged
    versions, the first file's having left the staging), so they are replaced, not found present."""
    db = tmp_path / "store.duckdb"
    header, rows = _rows(small_place / "nhs.deaths.csv")
    changed = [dict(r) for r in rows]
    for r in changed[:3]:
        r["PLACE_OF_DEATH"] = "hospice" if r["PLACE_OF_DEATH"] != "hospice" else "home"
    v2, v3 = tmp_path / "deaths_v2.csv", tmp_path / "deaths_v3.csv"
    _write(v2, header, changed)
    _write(v3, header, rows)  # the first version again, LF: a different file
    result = _load(run_cli, db, small_place / "nhs.deaths.csv", v2, v3)
    got = [(f["rows_present"], f["rows_replaced"], f["rows_loaded"]) for f in result["files"]]
    assert got == [(0, 0, len(rows)), (len(rows) - 3, 3, 3), (len(rows) - 3, 3, 3)]
    counts = _counts(db)
    assert counts["death"] == counts["row_version"] == len(rows)
    con = store_con.connect(str(db), read_only=True)
    try:
        last = con.execute("SELECT file_sha256 FROM load_file WHERE path = ?", [str(v3)]).fetchone()[0]
        from_last = con.execute("SELECT count(*) FROM death WHERE file_sha256 = ?", [last]).fetchone()[0]
        versions_from_last = con.execute("SELECT count(*) FROM row_version WHERE file_sha256 = ?", [last]).fetchone()[0]
    finally:
        con.close()
    assert from_last == versions_from_last == 3
