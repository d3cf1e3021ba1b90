"""What a paper uses that the glossary does not know: unknown abbreviations and repeated terms of art.

A council runs this on its own papers to grow a local list: each suggestion comes with how often it is
used, where first, the expansion the writer gave (`Urgent and emergency care (UEC)`) and the known terms
that stand near it, and can be written out as a draft YAML term file that `--glossary` loads beside the
shipped one once its definitions are written.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import yaml

from joinedup.glossary.annotate import Annotator, normalise
from joinedup.glossary.models import SECTOR_NAMES

__all__ = ["Suggestion", "suggest", "suggestions_yaml"]

#: Two or more capitals, possibly mixed with lower case, digits, '&' or a hyphen: CiN, PrEP, A&E, ASC-FR, 2WW.
_ABBR = re.compile(r"(?<![\w&])((?:[A-Z0-9][A-Za-z0-9]*&?[A-Z][A-Za-z0-9&]*)(?:-[A-Z0-9][A-Za-z0-9]*)?)"
                   r"(?:['’]?s)?(?![\w&])")
#: Capitalised words joined by small words: 'Multi-Systemic Therapy', 'Marmot Place', 'Family Network Support Package'.
_TITLE = re.compile(r"(?<![\w-])([A-Z][a-z’'\-]+(?:[ \t]+(?:(?:of|and|for|the|in|to|on|&)[ \t]+)?[A-Z][A-Za-z’'\-]+){1,5})")
_ROMAN = re.compile(r"^(?=[MDCLXVI])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
#: Abbreviations every reader knows, or that are not jargon (units, titles, roman numerals are handled apart).
_EVERYDAY = frozenset("OK UK NHS US USA EU UN TV PC IT AM PM FAQ PDF CEO MP MPS BBC COVID COVID-19 ID NB PS PTO QA "
                      "Q1 Q2 Q3 Q4 H1 H2 FY KM KG MR MRS MS DR DRS".split())
#: Words that never start or end a term of art, and sentence openers that make a capital meaningless.
_SMALL = frozenset("a an and as at be by for from in into is it its of on or our the their this that to was we with "
                   "will which who these those there here all any each more most some such than then they".split())
#: Three or more words in capitals in a row are a shouted phrase ('EXECUTIVE SUMMARY OF THE REVIEW'), not abbreviations.
_SHOUTED = re.compile(r"\b[A-Z]{2,}(?:[ \t]+[A-Z]{2,}\b){2,}")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*(?:[-*#>|]+\s*)*)$")


@dataclass
class Suggestion:
    """One name the paper uses that the glossary lacks."""

    kind: str  # 'abbreviation' or 'term'
    text: str
    count: int
    line: int
    column: int
    expansion: str | None = None
    near: list[str] = field(default_factory=list)  # ids of known terms used near it, most often first

    def to_dict(self) -> dict:
        """A plain dict for JSON output."""
        return {"kind": self.kind, "text": self.text, "count": self.count, "line": self.line,
                "column": self.column, "expansion": self.expansion, "near": self.near}


def _search_only(annotator: Annotator) -> frozenset[str]:
    """Names the glossary holds for search but never highlights (NHS, GP): known, so never suggested."""
    names = getattr(annotator, "_search_only_names", None)
    if names is None:
        names = frozenset(normalise(n) for t in annotator.glossary for n in t.search_only)
        annotator._search_only_names = names
    return names


def _known(annotator: Annotator, name: str) -> bool:
    key = normalise(name)
    if key in annotator.index or key.replace(" ", "") in annotator.index or key in _search_only(annotator):
        return True
    for suffix, stem in (("s", ""), ("es", ""), ("ies", "y")):
        if key.endswith(suffix) and key[: -len(suffix)] + stem in annotator.index:
            return True
    return False


def _heading(text: str, start: int) -> bool:
    """Whether the position is in a line written all in capitals (a heading, not an abbreviation)."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", start)
    line = text[lo: hi if hi >= 0 else len(text)]
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 12 and all(c.isupper() for c in letters)


def _expansion(text: str, abbr: str) -> str | None:
    """The long form the writer gave: 'Urgent and emergency care (UEC)' or 'UEC (urgent and emergency care)'."""
    letters = [c.lower() for c in abbr if c.isalpha()]
    for m in re.finditer(r"\(\s*" + re.escape(abbr) + r"s?\s*\)", text):
        words = re.findall(r"[A-Za-z][\w’'\-]*", text[max(0, m.start() - 160): m.start()])[-12:]
        for n in range(1, len(words) + 1):
            tail = words[-n:]
            initials = [w[0].lower() for w in tail if w.lower() not in _SMALL or w[0].isupper()]
            parts = [p[0].lower() for w in tail for p in w.split("-") if p and p.lower() not in _SMALL]
            if letters in (initials, parts) and tail[0].lower() not in _SMALL:
                return " ".join(tail)
    for m in re.finditer(re.escape(abbr) + r"\s*\(([^()]{4,80})\)", text):
        inner = m.group(1).strip()
        words = re.findall(r"[A-Za-z][\w’'\-]*", inner)
        if letters in ([w[0].lower() for w in words], [w[0].lower() for w in words if w.lower() not in _SMALL]):
            return inner
    return None


def _position(text: str, start: int) -> tuple[int, int]:
    line = text.count("\n", 0, start)
    return line + 1, start - (text.rfind("\n", 0, start) + 1) + 1


