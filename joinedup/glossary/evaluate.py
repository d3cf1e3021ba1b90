"""Score the explainer against passages annotated by hand: `[[text as written|term_id]]` marks each term.

Recall is the share of hand-marked terms the explainer finds with the right meaning; precision the share
of what it reports that a person marked with that meaning. A found span counts when it overlaps a
marked one. Where the explainer keeps several readings (an unresolved acronym), it counts as right when
the marked meaning is among them, and the number of such cases is reported beside the figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from joinedup.errors import UserError

__all__ = ["Gold", "Passage", "Score", "parse_annotated", "load_corpus", "score"]

_MARK = re.compile(r"\[\[([^\]|]+)\|([a-z0-9_]+)\]\]")


@dataclass(frozen=True)
class Gold:
    """One hand-marked term: where it is in the plain text and which term it is."""

    start: int
    end: int
    term_id: str


@dataclass(frozen=True)
class Passage:
    """A passage's plain text and its hand-marked terms."""

    name: str
    text: str
    gold: tuple[Gold, ...]


@dataclass
class Score:
    """Counts and figures for one run over a corpus."""

    gold: int = 0
    found: int = 0
    true_pos_gold: int = 0
    true_pos_found: int = 0
    unresolved: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    false: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of marked terms found with the right meaning."""
        return self.true_pos_gold / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        """Share of reported terms that were marked with that meaning."""
        return self.true_pos_found / self.found if self.found else 1.0


def parse_annotated(name: str, marked: str) -> Passage:
    """Strip `[[text|id]]` marks, keeping where each marked term sits in the plain text."""
    plain, gold, pos = [], [], 0
    length = 0
    for m in _MARK.finditer(marked):
        before = marked[pos:m.start()]
        plain.append(before)
        length += len(before)
        gold.append(Gold(length, length + len(m.group(1)), m.group(2)))
        plain.append(m.group(1))
        length += len(m.group(1))
        pos = m.end()
    plain.append(marked[pos:])
    text = "".join(plain)
    if "[[" in text or "]]" in text:
        raise UserError("a [[...]] mark is malformed; write [[text|term_id]]", file=name)
    return Passage(name, text, tuple(gold))


def load_corpus(folder: Path) -> list[Passage]:
    """Every annotated passage (.md, .txt) in a folder, in name order."""
    files = sorted(p for p in Path(folder).iterdir() if p.suffix in (".md", ".txt") and p.name != "README.md")
    if not files:
        raise UserError("no annotated passages here", file=str(folder))
    return [parse_annotated(p.name, p.read_text(encoding="utf-8")) for p in files]


def score(passages: Iterable[Passage], find: Callable[[str], list], known: set[str] | None = None) -> Score:
    """Run a finder (text -> objects with start, end, readings) over the passages and count."""
    s = Score()
    for p in passages:
        if known is not None:
            unknown = sorted({g.term_id for g in p.gold} - known)
            if unknown:
                raise UserError(f"marks name terms the glossary lacks: {', '.join(unknown)}", file=p.name)
        found = find(p.text)
        s.gold += len(p.gold)
        s.found += len(found)
        for g in p.gold:
            hit = [f for f in found if f.start < g.end and g.start < f.end and g.term_id in f.readings]
            if hit:
                s.true_pos_gold += 1
            else:
                s.misses.append((p.name, p.text[g.start:g.end], g.term_id))
        for f in found:
            ok = any(f.start < g.end and g.start < f.end and g.term_id in f.readings for g in p.gold)
            if ok:
                s.true_pos_found += 1
                s.unresolved += len(f.readings) > 1
            else:
                s.false.append((p.name, p.text[f.start:f.end], "/".join(f.readings)))
    return s
