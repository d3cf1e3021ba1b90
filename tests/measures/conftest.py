"""Spec tests run on every engine by one fixture: DuckDB always, Spark local where pyspark and Java are installed.

Set JOINEDUP_SPARK=0 to skip the Spark runs (they add about two minutes on two cores).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from tests.measures.spec_store import SpecStore

#: Two Dudley LSOAs from the shipped reference: one in the most deprived decile, one in the least.
DEPRIVED, AFFLUENT = "E01009733", "E01009720"

ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]

#: Spark DataFrames of empty canonical tables, made once per session and schema (each costs a JVM round trip).
_EMPTY: dict[tuple[int, str, str], Any] = {}


def spark_engine(spark: Any, tables: dict[str, pa.Table]) -> Any:
    """A Spark engine over a store's tables, as `SparkEngine(spark, tables)` builds it.

    A spec store fills three or four of its ~30 tables; the empty ones are registered from DataFrames
    made once per session (the same empty, typed tables: `createDataFrame` of each took ~0.4 s a test).
    """
    from joinedup.measures.spark import SparkEngine

    engine = SparkEngine(spark, {n: t for n, t in tables.items() if t.num_rows})
    for name, table in tables.items():
        if table.num_rows:
            continue
        key = (id(spark), name, str(table.schema))
        if key not in _EMPTY:
            _EMPTY[key] = spark.createDataFrame(table)
        _EMPTY[key].createOrReplaceTempView(name)
        engine._names.add(name)  # what SparkEngine.__init__ records for each table it registers
    assert engine.tables() == set(tables)
    return engine


class Spec(SpecStore):
    """A hand-made store plus helpers to run one measure on the chosen engine."""

    def __init__(self, engine: str, request) -> None:
        super().__init__()
        self.engine_name, self.request = engine, request

    def persons(self, text: str) -> "Spec":
        """Persons in the index, each linked from a source record whose record_id is the person_id."""
        self.add("person", text)
        ids = [r[0] for r in self.con.fetchall("SELECT person_id FROM person")]
        self.con.execute("DELETE FROM person_source_link")
        for pid in ids:
            self.con.execute("INSERT INTO person_source_link (record_id, person_id, method) VALUES (?, ?, 'nhs_number')", [pid, pid])
        return self

    def engine(self):
        """The engine under test over this store's tables."""
        from joinedup.measures.engine import StoreEngine
        if self.engine_name == "duckdb":
            return StoreEngine(self.con)
        return spark_engine(self.request.getfixturevalue("spark_session"), self.arrow())

    def run(self, measure_id: str, fy: str = "2024-25", by: str = "all", threshold: int = 0) -> dict:
        """{group: (numerator, denominator, value)} for the measure's periods in fy (threshold 0: nothing hidden)."""
        from joinedup.measures.runner import run_measures
        from joinedup.measures.spec import load_library
        rows = run_measures(self.engine(), load_library(), fy, by, [measure_id], threshold)
        periods = {r.period for r in rows}
        out = {}
        for r in rows:
            key = r.group if r.breakdown != "all" else (r.period if len(periods) > 1 else "all")
            out[key] = (r.numerator, r.denominator, None if r.value is None else round(r.value, 2))
        return out


@pytest.fixture(params=ENGINES)
def spec(request) -> Spec:
    """A fresh hand-made store, run on each engine in turn."""
    return Spec(request.param, request)
