"""Published cell values and period labels: text in, a number or a stated reason out (never zero)."""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Parsed", "MARKS", "parse_value", "period_end"]


class Parsed(NamedTuple):
    """One published cell: the number (or None), its status and, when not a number, why."""

    value: float | None
    status: str
    reason: str | None


#: Marks used in DfE, ONS and NHS England tables (GSS symbols and older DfE conventions).
#: In LAIT "-" fills every cell with nothing published, whether never collected or withheld.
MARKS: dict[str, tuple[str, str]] = {
    "c": ("suppressed", "c: suppressed to protect confidentiality"),
    "x": ("suppressed", "x: suppressed or not available"),
    "*": ("suppressed", "*: suppressed (small number)"),
    "low": ("suppressed", "low: rounds to zero but is not zero"),
    "k": ("suppressed", "k: rounds to zero but is not zero"),
    "z": ("not_applicable", "z: not applicable"),
    "n/a": ("not_applicable", "n/a: not applicable"),
    "-": ("missing", "-: not published for this council and period"),
    "..": ("missing", "..: not available"),
    ":": ("missing", ":: not available"),
    "na": ("missing", "NA: not available"),
    "": ("missing", "blank in the source"),
}

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_value(text: str | float | int | None) -> Parsed:
    """A published cell as a number, or None with the status and reason from its mark."""
    if text is None:
        return Parsed(None, "missing", "blank in the source")
    if isinstance(text, (int, float)):
        if text != text or text in (float("inf"), float("-inf")):
            return Parsed(None, "missing", "not a number in the source")
        return Parsed(float(text), "value", None)
    cleaned = text.strip().replace(",", "").removesuffix("%").strip()
    if _NUMBER.match(cleaned):
        return Parsed(float(cleaned), "value", None)
    mark = MARKS.get(text.strip().lower())
    if mark:
        return Parsed(None, mark[0], mark[1])
    return Parsed(None, "missing", f"unrecognised mark {text.strip()!r}")


_YEARS = re.compile(r"\d{4}|\d{2}")


def period_end(label: str) -> int | None:
    """The calendar year a published period ends in: '2016-17' -> 2017, '2013/14-15/16' -> 2016."""
    head = label.strip().split(" ")[0]
    if not re.fullmatch(r"\d{4}([-/]\d{2}(\d{2})?)*", head):
        return None
    groups = _YEARS.findall(head)
    first = int(groups[0])
    last = groups[-1]
    if len(last) == 4:
        return max(first, int(last))
    end = first // 100 * 100 + int(last)
    return end + 100 if end < first else end
