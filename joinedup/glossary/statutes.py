"""Laws a paper names by their titles: 'the Leasehold and Freehold Reform Act 2024', 'the Health and Social Care Act
2008 (Regulated Activities) Regulations 2014', 'the Children's Wellbeing and Schools Bill'.

A title is a run of capitalised words (small words such as 'and' or 'of', bracketed parts and years allowed inside)
ending in 'Act', 'Regulations', 'Order' or 'Rules' and a year, or in 'Bill'. Words a sentence opens with ('Under the
...', 'Section 5 of the ...') are not part of it. The glossary cannot list every law, but a reader still needs to know
that a title is a law, and which kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Statute", "statute_titles", "KIND_TERMS"]

#: The glossary term that explains each kind of law.
KIND_TERMS = {"Act": "act_of_parliament", "Bill": "parliamentary_bill", "Regulations": "statutory_instrument",
              "Order": "statutory_instrument", "Rules": "statutory_instrument"}

_CAP = r"[A-Z][\w'’\-]*"
_SMALL = r"(?:and|of|the|for|to|in|on|with|from|at|by|or)"
_BRACKET = r"\((?:[A-Z][\w'’\-]*|" + _SMALL + r"|\d{4}|,|\s)+\)"  # '(Protection of Premises)', '(England)'
_ITEM = rf"(?:{_CAP}|{_BRACKET}|\d{{4}})"
#: Between the words of a title: spaces, or one line break where a paragraph wraps.
_SEP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
_YEAR = r"((?:1[89]|20)\d\d)(?![\w\-])"
#: Small words inside a title: 'the' only after 'of' ('Representation of the People Act 1983'), so that 'for SMEs, the
#: Public Services (Social Value) Act 2012' starts at 'Public'; a comma only before a capitalised word ('Police, Crime,
#: Sentencing and Courts Act 2022').
_INNER = r"(?:of the|and|of|for|to|in|on|with|from|at|by|or)"
_TITLE = re.compile(rf"(?<![\w'’\-])({_CAP}(?:,{_SEP}{_CAP}|{_SEP}(?:{_ITEM}|{_INNER}))*?){_SEP}"
                    rf"(?:(Act|Regulations|Order|Rules){_SEP}{_YEAR}|(Bill)(?![\w'’\-]))")
#: Regulations made under an Act and named after it: 'the Health and Social Care Act 2008 (Regulated Activities)
#: Regulations 2014' is one title.
_UNDER_ACT = re.compile(rf"{_SEP}?{_BRACKET}{_SEP}(Regulations|Order|Rules){_SEP}{_YEAR}")
#: Capitalised words that open a sentence or name a part of a law, never the first word of its title.
_OPENERS = frozenset("""the under in from as since this that these those following through by with and but while when
where if our its their both each section sections part parts schedule schedules regulation regulations article
articles chapter act acts see per also new under-the an a all any some for of to on at or is was are were has have had it
we they he she""".split())


#: A part's number before a title, never its first word: 'Part IV of the Environment Act 1995'.
_PART_NUMBER = re.compile(r"^(?:[IVX]{1,5}|\d+[A-Z]?)$")


@dataclass(frozen=True)
class Statute:
    """One law's title as the paper writes it: where it stands, the title, its kind ('Act', 'Bill', ...) and year."""

    start: int
    end: int
    title: str
    kind: str
    year: str


def statute_titles(text: str) -> list[Statute]:
    """Every title of a law in the text, in order, without the words a sentence opens with."""
    out = []
    for m in _TITLE.finditer(text):
        words = list(re.finditer(r"\S+", m.group(1)))
        first = 0
        while first < len(words) and (words[first].group(0).strip(",").lower() in _OPENERS
                                      or not words[first].group(0)[:1].isupper()
                                      or _PART_NUMBER.match(words[first].group(0).strip(","))):
            first += 1
        kind, year, end = m.group(2) or m.group(4), m.group(3) or "", m.end()
        if first == len(words):
            continue  # 'The Act 2024', 'Under the Bill': no title left
        if kind == "Bill" and len(words) - first < 2:
            continue  # a one-word bill ('Finance Bill', 'the Housing Bill') may be a heading's words: ask for two
        tail = _UNDER_ACT.match(text, end) if kind == "Act" else None
        if tail:
            kind, year, end = tail.group(1), tail.group(2), tail.end()
        start = m.start(1) + words[first].start()
        out.append(Statute(start=start, end=end, title=" ".join(text[start:end].split()), kind=kind, year=year))
    return out
