"""The Store: naming rule, modes, audit, versions, schema versions, backup and restore, one backend."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pytest

from joinedup.errors import UserError
from joinedup.store import Store, paths_for, schema, version_of
from joinedup.store.admin import backup, info, restore
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A place ingested and linked into a store named store.db (not *.duckdb)."""
    from joinedup.ingest.loader import ingest
    from joinedup.link.index import build_index
    from joinedup.synth.place import synthesise
    folder = tmp_path_factory.mktemp("built")
    place = folder / "place"
    synthesise(1000, 3, place)
    db = folder / "store.db"
    with pytest.MonkeyPatch.context() as mp:  # the key set for this store only, never leaked to later tests
        mp.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
        ingest([place], db)
        build_index(db)
    return db


def test_any_file_name_works_for_ingest_then_link(built):
    p = paths_for(built)
    assert p.vault.name == "store.vault.db" and p.vault.exists()
    assert p.state.name == "store.state.sqlite" and p.audit.name == "store.audit.sqlite"
    with Store.open(built) as s:
        assert s.has_table("person") and s.fetchall("SELECT count(*) FROM person")[0][0] > 0


def test_naming_rule_keeps_duckdb_names():
    p = paths_for(Path("x/store.duckdb"))
    assert (p.vault.name, p.key.name) == ("store.vault.duckdb", "store.key")
    q = paths_for(Path("x/mystore"))
    assert (q.vault.name, q.key.name) == ("mystore.vault.duckdb", "mystore.key")


def test_analysis_mode_is_read_only_without_the_vault(built):
    with Store.open(built, "analysis") as s:
        assert not s.has_vault and "person_record" in s.tables()
        with pytest.raises(UserError):
            s.query("SELECT * FROM vault.identity")
        with pytest.raises(UserError):
            s.write_arrow("x", pa.table({"a": [1]}))
        with pytest.raises(UserError, match="read-only"):  # the engine refuses writes to a read-only store
            s.execute("CREATE TABLE store.x (a INTEGER)")


def test_identify_mode_audits_every_reidentification(built, tmp_path):
    with pytest.raises(UserError, match="who is looking"):
        Store.open(built, "identify", user="ann")
    before = len(Store.open(built).audit_log())
    with Store.open(built, "identify", user="ann", purpose="safeguarding review 12") as s:
        ids = [r[0] for r in s.fetchall("SELECT record_id FROM person_record ORDER BY record_id LIMIT 2")]
        who = s.identify(ids)
        assert who.num_rows == 2 and "given_name" in who.column_names
        s.query("SELECT count(*) FROM vault.identity")
        s.query("SELECT count(*) FROM person")  # not a vault read: not audited
        log = s.audit_log()
    new = log[before:]
    assert [(e.user, e.purpose, e.what) for e in new] == [("ann", "safeguarding review 12", "identity"),
                                                         ("ann", "safeguarding review 12", "query")]
    assert new[0].detail == ",".join(sorted(ids)) and new[0].rows == 2 and new[1].detail == "identity"
    assert re.match(r"\d{4}-\d\d-\d\dT", new[0].at)
    assert paths_for(built).audit.stat().st_mode & 0o077 == 0


def test_write_mode_publishes_on_success_and_discards_on_error(tmp_path):
    db = tmp_path / "w.db"
    with Store.open(db, "write", create=True) as s:
        s.write_arrow("t", pa.table({"a": [1, 2]}))
    v1 = version_of(db)
    with pytest.raises(RuntimeError):
        with Store.open(db, "write") as s:
            s.write_arrow("t", pa.table({"a": [1, 2, 3]}), append=True)
            raise RuntimeError("failed half way")
    assert version_of(db) == v1 and not (tmp_path / "w.db.writing").exists()
    with Store.open(db, "write") as s:
        with s.transaction():
            s.execute("INSERT INTO t VALUES (?)", [3])
    assert version_of(db) != v1
    with Store.open(db) as s:
        assert s.query("SELECT sum(a) AS n FROM t").column("n").to_pylist() == [6]
        assert s.version == version_of(db)


def test_a_reader_keeps_its_snapshot_while_a_write_publishes(tmp_path):
    db = tmp_path / "r.db"
    with Store.open(db, "write", create=True) as s:
        s.write_arrow("t", pa.table({"a": [1]}))
    reader = Store.open(db)
    with Store.open(db, "write") as w:
        w.write_arrow("t", pa.table({"a": [1, 2]}))
    assert reader.fetchall("SELECT count(*) FROM t") == [(1,)] and reader.version != version_of(db)
    reader.close()
    with Store.open(db) as fresh:
        assert fresh.fetchall("SELECT count(*) FROM t") == [(2,)]


