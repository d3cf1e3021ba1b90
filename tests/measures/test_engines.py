"""One definition, every engine: Spark's analyzer accepts every measure and breakdown; Spark local
gives DuckDB's answers on a hand-made store (where pyspark and Java are installed)."""

from __future__ import annotations

import pytest

from joinedup.measures.compiler import compile_measure, to_sql
from joinedup.measures.engine import StoreEngine
from joinedup.measures.periods import periods_for
from joinedup.measures.runner import run_measures
from joinedup.measures.spec import load_library
from joinedup.segments.assign import family_select, segment_select
from tests.measures.spec_store import three_year_store

MEASURES = sorted(load_library().measures)


#: Engine gaps, marked strict so that a fix shows up as a pass (none today: ascof_2d_in_community_84_days
#: was rewritten so that no subquery reads a column two levels up, which Spark cannot resolve).
SPARK_GAPS: set[str] = set()


@pytest.fixture(scope="module")
def spark_engine(spark_session):
    """A Spark engine over empty canonical tables, its helper views built."""
    from joinedup.measures.spark import SparkEngine
    from tests.measures.spec_store import SpecStore
    engine = SparkEngine(spark_session, SpecStore().arrow())
    engine.setup()
    return engine


@pytest.mark.spark
@pytest.mark.parametrize("measure_id", MEASURES)
def test_every_measure_passes_the_spark_analyzer_for_every_breakdown(measure_id, spark_engine, request):
    # Spark's own analyzer resolves every table, column and function of the emitted SQL (a parse of
    # sqlglot's output by sqlglot would check nothing Spark does).
    from joinedup.measures.runner import _segments
    if measure_id in SPARK_GAPS:
        request.applymarker(pytest.mark.xfail(strict=True, reason="Spark: outer column two subqueries deep"))
    m = load_library().get(measure_id)
    period = periods_for(m.period, "2024-25")[0]
    for by in ("all",) + m.breakdowns:
        if by == "segment":
            _segments(spark_engine, period)
        tree = compile_measure(m, period, by, 2024)
        spark_engine._ensure(tree)  # the person views this query reads
        names = spark_engine.spark.sql(to_sql(tree, "spark")).schema.names
        assert names == ["grp", "numerator", "denominator", "sum_sq"], (by, names)


@pytest.mark.spark
def test_segment_queries_pass_the_spark_analyzer(spark_engine):
    period = periods_for("financial_year", "2024-25")[0]
    for tree in (segment_select(period), family_select(period)):
        spark_engine._ensure(tree)
        assert spark_engine.spark.sql(to_sql(tree, "spark")).schema.names


@pytest.mark.spark
def test_spark_local_gives_the_same_rows_as_duckdb(spark_session):
    from joinedup.measures.spark import SparkEngine
    store = three_year_store()
    lib = load_library()
    ids = [m for m in MEASURES if m not in SPARK_GAPS]
    # every measure allows the sex breakdown, and a run by sex releases each measure's total row too: one
    # run compares the totals and the groups (a run by all as well computed every total twice on Spark, the
    # slowest queries, ASCOF 2A's, three times)
    assert all("sex" in lib.get(m).breakdowns for m in ids)
    duck = [r.as_row() for r in run_measures(StoreEngine(store.con), lib, "2024-25", "sex", ids, threshold=0)]
    spark = [r.as_row() for r in run_measures(SparkEngine(spark_session, store.arrow()), lib, "2024-25", "sex", ids,
                                              threshold=0)]
    totals = {r["measure"] for r in duck if r["breakdown"] == "all"}
    assert totals == set(ids) and any(r["breakdown"] == "sex" and r["numerator"] for r in duck)
    assert duck == spark
