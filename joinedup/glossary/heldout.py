"""Score the explainer on the held-out corpus: passages and marks written by someone who never saw the glossary.

Its marks name a meaning in the writer's own words (`CP` = "child protection"), not a term id, so a found
term is scored twice: by span (an explained match overlaps the marked span: the reader was told *something*)
and by meaning (one of the match's readings carries the writer's meaning among its names: the reader was
told the *right* thing). The meaning check is automatic (the writer's words against the term's names and
definition), so it errs both ways; the span figure is an upper bound, and every doubt is listed for a person
to judge.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rapidfuzz import fuzz

from joinedup.errors import UserError
from joinedup.glossary.annotate import normalise
from joinedup.glossary.load import Glossary

__all__ = ["Mark", "HeldOutPassage", "HeldOutScore", "load_heldout", "score_heldout", "agrees"]

_HEADER = ["start", "end", "surface", "meaning", "sector"]


@dataclass(frozen=True)
class Mark:
    """One marked occurrence: its span, the writer's meaning and sector."""

    start: int
    end: int
    surface: str
    meaning: str
    sector: str


@dataclass(frozen=True)
class HeldOutPassage:
    """A passage's text and its marks."""

    name: str
    text: str
    marks: tuple[Mark, ...]


@dataclass
class HeldOutScore:
    """Counts for one passage or a whole corpus, by span and by meaning."""

    marks: int = 0
    found: int = 0
    span_hits: int = 0  # marks overlapped by a match
    meaning_hits: int = 0  # marks overlapped by a match carrying the writer's meaning
    found_on_marks: int = 0  # matches overlapping a mark
    found_right: int = 0  # matches overlapping a mark whose meaning they carry
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # passage, surface, meaning
    false: list[tuple[str, str, str]] = field(default_factory=list)  # passage, text, readings
    unconfirmed: list[tuple[str, str, str, str]] = field(default_factory=list)  # passage, surface, meaning, readings

    def add(self, other: "HeldOutScore") -> None:
        """Fold another score into this one."""
        for name in ("marks", "found", "span_hits", "meaning_hits", "found_on_marks", "found_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.false += other.false
        self.unconfirmed += other.unconfirmed

    @property
    def recall(self) -> float:
        """Share of marks overlapped by a match (span)."""
        return self.span_hits / self.marks if self.marks else 1.0

    @property
    def precision(self) -> float:
        """Share of matches that overlap a mark (span)."""
        return self.found_on_marks / self.found if self.found else 1.0

    @property
    def meaning_recall(self) -> float:
        """Share of marks found with a reading whose names carry the writer's meaning."""
        return self.meaning_hits / self.marks if self.marks else 1.0

    @property
    def meaning_precision(self) -> float:
        """Share of matches on a mark whose names carry the writer's meaning, over all matches."""
        return self.found_right / self.found if self.found else 1.0


def load_heldout(folder: str | Path) -> list[HeldOutPassage]:
    """Every `NN-slug.md` with its `NN-slug.terms.tsv` (start, end, surface, meaning, sector) in a folder."""
    folder = Path(folder)
    texts = sorted(p for p in folder.glob("[0-9]*.md"))
    if not texts:
        raise UserError("no held-out passages (NN-slug.md with NN-slug.terms.tsv) here", file=str(folder))
    out = []
    for md in texts:
        text = md.read_text(encoding="utf-8")
        tsv = md.with_name(md.name[:-3] + ".terms.tsv")
        if not tsv.exists():
            raise UserError("passage without its .terms.tsv marks", file=str(md))
        with tsv.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f, delimiter="\t")
            if reader.fieldnames != _HEADER:
                raise UserError(f"header must be {' '.join(_HEADER)}", file=str(tsv), row=1)
            marks = []
            for row_no, r in enumerate(reader, 2):
                try:
                    start, end = int(r["start"]), int(r["end"])
                except (TypeError, ValueError):
                    raise UserError("start and end must be whole numbers", file=str(tsv), row=row_no,
                                    field="start") from None
                if text[start:end] != r["surface"]:
                    raise UserError("surface is not the text at start:end", file=str(tsv), row=row_no,
                                    field="surface")
                marks.append(Mark(start, end, r["surface"], r["meaning"], r["sector"]))
        out.append(HeldOutPassage(md.name, text, tuple(marks)))
    return out