def _near(annotator: Annotator, spans: list[tuple[int, int]], found: list, width: int = 300) -> list[str]:
    counts: Counter = Counter()
    for start, end in spans:
        for m in found:
            if m.end > start - width and m.start < end + width and m.resolved:
                counts[m.term_id] += 1
    return [tid for tid, _ in counts.most_common(3)]


def suggest(text: str, annotator: Annotator, min_count: int = 2) -> list[Suggestion]:
    """Abbreviations the glossary lacks (any count) and capitalised terms of art used `min_count` times or more."""
    found = annotator.annotate(text, plain=True)  # plain names and heading names are known, not suggestions
    covered = [(m.start, m.end) for m in found]

    def inside_match(start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in covered)

    shouted = [(m.start(), m.end()) for m in _SHOUTED.finditer(text)]
    abbrs: dict[str, list[tuple[int, int]]] = {}
    for m in _ABBR.finditer(text):
        name = m.group(1)
        if len(name) > 2 and name.endswith("s") and name[-2].isupper():
            name = name[:-1]  # 'QWIXs' is the plural of QWIX
        if any(s <= m.start() and m.end() <= e for s, e in shouted):
            continue
        letters = [c for c in name if c.isalpha()]
        if (len(name) < 2 or sum(c.isupper() for c in letters) < 2 or name.upper() in _EVERYDAY
                or _ROMAN.match(name) or name.isdigit() or _heading(text, m.start())
                or inside_match(m.start(), m.end()) or _known(annotator, name)):
            continue
        if len(letters) > 5 and name.isupper() and not re.search(r"[&\d-]", name):
            continue  # a shouted word ('IMPORTANT', 'SUMMARY'), not an abbreviation
        abbrs.setdefault(name, []).append((m.start(), m.end()))
    # 'EHCP' and 'EHCPs' are one abbreviation.
    out: list[Suggestion] = []
    for name, spans in abbrs.items():
        line, col = _position(text, spans[0][0])
        out.append(Suggestion("abbreviation", name, len(spans), line, col, _expansion(text, name),
                              _near(annotator, spans, found)))
    expansions = {normalise(s.expansion) for s in out if s.expansion}

    phrases: dict[str, list[tuple[int, int, str]]] = {}
    for m in _TITLE.finditer(text):
        phrase = m.group(1).strip(" -’'")
        words = phrase.split()
        while words and words[0].lower() in _SMALL:
            words = words[1:]
        while words and words[-1].lower() in _SMALL:
            words = words[:-1]
        if len(words) < 2:
            continue
        phrase = " ".join(words)
        start = text.index(phrase, m.start())
        if _heading(text, start) or inside_match(start, start + len(phrase)) or _known(annotator, phrase):
            continue
        phrases.setdefault(normalise(phrase), []).append((start, start + len(phrase), phrase))
    for key, uses in phrases.items():
        if key in expansions:
            continue  # already listed as the long form of an abbreviation
        # Count every use, capitalised or not, and drop a name that only ever opens a sentence.
        every = [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)" + re.escape(uses[0][2]).replace(r"\ ", r"\s+")
                                                           + r"(?!\w)", text, re.IGNORECASE)]
        mid = [u for u in uses if not _SENTENCE_START.search(text[max(0, u[0] - 40):u[0]])]
        if len(every) < min_count and not (mid and len(every) >= 1 and min_count <= 1):
            continue
        if not mid and len(every) < min_count + 1:
            continue
        line, col = _position(text, every[0][0])
        out.append(Suggestion("term", uses[0][2], len(every), line, col, None, _near(annotator, every, found)))
    out.sort(key=lambda s: (s.kind != "abbreviation", -s.count, s.line, s.text))
    return out


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "term"
    if base[0].isdigit():
        base = "t_" + base
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}_{n}", n + 1
    taken.add(slug)
    return slug


def suggestions_yaml(suggestions: list[Suggestion], annotator: Annotator, paper: str,
                     sector: str | None = None) -> str:
    """A draft term file (the shipped format) for the suggestions: names, sectors, links and a draft meaning.

    The draft definition says only what the paper shows (the expansion, how often, which known terms stand
    near); it loads as it is, so `explain --glossary FILE` finds the terms at once, and is meant to be
    rewritten in plain English before it is shared.
    """
    g = annotator.glossary
    taken = set(g.terms)
    terms = []
    for s in suggestions:
        near = [g.terms[t] for t in s.near]
        sectors = [sector] if sector else _sectors(near)
        name = s.expansion or s.text
        meaning = (f"{s.expansion}; " if s.expansion else "") + f"used {s.count} time{'s' if s.count != 1 else ''} in {paper}"
        if near:
            meaning += ", near " + ", ".join(t.term for t in near[:2])
        entry: dict = {"id": _slug(name, taken), "term": name[:1].upper() + name[1:]}
        if s.kind == "abbreviation":
            entry["acronyms"] = [s.text]
        entry["sectors"] = sectors
        entry["definition"] = f"DRAFT: {meaning}. Replace with a plain-English meaning."
        if s.near:
            entry["related"] = list(s.near)
        entry["source"] = f"{paper} (suggested by joinedup glossary suggest); name the defining document"
        terms.append(entry)
    body = {"description": f"Terms found in {paper} that the shipped glossary lacks; drafts to be completed.",
            "terms": terms}
    return yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110)


def _sectors(near: list) -> list[str]:
    counts: Counter = Counter(s for t in near for s in t.sectors)
    return [counts.most_common(1)[0][0]] if counts else [next(iter(SECTOR_NAMES))]
