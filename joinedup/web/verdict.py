"""Did an action's outcome move? The paradox lens's trend test over the years from the date agreed.

The financial year the action was agreed in is the baseline; the test runs over it and every
complete year after it that the store covers (`joinedup.measures.paradox.series`, the same test
the paradox lens flags pairs with). Fewer than two such years is too early to tell; a year with
suppressed numbers is too small to tell; otherwise the measure moved (improved, at 5%) or not yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from joinedup.web.data import StoreData

__all__ = ["Verdict", "financial_year_of", "verdict", "VERDICTS"]

#: The verdicts, as a page names them.
VERDICTS = ("moved", "not yet", "too early to tell", "too small to tell")


@dataclass(frozen=True)
class Verdict:
    """One outcome measure of an action: the verdict, a sentence for a director, and the series tested."""

    measure: str
    title: str
    verdict: str
    sentence: str
    agreed_year: str
    periods: list[str]
    values: list[float | None]
    p_value: float | None
    test: str | None


def financial_year_of(day: date) -> str:
    """The financial year (April to March) a date falls in, as '2024-25'."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def verdict(data: StoreData, measure_id: str, agreed_on: date) -> Verdict:
    """The verdict on one outcome measure of an action agreed on agreed_on."""
    fy = financial_year_of(agreed_on)
    years = [y for y in data.years() if y >= fy]

    def compute():
        from joinedup.measures import api
        from joinedup.measures.paradox import series
        m = api.library().get(measure_id)
        if len(years) < 2:
            return m, None
        return m, series(api.engine_for(data.reader()), m, years)
    m, s = data.cached(("verdict", measure_id, fy), compute)
    if s is None:
        return Verdict(measure_id, m.title, "too early to tell",
                       f"Too early to tell: the store has {len(years)} complete year(s) from {fy}, when the action was "
                       "agreed; the trend test needs that year and at least one after it.", fy, [], [], None, None)
    if s.trend is None:
        return Verdict(measure_id, m.title, "too small to tell",
                       f"Too small to tell: {m.title.lower()} has numbers too small to publish (or without the history "
                       f"it needs) in at least one year from {fy}.", fy, s.periods, s.values, None, None)
    span = f"{s.periods[0]} to {s.periods[-1]}"
    if s.direction == "improving":
        return Verdict(measure_id, m.title, "moved",
                       f"Moved: {m.title.lower()} improved from {span} ({s.trend.test}, {_p(s.trend.p_value)}).",
                       fy, s.periods, s.values, s.trend.p_value, s.trend.test)
    how = "got worse" if s.direction == "worsening" else "showed no significant change"
    return Verdict(measure_id, m.title, "not yet",
                   f"Not yet: {m.title.lower()} {how} from {span} ({s.trend.test}, {_p(s.trend.p_value)}).",
                   fy, s.periods, s.values, s.trend.p_value, s.trend.test)
