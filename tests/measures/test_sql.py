"""The SQL checker and macro expansion: generative tests (hypothesis) plus the engines' agreement."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.measures import sql
from joinedup.measures.periods import bank_holidays, financial_year, working_day_calendar
from tests.store_con import connect

COLUMNS = sorted(sql.table_columns("encounter"))


@pytest.fixture(scope="module")
def encounter_db():
    """An empty canonical encounter table in DuckDB."""
    from joinedup.store.schema import table
    con = connect()
    cols = ", ".join(f'"{c.name}" {c.type}' for c in table("encounter").all_columns)
    con.execute(f"CREATE TABLE encounter ({cols})")
    return con


def _typed_columns() -> dict[str, str]:
    from joinedup.store.schema import table
    return {c.name: c.type for c in table("encounter").all_columns if c.name in COLUMNS}


_LITERALS = {"INTEGER": st.integers(-5, 500).map(str), "TINYINT": st.integers(0, 3).map(str),
             "BIGINT": st.integers(0, 10**6).map(str), "DOUBLE": st.floats(-10, 10).map(lambda f: f"{f:.3f}"),
             "VARCHAR": st.text("abc019", max_size=4).map(lambda t: f"'{t}'"),
             "DATE": st.dates().map(lambda d: f"DATE '{d.isoformat()}'"),
             "TIMESTAMP": st.dates().map(lambda d: f"TIMESTAMP '{d.isoformat()} 00:00:00'"),
             "BOOLEAN": st.booleans().map(lambda b: "TRUE" if b else "FALSE")}


@st.composite
def _conditions(draw) -> str:
    cols = _typed_columns()
    col = draw(st.sampled_from(sorted(c for c, t in cols.items() if t in _LITERALS)))
    op = draw(st.sampled_from(["=", "<", ">=", "<>"]))
    return f"{col} {op} {draw(_LITERALS[cols[col]])}"


@settings(deadline=None)
@given(cond=_conditions())
def test_known_columns_pass_and_run_on_duckdb(encounter_db, cond):
    # The checked, expanded condition runs as a filter on the canonical table: a wrong name, type or
    # expansion fails here. Spark's analyzer checks every compiled measure in test_engines.py.
    tree = sql.parse_condition(cond)
    sql.check(tree, "encounter")
    out = sql.expand(tree, financial_year(2024))
    assert encounter_db.execute(f"SELECT COUNT(*) FROM encounter WHERE {out.sql('duckdb')}").fetchall() == [(0,)]


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=12))
def test_unknown_columns_are_named(name):
    if name in sql.table_columns("encounter") or name.upper() in {"TRUE", "FALSE", "NULL", "AND", "OR", "NOT"}:
        return
    try:
        tree = sql.parse_condition(f"{name} = 1")
    except sql.SqlProblem:
        return  # reserved words that do not parse are refused too
    with pytest.raises(sql.SqlProblem, match="unknown"):
        sql.check(tree, "encounter")


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=financial_year(2015).start, max_value=financial_year(2035).end),
       st.integers(0, 120))
def test_working_days_macro_matches_a_python_count(start, span):
    import datetime as dt
    end = start + dt.timedelta(days=span)
    holidays = bank_holidays(start.year) | bank_holidays(end.year)
    expected = sum(1 for i in range(1, span + 1)
                   if (start + dt.timedelta(days=i)).weekday() < 5 and start + dt.timedelta(days=i) not in holidays)
    dates, counts = working_day_calendar(2015, 2036)
    index = dict(zip(dates, counts))
    assert index[end] - index[start] == expected


def test_bank_holidays_include_substitutes_and_one_offs():
    import datetime as dt
    assert dt.date(2022, 12, 27) in bank_holidays(2022)  # Christmas on a Sunday
    assert dt.date(2023, 5, 8) in bank_holidays(2023)    # coronation
    assert dt.date(2024, 4, 1) in bank_holidays(2024)    # Easter Monday
    assert len(bank_holidays(2025)) == 8


def test_age_on_is_whole_years_with_birth_month():
    tree = sql.expand(sql.parse_condition("AGE_ON(CAST('2025-03-31' AS DATE))"), financial_year(2024), views=False)
    con = connect()
    for by, bm, age in ((2000, 3, 25), (2000, 4, 24), (2000, None, 24)):
        q = f"SELECT {tree.sql('duckdb')} FROM (SELECT {by} AS person_birth_year, {bm or 'NULL'} AS person_birth_month)"
        assert con.execute(q).fetchone()[0] == age


def test_tables_are_pointed_at_person_views_and_aliases_kept():
    tree = sql.parse_condition("EXISTS (SELECT 1 FROM csc_referral AS r WHERE r.person_id = encounter.person_id)")
    sql.check(tree, "encounter")
    text = sql.expand(tree, financial_year(2024)).sql("duckdb")
    assert "_jp_csc_referral AS r" in text


def test_files_cannot_be_read():
    with pytest.raises(sql.SqlProblem):
        sql.check(sql.parse_condition("EXISTS (SELECT 1 FROM read_parquet('x.parquet'))"), "encounter")


def test_compiling_leaves_the_specs_trees_as_they_were():
    """The compiler builds without copies (copy=False): it must never graft or rewrite a spec's own tree."""
    from joinedup.measures.compiler import compile_measure, to_sql
    from joinedup.measures.periods import periods_for
    from joinedup.measures.spec import load_library

    lib = load_library()
    before = {m.id: {k: t.sql() for k, t in m.trees.items()} for m in lib}
    for m in lib:
        period = periods_for(m.period, "2024-25")[0]
        for b in ("all", *m.breakdowns):
            first = to_sql(compile_measure(m, period, b), "duckdb", owned=True)
            assert to_sql(compile_measure(m, period, b), "duckdb") == first, (m.id, b)
    assert {m.id: {k: t.sql() for k, t in m.trees.items()} for m in lib} == before
