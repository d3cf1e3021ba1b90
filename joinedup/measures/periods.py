"""Periods (financial years, quarters, rolling 12 months) and the working-day calendar of England."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter

from joinedup.errors import UserError

__all__ = ["Period", "financial_year", "parse_financial_year", "periods_for", "working_day_calendar",
           "bank_holidays"]

_FY = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """One reporting period: a label and inclusive start and end dates."""

    label: str
    start: date
    end: date
    financial_year: str

    @property
    def mid_year(self) -> int:
        """The ONS mid-year (30 June) that falls in the period's financial year."""
        return int(self.financial_year[:4])


def parse_financial_year(label: str) -> int:
    """'2024-25' -> 2024; anything else is a UserError."""
    m = _FY.match(label or "")
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise UserError(f"period {label!r} is not a financial year such as 2024-25", field="period")
    return int(m.group(1))


def financial_year(start_year: int) -> Period:
    """The financial year starting 1 April of start_year."""
    label = f"{start_year}-{(start_year + 1) % 100:02d}"
    return Period(label, date(start_year, 4, 1), date(start_year + 1, 3, 31), label)


def _quarters(fy: Period) -> list[Period]:
    y = fy.start.year
    bounds = [(date(y, 4, 1), date(y, 6, 30)), (date(y, 7, 1), date(y, 9, 30)),
              (date(y, 10, 1), date(y, 12, 31)), (date(y + 1, 1, 1), date(y + 1, 3, 31))]
    return [Period(f"{fy.label} Q{i}", s, e, fy.label) for i, (s, e) in enumerate(bounds, 1)]


def periods_for(rule: str, fy_label: str) -> list[Period]:
    """The periods a measure with this rule reports within one financial year."""
    fy = financial_year(parse_financial_year(fy_label))
    if rule == "quarter":
        return _quarters(fy)
    if rule == "rolling_12_months":
        # The twelve months to the end of the financial year: the same window, labelled as rolling.
        return [Period(f"12 months to {fy.end:%Y-%m}", fy.start, fy.end, fy.label)]
    return [fy]


def _substitute(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _first_monday(y: int, m: int) -> date:
    d = date(y, m, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(y: int, m: int) -> date:
    d = date(y, m + 1, 1) - timedelta(days=1)
    return d - timedelta(days=d.weekday())


# One-off bank holidays proclaimed in England and Wales (gov.uk/bank-holidays).
_ONE_OFF = {date(2011, 4, 29), date(2012, 6, 5), date(2022, 6, 3), date(2022, 9, 19), date(2023, 5, 8)}
# Years in which a holiday moved: the early May holiday (VE day 2020) and the spring holiday (jubilees).
_MOVED = {date(2020, 5, 4): date(2020, 5, 8), date(2012, 5, 28): date(2012, 6, 4),
          date(2022, 5, 30): date(2022, 6, 2)}


def bank_holidays(year: int) -> set[date]:
    """Bank holidays in England and Wales in one calendar year."""
    e = easter(year)
    days = {_substitute(date(year, 1, 1)), e - timedelta(days=2), e + timedelta(days=1),
            _first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8)}
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if christmas.weekday() == 5:
        days |= {date(year, 12, 27), date(year, 12, 28)}
    elif christmas.weekday() == 6:
        days |= {date(year, 12, 26), date(year, 12, 27)}
    elif boxing.weekday() == 5:
        days |= {christmas, date(year, 12, 28)}
    else:
        days |= {christmas, boxing}
    days = {_MOVED.get(d, d) for d in days}
    return days | {d for d in _ONE_OFF if d.year == year}


def working_day_calendar(first: int = 2000, last: int = 2040) -> tuple[list[date], list[int]]:
    """Every date with a running count of working days (Mon-Fri, not bank holidays) up to it."""
    holidays: set[date] = set()
    for y in range(first, last + 1):
        holidays |= bank_holidays(y)
    d, end, n = date(first, 1, 1), date(last, 12, 31), 0
    dates, counts = [], []
    while d <= end:
        if d.weekday() < 5 and d not in holidays:
            n += 1
        dates.append(d)
        counts.append(n)
        d += timedelta(days=1)
    return dates, counts
