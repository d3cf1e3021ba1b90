"""User SQL in specs: parse with sqlglot, check against the canonical schema, expand macros.

Conditions in measure and segment files are SQL expressions over the canonical analysis
tables and the person index. They are parsed once (DuckDB dialect), checked (no DDL or DML,
only known tables, columns and functions, only the period placeholders), and kept as sqlglot
trees; the compiler grafts the trees into its queries and only the last step picks a dialect.

Every table that names a source record (`record_id`) is seen through a view that adds the
linked person: `person_id` and `person_*` attributes (birth year and month, sex, ethnicity
group, LSOA, IMD decile, ward, date of death), so joined-up conditions need no join of their own.
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from joinedup.measures.periods import Period
from joinedup.store.schema import LINK_TABLES, TABLES

__all__ = [
    "PERSON_COLUMNS", "PLACEHOLDERS", "MACROS", "SqlProblem", "table_columns", "view_name",
    "parse_condition", "parse_value", "check", "expand",
]

#: Person attributes that every record-bearing table gains through its person view.
PERSON_COLUMNS: tuple[str, ...] = (
    "person_id", "person_birth_year", "person_birth_month", "person_sex", "person_ethnicity_group",
    "person_lsoa21", "person_imd_decile", "person_ward_code", "person_date_of_death", "person_sectors",
)

#: The interval placeholders: one definition runs over many periods.
PLACEHOLDERS: dict[str, str] = {
    "period_start": "first day of the period (DATE)",
    "period_end": "last day of the period (DATE)",
    "financial_year": "the period's financial year as text, e.g. '2024-25' (care leavers' collection year)",
    "academic_year": "the academic year that starts in the period's financial year, e.g. '2024/25'",
}

#: Functions of our own, expanded into portable SQL before any engine sees them.
MACROS: dict[str, str] = {
    "AGE_ON": "AGE_ON(date): whole years of age of the row's person on that date",
    "CLD_AGE_ON": "CLD_AGE_ON(date): age as NHS England's CLD code derives it: days from the 1st of the birth month, over 365.25, rounded down",
    "IN_PERIOD": "IN_PERIOD(date): the date falls within the period (inclusive)",
    "OPEN_AT_END": "OPEN_AT_END(start, end): an episode open on the last day of the period",
    "OPEN_DURING": "OPEN_DURING(start, end): an episode open at any time in the period",
    "WORKING_DAYS": "WORKING_DAYS(from, to): working days (England, bank holidays excluded) after from up to to",
}
_MACRO_ARITY = {"AGE_ON": 1, "CLD_AGE_ON": 1, "IN_PERIOD": 1, "OPEN_AT_END": 2, "OPEN_DURING": 2, "WORKING_DAYS": 2}

# Operational tables (loads, quarantine) are not analysis data; the vault is never reachable.
_EXCLUDED = {"load", "load_file", "quarantine", "row_version"}
_FORBIDDEN = (exp.DDL, exp.DML, exp.Command, exp.Drop, exp.Alter, exp.Set, exp.Use, exp.Pragma,
              exp.Copy, exp.Transaction, exp.Commit, exp.Rollback, exp.Describe, exp.Merge)
_AGGREGATES = (exp.AggFunc,)


class SqlProblem(ValueError):
    """A problem with one SQL expression in a spec (the caller adds measure and field)."""


@lru_cache(maxsize=1)
def _schema() -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for t in TABLES + LINK_TABLES:
        if t.name in _EXCLUDED:
            continue
        cols = set(t.column_names)
        if "record_id" in cols or "person_id" in cols:
            cols |= set(PERSON_COLUMNS)
        out[t.name] = frozenset(cols)
    from joinedup.measures import derived
    for name in derived.RELATIONS:
        out[name] = derived.columns(name)
    return out


def table_columns(name: str) -> frozenset[str]:
    """Columns a condition may use on a table (its own plus the person view's)."""
    return _schema()[name]


def view_name(table: str) -> str:
    """The engine-side view that serves a canonical table to measures."""
    return f"_jp_{table}"


def _parse(text: str, what: str) -> exp.Expression:
    if not isinstance(text, str) or not text.strip():
        raise SqlProblem(f"empty {what}")
    try:
        parsed = [p for p in sqlglot.parse(text, read="duckdb") if p is not None]
    except ParseError as e:
        first = e.errors[0]["description"] if e.errors else str(e)
        raise SqlProblem(f"cannot parse SQL {text!r}: {first}") from None
    if len(parsed) != 1:
        raise SqlProblem(f"one SQL expression expected, found {len(parsed)} statements")
    tree = parsed[0]
    for node in tree.walk():
        if isinstance(node, _FORBIDDEN):
            raise SqlProblem(f"DDL or DML is not allowed ({type(node).__name__.upper()})")
    if isinstance(tree, exp.Query):
        raise SqlProblem(f"a {what} is expected, not a query (wrap it in EXISTS (...) or IN (...))")
    return tree


def parse_condition(text: str) -> exp.Expression:
    """Parse a row condition; raise SqlProblem on syntax, statements or DDL/DML."""
    return _parse(text, "condition")


def parse_value(text: str) -> exp.Expression:
    """Parse a value expression (e.g. what a mean or a sum adds up)."""
    return _parse(text, "value expression")


def _scope_tables(node: exp.Expression, outer: dict[str, str],
                  own: dict[int, dict[str, str]] | None = None) -> dict[str, str]:
    """alias -> table for the FROM/JOIN items of every SELECT enclosing node, plus the outer table.

    `own` memoises each SELECT's own items (by node id) across the columns of one check.
    """
    own = {} if own is None else own
    scope = dict(outer)
    chain = []
    parent = node.parent
    while parent is not None:
        if isinstance(parent, exp.Select):
            chain.append(parent)
        parent = parent.parent
    for select in reversed(chain):
        items = own.get(id(select))
        if items is None:
            items = own[id(select)] = {tbl.alias_or_name: tbl.name for tbl in select.find_all(exp.Table)
                                       if tbl.find_ancestor(exp.Select) is select}
        scope.update(items)
    return scope


def check(tree: exp.Expression, outer_table: str | None, *, allow_aggregates: bool = False) -> None:
    """Check tables, columns, functions and placeholders of a parsed expression."""
    schema = _schema()
    outer = {outer_table: outer_table} if outer_table else {}
    for tbl in tree.find_all(exp.Table):
        if tbl.args.get("db") or tbl.args.get("catalog"):
            raise SqlProblem(f"table {tbl.sql()!r}: schema-qualified names are not allowed")
        if not isinstance(tbl.this, exp.Identifier):
            raise SqlProblem(f"{tbl.sql()!r}: only canonical tables may be read")
        if tbl.name not in schema:
            raise SqlProblem(f"unknown table {tbl.name!r}")
        if tbl.name != outer_table and _is_derived(tbl.name):
            raise SqlProblem(f"table {tbl.name!r} is a derived relation: a measure may name it as its from, "
                             "not read it in a condition")
    for node in tree.walk():
        if isinstance(node, exp.Anonymous):
            name = node.name.upper()
            if name not in MACROS:
                raise SqlProblem(f"unknown function {node.name!r}")
            if len(node.expressions) != _MACRO_ARITY[name]:
                raise SqlProblem(f"{name} takes {_MACRO_ARITY[name]} argument(s), got {len(node.expressions)}")
        elif isinstance(node, exp.Func) and type(node).__name__.startswith("Read"):
            raise SqlProblem(f"function {node.sql()!r} reads files and is not allowed")
        elif isinstance(node, exp.Placeholder):
            if node.name not in PLACEHOLDERS:
                raise SqlProblem(f"unknown placeholder :{node.name} (use one of :{', :'.join(PLACEHOLDERS)})")
        elif isinstance(node, _AGGREGATES) and not allow_aggregates and node.find_ancestor(exp.Select) is None:
            raise SqlProblem(f"aggregate {node.sql()!r} is not allowed in a row condition")
    own: dict[int, dict[str, str]] = {}
    for col in tree.find_all(exp.Column):
        if isinstance(col.this, exp.Star):
            continue
        scope = _scope_tables(col, outer, own)
        select = col.find_ancestor(exp.Select)
        aliases = {e.alias for e in select.expressions if e.alias} if select else set()
        if col.table:
            if col.table not in scope:
                raise SqlProblem(f"column {col.sql()!r}: unknown table or alias {col.table!r}")
            if col.name not in schema[scope[col.table]]:
                raise SqlProblem(f"unknown column {col.name!r} in table {scope[col.table]!r}")
        elif col.name not in aliases and not any(col.name in schema[t] for t in scope.values()):
            where = ", ".join(sorted(set(scope.values()))) or "no table"
            raise SqlProblem(f"unknown column {col.name!r} (tables in scope: {where})")


def _is_derived(name: str) -> bool:
    from joinedup.measures import derived
    return derived.is_derived(name)


@lru_cache(maxsize=None)
def _type(name: str) -> exp.DataType:
    """A data type, parsed once (DataType.build parses its text each call); callers take a copy."""
    return exp.DataType.build(name)


def data_type(name: str) -> exp.DataType:
    """A fresh node of the named data type."""
    return _type(name).copy()


def _date(value: str) -> exp.Expression:
    return exp.Cast(this=exp.Literal.string(value), to=data_type("date"))


@lru_cache(maxsize=None)
def _template(text: str) -> exp.Expression:
    """A macro's body, parsed once; never handed out itself (callers graft a copy)."""
    return sqlglot.parse_one(text, read="duckdb")


def _fill(text: str, name: str, value: exp.Expression) -> exp.Expression:
    """A copy of the template with each column `name` replaced by a copy of value."""
    return _template(text).transform(lambda n: value.copy() if isinstance(n, exp.Column) and n.name == name else n)


def _age_on(date: exp.Expression) -> exp.Expression:
    # Birth month falls back to July (mid-year) when the source gives only a year.
    return _fill("(EXTRACT(YEAR FROM d) - person_birth_year"
                 " - CASE WHEN EXTRACT(MONTH FROM d) < COALESCE(person_birth_month, 7) THEN 1 ELSE 0 END)", "d", date)


def _cld_age_on(date: exp.Expression) -> exp.Expression:
    # FLOOR(DATEDIFF(DAY, Der_DOB, date) / 365.25) with Der_DOB on the 1st of the birth month, as in
    # NHS England's CLD-to-ASCOF code; it differs from AGE_ON around birthdays (leap days).
    return _fill("FLOOR(DATE_DIFF('day', MAKE_DATE(CAST(person_birth_year AS INT), CAST(COALESCE(person_birth_month, 7) AS INT), 1),"
                 " CAST(d AS DATE)) / 365.25)", "d", date)


def _working_day_index(date: exp.Expression) -> exp.Expression:
    return _fill(f"(SELECT MAX(cal.wd) FROM {view_name('calendar')} AS cal WHERE cal.d = x)", "x", date)


def expand(tree: exp.Expression, period: Period, *, views: bool = True, keep: frozenset[str] = frozenset()) -> exp.Expression:
    """Replace placeholders with the period's dates, expand macros, and point tables (but those in keep) at person views."""
    start, end = _date(period.start.isoformat()), _date(period.end.isoformat())
    fy = int(period.financial_year[:4])
    texts = {"financial_year": exp.Literal.string(period.financial_year),
             "academic_year": exp.Literal.string(f"{fy}/{(fy + 1) % 100:02d}")}

    def leaves(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder):
            return {"period_start": start, "period_end": end}.get(node.name, texts.get(node.name)).copy()
        if views and isinstance(node, exp.Table) and not node.name.startswith("_jp_") and node.name not in keep:
            return exp.Table(this=exp.to_identifier(view_name(node.name)),
                             alias=exp.TableAlias(this=exp.to_identifier(node.alias_or_name)))
        return node

    # One copy of the spec's tree (transform copies it); every later pass rewrites that copy in place.
    out = tree.transform(leaves)
    # transform() does not descend into a replacement, so nested macros need another pass.
    for _ in range(10):
        if not any(isinstance(n, exp.Anonymous) for n in out.walk()):
            break
        out = out.transform(lambda n: _macro(n, start, end) if isinstance(n, exp.Anonymous) else n, copy=False)
    return out


def _macro(node: exp.Anonymous, start: exp.Expression, end: exp.Expression) -> exp.Expression:
    # node belongs to expand's own copy and is replaced whole: its arguments move into the replacement
    name, args = node.name.upper(), list(node.expressions)
    if name == "AGE_ON":
        return _age_on(args[0])
    if name == "CLD_AGE_ON":
        return _cld_age_on(args[0])
    if name == "IN_PERIOD":
        # Timestamps are compared by their date, so a whole last day counts.
        day = exp.Cast(this=args[0], to=data_type("date"))
        return exp.paren(exp.Between(this=day, low=start.copy(), high=end.copy()), copy=False)
    if name == "OPEN_AT_END":
        return exp.paren(exp.and_(exp.LTE(this=args[0], expression=end.copy()),
                                  exp.or_(exp.Is(this=args[1], expression=exp.Null()),
                                          exp.GT(this=args[1].copy(), expression=end.copy()), copy=False),
                                  copy=False), copy=False)
    if name == "OPEN_DURING":
        return exp.paren(exp.and_(exp.LTE(this=args[0], expression=end.copy()),
                                  exp.or_(exp.Is(this=args[1], expression=exp.Null()),
                                          exp.GTE(this=args[1].copy(), expression=start.copy()), copy=False),
                                  copy=False), copy=False)
    if name == "WORKING_DAYS":
        return exp.paren(exp.Sub(this=_working_day_index(args[1]), expression=_working_day_index(args[0])), copy=False)
    raise SqlProblem(f"unknown function {node.name!r}")
