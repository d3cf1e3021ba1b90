"""Outcome and process measures declared as data, compiled with sqlglot, run on DuckDB (or Spark).

    from joinedup.measures import load_library, open_store, run_measures, paradoxes
    engine = open_store("store.duckdb")
    rows = run_measures(engine, load_library(), "2024-25", breakdown="deprivation_quintile")

Specs (spec.py) -> checked SQL (sql.py) -> one query per period and breakdown (compiler.py) ->
an engine (engine.py, spark.py) -> disclosure control (disclosure.py) -> values and intervals
(runner.py, stats.py) -> the paradox lens (paradox.py) and the catalogue (catalogue.py).
"""

from joinedup.measures.engine import Engine, StoreEngine, open_store
from joinedup.measures.paradox import paradoxes
from joinedup.measures.runner import Result, default_period, run_measures
from joinedup.measures.spec import Library, Measure, load_library

__all__ = ["Engine", "StoreEngine", "Library", "Measure", "Result", "default_period", "load_library",
           "open_store", "paradoxes", "run_measures"]
