"""Abbreviations a paper defines itself: 'Marlbridge Safeguarding Children Partnership (MSCP)' or 'HNIG (human normal
immunoglobulin)'. A reader relies on the writer's own definition; so does `explain`, for abbreviations the glossary
does not list.

The long form before a bracketed abbreviation is found as Schwartz and Hearst (2003) find it: the shortest run of
words, ending at the bracket, whose first word begins with the abbreviation's first letter and in which every letter
of the abbreviation appears in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Definition", "paper_definitions", "long_form_before", "spells_out"]

#: An abbreviation as writers set it in brackets: two capitals or more, digits and '&' allowed, with a plural.
_ABBR = r"([A-Z][A-Za-z0-9&]*[A-Z][A-Za-z0-9&]*)(?:s|['’]s)?"
_LONG_SHORT = re.compile(r"[\"'”’]?\s*\(\s*" + _ABBR + r"\s*\)")
_SHORT_LONG = re.compile(r"(?<![\w&])" + _ABBR + r"\s*\(([^()\n]{3,100})\)")
#: A word of a long form: letters and digits, joined inside by hyphens or apostrophes.
_WORD = re.compile(r"[^\W_][\w'’\-]*")
#: Only spaces, line breaks, hyphens, quotes and one comma may stand between the words of a long form.
_MINOR = frozenset("a an and for in of on or the to with".split())
_GAP = re.compile(r"^[\s\-\"'“”‘’]*,?[\s\-\"'“”‘’]*$")


@dataclass(frozen=True)
class Definition:
    """One abbreviation the paper spells out: the abbreviation (no dots or plural), its long form as written (spaces
    and line breaks collapsed) and where the long form stands."""

    abbreviation: str
    long_form: str
    start: int
    end: int


def spells_out(abbreviation: str, words: list[str]) -> bool:
    """Whether words spell out an abbreviation (Schwartz and Hearst's test): each letter and digit of it appears in
    order in the words, read from the end, and its first letter is the first letter of the first word."""
    letters = [c.lower() for c in abbreviation if c.isalnum()]
    if len(words) < 2 or not letters or words[0][:1].lower() != letters[0]:
        return False
    long = " ".join(words).lower()
    pos = len(long)
    for i in range(len(letters) - 1, 0, -1):
        pos = long.rfind(letters[i], 1, pos)
        if pos < 1:
            return False
    return True


def long_form_before(text: str, end: int, abbreviation: str, start: int = 0) -> tuple[int, int] | None:
    """The span of the shortest long form of `abbreviation` ending at `end` (within text[start:end]), if any."""
    words = list(_WORD.finditer(text, start, end))
    if not words or text[words[-1].end():end].strip(" \"'“”‘’"):
        return None
    limit = min(len(abbreviation) + 5, 2 * len(abbreviation), len(words))
    runs = []
    for n in range(2, limit + 1):
        run = words[-n:]
        if not _GAP.match(text[run[0].end():run[1].start()]):
            break  # a full stop, colon or bracket between: the sentence before is not part of the name
        runs.append(run)
    letters = [c.lower() for c in abbreviation if c.isalnum()]
    for run in runs:  # the words' own initials first ('Making Every Adult Matter'), small words left out or not
        initials = [w.group(0)[0].lower() for w in run]
        if initials == letters or [i for i, w in zip(initials, run) if w.group(0).lower() not in _MINOR] == letters:
            return run[0].start(), run[-1].end()
    for run in runs:  # else the shortest run in which the letters stand in order
        if spells_out(abbreviation, [w.group(0) for w in run]):
            return run[0].start(), run[-1].end()
    return None


def _singular(abbreviation: str) -> str:
    """An abbreviation without its plural: 'IEAs' -> 'IEA' (never 'CHAs' of 'CHAS': only after two capitals)."""
    if abbreviation.endswith("s") and sum(c.isupper() for c in abbreviation[:-1]) >= 2 and abbreviation[-2].isupper():
        return abbreviation[:-1]
    return abbreviation


def _para_start(text: str, pos: int) -> int:
    para = text.rfind("\n\n", 0, pos)
    return max(para + 2 if para >= 0 else 0, pos - 200)


def paper_definitions(text: str) -> list[Definition]:
    """Every abbreviation the text spells out, in order, the first definition of each kept."""
    out: dict[str, Definition] = {}
    for m in _LONG_SHORT.finditer(text):
        abbr = _singular(m.group(1))
        span = long_form_before(text, m.start(), abbr, _para_start(text, m.start()))
        if span and abbr not in out:
            out[abbr] = Definition(abbr, " ".join(text[span[0]:span[1]].split()), *span)
    for m in _SHORT_LONG.finditer(text):
        abbr, inner = _singular(m.group(1)), m.group(2)
        words = [w.group(0) for w in _WORD.finditer(inner)]
        if abbr not in out and spells_out(abbr, words) and len(words) <= 2 * len(abbr):
            s = m.start(2) + (len(inner) - len(inner.lstrip()))
            out[abbr] = Definition(abbr, " ".join(inner.split()), s, s + len(inner.strip()))
    return sorted(out.values(), key=lambda d: d.start)