def _head(meaning: str) -> str:
    """The writer's meaning up to its first gloss: 'Requires Improvement to be Good (Ofsted grade)' -> the name."""
    return re.split(r"\s*(?:\(|:|;|,| - | – | — )", meaning, maxsplit=1)[0]


_STOP = frozenset("a an and as at be by for from in into is it of on or the their to with that which who whose "
                  "used where when under over than not no its this these those all any each such".split())


def _content(text: str) -> set[str]:
    """Content words, crudely stemmed: 'assessments' and 'assessment' are one word."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {w[:6] for w in words if w not in _STOP and len(w) > 2}


def agrees(glossary: Glossary, term_id: str, meaning: str, surface: str = "") -> bool:
    """Whether a term carries the writer's meaning: a name of it in the meaning, the surface as its own name, or
    most of the meaning's words in its name, expansion and definition."""
    term = glossary.terms[term_id]
    said = normalise(meaning)
    head = normalise(_head(meaning))
    own = {normalise(n) for n in (term.term, term.expansion) if n}
    if normalise(surface) in own and len(normalise(surface)) >= 4:
        return True  # the writer used the term's own name ('naloxone', 'Director of Public Health')
    names = {normalise(n) for n in (term.term, term.expansion, *term.variants) if n}
    names.discard(normalise(surface))  # an acronym says nothing about which of its meanings was meant
    for name in names:
        if len(name) >= 4 and (fuzz.token_set_ratio(name, said) >= 92 or fuzz.ratio(name, head) >= 88):
            return True
    words = _content(_head(meaning))
    ours = _content(" ".join(n for n in (term.term, term.expansion, *term.variants, term.definition) if n))
    return bool(words) and len(words & ours) / len(words) >= 0.6


def _carries(glossary: Glossary, found, mark: Mark) -> bool:
    """Whether a match carries the writer's meaning: one of its glossary readings does, or the long form the paper
    itself gave for it (`defined_as`) names it."""
    if any(agrees(glossary, t, mark.meaning, mark.surface) for t in found.readings if t in glossary.terms):
        return True
    own = normalise(getattr(found, "defined_as", "") or "")
    return len(own) >= 4 and (fuzz.token_set_ratio(own, normalise(mark.meaning)) >= 92
                              or fuzz.ratio(own, normalise(_head(mark.meaning))) >= 88)


def _label(glossary: Glossary, found, term_id: str) -> str:
    term = glossary.terms.get(term_id)
    return term.label if term else f"{found.defined_as} (as the paper defines it)"


def score_heldout(passages: Iterable[HeldOutPassage], find: Callable[[str], list], glossary: Glossary
                  ) -> tuple[HeldOutScore, dict[str, HeldOutScore]]:
    """Run a finder over the passages; the total and each passage's score."""
    total, per = HeldOutScore(), {}
    for p in passages:
        s = HeldOutScore(marks=len(p.marks))
        found = find(p.text)
        s.found = len(found)
        for mark in p.marks:
            hits = [f for f in found if f.start < mark.end and mark.start < f.end]
            if not hits:
                s.misses.append((p.name, mark.surface, mark.meaning))
                continue
            s.span_hits += 1
            if any(_carries(glossary, f, mark) for f in hits):
                s.meaning_hits += 1
            else:
                s.unconfirmed.append((p.name, mark.surface, mark.meaning, " / ".join(
                    _label(glossary, f, t) for f in hits for t in f.readings)))
        for f in found:
            on = [m for m in p.marks if f.start < m.end and m.start < f.end]
            if not on:
                s.false.append((p.name, p.text[f.start:f.end], "/".join(f.readings)))
                continue
            s.found_on_marks += 1
            if any(_carries(glossary, f, m) for m in on):
                s.found_right += 1
        per[p.name] = s
        total.add(s)
    return total, per
