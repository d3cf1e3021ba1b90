"""Run measures on an engine: compile, query, protect (disclosure control), add value and CI."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date

from joinedup.errors import UserError
from joinedup.measures import sql
from joinedup.measures.compiler import compile_measure
from joinedup.measures.engine import Engine
from joinedup.measures.history import history_note
from joinedup.measures.periods import Period, financial_year, parse_financial_year, periods_for
from joinedup.measures.spec import Library, Measure
from joinedup.stages import breakdown_view
from joinedup.store.disclosure import Cell, policy
from joinedup.measures.stats import byar, mean_ci, wilson

__all__ = ["Result", "ROW_KEYS", "run_measures", "run_measure", "coverage", "default_period", "check_period", "value_and_ci"]

ROW_KEYS = ("measure", "kind", "sectors", "period", "breakdown", "group", "numerator", "denominator",
            "value", "ci_low", "ci_high", "suppressed", "history")

# Tables whose dates say which financial years the store covers.
_ACTIVITY = (("encounter", "start_ts"), ("asc_event", "start_date"), ("csc_referral", "referral_date"),
             ("appointment", "appt_date"), ("school_census", "census_date"))


@dataclass(frozen=True)
class Result:
    """One released row (after disclosure control); sum_sq is kept for trend tests, not printed."""

    measure: str
    kind: str
    sectors: list[str]
    period: str
    breakdown: str
    group: str
    numerator: float | None
    denominator: float | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    sum_sq: float = 0.0
    history: str = "complete"

    def as_row(self) -> dict:
        """The row as the CLI prints it (exactly ROW_KEYS)."""
        d = asdict(self)
        return {k: d[k] for k in ROW_KEYS}


def _scale(unit: str) -> float:
    return {"rate_per_10000": 10_000.0, "rate_per_100000": 100_000.0, "percent": 100.0}.get(unit, 1.0)


def _r(v: float) -> float | None:
    return None if v is None or math.isnan(v) else round(float(v), 4)


def value_and_ci(m: Measure, num: float, den: float | None, sum_sq: float) -> tuple[float | None, float | None, float | None]:
    """The measure's value and 95% CI from its numerator and denominator."""
    if m.shape == "count":
        lo, hi = byar(num)
        return _r(num), _r(lo), _r(hi)
    if not den:
        return None, None, None
    if m.shape == "proportion":
        lo, hi = wilson(num, den)
        return _r(100 * num / den), _r(100 * lo), _r(100 * hi)
    if m.shape == "mean":
        lo, hi = mean_ci(num, den, sum_sq)
        # Days cannot be negative: the t interval is cut at zero.
        return _r(num / den), _r(max(0.0, lo)), _r(hi)
    s = _scale(m.unit)
    lo, hi = byar(num)
    return _r(num / den * s), _r(lo / den * s), _r(hi / den * s)


def _num(v) -> float | None:
    if v is None:
        return None
    f = float(v)
    return int(f) if f.is_integer() else f


def _cells(rows: list[dict]) -> list[Cell]:
    return [Cell(str(r["grp"]), _num(r["numerator"]), _num(r["denominator"]), float(r["sum_sq"] or 0)) for r in rows]


def _mid_year(engine: Engine, period: Period) -> int:
    years = engine.memo.get("mid_years")
    if years is None:
        years = sorted(r["y"] for r in engine.query(sql_select(f"SELECT DISTINCT mid_year AS y FROM {sql.view_name('population')}")) if r["y"] is not None)
        engine.memo["mid_years"] = years
    if not years:
        return period.mid_year
    earlier = [y for y in years if y <= period.mid_year]
    return earlier[-1] if earlier else years[0]


def sql_select(text: str):
    """Parse an internal helper query (DuckDB dialect)."""
    import sqlglot
    return sqlglot.parse_one(text, read="duckdb")


def _results(m: Measure, period: Period, breakdown: str, cells: list[Cell], history: str) -> list[Result]:
    out = []
    for c in cells:
        if c.suppressed:
            out.append(Result(m.id, m.kind, list(m.sectors), period.label, breakdown, c.group,
                              None, None, None, None, None, True, history=history))
            continue
        value, lo, hi = value_and_ci(m, c.numerator or 0, c.denominator, c.sum_sq)
        out.append(Result(m.id, m.kind, list(m.sectors), period.label, breakdown, c.group,
                          c.numerator, c.denominator, value, lo, hi, False, c.sum_sq, history))
    return out


def _segments(engine: Engine, period: Period) -> None:
    # The segment of each person comes from the segments stage, a later stage that builds on this
    # one: it offers the view through its declared `breakdowns` hook (joinedup.stages), not an import.
    if engine.memo.get("segment_period") != period:
        engine.setup()
        engine.set_view(sql.view_name("segment"), breakdown_view("segment", period))
        engine.memo["segment_period"] = period


