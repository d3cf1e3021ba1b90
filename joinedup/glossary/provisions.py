"""Numbered provisions of laws a paper cites: 'section 17(6)', 'sections 66 and 67', 's.117', 'Regulation 4',
'Schedule 2', 'paragraph 6(1)(c)', 'Part IV', even 'section\\n509AD' across a line break.

A provision is a kind word (or its abbreviation) and a number the way laws number their parts: digits with letters
(508B, 17ZD, 14Z45) and bracketed sub-parts (13A(1)(c)); parts may be Roman (Part IV). The law it belongs to is
read from the text: 'of the Children Act 1989' after it, else the nearest law named before it ('the 1989 Act', 'Care
Act', a full title), in its paragraph first and then in the paper. 'Section 3: Finance', 'section 4.2 of this report',
'paragraph 5 above' and the like are the paper's own numbering, never a law's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from joinedup.glossary.statutes import _OPENERS, statute_titles

__all__ = ["Provision", "LawMention", "provisions", "law_mentions", "year_references", "own_numbering", "KIND_OF"]

#: Each word (or abbreviation) for a numbered provision, and the kind it names.
KIND_OF = {"section": "section", "sections": "section", "s.": "section", "ss.": "section", "s": "section",
           "regulation": "regulation", "regulations": "regulation", "reg": "regulation", "reg.": "regulation",
           "regs": "regulation", "regs.": "regulation", "schedule": "schedule", "schedules": "schedule",
           "sch": "schedule", "sch.": "schedule", "paragraph": "paragraph", "paragraphs": "paragraph",
           "para": "paragraph", "para.": "paragraph", "paras": "paragraph", "paras.": "paragraph", "part": "part",
           "parts": "part", "article": "article", "articles": "article"}

_NUM = r"(?:\d{1,3}(?!\d)(?:[A-Z]{1,3}\d{0,3})?(?:\((?:\d{1,3}[A-Za-z]?|[a-z]{1,4})\))*)"
_ROMAN = r"(?:[IVX]{1,5})"
_END = r"(?![\w%'’]|\.\d|-\d|/\d)"
#: 'section 17', 'Sections 66 and 67', 'Part IV', 'regulations 44 to 45', 'paragraph 6(1)(c)'.
_LONG = re.compile(
    rf"(?<![\w'’\-.])(?P<word>[Ss]ections?|[Rr]egulations?|[Ss]chedules?|[Pp]aragraphs?|[Pp]arts?|[Aa]rticles?|"
    rf"[Rr]egs?\.?|[Ss]ch\.|[Pp]aras?\.?)[ \t]*\n?[ \t]*"
    rf"(?P<nums>(?:{_NUM}|{_ROMAN}){_END}(?:[ \t]*(?:,|and|or|to|-|–)[ \t\n]*(?:{_NUM}|{_ROMAN}){_END})*)")
#: 's.117', 's17', 'ss.31-33': lower case, closed up or with a full stop, never across a line.
_SHORT = re.compile(rf"(?<![\w'’\-.])(?P<word>ss?\.|s(?=\d))[ ]?(?P<nums>{_NUM}{_END}(?:[ ]*(?:,|and|to|-|–)[ ]*{_NUM}{_END})*)")
_NUMBER = re.compile(rf"{_NUM}|{_ROMAN}")
#: After a provision, the paper's own numbering: 'Section 3: Finance', 'section 4.2', 'paragraph 5 above',
#: 'section 2 of this report'.
_OWN_NUMBERING = re.compile(r"(?:[ \t]*[:–—]|[ \t]+-[ \t]|\.\d|[ \t]+(?:above|below|overleaf)\b|"
                            r"\s+(?:of|in)\s+(?:this|these|the|our)\s+(?:report|paper|document|plan|strategy|appendix|"
                            r"annex|agenda|meeting|minutes|guidance|framework|contract|form|policy|budget|"
                            r"constitution|protocol|procedure|handbook|toolkit|template|specification|review|"
                            r"business case|action plan|briefing|briefing note|submission|return)\b)", re.IGNORECASE)
_OF = re.compile(r"\s+(?:of|to|under|in)\s+(?:the\s+)?", re.IGNORECASE)
#: 'of the Plan', 'to the Contract': what a provision-shaped reference belongs to, named with a capital.
_OF_NAMED = re.compile(r"\s+(?:of|to)\s+(?:the\s+)?([A-Z][\w'’\-]*)")
#: 'of the Act', 'to the Regulations': the law named before.
_THE_LAW = {"act", "regulations", "order", "rules"}
_OF_GAP = re.compile(r"\s+(?:of|to|under|in)\s+(?:the\s+)?", re.IGNORECASE)
_JOIN = re.compile(r"^[ \t]*(?:,|and|or)[ \t\n]*(?:\w+[ \t]+)?$")
#: A short name of a law: 'the Care Act', 'Mental Health Act', 'NHS Act' (no year); 'the 1989 Act', 'the 2011
#: Regulations'; 'UK GDPR' and the Convention for articles.
_SHORT_ACT = re.compile(r"(?<![\w'’\-])((?:[A-Z][\w'’\-]*[ \t]+(?:(?:and|of|for)[ \t]+)?){1,6}Act)(?![\w'’\-])(?![ \t]+(?:1[89]|20)\d\d)")
_YEAR_LAW = re.compile(r"(?<![\w'’\-])the[ \t]+((?:1[89]|20)\d\d)[ \t\n]+(Act|Regulations|Order|Rules)(?![\w'’\-])")
_OTHER_LAW = re.compile(r"(?<![\w'’\-])(UK GDPR|GDPR|ECHR|European Convention on Human Rights)(?![\w'’\-])")
#: Laws whose numbered parts each kind belongs to, first choice first.
_PREFERS = {"section": ("Act",), "regulation": ("Regulations", "Order", "Rules"), "article": ("Order", "other"),
            "schedule": ("Act", "Regulations"), "paragraph": (), "part": ("Act", "Regulations")}


#: Kinds that belong only to their own kind of law: a section to an Act, a regulation to regulations.
_STRICT = frozenset({"section", "regulation", "article"})


@dataclass(frozen=True)
class LawMention:
    """A law named in the text: where, as the paper names it in full where it can ('Children Act 1989'), its kind."""

    start: int
    end: int
    title: str
    kind: str


@dataclass(frozen=True)
class Provision:
    """One provision reference: its span, kind ('section', 'regulation', ...), numbers and the law it belongs to
    (its title, or '' where the paper names none); `law_after` when the law is named straight after it."""

    start: int
    end: int
    text: str
    kind: str
    numbers: tuple[str, ...]
    law: str = ""
    law_after: bool = False


@lru_cache(maxsize=4)
def law_mentions(text: str) -> tuple[LawMention, ...]:
    """Every law the text names: full titles, short names ('the Care Act'), 'the 1989 Act' and 'UK GDPR' (kept for
    the few texts last asked about: one annotation asks three times)."""
    titles = statute_titles(text)
    out = [LawMention(t.start, t.end, t.title, t.kind) for t in titles]
    taken = [(t.start, t.end) for t in titles]
    for m in _SHORT_ACT.finditer(text):
        s, name = _strip_openers(text, m.start(1), m.group(1))
        if s is None or any(a <= s < b for a, b in taken):
            continue
        out.append(LawMention(s, m.end(1), _full_title(name, titles), "Act"))
    for m in _YEAR_LAW.finditer(text):
        year, kind = m.group(1), m.group(2)
        full = next((t.title for t in titles if t.year == year and t.kind == kind and t.start < m.start()), "")
        out.append(LawMention(m.start(), m.end(), full or f"the {year} {kind}", kind))
    out += [LawMention(m.start(), m.end(), m.group(1), "other") for m in _OTHER_LAW.finditer(text)]
    return tuple(sorted(out, key=lambda x: x.start))


def year_references(text: str) -> list[LawMention]:
    """The laws the text names by year and kind ('the 1989 Act', 'the 2011 Regulations'), each with the full title
    the paper gave it earlier where it did."""
    return [m for m in law_mentions(text) if _YEAR_LAW.fullmatch(text, m.start, m.end)]


def _strip_openers(text: str, start: int, name: str) -> tuple[int | None, str]:
    """A short name without the words a sentence opens with ('Under the Care Act' -> 'Care Act')."""
    words = name.split()
    first = 0
    while first < len(words) - 1 and (words[first].lower() in _OPENERS or words[first].lower() in KIND_OF):
        first += 1
    if first == len(words) - 1:
        return None, ""
    kept = " ".join(words[first:])
    return start + name.index(words[first]), kept


def _full_title(name: str, titles: list) -> str:
    """A short name's full title where the paper gives one ('Care Act' -> 'Care Act 2014'), else the short name."""
    for t in titles:
        if t.title.startswith(name + " ") and t.kind == "Act":
            return t.title
    return name


