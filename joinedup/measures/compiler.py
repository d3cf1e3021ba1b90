"""Compile a measure, a period and a breakdown into one sqlglot query (dialect chosen last).

Every query returns the same columns: `grp`, `numerator`, `denominator` and `sum_sq` (the sum
of squared values, used for the confidence interval of a mean). The person views and lookup
tables the queries read are set up by the engine (`joinedup.measures.engine`).
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp

from joinedup.measures import derived, sql
from joinedup.measures.periods import Period
from joinedup.measures.spec import Measure

__all__ = ["AGE_BANDS", "QUINTILES", "compile_measure", "to_sql", "breakdown_expr"]

#: Age bands (lower bound, label): children's bands follow DfE returns, adults' follow ASCOF.
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "0-4"), (5, "5-9"), (10, "10-15"), (16, "16-17"), (18, "18-24"), (25, "25-49"),
    (50, "50-64"), (65, "65-74"), (75, "75-84"), (85, "85+"),
)
#: IMD deciles grouped into quintiles (decile 1 = most deprived 10% of LSOAs in England).
QUINTILES: tuple[str, ...] = ("Q1 most deprived", "Q2", "Q3", "Q4", "Q5 least deprived")
UNKNOWN = "unknown"


# Every builder call below passes copy=False: each node is made for the one query it goes into (the spec's
# trees are copied once, by sql.expand), and sqlglot's default deep copy of the whole query at each
# builder step was most of a measure's compile time.

@lru_cache(maxsize=None)
def _parsed(text: str) -> exp.Expression:
    return sqlglot.parse_one(text, read="duckdb")


def _p(text: str) -> exp.Expression:
    """A fresh copy of an internal query, parsed once."""
    return _parsed(text).copy()


def _zero() -> exp.Expression:
    return exp.Literal.number(0)


def _cast(e: exp.Expression, to: str) -> exp.Expression:
    return exp.Cast(this=e, to=sql.data_type(to))


def _as(e: exp.Expression, name: str) -> exp.Expression:
    return exp.alias_(e, name, copy=False)


def _sub(q: exp.Expression, alias: str) -> exp.Subquery:
    return exp.Subquery(this=q, alias=exp.TableAlias(this=exp.to_identifier(alias)))


def _band(age: exp.Expression) -> exp.Expression:
    case = exp.Case().when(exp.Is(this=age.copy(), expression=exp.Null()), exp.Literal.string(UNKNOWN), copy=False)
    for (_low, label), nxt in zip(AGE_BANDS, AGE_BANDS[1:] + ((None, None),)):
        if nxt[0] is None:
            case = case.else_(exp.Literal.string(label), copy=False)
        else:
            case = case.when(exp.LT(this=age.copy(), expression=exp.Literal.number(nxt[0])), exp.Literal.string(label),
                             copy=False)
    return case


def _quintile(decile: exp.Expression) -> exp.Expression:
    case = exp.Case()
    for q, label in enumerate(QUINTILES):
        cond = exp.In(this=decile.copy(), expressions=[exp.Literal.number(2 * q + 1), exp.Literal.number(2 * q + 2)])
        case = case.when(cond, exp.Literal.string(label), copy=False)
    return case.else_(exp.Literal.string(UNKNOWN), copy=False)


def _coalesce(col: exp.Expression) -> exp.Expression:
    return exp.Coalesce(this=_cast(col, "varchar"), expressions=[exp.Literal.string(UNKNOWN)])


def breakdown_expr(breakdown: str, alias: str, period: Period, *, population: bool = False) -> exp.Expression:
    """The group label of a row: person attributes of a record row, or columns of a population row."""
    if breakdown == "all":
        return exp.Literal.string("all")
    if population:
        col = {"age_band": "age", "sex": "sex", "deprivation_quintile": "imd_decile", "ward": "ward_code"}
        c = exp.column(col[breakdown], table=alias)
    else:
        if breakdown == "age_band":
            tree = _parsed(f"AGE_ON(CAST('{period.end.isoformat()}' AS DATE))")
            c = sql.expand(tree, period, views=False)
            c = c.transform(lambda n: exp.column(n.name, table=alias) if isinstance(n, exp.Column) else n, copy=False)
        else:
            col = {"sex": "person_sex", "ethnicity_group": "person_ethnicity_group",
                   "deprivation_quintile": "person_imd_decile", "ward": "person_ward_code"}
            c = exp.column(col[breakdown], table=alias)
    if breakdown == "age_band":
        return _band(c)
    if breakdown == "deprivation_quintile":
        return _quintile(c)
    return _coalesce(c)


def _segment_join(select: exp.Select, alias: str) -> exp.Select:
    # Renamed columns, so that a user's unqualified person_id never becomes ambiguous.
    seg = _p(f"SELECT person_id AS seg_pid, segment FROM {sql.view_name('segment')}")
    return select.join(_sub(seg, "seg"),
                       on=exp.EQ(this=exp.column("seg_pid", table="seg"), expression=exp.column("person_id", table=alias)),
                       join_type="left", copy=False)


def _grp(breakdown: str, alias: str, period: Period) -> exp.Expression:
    if breakdown == "segment":
        return _coalesce(exp.column("segment", table="seg"))
    return breakdown_expr(breakdown, alias, period)


def _rows(m: Measure, where: exp.Expression, flag: exp.Expression | None, value: exp.Expression | None,
          breakdown: str, period: Period) -> exp.Select:
    """SELECT grp, person_id, flag, val FROM the source view WHERE where."""
    alias = m.source_table
    cols = [_as(_grp(breakdown, alias, period), "grp"), _as(exp.column("person_id", table=alias), "pid")]
    cols.append(_as(exp.Case().when(flag, exp.Literal.number(1), copy=False).else_(exp.Literal.number(0), copy=False)
                    if flag is not None else exp.Literal.number(1), "flag"))
    if value is not None:
        cols.append(_as(_cast(value, "double"), "val"))
    src = derived.relation(alias, period) if derived.is_derived(alias) else exp.Table(
        this=exp.to_identifier(sql.view_name(alias)), alias=exp.TableAlias(this=exp.to_identifier(alias)))
    select = exp.select(*cols, copy=False).from_(src, copy=False)
    if breakdown == "segment":
        select = _segment_join(select, alias)
    return select.where(where, copy=False)


def _tree(m: Measure, name: str, period: Period) -> exp.Expression:
    return sql.expand(m.trees[name], period)


def _population(m: Measure, breakdown: str, period: Period, mid_year: int) -> exp.Select:
    """SUM(population) by group from the mid-year estimates (persons in the index for segments)."""
    where = _tree(m, "denominator.where", period)
    total = _as(exp.func("SUM", exp.column("population", table="population"), copy=False), "d")
    if breakdown == "segment":
        # No estimates exist by segment: count the people in the person index who meet the same condition.
        persons = _p(
            f"SELECT {mid_year} AS mid_year, p.lsoa21 AS lsoa21, p.sex AS sex, 1 AS population,"
            f" p.ward_code AS ward_code, p.imd_decile AS imd_decile,"
            f" {mid_year} - p.birth_year - CASE WHEN COALESCE(p.birth_month, 7) > 6 THEN 1 ELSE 0 END AS age,"
            f" p.person_id AS person_id FROM {sql.view_name('person')} AS p"
            f" WHERE p.date_of_death IS NULL OR p.date_of_death >= CAST('{period.start.isoformat()}' AS DATE)")
        select = exp.select(_as(_coalesce(exp.column("segment", table="seg")), "grp"), total,
                            copy=False).from_(_sub(persons, "population"), copy=False)
        select = _segment_join(select, "population")
    else:
        grp = breakdown_expr(breakdown, "population", period, population=True)
        select = exp.select(_as(grp, "grp"), total, copy=False).from_(
            exp.Table(this=exp.to_identifier(sql.view_name("population")),
                      alias=exp.TableAlias(this=exp.to_identifier("population"))), copy=False)
        where = exp.and_(exp.EQ(this=exp.column("mid_year", table="population"), expression=exp.Literal.number(mid_year)),
                         where, copy=False)
    return select.where(where, copy=False).group_by(exp.column("grp"), copy=False)


def _count(m: Measure, flagged: bool) -> exp.Expression:
    if m.counts == "persons":
        target = exp.Case().when(exp.EQ(this=exp.column("flag"), expression=exp.Literal.number(1)), exp.column("pid"),
                                 copy=False) if flagged else exp.column("pid")
        return exp.Count(this=exp.Distinct(expressions=[target]))
    return exp.func("SUM", exp.column("flag"), copy=False) if flagged else exp.Count(this=exp.Star())


def _compile(m: Measure, period: Period, breakdown: str, mid_year: int | None) -> exp.Select:
    num_where = _tree(m, "numerator.where", period)
    value = _tree(m, "numerator.sum", period) if m.numerator.sum is not None else None
    if m.shape in ("proportion", "mean"):
        den_where = _tree(m, "denominator.where", period)
        if m.shape == "mean":
            # The mean is over the denominator's rows that have a value.
            has_value = exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))
            rows = _rows(m, exp.and_(den_where, num_where, has_value, copy=False), None, value, breakdown, period)
            aggs = [exp.func("SUM", exp.column("val"), copy=False), exp.Count(this=exp.Star()),
                    exp.func("SUM", exp.Mul(this=exp.column("val"), expression=exp.column("val")), copy=False)]
        else:
            rows = _rows(m, den_where, num_where, None, breakdown, period)
            aggs = [_count(m, True), _count(m, False), _cast(_zero(), "double")]
        return exp.select(exp.column("grp"), *[_as(a, n) for a, n in zip(aggs, ("numerator", "denominator", "sum_sq"))],
                          copy=False).from_(_sub(rows, "r"), copy=False).group_by(exp.column("grp"), copy=False)
    rows = _rows(m, num_where, None, value, breakdown, period)
    n_agg = exp.func("SUM", exp.column("val"), copy=False) if value is not None else _count(m, False)
    num = exp.select(exp.column("grp"), _as(n_agg, "n"), copy=False).from_(_sub(rows, "r"), copy=False).group_by(
        exp.column("grp"), copy=False)
    if m.shape == "count":
        return exp.select(exp.column("grp"), _as(exp.column("n"), "numerator"),
                          _as(_cast(exp.Null(), "bigint"), "denominator"),
                          _as(_cast(_zero(), "double"), "sum_sq"), copy=False).from_(_sub(num, "nn"), copy=False)
    den = _population(m, breakdown, period, mid_year if mid_year is not None else period.mid_year)
    grp = exp.Coalesce(this=exp.column("grp", table="nn"), expressions=[exp.column("grp", table="dd")])
    return (exp.select(_as(grp, "grp"),
                       _as(exp.Coalesce(this=exp.column("n", table="nn"), expressions=[_zero()]), "numerator"),
                       _as(exp.Coalesce(this=exp.column("d", table="dd"), expressions=[_zero()]), "denominator"),
                       _as(_cast(_zero(), "double"), "sum_sq"), copy=False)
            .from_(_sub(num, "nn"), copy=False)
            .join(_sub(den, "dd"), on=exp.EQ(this=exp.column("grp", table="nn"), expression=exp.column("grp", table="dd")),
                  join_type="full outer", copy=False))


def compile_measure(m: Measure, period: Period, breakdown: str = "all", mid_year: int | None = None) -> exp.Select:
    """One query: grp, numerator, denominator, sum_sq for the measure in the period by the breakdown."""
    return _compile(m, period, breakdown, mid_year)


def to_sql(tree: exp.Expression, dialect: str, *, owned: bool = False) -> str:
    """Emit one engine's SQL; anything the dialect cannot express is an error, not a silent change.

    With `owned` (a tree made for this one query, never read again) the generator works on the tree
    itself instead of a deep copy of it (it may rewrite the tree as it goes).
    """
    from sqlglot.errors import ErrorLevel
    return tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE, copy=not owned)
