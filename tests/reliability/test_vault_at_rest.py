"""The identity vault at rest: the file alone, opened with plain DuckDB, shows no identifier.

The probe of issue 18 (every identifier value of the place searched for in the vault file) run on a
loaded store: none is found in any cell of any table nor in the file's bytes; identify mode, with the
store's key, opens them all. Also: another key is refused in one line, a value moved to another record
does not open, rekey keeps every identity, and a vault written before sealing is sealed (and rewritten
afresh) by the next write.
"""

from __future__ import annotations

import csv
import shutil
from datetime import datetime

import duckdb
import pytest

from joinedup.sources import IDENTIFIER_ROLES, sources
from joinedup.store import Store, paths_for
from joinedup.store.vaultcrypt import PREFIX, SEALED
from tests.reliability.test_hostile import _check_one_line


def _extract_identifiers(place) -> set[str]:
    """Every identifying value in the place's extract files (dates also as ISO dates)."""
    found: set[str] = set()
    for path in place.glob("*.csv"):
        src = sources().get(path.name.removesuffix(".csv"))
        if src is None:
            continue
        roles = {f.name: f.role for f in src.fields if f.role in IDENTIFIER_ROLES}
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for name, role in roles.items():
                    v = (row.get(name) or "").strip()
                    if not v:
                        continue
                    found.add(v)
                    if role == "date_of_birth":
                        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
                            try:
                                found.add(datetime.strptime(v, fmt).date().isoformat())
                            except ValueError:
                                pass
    return found


def _opened_values(db) -> set[str]:
    """Every sealed value of the vault, opened (identify mode, with the store's key)."""
    out: set[str] = set()
    with Store.open(db, "identify", user="reliability-test", purpose="vault at rest probe") as s:
        for table, cols in SEALED.items():
            for c in cols:
                out |= {str(r[0]) for r in s.fetchall(f"SELECT {c} FROM vault.{table} WHERE {c} IS NOT NULL")}
    return out


def _cells(vault_file) -> list[str]:
    """Every cell of every table of the vault file as text, read with plain DuckDB (no key, no joinedup)."""
    con = duckdb.connect(str(vault_file), read_only=True)
    try:
        cells = []
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
            for (col,) in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                      [table]).fetchall():
                cells += [r[0] for r in con.execute(f'SELECT CAST("{col}" AS VARCHAR) FROM "{table}" '
                                                    f'WHERE "{col}" IS NOT NULL').fetchall()]
        return cells
    finally:
        con.close()


def _probe(vault_file, identifiers: set[str]) -> list[str]:
    """Identifiers found in the file: as a cell, inside a cell (8 characters or more), or in its bytes."""
    cells = _cells(vault_file)
    hits = sorted(identifiers & set(cells))
    long = [v for v in identifiers if len(v) >= 8]
    text = "\n".join(cells)
    hits += [v for v in long if v in text]
    raw = vault_file.read_bytes()
    hits += [v for v in long if v.encode() in raw]
    return hits


def test_the_vault_file_alone_shows_no_identifier(loaded_store, small_place):
    opened = _opened_values(loaded_store)
    identifiers = _extract_identifiers(small_place) | opened
    nhs = {v for v in opened if v.isdigit() and len(v) == 10}
    assert len(nhs) >= 5 and len(identifiers) > 100  # the probe has something to find
    assert _extract_identifiers(small_place) & opened  # and identify mode opens what the extracts hold
    assert _probe(paths_for(loaded_store).vault, identifiers) == []
    # every sealed column of the file holds ciphertext only
    con = duckdb.connect(str(paths_for(loaded_store).vault), read_only=True)
    try:
        for table, cols in SEALED.items():
            for c in cols:
                bad = con.execute(f"SELECT count(*) FROM {table} WHERE {c} IS NOT NULL AND NOT starts_with({c}, "
                                  f"'{PREFIX}')").fetchone()[0]
                assert bad == 0, (table, c)
    finally:
        con.close()


def test_another_key_cannot_open_the_vault(store_copy, run_cli, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "a-different-key-of-enough-length-0123456789")
    with pytest.raises(Exception) as e:
        Store.open(store_copy, "identify", user="t", purpose="wrong key")
    assert "sealed under another key" in str(e.value)
    code, _o, err = run_cli("link", "--db", str(store_copy))
    _check_one_line(code, err, "store", "key")


def test_a_value_moved_to_another_record_does_not_open(store_copy):
    vault = paths_for(store_copy).vault
    con = duckdb.connect(str(vault))
    try:
        (a, na), (b, _nb) = con.execute("SELECT record_id, given_name FROM identity WHERE given_name IS NOT NULL "
                                        "ORDER BY record_id LIMIT 2").fetchall()
        con.execute("UPDATE identity SET given_name = ? WHERE record_id = ?", [na, b])
    finally:
        con.close()
    with Store.open(store_copy, "identify", user="t", purpose="tamper check") as s:
        assert s.fetchall("SELECT given_name FROM vault.identity WHERE record_id = ?", [a])[0][0]
        with pytest.raises(Exception, match="does not open"):
            s.fetchall("SELECT given_name FROM vault.identity WHERE record_id = ?", [b])


def _identities(db) -> list[tuple]:
    with Store.open(db, "identify", user="t", purpose="compare identities") as s:
        return sorted(map(repr, s.fetchall("SELECT source, local_id, nhs_number, given_name, family_name, "
                                           "date_of_birth, postcode FROM vault.identity")))


def test_rekey_seals_again_under_the_new_key_and_keeps_every_identity(store_copy, tmp_path, run_cli, monkeypatch):
    before = _identities(store_copy)
    sealed_before = {r[0] for r in duckdb.connect(str(paths_for(store_copy).vault), read_only=True).execute(
        "SELECT nhs_number FROM identity WHERE nhs_number IS NOT NULL").fetchall()}
    code, _o, err = run_cli("store", "rekey", "--db", str(store_copy), "--new-key-file", str(tmp_path / "new.key"))
    assert code == 0, err
    monkeypatch.setenv("JOINEDUP_KEY", (tmp_path / "new.key").read_text().strip())
    assert _identities(store_copy) == before
    sealed_after = {r[0] for r in duckdb.connect(str(paths_for(store_copy).vault), read_only=True).execute(
        "SELECT nhs_number FROM identity WHERE nhs_number IS NOT NULL").fetchall()}
    assert not sealed_before & sealed_after


def test_a_vault_from_before_sealing_is_sealed_and_rewritten_by_the_next_write(store_copy, small_place, tmp_path):
    """Unseal a copy into plaintext (as the first release wrote it), then one write seals every value."""
    opened = _opened_values(store_copy)
    vault = paths_for(store_copy).vault
    with Store.open(store_copy, "identify", user="t", purpose="make a plaintext vault") as s:
        plain = tmp_path / "plain.duckdb"
        s.backend.attach("legacy", plain, read_only=False)
        for table in s.backend.table_names("vault"):
            if table != "vault_meta":
                s.backend.execute(f"CREATE TABLE legacy.{table} AS SELECT * FROM vault.{table}")
        s.backend.detach("legacy")
    shutil.move(plain, vault)
    identifiers = _extract_identifiers(small_place) | opened
    assert _probe(vault, identifiers)  # the probe finds a plaintext vault's identifiers
    w = Store.open(store_copy, "write")
    w.unlock()
    w.close(publish=False)  # not published: nothing changes
    assert _probe(vault, identifiers)
    s = Store.open(store_copy, "write")
    s.unlock()
    s.close()
    assert _probe(vault, identifiers) == []
    assert _opened_values(store_copy) == opened
