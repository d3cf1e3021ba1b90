"""The Spark backend of the store's interface, on Spark local mode (one session for the test run).

The same store file is opened with `--engine duckdb` and `--engine spark`; Spark reads a Parquet
snapshot of it and must give the same rows. Hooks are checked against DuckDB's own results.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pyarrow as pa
import pytest

from joinedup.errors import UserError
from joinedup.store import Store
from joinedup.store.paths import paths_for
from joinedup.store.snapshot import snapshot_root
from tests.measures.spec_store import save, three_year_store

pytestmark = pytest.mark.spark

#: Measures of each shape (proportion, mean, rate) that the three-year store feeds, and the rewritten ASCOF 2D.
MEASURES = ("ae_4_hour_performance", "nhs_emergency_readmission_30d", "nhs_length_of_stay", "csc_referral_rate",
            "ascof_2d_in_community_84_days")


@pytest.fixture(scope="module")
def store_file(tmp_path_factory) -> Path:
    """The three-year hand-made store, written to a DuckDB file."""
    path = tmp_path_factory.mktemp("spark_store") / "place.duckdb"
    save(three_year_store(), path)
    return path


def test_measures_run_on_spark_prints_what_duckdb_prints(store_file, spark_session, run_cli):
    args = ["measures", "run", "--db", str(store_file), "--period", "2024-25", "--json", "--suppress-below", "0"]
    for m in MEASURES:
        args += ["--measure", m]
    code, duck, err = run_cli(*args, "--engine", "duckdb")
    assert code == 0, err
    code, spark, err = run_cli(*args, "--engine", "spark")
    assert code == 0, err
    rows = json.loads(duck)
    assert {r["measure"] for r in rows} == set(MEASURES) and any(r["numerator"] for r in rows)
    assert json.loads(spark) == rows
    # Spark read the store through a Parquet snapshot beside it, one folder per table, and no vault
    (snap,) = [p for p in snapshot_root(paths_for(store_file)).iterdir() if not p.name.startswith(".")]
    assert (snap / "encounter").is_dir() and list((snap / "encounter").glob("*.parquet"))
    assert not any("vault" in p.name or p.name == "identity" for p in snap.iterdir())


def test_breakdowns_match_on_spark(store_file, spark_session):
    from joinedup.measures import api
    got = {}
    for engine in ("duckdb", "spark"):
        with Store.open(store_file, "analysis", engine=engine) as store:
            got[engine] = [api.run(store, period="2024-25", by=by, measures=["ae_4_hour_performance"], threshold=0).rows()
                           for by in ("sex", "age_band", "deprivation_quintile")]
    assert all(len(rows) > 1 for rows in got["duckdb"]) and got["spark"] == got["duckdb"]


def test_snapshot_is_made_once_per_published_version(tmp_path, spark_session):
    path = tmp_path / "s.duckdb"
    save(three_year_store(), path)
    with Store.open(path, "analysis", engine="spark") as store:
        first = store.version
        assert store.fetchall("SELECT COUNT(*) FROM person") == [(400,)]
    (snap,) = [p for p in snapshot_root(paths_for(path)).iterdir() if not p.name.startswith(".")]
    stamp = (snap / "person").stat().st_mtime_ns
    with Store.open(path, "analysis", engine="spark") as store:
        assert store.version == first
    assert (snap / "person").stat().st_mtime_ns == stamp  # reused, not exported again
    with Store.open(path, "write") as w:
        w.execute("DELETE FROM person WHERE person_id = 'P1'")
    with Store.open(path, "analysis", engine="spark") as store:
        assert store.version != first
        assert store.fetchall("SELECT COUNT(*) FROM person") == [(399,)]
    assert [p.name for p in snapshot_root(paths_for(path)).iterdir() if not p.name.startswith(".")] == [store.version]


def test_spark_opens_stores_for_analysis_only(store_file):
    for mode, extra in (("write", {}), ("identify", {"user": "a", "purpose": "b"})):
        with pytest.raises(UserError, match=f"{mode} mode runs on duckdb"):
            Store.open(store_file, mode, engine="spark", **extra)
    with pytest.raises(UserError, match="unknown engine 'oracle'"):
        Store.open(store_file, "analysis", engine="oracle")


def test_cli_names_an_unknown_engine_in_one_line(store_file, run_cli):
    code, _, err = run_cli("measures", "run", "--db", str(store_file), "--engine", "oracle")
    assert code == 2 and err.strip().startswith("error:") and "oracle" in err and "Traceback" not in err


def test_spark_errors_carry_the_sql(store_file, spark_session):
    with Store.open(store_file, "analysis", engine="spark") as store:
        with pytest.raises(UserError, match=r"spark failed: .*no_such_column.*\(SQL: SELECT no_such_column FROM person\)"):
            store.query("SELECT no_such_column FROM person")
        # fetchall too: stored measure results fall back to computing when the engine lacks DuckDB's HASH(t)
        with pytest.raises(UserError, match=r"spark failed: .*\(SQL: .*BIT_XOR"):
            store.fetchall("SELECT COUNT(*), BIT_XOR(HASH(t)) FROM person AS t")


def test_hooks_write_stage_and_read_parquet_on_a_scratch_store(tmp_path, spark_session):
    store = Store.memory("spark")
    try:
        b = store.backend
        store.write_arrow("t", pa.table({"a": [1, 2], "b": ["x", None]}))
        store.write_arrow("t", pa.table({"b": ["y"], "a": [3]}), append=True)
        assert sorted(store.fetchall("SELECT a, b FROM t")) == [(1, "x"), (2, None), (3, "y")]
        assert store.tables() == ["t"] and b.columns("t") == [("a", "BIGINT"), ("b", "STRING")]
        csv = tmp_path / "x.csv"
        csv.write_text('id,note\n1,"a, quoted"\n2,\n3,last\n', encoding="utf-8")
        b.stage_csv("staged", csv, ["id", "note"])
        assert b.fetchall("SELECT _row, id, note FROM staged ORDER BY _row") == [(1, "1", "a, quoted"), (2, "2", None), (3, "3", "last")]
        folder = tmp_path / "export"
        assert b.export_parquet("store", folder) == ["t"]
        b.stage_parquet("back", folder / "t")
        assert sorted(r[1:] for r in b.fetchall("SELECT * FROM back")) == [(1, "x"), (2, None), (3, "y")]
        b.make_temp_view("v", "SELECT a * 2 AS a2 FROM t", materialize=True)
        assert sorted(b.fetchall("SELECT a2 FROM v")) == [(2,), (4,), (6,)]
    finally:
        store.close()
    names = {t.name for t in spark_session.catalog.listTables()}
    assert not {"staged", "back", "v"} & names  # temporary views go with the backend


def test_spark_streams_a_result_in_batches_of_its_own_schema(spark_session):
    """fetch_batches moves a Spark result to the driver a partition at a time, in batches no longer than asked,
    every row once, typed as the query types them (nulls included)."""
    store = Store.memory("spark")
    try:
        store.write_arrow("t", pa.table({"a": list(range(23)), "b": [None if i % 5 == 0 else f"v{i}" for i in range(23)],
                                         "c": [i / 2 for i in range(23)]}))
        batches = list(store.backend.fetch_batches("SELECT a, b, c, CAST('2026-12-07 21:00:00' AS TIMESTAMP) AS t "
                                                   "FROM t ORDER BY a", 7))
    finally:
        store.close()
    assert [b.num_rows for b in batches] == [7, 7, 7, 2]
    got = pa.Table.from_batches(batches)
    assert got.column("a").to_pylist() == list(range(23)) and got.column("b").null_count == 5
    assert got.schema.field("c").type == pa.float64() and pa.types.is_timestamp(got.schema.field("t").type)


def test_pseudo_on_spark_is_the_hmac_duckdb_computes(spark_session):
    key = b"a joinedup test key, 32 bytes!!!"
    ipad = bytes(b ^ 0x36 for b in key.ljust(64, b"\0")).hex()
    opad = bytes(b ^ 0x5C for b in key.ljust(64, b"\0")).hex()
    values = ["9434765919", "Smith", "ÉLODIE O'NEIL"]
    expected = [hmac.new(key, f"nhs|{v}".encode(), hashlib.sha256).hexdigest()[:32] for v in values]
    for engine in ("duckdb", "spark"):
        store = Store.memory(engine)
        try:
            store.backend.define_pseudo(ipad, opad)
            got = [store.fetchall("SELECT pseudo('nhs', ?)", [v])[0][0] for v in values]
        finally:
            store.close()
        assert got == expected, engine


def test_spark_digests_the_link_tables_in_its_own_hash_and_never_reads_duckdbs_stored_results(store_file, spark_session):
    from joinedup.measures.stored import _LINK_INPUTS, _content_digest, inputs_fingerprint
    got = {}
    for engine in ("duckdb", "spark"):
        with Store.open(store_file, "analysis", engine=engine) as store:
            present = [t for t in _LINK_INPUTS if store.has_table(t)]
            got[engine] = ([store.fetchall(_content_digest(t, store.dialect))[0] for t in present],
                           inputs_fingerprint(store))
    (duck_rows, duck_print), (spark_rows, spark_print) = got["duckdb"], got["spark"]
    assert [n for n, _ in spark_rows] == [n for n, _ in duck_rows] and any(n for n, _ in duck_rows)
    assert all((d is not None) == bool(n) for n, d in spark_rows)  # Spark ran its digest (no error hidden)
    assert spark_print != duck_print  # the engine is named: DuckDB's stored rows are never current for Spark


def test_local_mode_gives_the_driver_the_stores_memory_limit_and_cuts_plan_text(spark_session):
    # in local mode the driver runs every task: Spark's own 1 GB heap ran out on the measure library at 1M people
    from joinedup.store.backends.spark import PLAN_TEXT_CHARS, _spark_size
    from joinedup.store.memory import engine_memory_limit
    conf = spark_session.sparkContext.getConf()
    assert conf.get("spark.driver.memory") == _spark_size(engine_memory_limit())
    assert spark_session.conf.get("spark.sql.maxPlanStringLength") == str(PLAN_TEXT_CHARS)