def _numbers(nums: str) -> tuple[str, ...]:
    """The numbers of a provision ('66 and 67' -> ('66', '67'))."""
    return tuple(n.group(0) for n in _NUMBER.finditer(nums))


def _legal_looking(kind: str, word: str, numbers: tuple[str, ...]) -> bool:
    """A number only laws use (508B, 17(6), section 349: a report has no such section), an abbreviation (s.117), a
    list ('sections 66 and 67') or a Schedule: never a part or a paragraph, which reports number too."""
    return kind != "part" and (word.lower().startswith(("s.", "ss.", "reg")) or word.lower() == "s" or len(numbers) > 1
                               or any(re.search(r"\d[A-Z(]", n) for n in numbers) or word == "Schedule"
                               or (kind in ("section", "regulation") and int(re.match(r"\d*", numbers[0]).group(0) or 0) > 20))


def _candidates(text: str) -> list[tuple[int, int, str, str, tuple[str, ...]]]:
    """Every provision-shaped span: (start, end, kind, word as written, numbers)."""
    out = []
    for pattern in (_LONG, _SHORT):
        for m in pattern.finditer(text):
            word = m.group("word")
            kind = KIND_OF.get(word.lower()) or KIND_OF.get(word.lower().rstrip("."))
            numbers = _numbers(m.group("nums"))
            if not kind or not numbers:
                continue
            if any(re.fullmatch(_ROMAN, n) for n in numbers) and kind != "part":
                continue  # 'section I' is a heading's numbering; only parts of Acts go in Roman numerals
            if any(not re.search(r"\d", n) for n in numbers) and kind == "part" and not re.fullmatch(_ROMAN, numbers[0]):
                continue
            if _OWN_NUMBERING.match(text, m.end()):
                continue
            out.append((m.start(), m.end(), kind, word, numbers))
    out.sort()
    kept: list[tuple[int, int, str, str, tuple[str, ...]]] = []
    for c in out:
        if not kept or c[0] >= kept[-1][1]:
            kept.append(c)
    return kept


