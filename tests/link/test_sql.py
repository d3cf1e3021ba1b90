"""The SQL-building helpers of joinedup.link.sql: generated inputs, run on DuckDB and rendered for Spark.

Each helper's tree is run on a real DuckDB and compared with what Python says the answer is; its Spark
text is read back by sqlglot's Spark reader and must mean the same tree (rendered for DuckDB it runs
to the same answer), so a quoting or operator the Spark renderer drops would show here.
"""

from __future__ import annotations

import math

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st
import sqlglot
from sqlglot import exp

from joinedup.link.sql import aliased, as_, asc, case, col, create, is_null, not_null, nothing, number, ref, text, with_

#: Names as a user's data could spell them: quotes, dots, spaces and non-ASCII included (no NUL, not blank).
names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(lambda s: s.strip() == s and s)
values = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8))


def _run(tree: exp.Expression, con: duckdb.DuckDBPyConnection | None = None) -> list[tuple]:
    """The tree's rows on DuckDB, and the same rows from its Spark text read back (so both renderings agree)."""
    con = con or duckdb.connect()
    rows = con.execute(tree.sql(dialect="duckdb")).fetchall()
    again = sqlglot.parse_one(tree.sql(dialect="spark"), read="spark")
    assert con.execute(again.sql(dialect="duckdb")).fetchall() == rows
    return rows


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False, width=64)))
def test_number_is_the_value(v: int | float) -> None:
    """number(v) is v on both engines' text (a double compared as a double, as a threshold is)."""
    got = _run(exp.select(as_(exp.Cast(this=number(v), to=exp.DataType.build("double")), "v")))[0][0]
    assert got == float(v) or math.isclose(got, float(v), rel_tol=1e-15)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=3), st.integers(-5, 5)), min_size=1, max_size=5), st.text(max_size=3),
       st.one_of(st.none(), st.integers(-5, 5)))
def test_case_takes_the_first_match(whens: list[tuple[str, int]], probe: str, default: int | None) -> None:
    """CASE value WHEN w THEN t ... ELSE default END is the first w equal to value, else the default (else NULL)."""
    tree = case([(text(w), number(t)) for w, t in whens], None if default is None else number(default), value=text(probe))
    expected = next((t for w, t in whens if w == probe), default)
    assert _run(exp.select(as_(tree, "x")))[0][0] == expected
    conditions = case([(text(w).eq(text(probe)), number(t)) for w, t in whens], None if default is None else number(default))
    assert _run(exp.select(as_(conditions, "x")))[0][0] == expected


@settings(max_examples=60, deadline=None)
@given(values)
def test_null_tests(v: str | None) -> None:
    """is_null and not_null are each other's opposite and say whether the value is NULL."""
    literal = exp.Null() if v is None else text(v)
    assert _run(exp.select(as_(is_null(literal), "a"), as_(not_null(literal.copy()), "b")))[0] == (v is None, v is not None)


@settings(max_examples=40, deadline=None)
@given(st.lists(names, min_size=1, max_size=3, unique_by=str.lower), st.integers(0, 9))
def test_with_names_each_cte(ctes: list[str], k: int) -> None:
    """with_ quotes each name, whatever it holds; the query reads every one in order."""
    first = exp.select(as_(number(k), "v"))
    steps = [(ctes[0], first)] + [(n, exp.select(as_(exp.Add(this=col("v"), expression=number(1)), "v")).from_(ref(prev)))
                                  for prev, n in zip(ctes, ctes[1:])]
    assert _run(with_(exp.select(col("v")).from_(ref(ctes[-1])), *steps)) == [(k + len(ctes) - 1,)]


def _describe(query: exp.Query) -> str:
    """DESCRIBE query, as DuckDB text."""
    return exp.Describe(this=query).sql(dialect="duckdb")


_TYPES = ["VARCHAR", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "DOUBLE", "DATE", "TIMESTAMP", "BOOLEAN", "VARCHAR[]"]


@settings(max_examples=40, deadline=None)
@given(names, st.lists(st.tuples(names, st.sampled_from(_TYPES)), min_size=1, max_size=5, unique_by=lambda c: c[0].lower()),
       st.booleans())
def test_create_and_ref_in_a_schema(table: str, columns: list[tuple[str, str]], replace: bool) -> None:
    """create makes schema.table with exactly the columns and types named; ref(schema=) reads it; nothing has its types."""
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS store")
    con.execute(create(table, columns, schema="store", replace=replace).sql(dialect="duckdb"))
    con.execute(create(table, columns, schema="store", exists=True).sql(dialect="duckdb"))  # a no-op: it exists
    described = con.execute(_describe(exp.select(exp.Star()).from_(ref(table, schema="store")))).fetchall()
    assert [(r[0], r[1]) for r in described] == [(c, "INTEGER" if t == "INTEGER" else t) for c, t in columns]
    empty = nothing(**{f"c{i}": t for i, (_, t) in enumerate(columns)})
    assert con.execute(_describe(empty)).fetchall() == [
        (f"c{i}", t, "YES", None, None, None) for i, (_, t) in enumerate(columns)]
    assert _run(empty, con) == []
    spark = sqlglot.parse_one(create(table, columns, schema="store").sql(dialect="spark"), read="spark")
    assert spark.this.this.name == table and spark.this.this.db == "store"
    assert [c.name for c in spark.this.expressions] == [c for c, _ in columns]


@settings(max_examples=40, deadline=None)
@given(names, names, st.lists(values, max_size=4))
def test_aliased_leaves_the_ref_alone(table: str, alias: str, rows: list[str | None]) -> None:
    """aliased gives a copy under the alias (the ref stays bare, to be used again); a query works the same way."""
    con = duckdb.connect()
    con.execute(create(table, [("v", "VARCHAR")]).sql(dialect="duckdb"))
    if rows:
        con.execute(exp.insert(exp.values([(r,) for r in rows]), ref(table)).sql(dialect="duckdb"))
    bare = ref(table)
    got = _run(exp.select(col("v", alias)).from_(aliased(bare, alias)).order_by(asc(col("v", alias))), con)
    assert bare.alias == "" and got == sorted([(r,) for r in rows], key=lambda r: (r[0] is None, r[0] or ""))
    inner = exp.select(col("v")).from_(bare)
    assert sorted(_run(exp.select(col("v", alias)).from_(aliased(inner, alias)), con), key=str) == sorted([(r,) for r in rows], key=str)
