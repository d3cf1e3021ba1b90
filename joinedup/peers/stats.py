"""Small statistics of a comparison: rank by polarity, direction of travel, median, denominators."""

from __future__ import annotations

import statistics

from joinedup.peers.specs import Denominator

__all__ = ["DIRECTION_RULE", "STABLE_WITHIN", "rank_among", "direction", "median", "denominator_for"]

#: A change smaller than this share of the first value counts as stable.
STABLE_WITHIN = 0.05

DIRECTION_RULE = (
    "Compares the latest of the council's last three published values with the first of them: "
    f"a change of less than {STABLE_WITHIN:.0%} of the first value is 'stable'; otherwise 'improving' "
    "or 'worsening' by the measure's polarity, or 'increasing' or 'decreasing' where the measure "
    "has no better direction. Fewer than three published values gives 'not enough data'."
)


def rank_among(place_value: float, others: list[float], polarity: str) -> tuple[int, int]:
    """Rank of the place among itself and the others (1 = best; 1 = highest when there is no polarity)."""
    higher_first = polarity != "low"
    better = [v for v in others if (v > place_value if higher_first else v < place_value)]
    return len(better) + 1, len(others) + 1


def direction(points: list[tuple[str, float]], polarity: str) -> dict:
    """Direction of travel over the last three published values, by the stated rule."""
    last = points[-3:]
    if len(last) < 3:
        return {"label": "not enough data", "periods": [p for p, _ in last], "change": None, "rule": DIRECTION_RULE}
    first, latest = last[0][1], last[-1][1]
    change = latest - first
    if abs(change) < STABLE_WITHIN * abs(first) or (first == 0 and change == 0):
        label = "stable"
    elif polarity == "none":
        label = "increasing" if change > 0 else "decreasing"
    else:
        label = "improving" if (change > 0) == (polarity == "high") else "worsening"
    return {"label": label, "periods": [p for p, _ in last], "change": round(change, 4), "rule": DIRECTION_RULE}


def median(values: list[float]) -> float | None:
    """Median, or None when there are no values."""
    return float(statistics.median(values)) if values else None


def denominator_for(den: Denominator, value: float | None, related: dict[str, float | None]) -> float | None:
    """The denominator of one council's value in one period, from the related published measures."""
    if value is None:
        return None
    if den.base:
        n = related.get(den.base)
        return n if n and n > 0 else None
    if den.numerator:
        num = related.get(den.numerator)
        return num / (value / 100) if num and value > 0 else None
    if den.count:
        num = related.get(den.count)
        return num / value * den.per if num and value > 0 else None
    count, rate = related.get(den.population_from.count), related.get(den.population_from.rate)
    return count / rate * den.per if count and rate else None