#: 'section 4.2', 'paragraph 3.10': a paper's own numbered sections.
_DOTTED = re.compile(r"(?<![\w'’\-.])(?:[Ss]ections?|[Pp]aragraphs?|[Pp]arts?)[ \t]+\d{1,2}(?:\.\d{1,2})+(?![\w.]*\d)")


def own_numbering(text: str) -> list[tuple[int, int]]:
    """Spans that number the paper's own parts ('Section 3: Finance', 'section 4.2', 'paragraph 5 above'), never a
    law's: a glossary name of that shape there ('section 3', 'section 42' read from '4.2') is not meant."""
    out = [(m.start(), m.end()) for m in _DOTTED.finditer(text)]
    for m in _LONG.finditer(text):
        if _OWN_NUMBERING.match(text, m.end()) and not _law_after(text, m.end(), []):
            out.append((m.start(), m.end()))
    return sorted(out)


def _law_after(text: str, end: int, laws: tuple[LawMention, ...] | list[LawMention]) -> LawMention | None:
    """The law named straight after a provision: 'section 17 of the Children Act 1989'."""
    m = _OF.match(text, end)
    if not m:
        return None
    return next((law for law in laws if law.start == m.end() or (law.start > end and law.start <= m.end() + 4
                                                                  and not text[m.end():law.start].strip())), None)


def _law_before(text: str, start: int, kind: str, laws: tuple[LawMention, ...]) -> LawMention | None:
    """The nearest law named before a provision, one of its kind's laws first, within the paragraph, then the paper
    (a part or paragraph only within its paragraph: 'Part 1' of a meeting, 'paragraph 4' of a report)."""
    para = text.rfind("\n\n", 0, start)
    before = [law for law in laws if law.end <= start]
    here = para + 2 if para >= 0 else 0
    for lo in ((here,) if kind in ("part", "paragraph") else (here, 0)):
        near = [law for law in before if law.start >= lo]
        for kinds in ((_PREFERS[kind],) if kind in _STRICT else (_PREFERS[kind], None)):
            fits = [law for law in near if kinds is None or law.kind in kinds]
            if fits:
                return fits[-1]
    return None


def provisions(text: str) -> list[Provision]:
    """Every numbered provision of a law the text cites, in order, each with the law it belongs to where the text
    names it."""
    laws = law_mentions(text)
    cands = _candidates(text)
    found: list[Provision] = []
    words: list[str] = []
    for start, end, kind, word, numbers in cands:
        after = _law_after(text, end, laws)
        named = _OF_NAMED.match(text, end)
        if named and not after and named.group(1).lower() not in set(KIND_OF) | _THE_LAW:
            continue  # 'Schedule 4 of the NHS Standard Contract', 'Part 2 of the Plan': of something not read as a law
        law = after or _law_before(text, start, kind, laws)
        para = text.rfind("\n\n", 0, start)
        if law and not after and law.start < para and not _legal_looking(kind, word, numbers):
            law = None  # 'actions in section 4': a law named paragraphs back does not make a plain number its section
        found.append(Provision(start, end, " ".join(text[start:end].split()), kind, numbers,
                               law.title if law else "", after is not None))
        words.append(word)
    # 'paragraph 6 of Schedule 2 to the Act', 'section 17 and section 20 of the Act': a provision followed by another
    # (by 'of', or in a list) belongs to that one's law.
    for i in range(len(found) - 2, -1, -1):
        p, q = found[i], found[i + 1]
        gap = text[p.end:q.start]
        if not p.law_after and q.law and (_OF_GAP.fullmatch(gap) or _JOIN.match(gap)):
            found[i] = Provision(p.start, p.end, p.text, p.kind, p.numbers, q.law, q.law_after)
    return [p for p, word in zip(found, words) if p.law or _legal_looking(p.kind, word, p.numbers)]
