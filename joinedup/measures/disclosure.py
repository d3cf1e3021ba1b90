"""Small-number suppression: the one exit of every aggregate that leaves the engine.

Primary suppression: a cell is suppressed when a count of people or records in it is from 1 to
the threshold (7 by default): the numerator, a record-based denominator, or (for a proportion)
the people in the denominator who are not in the numerator, since that count is as disclosive.
Zero is not suppressed. Population estimates are published figures and are never suppressed on
their own account. Secondary suppression: within one breakdown whose total is shown, a single
suppressed group could be recovered as total minus the rest, so the next smallest group is
suppressed too. A suppressed cell carries no numbers at all: it prints as "suppressed", never 0.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

__all__ = ["DEFAULT_THRESHOLD", "Cell", "threshold_from_env", "protect"]

DEFAULT_THRESHOLD = 7


@dataclass(frozen=True)
class Cell:
    """One aggregate before release: a group's numerator and denominator (and sum of squares)."""

    group: str
    numerator: float | None
    denominator: float | None
    sum_sq: float = 0.0
    suppressed: bool = False

    def hidden(self) -> "Cell":
        """The same cell with every number withheld."""
        return replace(self, numerator=None, denominator=None, sum_sq=0.0, suppressed=True)


def threshold_from_env() -> int:
    """The threshold: JOINEDUP_SUPPRESS_BELOW (counts 1..N suppressed), default 7."""
    raw = os.environ.get("JOINEDUP_SUPPRESS_BELOW", "")
    return int(raw) if raw.strip().isdigit() else DEFAULT_THRESHOLD


def _small(v: float | None, k: int) -> bool:
    return v is not None and 0 < v <= k


def _primary(c: Cell, shape: str, k: int) -> bool:
    if shape == "mean":
        return _small(c.denominator, k)
    if shape in ("rate", "count"):
        return _small(c.numerator, k)
    complement = None if c.numerator is None or c.denominator is None else c.denominator - c.numerator
    return _small(c.numerator, k) or _small(c.denominator, k) or _small(complement, k)


def protect(total: Cell | None, groups: list[Cell], shape: str, threshold: int = DEFAULT_THRESHOLD) -> tuple[Cell | None, list[Cell]]:
    """Apply primary and secondary suppression to a total and its breakdown groups."""
    k = threshold
    total = total.hidden() if total is not None and _primary(total, shape, k) else total
    out = [g.hidden() if _primary(g, shape, k) else g for g in groups]
    if total is None or total.suppressed or len(out) < 2:
        return total, out
    # One hidden group could be recovered from the total: hide the next smallest until two or none.
    while sum(g.suppressed for g in out) == 1:
        shown = [i for i, g in enumerate(out) if not g.suppressed]
        if not shown:
            break
        smallest = min(shown, key=lambda i: ((out[i].numerator or 0) == 0 and shape != "mean",
                                             out[i].numerator or 0, out[i].denominator or 0))
        out[smallest] = out[smallest].hidden()
    return total, out
