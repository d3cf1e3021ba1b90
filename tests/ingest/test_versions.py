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
                          "WHERE s.rowid IN (SELECT rid FROM temp.st_row_version_gone)")
        assert gone == [(2,)]
        assert e.fetchall("SELECT count(*) FROM temp.st_superseded") == [(1,)]
    finally:
        store.close(publish=False)
