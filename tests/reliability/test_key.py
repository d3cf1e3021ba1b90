"""Key discipline: a missing or different key is refused; `store init` and `store rekey` are deliberate."""

from __future__ import annotations

from tests import store_con
import pytest

from joinedup.ingest.keys import read_key_file
from tests.ingest.conftest import snapshot
from tests.reliability.test_hostile import _check_one_line


@pytest.fixture
def keyfile_store(small_place, tmp_path, run_cli, monkeypatch):
    """A store whose key lives in the key file beside it (JOINEDUP_KEY unset)."""
    monkeypatch.delenv("JOINEDUP_KEY")
    db = tmp_path / "store.duckdb"
    code, _o, err = run_cli("ingest", str(small_place / "nhs.deaths.csv"), "--db", str(db))
    assert code == 0, err
    return db


def _records(db) -> list[str]:
    con = store_con.connect(str(db), read_only=True)
    try:
        return sorted(r[0] for r in con.execute("SELECT record_id FROM person_record").fetchall())
    finally:
        con.close()


def test_a_different_key_is_refused_saying_so(keyfile_store, small_place, run_cli, monkeypatch):
    before = snapshot(keyfile_store)
    monkeypatch.setenv("JOINEDUP_KEY", "a-different-key-of-enough-length-0123456789")
    code, _o, err = run_cli("ingest", str(small_place / "nhs.ed_attendances.csv"), "--db", str(keyfile_store))
    _check_one_line(code, err, "store.duckdb", "not this store's key")
    monkeypatch.delenv("JOINEDUP_KEY")
    assert snapshot(keyfile_store) == before


def test_a_missing_key_file_is_refused_never_recreated(keyfile_store, small_place, run_cli):
    key = keyfile_store.with_suffix(".key")
    kept = read_key_file(key)
    key.unlink()
    before = snapshot(keyfile_store, key=kept)
    code, _o, err = run_cli("ingest", str(small_place / "nhs.ed_attendances.csv"), "--db", str(keyfile_store))
    _check_one_line(code, err, "store.key", "key file missing")
    assert not key.exists()
    assert snapshot(keyfile_store, key=kept) == before


def test_a_store_made_before_fingerprints_checks_the_key_against_the_vault(keyfile_store, small_place, run_cli,
                                                                           monkeypatch):
    con = store_con.connect(str(keyfile_store))
    con.execute("DELETE FROM store_meta WHERE key = 'key_fingerprint'")
    con.close()
    monkeypatch.setenv("JOINEDUP_KEY", "a-different-key-of-enough-length-0123456789")
    code, _o, err = run_cli("ingest", str(small_place / "nhs.ed_attendances.csv"), "--db", str(keyfile_store))
    _check_one_line(code, err, "store.duckdb", "not this store's key")


def test_store_init_makes_the_key_explicitly(tmp_path, run_cli, monkeypatch):
    monkeypatch.delenv("JOINEDUP_KEY")
    db = tmp_path / "new.duckdb"
    code, out, err = run_cli("store", "init", "--db", str(db))
    assert code == 0, err
    assert db.exists() and (tmp_path / "new.key").stat().st_mode & 0o777 == 0o600
    assert "created" in out
    code, _o, err = run_cli("store", "init", "--db", str(db))
    _check_one_line(code, err, "new.duckdb", "already")


def test_rekey_backs_up_repseudonymises_and_keeps_every_record(keyfile_store, small_place, tmp_path, run_cli):
    old_ids = _records(keyfile_store)
    old_key = keyfile_store.with_suffix(".key").read_text()
    code, out, err = run_cli("store", "rekey", "--db", str(keyfile_store), "--new-key-file", str(tmp_path / "new.key"))
    assert code == 0, err
    assert "backup: " in out and "links kept" in out
    backups = list(tmp_path.glob("store.duckdb.before-rekey-*"))
    assert len(backups) == 1 and (backups[0] / "store.key").read_text() == old_key
    new_ids = _records(keyfile_store)
    assert len(new_ids) == len(old_ids) and not set(new_ids) & set(old_ids)
    assert keyfile_store.with_suffix(".key").read_text() == (tmp_path / "new.key").read_text()
    # the same people sent again in a byte-different file join the re-keyed records: no new person record
    resent = tmp_path / "deaths_lf.csv"  # the test place writes CRLF
    resent.write_bytes((small_place / "nhs.deaths.csv").read_bytes().replace(b"\r\n", b"\n"))
    code, _o, err = run_cli("ingest", str(resent), "--db", str(keyfile_store))
    assert code == 0, err
    assert _records(keyfile_store) == new_ids
    # the vault agrees with the store: every record id of the store is in the vault's identity table
    con = store_con.connect(str(keyfile_store.with_name("store.vault.duckdb")), read_only=True)
    try:
        vault_ids = {r[0] for r in con.execute("SELECT record_id FROM identity").fetchall()}
    finally:
        con.close()
    assert set(new_ids) <= vault_ids


def test_rekey_with_the_same_key_is_refused(keyfile_store, run_cli):
    code, _o, err = run_cli("store", "rekey", "--db", str(keyfile_store), "--new-key-file",
                            str(keyfile_store.with_suffix(".key")))
    _check_one_line(code, err, "store.key", "already")
