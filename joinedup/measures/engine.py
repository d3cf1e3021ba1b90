"""Engines that run compiled measures: a base that owns the workflow, DuckDB now, Spark beside it.

The base class builds every helper view as a sqlglot tree (person views over each canonical
table, the LSOA lookup, the working-day calendar) and hands each engine only SQL text in its
own dialect; an engine implements four hooks: `tables`, `execute`, `register` and `make_view`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlglot
from sqlglot import exp

from joinedup.errors import UserError
from joinedup.measures import sql
from joinedup.measures.compiler import to_sql
from joinedup.measures.periods import working_day_calendar
from joinedup.store import Store
from joinedup.store.schema import LINK_TABLES, TABLES

__all__ = ["Engine", "StoreEngine", "open_store"]

_PERSON_ATTRS = ("birth_year", "birth_month", "sex", "ethnicity_group", "lsoa21", "imd_decile", "ward_code",
                 "date_of_death", "sectors")


def _one_line(e: Exception) -> str:
    return " ".join(str(e).split())


@lru_cache(maxsize=1)
def _lsoa_lookup() -> pa.Table:
    from joinedup.reference import data_path
    import pyarrow.parquet as pq
    t = pq.read_table(data_path("lsoa21.parquet"), columns=["lsoa21_code", "ward24_code", "imd_decile"])
    return t.rename_columns(["lsoa21", "ward_code", "imd_decile"])


@lru_cache(maxsize=1)
def _calendar() -> pa.Table:
    dates, counts = working_day_calendar()
    return pa.table({"d": pa.array(dates, pa.date32()), "wd": pa.array(counts, pa.int32())})


class Engine(ABC):
    """The workflow every engine shares; subclasses implement the hooks."""

    dialect = "duckdb"
    materialize = False

    def __init__(self) -> None:
        self._ready = False
        self.linked = False
        self._pending: dict[str, tuple[exp.Expression, bool]] = {}
        #: Facts a run works out once per engine (e.g. the population's mid-years, the period of the segment view).
        self.memo: dict[str, Any] = {}
        #: Results stored with the store version (joinedup.measures.stored.StoredResults), read before computing.
        self.stored: Any = None

    # Hooks -------------------------------------------------------------------
    @abstractmethod
    def tables(self) -> set[str]:
        """Names of the tables present in the store."""

    @abstractmethod
    def execute(self, text: str) -> list[tuple]:
        """Run one statement in this engine's dialect; return the rows."""

    @abstractmethod
    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under name."""

    @abstractmethod
    def make_view(self, name: str, select_sql: str, materialize: bool) -> None:
        """Create (or replace) a temporary view, or a temporary table when materialize is set."""

    # Workflow ----------------------------------------------------------------
    def _view(self, name: str, tree: exp.Expression, materialize: bool = False) -> None:
        text = to_sql(tree, self.dialect)
        try:
            self.make_view(name, text, materialize)
        except Exception as e:  # noqa: BLE001 - any engine's error type; the message carries the SQL
            raise UserError(f"engine {self.dialect} could not build {name}: {_one_line(e)} (SQL: {text})") from None

    def _source(self, name: str, present: set[str]) -> exp.Expression:
        """The table itself, or an empty typed stand-in when the store lacks it."""
        if name in present:
            return exp.Table(this=exp.to_identifier(name))
        t = next(t for t in TABLES + LINK_TABLES if t.name == name)
        cols = [exp.alias_(exp.cast(exp.Null(), exp.DataType.build(c.type, dialect="duckdb")), c.name) for c in t.all_columns]
        return exp.Subquery(this=exp.select(*cols).where(exp.false()))

    def setup(self) -> None:
        """Register lookups and build the person views once per engine."""
        if self._ready:
            return
        present = self.tables()
        if "population" not in present and "person_record" not in present:
            raise UserError("the store holds no canonical tables (run joinedup ingest first)")
        self.register(sql.view_name("lsoa"), _lsoa_lookup())
        self.register(sql.view_name("calendar"), _calendar())
        self.linked = "person" in present and "person_source_link" in present
        src = lambda n: self._source(n, present).sql(dialect="duckdb")  # noqa: E731
        if self.linked:
            link = f"SELECT record_id, person_id FROM {src('person_source_link')} AS l"
            person = f"SELECT * FROM {src('person')} AS p"
        else:
            # No person index yet: each source record stands for one person.
            link = f"SELECT record_id, record_id AS person_id FROM {src('person_record')} AS r"
            person = (
                "SELECT r.record_id AS person_id, r.birth_year, r.birth_month, r.sex, r.ethnicity_group, r.lsoa21,"
                " r.imd_decile, r.ward_code, d.date_of_death, r.first_seen, r.last_seen, 1 AS n_records,"
                f" CAST(NULL AS VARCHAR) AS sectors FROM {src('person_record')} AS r LEFT JOIN"
                f" (SELECT record_id, MIN(date_of_death) AS date_of_death FROM {src('death')} AS dd GROUP BY record_id) AS d"
                " ON d.record_id = r.record_id")
        attrs = ", ".join(f"p.{a} AS person_{a}" for a in _PERSON_ATTRS)
        self._view(sql.view_name("link"), sqlglot.parse_one(link, read="duckdb"))
        self._view(sql.view_name("person"), sqlglot.parse_one(
            f"SELECT p.*, {attrs} FROM ({person}) AS p", read="duckdb"), self.materialize)
        for t in TABLES + LINK_TABLES:
            if t.name in ("person",) or t.name not in sql._schema():
                continue
            cols = set(t.column_names)
            base = src(t.name)
            if "person_id" in cols:
                q = (f"SELECT t.*, {attrs} FROM {base} AS t LEFT JOIN {sql.view_name('person')} AS p"
                     " ON p.person_id = t.person_id")
            elif "record_id" in cols:
                q = (f"SELECT t.*, COALESCE(l.person_id, t.record_id) AS person_id, {attrs} FROM {base} AS t"
                     f" LEFT JOIN {sql.view_name('link')} AS l ON l.record_id = t.record_id"
                     f" LEFT JOIN {sql.view_name('person')} AS p ON p.person_id = COALESCE(l.person_id, t.record_id)")
            elif t.name == "population":
                q = (f"SELECT t.*, k.ward_code, k.imd_decile FROM {base} AS t"
                     f" LEFT JOIN {sql.view_name('lsoa')} AS k ON k.lsoa21 = t.lsoa21")
            else:
                q = f"SELECT * FROM {base} AS t"
            big = self.materialize and t.name in present
            # Built on first use: a run that reads three tables pays for three.
            self._pending[sql.view_name(t.name)] = (sqlglot.parse_one(q, read="duckdb"), big)
        self._ready = True

    def _ensure(self, tree: exp.Expression) -> None:
        """Build the person views a query reads that are not built yet."""
        for tbl in tree.find_all(exp.Table):
            if tbl.name in self._pending:
                view, big = self._pending.pop(tbl.name)
                self._view(tbl.name, view, big)

    def set_view(self, name: str, tree: exp.Expression) -> None:
        """Replace a per-run view (e.g. the segment of each person in one period)."""
        self.setup()
        self._ensure(tree)
        self._view(name, tree, self.materialize)

    def query(self, tree: exp.Expression, *, owned: bool = False) -> list[dict[str, Any]]:
        """Run a compiled query; engine errors come back as a UserError with the SQL.

        `owned`: the tree was made for this call alone, so generating its SQL need not copy it first.
        """
        self.setup()
        self._ensure(tree)
        names = [s.alias_or_name for s in tree.expressions] if isinstance(tree, exp.Select) else None
        text = to_sql(tree, self.dialect, owned=owned)
        try:
            rows = self.execute(text)
        except Exception as e:  # noqa: BLE001 - any engine's error type; the message carries the SQL
            raise UserError(f"engine {self.dialect} failed: {_one_line(e)} (SQL: {text})") from None
        return [dict(zip(names, r)) for r in rows] if names else [dict(enumerate(r)) for r in rows]


class StoreEngine(Engine):
    """The measures' views over a `Store` (DuckDB now; the store's backend runs the SQL)."""

    def __init__(self, store: Store, materialize: bool = True) -> None:
        super().__init__()
        self.store = store
        self.dialect = store.dialect
        self.materialize = materialize

    def tables(self) -> set[str]:
        """Tables and views of the analysis store."""
        return set(self.store.tables())

    def execute(self, text: str) -> list[tuple]:
        """Run one statement."""
        return self.store.fetchall(text)

    def register(self, name: str, table: pa.Table) -> None:
        """Copy an Arrow table into a temporary table."""
        self.store.backend.register_arrow(name, table)

    def make_view(self, name: str, select_sql: str, materialize: bool) -> None:
        """Temporary view, or temporary table for the big person views."""
        self.store.backend.make_temp_view(name, select_sql, materialize=materialize)


def open_store(path: Path, threads: int | None = None) -> StoreEngine:
    """Open a store read-only for measures (analysis mode: never the vault)."""
    return StoreEngine(Store.open(path, "analysis", threads=threads))
