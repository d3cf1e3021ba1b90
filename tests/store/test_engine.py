"""The engine interface: schema creation, the two-phase commit and vault reconciliation, SQL rendering."""

from __future__ import annotations

import duckdb
import pytest
import sqlglot

from joinedup.ingest.keys import PseudonymKey, key_path_for, load_key
from joinedup.store import schema
from joinedup.store.duckdb_engine import DuckDBEngine
from joinedup.store.engine import Engine, vault_path_for
from joinedup.store.sql import insert_select, render, select

KEY = PseudonymKey(b"x" * 40, "test")


def _engine(tmp_path):
    e = DuckDBEngine(tmp_path / "s.duckdb", KEY)
    e.open()
    return e


def test_open_creates_every_table_and_the_vault_beside(tmp_path):
    e = _engine(tmp_path)
    names = {r[0] for r in e.fetchall("SELECT table_name FROM information_schema.tables WHERE table_catalog = 's'")}
    assert {t.name for t in schema.TABLES} <= names
    vault = {r[0] for r in e.fetchall("SELECT table_name FROM information_schema.tables WHERE table_catalog = 'vault'")}
    assert {t.name for t in schema.VAULT_TABLES} <= vault
    assert vault_path_for(tmp_path / "s.duckdb") == tmp_path / "s.vault.duckdb"
    e.close()


def test_engine_base_imports_no_engine_library():
    import joinedup.store.engine as base
    source = open(base.__file__).read()
    assert "import duckdb" not in source and "pyspark" not in source
    assert issubclass(DuckDBEngine, Engine)


def test_pseudo_in_sql_equals_python(tmp_path):
    e = _engine(tmp_path)
    assert e.fetchall("SELECT pseudo('nhs', '9434765919')")[0][0] == KEY.pseudonym("nhs", "9434765919")
    e.close()


def _identity_row(load: str, name: str) -> str:
    cols = schema.table("identity").column_names
    vals = {c: "NULL" for c in cols}
    vals["record_id"], vals["given_name"] = "'r1'", f"'{name}'"
    return f"SELECT {', '.join(vals[c] + ' AS ' + c for c in cols)}"


def test_uncommitted_vault_writes_are_undone_on_open(tmp_path):
    e = _engine(tmp_path)
    e.execute(f"CREATE TEMP TABLE n1 AS {_identity_row('L1', 'Ann')}")
    e.commit_load("L1", e.upsert_vault_sql("identity", "temp.n1", "L1"),
                  ["INSERT INTO main.load VALUES ('L1', now(), now(), 'x', 'committed')"])
    # a second load that commits the vault (replacing Ann by Anne) but never the store
    e.execute(f"CREATE TEMP TABLE n2 AS {_identity_row('L2', 'Anne')}")
    e.begin()
    for sql in e.upsert_vault_sql("identity", "temp.n2", "L2"):
        e.execute(sql)
    e.commit()
    assert e.fetchall("SELECT given_name FROM vault.identity") == [("Anne",)]
    e.close()
    e = _engine(tmp_path)  # reconcile on open
    assert e.fetchall("SELECT given_name, load_id FROM vault.identity") == [("Ann", "L1")]
    assert e.fetchall("SELECT count(*) FROM vault.identity_undo") == [(0,)]
    e.close()


def test_store_failure_rolls_the_vault_back(tmp_path):
    e = _engine(tmp_path)
    e.execute(f"CREATE TEMP TABLE n1 AS {_identity_row('L1', 'Ann')}")
    with pytest.raises(duckdb.Error):
        e.commit_load("L1", e.upsert_vault_sql("identity", "temp.n1", "L1"), ["INSERT INTO main.nowhere VALUES (1)"])
    assert e.fetchall("SELECT count(*) FROM vault.identity") == [(0,)]
    assert e.fetchall("SELECT count(*) FROM main.load") == [(0,)]
    e.close()


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
