"""The load workflow on a Store: schema creation, the two-phase commit and vault reconciliation, SQL rendering."""

from __future__ import annotations

import pytest
import sqlglot

from joinedup.ingest.keys import PseudonymKey, key_path_for, load_key
from joinedup.store import Store, paths_for, schema
from joinedup.store.load import LoadSession
from joinedup.store.sql import insert_select, render, select

KEY = PseudonymKey(b"x" * 40, "test")


def _session(tmp_path, **kw) -> LoadSession:
    return LoadSession(Store.open(tmp_path / "s.duckdb", "write", create=True, vault=True, **kw), KEY)


def test_open_creates_every_table_and_the_vault_beside(tmp_path):
    e = _session(tmp_path)
    assert {t.name for t in schema.TABLES} <= set(e.db.tables())
    assert {t.name for t in schema.VAULT_TABLES} <= e.backend.table_names("vault")
    e.db.close()
    assert paths_for(tmp_path / "s.duckdb").vault == tmp_path / "s.vault.duckdb"
    assert (tmp_path / "s.vault.duckdb").exists() and not (tmp_path / "s.duckdb.writing").exists()


def test_pseudo_in_sql_equals_python(tmp_path):
    e = _session(tmp_path)
    assert e.fetchall("SELECT pseudo('nhs', '9434765919')")[0][0] == KEY.pseudonym("nhs", "9434765919")
    e.db.close()


def _identity_row(load: str, name: str) -> str:
    cols = schema.table("identity").column_names
    vals = {c: "NULL" for c in cols}
    vals["record_id"], vals["given_name"] = "'r1'", f"'{name}'"
    return f"SELECT {', '.join(vals[c] + ' AS ' + c for c in cols)}"


def test_uncommitted_vault_writes_are_undone_on_open(tmp_path):
    e = _session(tmp_path)
    e.execute(f"CREATE TEMP TABLE n1 AS {_identity_row('L1', 'Ann')}")
    e.commit_load("L1", e.upsert_vault_sql("identity", "temp.n1", "L1"),
                  ["INSERT INTO store.load VALUES ('L1', now(), now(), 'x', 'committed')"])
    # a second load that commits the vault (replacing Ann by Anne) but never the store
    e.execute(f"CREATE TEMP TABLE n2 AS {_identity_row('L2', 'Anne')}")
    e.backend.begin()
    for sql in e.upsert_vault_sql("identity", "temp.n2", "L2"):
        e.execute(sql)
    e.backend.commit()
    assert e.fetchall(f"SELECT given_name FROM {e.p('identity')}") == [("Anne",)]
    assert e.fetchall("SELECT given_name FROM vault.identity")[0][0].startswith("jv1:")  # sealed in the file
    e.db.close()  # published as if killed between the vault's commit and the store's
    e = _session(tmp_path)  # reconcile on open
    assert e.fetchall(f"SELECT given_name, load_id FROM {e.p('identity')}") == [("Ann", "L1")]
    assert e.fetchall("SELECT count(*) FROM vault.identity_undo") == [(0,)]
    e.db.close()


def test_store_failure_rolls_the_vault_back(tmp_path):
    e = _session(tmp_path)
    e.execute(f"CREATE TEMP TABLE n1 AS {_identity_row('L1', 'Ann')}")
    with pytest.raises(e.backend.errors):
        e.commit_load("L1", e.upsert_vault_sql("identity", "temp.n1", "L1"), ["INSERT INTO store.nowhere VALUES (1)"])
    assert e.fetchall("SELECT count(*) FROM vault.identity") == [(0,)]
    assert e.fetchall("SELECT count(*) FROM store.load") == [(0,)]
    e.db.close()


def test_sql_renders_for_spark():
    q = select(["pseudo('nhs', x) AS p", "CAST(TRY_STRPTIME(d, '%d/%m/%Y') AS DATE) AS d"], "raw", where="x IS NOT NULL")
    spark = render(insert_select("t", ["p", "d"], q), "spark")
    assert spark.startswith("INSERT INTO t") and "PSEUDO" in spark.upper()
    sqlglot.parse_one(spark, read="spark")


def test_key_file_beside_the_store(tmp_path, monkeypatch):
    monkeypatch.delenv("JOINEDUP_KEY", raising=False)
    db = tmp_path / "place.duckdb"
    k1 = load_key(db)
    assert key_path_for(db) == tmp_path / "place.key" and "created" in k1.origin
    k2 = load_key(db)
    assert k1.secret == k2.secret and "created" not in k2.origin
    assert "secret" not in repr(k2) and k2.secret.decode() not in repr(k2)
    monkeypatch.setenv("JOINEDUP_KEY", "another-key-0123456789")
    assert load_key(db).pseudonym("nhs", "1") != k1.pseudonym("nhs", "1")


def test_csv_rows_are_numbered_in_file_order(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("i,s\n" + "".join(f"{i},x{i}\n" for i in range(1, 200_001)))
    e = _session(tmp_path, threads=2)
    e.stage_csv("temp.r", path, ["i", "s"])
    assert e.fetchall("SELECT count(*) FILTER (WHERE _row <> CAST(i AS BIGINT)), count(*) FROM temp.r") == [(0, 200_000)]
    e.db.close()
