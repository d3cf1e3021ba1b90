"""The version check finds staged versions by the key hash's 64-bit prefix, then decides by the whole hash."""

from __future__ import annotations

from joinedup.ingest import fhir
from joinedup.ingest.keys import load_key
from joinedup.ingest.loader import _Run, key_prefix_sql
from joinedup.store import Store
from joinedup.store.load import LoadSession


def _typed(e, name: str, fields: list[str], rows: list[tuple[str, str]]) -> None:
    values = ", ".join(f"({i + 1}, '{k}', '{v}')" for i, (k, v) in enumerate(rows))
    cols = ", ".join(f"CAST({'k' if f == 'Appointment_ID' else 'v' if f == 'APPT_MODE' else 'NULL'} AS VARCHAR) "
                     f"AS \"{f}\"" for f in fields)
    e.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT _row, false AS __rejected, {cols} "
              f"FROM (VALUES {values}) t(_row, k, v)")


def test_a_staged_row_sharing_only_the_prefix_is_neither_present_nor_replaced(tmp_path):
    db = tmp_path / "v.duckdb"
    src = fhir.fhir_sources()["fhir.appointments"]
    fields = [f.name for f in src.fields]
    store = Store.open(db, "write", create=True, vault=True)
    try:
        run = _Run(LoadSession(store, load_key(db)), [], "test", None)
        e = run.e
        run._setup()
        run.n = 1
        # first file: three rows staged as the run would stage them
        _typed(e, "typed_1", fields, [("A1", "v1"), ("A2", "v1"), ("A3", "v1")])
        assert run._versions(src, "temp.typed_1", "first") == (0, 0)
        # a decoy: A3's version with another key hash but the same prefix (what a 64-bit collision would be)
        e.execute("UPDATE temp.st_row_version SET key_hash = substr(key_hash, 1, 16) || repeat('0', 16) "
                  "WHERE row_number = 3")
        assert e.fetchall(f"SELECT count(*) FROM temp.st_row_version WHERE _k = {key_prefix_sql('key_hash')}") \
            == [(3,)]
        # second file: A1 unchanged (present), A2 changed (replaced), A3 unchanged but its staged hash is the decoy's
        run.n = 2
        _typed(e, "typed_2", fields, [("A1", "v1"), ("A2", "v2"), ("A3", "v1")])
        assert run._versions(src, "temp.typed_2", "second") == (1, 1)
        # only A2's first version left the staging; the decoy was not taken for A3's old version
        gone = e.fetchall("SELECT s.row_number FROM temp.st_row_version s "
                          "WHERE s._v IN (SELECT rid FROM temp.st_row_version_gone)")
        assert gone == [(2,)]
        assert e.fetchall("SELECT count(*) FROM temp.st_superseded") == [(1,)]
    finally:
        store.close(publish=False)


def _versions_of(db) -> dict[str, list]:
    from tests import store_con

    con = store_con.connect(str(db), read_only=True)
    try:
        return {"death": con.execute("SELECT file_sha256, row_number FROM death ORDER BY ALL").fetchall(),
                "row_version": con.execute("SELECT source, key_hash, row_hash, file_sha256, row_number "
                                           "FROM row_version ORDER BY ALL").fetchall(),
                "encounter": con.execute("SELECT count(*) FROM encounter").fetchall()}
    finally:
        con.close()


def test_a_batch_of_files_checks_versions_as_file_by_file(small_place, tmp_path, run_cli, monkeypatch):
    """Files whose versions are checked in one batch give what one file at a time gives (JOINEDUP_INGEST_BATCH_ROWS=0).

    Four versions of one extract in a run, another source between them: each changed row replaces the
    version staged by the file before it, inside the batch as across batches."""
    import csv
    import io
    import json

    monkeypatch.setenv("JOINEDUP_KEY", "test-key-batched-versions-0123456789")
    text = (small_place / "nhs.deaths.csv").read_text()
    reader = csv.DictReader(io.StringIO(text))
    header, rows = list(reader.fieldnames), list(reader)
    changed = [dict(r) for r in rows]
    for r in changed[:3]:
        r["PLACE_OF_DEATH"] = "hospice" if r["PLACE_OF_DEATH"] != "hospice" else "home"
    files = []
    # v4 is v2's rows reversed (the same bytes would be skipped as the same file)
    for name, version in (("v2", changed), ("v3", rows), ("v4", changed[::-1])):
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(version)
        (tmp_path / f"deaths_{name}.csv").write_text(buf.getvalue())
        files.append(tmp_path / f"deaths_{name}.csv")
    paths = [small_place / "nhs.deaths.csv", files[0], small_place / "nhs.ed_attendances.csv", *files[1:]]
    got = {}
    for batch in ("0", "100000000"):
        monkeypatch.setenv("JOINEDUP_INGEST_BATCH_ROWS", batch)
        db = tmp_path / f"b{batch}.duckdb"
        code, out, err = run_cli("ingest", *map(str, paths), "--db", str(db), "--json")
        assert code == 0, err
        result = json.loads(out)
        got[batch] = ([(f["rows_present"], f["rows_replaced"], f["rows_loaded"]) for f in result["files"]],
                      _versions_of(db))
    n = len(rows)
    counts = got["0"][0]
    assert [counts[i] for i in (0, 1, 3, 4)] == [(0, 0, n), (n - 3, 3, 3), (n - 3, 3, 3), (n - 3, 3, 3)]
    assert got["100000000"] == got["0"]
    assert len(got["0"][1]["death"]) == n