def test_store_not_found_and_vault_refused(tmp_path):
    with pytest.raises(UserError, match="store not found"):
        Store.open(tmp_path / "none.db")
    with pytest.raises(UserError, match="identity vault"):
        Store.open(tmp_path / "store.vault.db")
    with pytest.raises(UserError, match="unknown store mode"):
        Store.open(tmp_path / "none.db", "admin")


def test_a_store_from_a_newer_version_is_refused(tmp_path, run_cli):
    db = tmp_path / "new.db"
    with Store.open(db, "write", create=True) as s:
        s.record_schema_version(schema.SCHEMA_VERSION + 1)
    code, _, err = run_cli("store", "info", "--db", str(db))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: ") and f"schema version {schema.SCHEMA_VERSION + 1}, newer" in err


def test_info_backup_restore_round_trip(built, tmp_path, run_cli):
    code, out, err = run_cli("store", "info", "--db", str(built), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema_version"] == schema.SCHEMA_VERSION and doc["loads"] == 1 and doc["undeclared"] == []
    assert doc["tables"]["person_record"] > 0 and doc["vault"].endswith("store.vault.db") and doc["vault_exists"]
    code, out, err = run_cli("store", "backup", "--db", str(built), "--out", str(tmp_path / "bk"))
    assert code == 0, err
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert set(manifest["files"]) == {"store", "vault"}  # the key came from JOINEDUP_KEY
    code, out, err = run_cli("store", "restore", "--db", str(tmp_path / "copy.db"), "--from", str(tmp_path / "bk"))
    assert code == 0, err
    assert {k: v for k, v in info(tmp_path / "copy.db").tables.items()} == info(built).tables
    with Store.open(tmp_path / "copy.db", "identify", user="t", purpose="check restore") as s:
        assert s.fetchall("SELECT count(*) FROM vault.identity")[0][0] > 0
    code, _, err = run_cli("store", "restore", "--db", str(tmp_path / "copy.db"), "--from", str(tmp_path / "bk"))
    assert code == 2 and "already there" in err


def test_a_damaged_backup_is_refused(built, tmp_path):
    backup(built, tmp_path / "bk")
    (tmp_path / "bk" / "store.db").write_bytes(b"not a store")
    with pytest.raises(UserError, match="differs from the manifest"):
        restore(tmp_path / "x.db", tmp_path / "bk")


def test_migrate_backs_up_first_and_records_the_version(tmp_path, run_cli):
    db = tmp_path / "old.db"
    with Store.open(db, "write", create=True) as s:
        s.execute("DROP TABLE store_meta")  # as written before versions were recorded
    with Store.open(db) as s:
        assert not s.has_table("store_meta") and s.schema_version == 1
    code, out, err = run_cli("store", "migrate", "--db", str(db), "--backup", str(tmp_path / "before"))
    assert code == 0, err
    assert (tmp_path / "before" / "manifest.json").exists()
    with Store.open(db) as s:
        assert s.fetchall("SELECT value FROM store_meta WHERE key = 'schema_version'") == [(str(schema.SCHEMA_VERSION),)]


def test_every_table_the_stages_write_is_declared(built, tmp_path):
    from joinedup.peers.importer import import_published
    import_published(built)
    with Store.open(built) as s:
        for name in s.tables():
            cols = [(f["name"], f["type"]) for f in
                    s.query(f"SELECT column_name AS name, data_type AS type FROM information_schema.columns "
                            f"WHERE table_catalog = 'store' AND table_name = '{name}' ORDER BY ordinal_position").to_pylist()]
            declared = [(c.name, c.type) for c in schema.table(name).all_columns]
            assert cols == declared, name


def test_no_duckdb_connect_outside_the_backends():
    # The product only: benchmarks measure raw-engine peers and tests hold independent reference
    # implementations, both deliberately outside the Store.
    pattern = re.compile(r"duckdb\.connect")
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "joinedup").rglob("*.py")
                 if "/backends/" not in str(p) and pattern.search(p.read_text())]
    assert offenders == []


def test_only_the_duckdb_backend_imports_duckdb():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "joinedup").rglob("*.py")
                 if re.search(r"^\s*(import duckdb|from duckdb)", p.read_text(), re.M)
                 and p != ROOT / "joinedup" / "store" / "backends" / "duckdb.py"]
    assert offenders == []
    base = (ROOT / "joinedup" / "store" / "backends" / "base.py").read_text()
    assert not re.search(r"^\s*(import|from) (duckdb|pyspark|splink)", base, re.M)