def run_measure(engine: Engine, m: Measure, period: Period, breakdown: str = "all",
                threshold: int | None = None) -> list[Result]:
    """One measure in one period: the total row and, when asked, one row per breakdown group."""
    if engine.stored is not None:
        kept = engine.stored.get(m, period.label, breakdown, threshold)
        if kept is not None:
            return kept
    pol = policy(threshold)
    history = history_note(engine, m, period)
    # Rates by segment divide by a count of linked people (no estimates exist by segment): a record count.
    records = m.shape in ("proportion", "mean") or (m.shape == "rate" and breakdown == "segment")
    mid = _mid_year(engine, period) if m.shape == "rate" else None
    total_rows = engine.query(compile_measure(m, period, "all", mid), owned=True)
    total = _cells(total_rows)[0] if total_rows else Cell("all", 0, 0 if m.shape != "count" else None)
    if breakdown == "all":
        t, _ = pol.protect(total, [], m.shape, records)
        return _results(m, period, "all", [t], history)
    if breakdown == "segment":
        _segments(engine, period)
    groups = sorted(_cells(engine.query(compile_measure(m, period, breakdown, mid), owned=True)), key=lambda c: c.group)
    t, gs = pol.protect(total, groups, m.shape, records)
    return _results(m, period, "all", [t], history) + _results(m, period, breakdown, gs, history)


def run_measures(engine: Engine, library: Library, fy: str, breakdown: str = "all",
                 measure_ids: list[str] | None = None, threshold: int | None = None,
                 on_measure=None) -> list[Result]:
    """Every chosen measure over the periods its rule gives within the financial year fy."""
    parse_financial_year(fy)
    chosen = [library.get(i) for i in measure_ids] if measure_ids else list(library)
    if breakdown != "all":
        if measure_ids:
            for m in chosen:
                if breakdown not in m.breakdowns:
                    raise UserError(f"measure {m.id} does not allow the breakdown {breakdown!r} "
                                    f"(it allows: {', '.join(m.breakdowns) or 'none'})", field="by")
        chosen = [m for m in chosen if breakdown in m.breakdowns]
    out: list[Result] = []
    for m in chosen:
        for period in periods_for(m.period, fy):
            out += run_measure(engine, m, period, breakdown, threshold)
        if on_measure:
            on_measure(m)
    return out


def coverage(engine: Engine) -> list[str]:
    """Financial years the store's activity covers (at least half the busiest year's events)."""
    if engine.stored is not None and (kept := engine.stored.years()) is not None:
        return kept
    engine.setup()
    parts = [f"SELECT CAST({c} AS DATE) AS d FROM {sql.view_name(t)}" for t, c in _ACTIVITY]
    q = ("SELECT CASE WHEN EXTRACT(MONTH FROM d) >= 4 THEN EXTRACT(YEAR FROM d) ELSE EXTRACT(YEAR FROM d) - 1 END AS fy,"
         f" COUNT(*) AS n, MAX(d) AS last FROM ({' UNION ALL '.join(parts)}) AS a WHERE d IS NOT NULL GROUP BY 1")
    rows = engine.query(sql_select(q))
    if not rows:
        return []
    busiest = max(r["n"] for r in rows)
    years = []
    for r in sorted(rows, key=lambda r: r["fy"]):
        fy = financial_year(int(r["fy"]))
        last = r["last"] if isinstance(r["last"], date) else date.fromisoformat(str(r["last"])[:10])
        # Complete when the activity reaches the last fortnight of March.
        if r["n"] >= busiest / 2 and (fy.end - last).days <= 14:
            years.append(fy.label)
    return years


def check_period(engine: Engine, label: str) -> str:
    """The period if the store holds activity in it; else a UserError naming the years it does hold."""
    fy = financial_year(parse_financial_year(label))
    if engine.stored is not None and fy.label in (engine.stored.years() or ()):
        return fy.label
    engine.setup()
    parts = [f"SELECT CAST({c} AS DATE) AS d FROM {sql.view_name(t)}" for t, c in _ACTIVITY]
    q = ("SELECT MIN(d) AS first, MAX(d) AS last, COUNT(*) FILTER (WHERE d BETWEEN "
         f"DATE '{fy.start.isoformat()}' AND DATE '{fy.end.isoformat()}') AS n FROM ({' UNION ALL '.join(parts)}) AS a")
    row = engine.query(sql_select(q))[0]
    if not row["n"]:
        held = (f"the store's activity runs from {str(row['first'])[:10]} to {str(row['last'])[:10]}"
                if row["first"] is not None else "the store holds no activity")
        raise UserError(f"period {fy.label} is outside the data ({held}); a rate of 0 would be wrong",
                        field="period")
    return fy.label


def default_period(engine: Engine) -> str:
    """The latest complete financial year in the store."""
    years = coverage(engine)
    if not years:
        raise UserError("the store holds no complete financial year of activity; give --period (e.g. --period 2024-25)")
    return years[-1]
