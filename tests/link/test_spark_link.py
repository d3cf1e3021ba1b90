"""Linkage on Spark (local mode): the same settings, the same SQL clustering, the same persons and families.

One place of 1,000 people is linked once on DuckDB and once on Spark (one Spark session for the
module, the test run's); both runs must give the same partition of records, the same person ids and
the same families, and the DuckDB run must keep the quality the link stage is held to.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from joinedup.link.cluster import cluster_records
from joinedup.link.evaluate import evaluate_store
from joinedup.link.sql import LinkSQL
from joinedup.store import Store
from place import KEY, build_place
from tests.link.cluster_frames import edges as _edges, records as _records

pytestmark = [pytest.mark.spark, pytest.mark.slow]


@pytest.fixture(scope="module")
def linked(tmp_path_factory, spark_session) -> dict[str, Path]:
    """One place of 1,000 people, linked with --engine duckdb and with --engine spark (two copies of one store)."""
    from joinedup.link.index import build_index

    root = tmp_path_factory.mktemp("sparklink")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JOINEDUP_KEY", KEY)
        store = build_place(root / "duckdb", n=1000, seed=5)
        (root / "spark").mkdir()
        for f in store.parent.iterdir():
            if f.is_file() and f.suffix == ".duckdb":
                shutil.copy(f, root / "spark" / f.name)
        build_index(store, engine="duckdb")
        build_index(root / "spark" / store.name, engine="spark")
    return {"duckdb": store, "spark": root / "spark" / store.name, "truth": root / "duckdb" / "truth"}


def _tables(store: Path) -> dict[str, pl.DataFrame]:
    with Store.open(store, "analysis") as s:
        return {t: pl.from_arrow(s.query(f"SELECT * FROM {t}")) for t in
                ("person_source_link", "person", "family", "family_member", "link_weight_histogram")}


def _partition(links: pl.DataFrame) -> set[tuple[str, ...]]:
    groups = links.group_by("person_id").agg(pl.col("record_id").sort())["record_id"].to_list()
    return {tuple(g) for g in groups}


def test_spark_and_duckdb_give_the_same_persons_and_families(linked):
    duck, spark = _tables(linked["duckdb"]), _tables(linked["spark"])
    assert len(_partition(duck["person_source_link"])) > 900
    assert _partition(duck["person_source_link"]) == _partition(spark["person_source_link"])
    cols = ["record_id", "person_id", "method"]
    assert duck["person_source_link"].select(cols).sort("record_id").equals(
        spark["person_source_link"].select(cols).sort("record_id"))
    for table in ("person", "family", "family_member"):
        d, s = duck[table], spark[table]
        assert d.height > 0 and d.sort(d.columns).equals(s.sort(s.columns)), table
    # the same blocking rules score the same candidates on both engines; the pairs kept above the floor
    # (p >= 0.01) may differ by a few, as the weights differ in the last digits (u is learnt from each
    # engine's own random sample of pairs)
    n_duck, n_spark = (t["link_weight_histogram"]["pairs"].sum() for t in (duck, spark))
    assert n_duck > 0 and abs(n_duck - n_spark) <= 0.01 * n_duck


def test_sql_clustering_keeps_the_quality(linked, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", KEY)
    for engine in ("duckdb", "spark"):
        f = evaluate_store(linked[engine], linked["truth"])
        assert f["pairwise"]["f1"] >= 0.97, (engine, f)
        assert f["clusters"]["merged"] <= 0.01 * f["clusters"]["true_persons"], (engine, f)
        assert f["families"]["precision"] >= 0.95, (engine, f)


def test_the_guard_splits_alike_on_both_engines(spark_session):
    # a chain n1 - x - y - n2 with a no-match decision beside it: Splink's connected components on each
    # engine, then the guard; both engines number the clusters by their smallest record id
    recs = _records(["n1", None, None, "n2", None, None])
    edges = _edges([("0", "1", 0.99, "probabilistic"), ("1", "2", 0.91, "probabilistic"),
                    ("2", "3", 0.98, "probabilistic"), ("4", "5", 0.95, "probabilistic")])
    apart = pl.DataFrame({"uid_l": ["4"], "uid_r": ["5"]})
    got = {}
    for engine in ("duckdb", "spark"):
        scratch = Store.memory(engine)
        try:
            got[engine] = cluster_records(recs, edges, cannot_link=apart, link=LinkSQL(scratch.backend))
        finally:
            scratch.close()
    assert got["duckdb"].equals(got["spark"])
    labels = dict(zip(*got["spark"].get_columns()))
    assert labels["0"] == labels["1"] != labels["2"] == labels["3"]
    assert labels["4"] != labels["5"] and len(set(labels.values())) == 4


def test_an_unknown_engine_is_one_line(tmp_path, run_cli):
    code, _, err = run_cli("link", "--db", str(tmp_path / "store.duckdb"), "--engine", "oracle")
    assert code == 2 and "unknown engine 'oracle'" in err and len(err.strip().splitlines()) == 1
