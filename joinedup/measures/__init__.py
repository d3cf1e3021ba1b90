"""Outcome and process measures declared as data, compiled with sqlglot, run on DuckDB (or Spark).

    from joinedup.measures import load_library, open_store, run_measures, paradoxes
    engine = open_store("store.duckdb")
    rows = run_measures(engine, load_library(), "2024-25", breakdown="deprivation_quintile")

Specs (spec.py) -> checked SQL (sql.py) -> one query per period and breakdown (compiler.py) ->
an engine (engine.py, spark.py) -> disclosure control (disclosure.py) -> values and intervals
(runner.py, stats.py) -> the paradox lens (paradox.py) and the catalogue (catalogue.py).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from joinedup.measures.engine import Engine, StoreEngine, open_store
    from joinedup.measures.paradox import paradoxes
    from joinedup.measures.runner import Result, default_period, run_measures
    from joinedup.measures.spec import Library, Measure, load_library

__all__ = ["Engine", "StoreEngine", "Library", "Measure", "Result", "default_period", "load_library",
           "open_store", "paradoxes", "run_measures"]

#: Where each public name lives: imported on first use, so that `joinedup <any command>` does not load
#: SciPy's statistics (PEP 562).
_HOME = {"Engine": "engine", "StoreEngine": "engine", "open_store": "engine", "paradoxes": "paradox",
         "Result": "runner", "default_period": "runner", "run_measures": "runner",
         "Library": "spec", "Measure": "spec", "load_library": "spec"}


def __getattr__(name: str) -> Any:
    """The public name from its module, imported on first use."""
    if name in _HOME:
        return getattr(import_module(f"joinedup.measures.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
