"""One definition, every engine: Spark SQL transpiles for every measure and breakdown; Spark local
gives DuckDB's answers on a hand-made store (where pyspark and Java are installed)."""

from __future__ import annotations

import pytest
import sqlglot

from joinedup.measures.compiler import compile_measure, to_sql
from joinedup.measures.engine import StoreEngine
from joinedup.measures.periods import periods_for
from joinedup.measures.runner import run_measures
from joinedup.measures.spec import load_library
from joinedup.segments.assign import family_select, segment_select
from tests.measures.spec_store import three_year_store

MEASURES = sorted(load_library().measures)


@pytest.mark.parametrize("measure_id", MEASURES)
def test_every_measure_transpiles_to_spark_sql_for_every_breakdown(measure_id):
    m = load_library().get(measure_id)
    for by in ("all",) + m.breakdowns:
        tree = compile_measure(m, periods_for(m.period, "2024-25")[0], by, 2024)
        text = to_sql(tree, "spark")
        assert sqlglot.parse_one(text, read="spark") is not None


def test_segment_queries_transpile_to_spark_sql():
    period = periods_for("financial_year", "2024-25")[0]
    for tree in (segment_select(period), family_select(period)):
        assert sqlglot.parse_one(to_sql(tree, "spark"), read="spark") is not None


@pytest.mark.spark
def test_spark_local_gives_the_same_rows_as_duckdb(spark_session):
    from joinedup.measures.spark import SparkEngine
    store = three_year_store()
    lib = load_library()
    for by in ("all", "sex"):
        duck = [r.as_row() for r in run_measures(StoreEngine(store.con), lib, "2024-25", by, threshold=0)]
        spark = [r.as_row() for r in run_measures(SparkEngine(spark_session, store.arrow()), lib, "2024-25", by, threshold=0)]
        assert duck == spark
