"""Disclosure control: the one policy applied to every aggregate that leaves the store.

Primary suppression: a cell is withheld when any count it carries is from 1 to the threshold
(7 by default, JOINEDUP_SUPPRESS_BELOW): the numerator; the denominator when it counts people or
records (proportions, means, and rates broken down by segment, whose denominator is a count of
linked people; population estimates are published figures and are not); and for a proportion the
people in the denominator who are not in the numerator, which is as disclosive. Zero is shown.

Secondary suppression: a breakdown is released beside its total, so the cells it withholds add up
to the total minus the cells it shows (with any people in no group). In each protected count that
difference must be 0 or more than the threshold; while it is not, the smallest shown cell that
carries that count is withheld too. So no combination of shown cells and totals gives a count of 1
to the threshold. (Hiding cells of zero would protect nothing, so they stay shown.)

Rounding (optional, JOINEDUP_ROUND_TO=5 as OpenSAFELY does): released counts are rounded to the
nearest multiple, after suppression was decided on the true counts; values are computed from the
rounded counts. A withheld cell carries no numbers at all: it prints as "suppressed", never 0.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from typing import Callable

from joinedup.errors import UserError

__all__ = ["DEFAULT_THRESHOLD", "THRESHOLD_ENV", "ROUNDING_ENV", "Cell", "DisclosurePolicy", "policy"]

DEFAULT_THRESHOLD = 7
THRESHOLD_ENV = "JOINEDUP_SUPPRESS_BELOW"
ROUNDING_ENV = "JOINEDUP_ROUND_TO"
SHAPES = ("count", "rate", "proportion", "mean")


@dataclass(frozen=True)
class Cell:
    """One aggregate before release: a group's numerator and denominator (and sum of squares, for means)."""

    group: str
    numerator: float | None
    denominator: float | None
    sum_sq: float = 0.0
    suppressed: bool = False

    def hidden(self) -> "Cell":
        """The same cell with every number withheld."""
        return replace(self, numerator=None, denominator=None, sum_sq=0.0, suppressed=True)


Count = Callable[[Cell], float]


def _num(c: Cell) -> float:
    return c.numerator or 0


def _den(c: Cell) -> float:
    return c.denominator or 0


def _rest(c: Cell) -> float:
    return (c.denominator or 0) - (c.numerator or 0)


@dataclass(frozen=True)
class DisclosurePolicy:
    """Threshold (counts 1..threshold withheld), optional rounding, and secondary suppression."""

    threshold: int = DEFAULT_THRESHOLD
    rounding: int = 0

    def small(self, n: float | None) -> bool:
        """Whether a count would disclose (1 to the threshold)."""
        return n is not None and 0 < n <= self.threshold

    def round(self, n: float) -> float:
        """A released count, rounded to the policy's multiple (half up) when rounding is on."""
        if not self.rounding or n is None:
            return n
        return int(self.rounding * math.floor(n / self.rounding + 0.5))

    def count(self, n: int) -> int | str:
        """One count on its own (no total beside it): '<8' when small, else the (rounded) count."""
        return f"<{self.threshold + 1}" if self.small(n) else self.round(n)

    @staticmethod
    def counts_of(shape: str, record_denominator: bool | None = None) -> tuple[Count, ...]:
        """The counts a cell of this shape carries that disclosure protects."""
        if shape not in SHAPES:
            raise ValueError(f"unknown shape {shape!r}")
        if record_denominator is None:
            record_denominator = shape in ("proportion", "mean")
        if shape == "mean":
            return (_den,)
        if shape == "proportion":
            return (_num, _den, _rest)
        return (_num, _den) if record_denominator and shape == "rate" else (_num,)

    def protect(self, total: Cell | None, groups: list[Cell], shape: str,
                record_denominator: bool | None = None) -> tuple[Cell | None, list[Cell]]:
        """Primary and secondary suppression of a total and its breakdown groups (then rounding)."""
        counts = self.counts_of(shape, record_denominator)
        primary = lambda c: any(self.small(f(c)) for f in counts)  # noqa: E731 - one line, used twice
        total = total.hidden() if total is not None and not total.suppressed and primary(total) else total
        out = [g.hidden() if not g.suppressed and primary(g) else g for g in groups]
        if total is not None and not total.suppressed and out:
            out = self._secondary(total, out, counts)
        return self._rounded(total, shape, record_denominator), [self._rounded(g, shape, record_denominator)
                                                                 for g in out]

    def _secondary(self, total: Cell, out: list[Cell], counts: tuple[Count, ...]) -> list[Cell]:
        truth = list(out)
        while True:
            shown = [i for i, g in enumerate(out) if not g.suppressed]
            leak = next((f for f in counts if self.small(f(total) - sum(f(truth[i]) for i in shown))), None)
            if leak is None:
                return out
            carriers = [i for i in shown if leak(truth[i]) > 0]
            if not carriers:  # cannot happen when the groups partition the total; withhold every group
                return [g.hidden() for g in out]
            smallest = min(carriers, key=lambda i: (leak(truth[i]), truth[i].group))
            out[smallest] = out[smallest].hidden()

    def _rounded(self, c: Cell | None, shape: str, record_denominator: bool | None) -> Cell | None:
        if c is None or c.suppressed or not self.rounding:
            return c
        rec = shape in ("proportion", "mean") if record_denominator is None else record_denominator
        den = self.round(c.denominator) if (rec or shape != "rate") and c.denominator is not None else c.denominator
        num = c.numerator if shape == "mean" or c.numerator is None else self.round(c.numerator)
        return replace(c, numerator=num, denominator=den)

    def protect_counts(self, total: int | None, counts: dict[str, int]) -> tuple[int | str | None, dict[str, int | str]]:
        """Named counts that add up to a shown total, as released: a number, or 'suppressed'."""
        t, cells = self.protect(None if total is None else Cell("all", total, None),
                                [Cell(k, v, None) for k, v in counts.items()], "count")
        show = lambda c: "suppressed" if c.suppressed else int(c.numerator or 0)  # noqa: E731
        return (None if t is None else show(t)), {c.group: show(c) for c in cells}


def policy(threshold: int | None = None, rounding: int | None = None) -> DisclosurePolicy:
    """The policy in force: JOINEDUP_SUPPRESS_BELOW and JOINEDUP_ROUND_TO unless given here."""
    if threshold is None:
        raw = os.environ.get(THRESHOLD_ENV, "").strip()
        if raw and not raw.isdigit():
            raise UserError(f"{THRESHOLD_ENV} must be a whole number (counts 1..N are suppressed), not {raw!r}")
        threshold = int(raw) if raw else DEFAULT_THRESHOLD
    if rounding is None:
        raw = os.environ.get(ROUNDING_ENV, "").strip()
        if raw and not raw.isdigit():
            raise UserError(f"{ROUNDING_ENV} must be a whole number (e.g. 5), not {raw!r}")
        rounding = int(raw) if raw else 0
    return DisclosurePolicy(threshold, rounding)
