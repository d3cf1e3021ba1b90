"""Look-back and follow-up: the history a measure needs around its period, checked against the store.

A measure declares `history: {lookback_days, follow_up_days}` (re-referrals within 12 months look
back 365 days; readmissions within 30 days of discharge follow up 30). A period whose look-back
starts before the store's data, or whose follow-up ends after it, is flagged on every row it
gives, so that a figure that is low only because history is missing is never shown as complete.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlglot
from sqlglot import exp

from joinedup.measures import derived, sql
from joinedup.measures.engine import Engine
from joinedup.measures.periods import Period
from joinedup.measures.spec import Measure

__all__ = ["DATE_COLUMNS", "SLACK_DAYS", "COMPLETE", "data_span", "history_note", "measure_tables"]

#: The activity date of each table that holds history (the date a row happened).
DATE_COLUMNS = {
    "encounter": "start_ts", "appointment": "appt_date", "death": "date_of_death", "asc_event": "start_date",
    "csc_referral": "referral_date", "csc_assessment": "start_date", "csc_s47": "start_date",
    "csc_cp_plan": "start_date", "cla_episode": "start_date", "cla_review": "review_date",
    "school_census": "census_date", "school_exclusion": "start_date",
}
#: Data are taken to reach a day when activity comes within this many days of it: the same rule
#: that makes a financial year complete when activity reaches its last fortnight.
SLACK_DAYS = 14
COMPLETE = "complete"


def measure_tables(m: Measure) -> list[str]:
    """The canonical tables a measure reads that carry an activity date."""
    names = {t.name for tree in m.trees.values() for t in tree.find_all(exp.Table)}
    names.add(m.source_table)
    names |= {t for n in list(names) if derived.is_derived(n) for t in derived.base_tables(n)}
    return sorted(n for n in names if n in DATE_COLUMNS)


def _as_date(v) -> date | None:
    if v is None:
        return None
    return v if isinstance(v, date) and not hasattr(v, "hour") else date.fromisoformat(str(v)[:10])


def data_span(engine: Engine, table: str) -> tuple[date | None, date | None]:
    """First and last day of a table's full activity in the store (cached on the engine).

    Extracts carry a few older rows (a child's referral from years back, open at the census), so
    the span is the latest unbroken run of months whose activity (over three months, to smooth
    small places) reaches half the median of the busiest twelve: the history a measure can rely on, not the
    oldest row.
    """
    cache = engine.__dict__.setdefault("_history_spans", {})
    if table not in cache:
        engine.setup()
        col = DATE_COLUMNS[table]
        q = sqlglot.parse_one(
            f"SELECT EXTRACT(YEAR FROM CAST({col} AS DATE)) * 12 + EXTRACT(MONTH FROM CAST({col} AS DATE)) - 1 AS m, "
            f"COUNT(*) AS n, MAX(CAST({col} AS DATE)) AS hi FROM {sql.view_name(table)} WHERE {col} IS NOT NULL GROUP BY 1",
            read="duckdb")
        rows = sorted(engine.query(q), key=lambda r: r["m"])
        cache[table] = _busy_run(rows)
    return cache[table]


def _busy_run(rows: list[dict]) -> tuple[date | None, date | None]:
    if not rows:
        return None, None
    first, last = int(rows[0]["m"]), int(rows[-1]["m"])
    n = {int(r["m"]): r["n"] for r in rows}
    months = list(range(first, last + 1))
    smooth = {m: sum(n.get(k, 0) for k in (m - 1, m, m + 1)) * 3 / sum(1 for k in (m - 1, m, m + 1) if first <= k <= last)
              for m in months}
    top = sorted(smooth.values())[-12:]
    floor = top[len(top) // 2] / 2
    end = last
    while end > first and smooth[end] < floor:
        end -= 1
    start = end
    while start > first and smooth[start - 1] >= floor:
        start -= 1
    hi = max((r["hi"] for r in rows if int(r["m"]) <= end), default=None)
    return date(start // 12, start % 12 + 1, 1), _as_date(hi)


def history_note(engine: Engine, m: Measure, period: Period) -> str:
    """'complete', or a sentence saying which history the period lacks and from when the data run."""
    need = m.history
    if not need.lookback_days and not need.follow_up_days:
        return COMPLETE
    spans = [data_span(engine, t) for t in measure_tables(m)]
    starts = [s for s, _ in spans if s is not None]
    ends = [e for _, e in spans if e is not None]
    if not starts or not ends:
        return COMPLETE
    first, last = max(starts), min(ends)
    gaps = []
    want_from = period.start - timedelta(days=need.lookback_days)
    if need.lookback_days and first > want_from + timedelta(days=SLACK_DAYS):
        gaps.append(f"look-back incomplete: needs data from {want_from.isoformat()} "
                    f"({need.lookback_days} days before the period), the store starts {first.isoformat()}")
    want_to = period.end + timedelta(days=need.follow_up_days)
    if need.follow_up_days and last < want_to - timedelta(days=SLACK_DAYS):
        gaps.append(f"follow-up incomplete: needs data to {want_to.isoformat()} "
                    f"({need.follow_up_days} days after the period), the store ends {last.isoformat()}")
    return "; ".join(gaps) if gaps else COMPLETE
