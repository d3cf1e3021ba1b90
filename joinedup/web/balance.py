"""The agenda's balance: per quarter, how much of the table's time went on urgent process work and how
much on important outcome work; and which outcome measures have had no action for six months.

Time is weighed by each agenda item's minutes. Quarters are financial quarters (Q1 is April to June).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from joinedup.web.state.joint import Action, MeetingView

__all__ = ["QuarterBalance", "quarter_of", "balance", "neglected", "SIX_MONTHS", "BALANCE_GROUPS"]

SIX_MONTHS = timedelta(days=183)
#: The groups an item falls in, in the order a page shows them.
BALANCE_GROUPS = ("urgent process", "important outcome", "urgent and important outcome", "other")


def quarter_of(day: date) -> str:
    """The financial quarter of a date, as '2024-25 Q1'."""
    start = day.year if day.month >= 4 else day.year - 1
    q = (day.month - 4) // 3 + 1 if day.month >= 4 else 4
    return f"{start}-{(start + 1) % 100:02d} Q{q}"


def _group(item) -> str:
    if item.kind == "process" and item.urgent:
        return "urgent process"
    if item.kind == "outcome" and item.important:
        return "urgent and important outcome" if item.urgent else "important outcome"
    return "other"


@dataclass(frozen=True)
class QuarterBalance:
    """One quarter's agenda: meetings, items, minutes by group and their shares (percent of minutes)."""

    quarter: str
    meetings: int
    items: int
    minutes: int
    by_group: dict[str, int]

    def share(self, group: str) -> float:
        """Percent of the quarter's agenda minutes in one group."""
        return 100.0 * self.by_group.get(group, 0) / self.minutes if self.minutes else 0.0

    @property
    def urgent_process(self) -> float:
        """Percent of minutes on urgent process work."""
        return self.share("urgent process")

    @property
    def important_outcome(self) -> float:
        """Percent of minutes on important outcome work (urgent or not)."""
        return self.share("important outcome") + self.share("urgent and important outcome")


def balance(meetings: list[MeetingView]) -> list[QuarterBalance]:
    """The balance of every quarter with a meeting, oldest first."""
    acc: dict[str, dict] = {}
    for m in meetings:
        q = acc.setdefault(quarter_of(m.held_on), {"meetings": 0, "items": 0, "minutes": 0, "by": dict.fromkeys(BALANCE_GROUPS, 0)})
        q["meetings"] += 1
        for i in m.items:
            q["items"] += 1
            q["minutes"] += i.minutes
            q["by"][_group(i)] += i.minutes
    return [QuarterBalance(k, v["meetings"], v["items"], v["minutes"], v["by"]) for k, v in sorted(acc.items())]


def neglected(outcome_ids: list[str], actions: list[Action], meetings: list[MeetingView], as_of: date) -> list[str]:
    """Outcome measures with no action agreed or reviewed, and no agenda item, in the six months to as_of."""
    since = as_of - SIX_MONTHS
    touched: set[str] = set()
    for a in actions:
        if (since <= a.agreed_on <= as_of) or (since <= a.review_on <= as_of) or (
                a.agreed_on <= as_of and a.status in ("agreed", "in_progress")):
            touched.update(a.outcome_measures)
    for m in meetings:
        if since <= m.held_on <= as_of:
            touched.update(i.measure for i in m.items if i.measure)
    return [o for o in outcome_ids if o not in touched]
