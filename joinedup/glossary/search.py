"""Search the glossary by term, acronym, variant or meaning, forgiving misspellings (rapidfuzz)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from joinedup.glossary.annotate import normalise
from joinedup.glossary.load import Glossary, load_glossary
from joinedup.glossary.models import Term

__all__ = ["Hit", "Searcher", "search"]

_WORD = re.compile(r"[a-z0-9]+")
#: Words that carry no meaning in a query ("what is the ...").
_STOP = frozenset("a an and are as at be by for from how in is it of on or the to what when where which who why with "
                  "does do mean means meaning".split())


@dataclass(frozen=True)
class Hit:
    """One search result: the term, how well it matched (0-100) and the name or words that matched."""

    term: Term
    score: float
    matched: str

    def to_dict(self) -> dict:
        """A plain dict for JSON output."""
        t = self.term
        return {"id": t.id, "term": t.term, "expansion": t.expansion, "acronyms": list(t.acronyms),
                "sectors": list(t.sectors), "definition": t.definition, "score": round(self.score, 1),
                "matched": self.matched}


class Searcher:
    """A fuzzy index over every name of every term, plus the words of each definition."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._keys: list[str] = []
        self._owner: list[tuple[str, str, bool]] = []  # (term id, name as written, is the term's own name)
        for t in glossary:
            for name in t.names:
                key = normalise(name)
                if key:
                    self._keys.append(key)
                    self._owner.append((t.id, name, name in (t.term, *t.acronyms)))
        self._definition_words = {t.id: {_stem(w) for w in _WORD.findall(f"{t.definition} {t.term}".lower())}
                                  for t in glossary}

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """The best matching terms, best first."""
        q = normalise(query)
        if not q:
            return []
        best: dict[str, tuple[float, str]] = {}

        def offer(tid: str, score: float, matched: str) -> None:
            if score > best.get(tid, (-1.0, ""))[0]:
                best[tid] = (score, matched)

        # Names: exact (after normalising) beats fuzzy; a term's own name or acronym beats a variant.
        for key, score, i in process.extract(q, self._keys, scorer=fuzz.WRatio, processor=None,
                                             limit=max(50, limit * 5), score_cutoff=55):
            tid, name, own = self._owner[i]
            if key == q or key.replace(" ", "") == q.replace(" ", ""):
                score = 100.0 + (0.5 if own else 0.0)
            elif len(q) <= 3 or len(key) <= 3:
                # Short strings fuzz to anything ('cp' in 'chc'); only exact acronyms count.
                continue
            else:
                # WRatio forgives word order and partial names; plain ratio breaks its many ties.
                score = min(0.8 * score + 0.2 * fuzz.ratio(q, key), 99.0)
                if len(q.split()) > 4:
                    score = min(score, 30.0)  # a long question matches some name partially by chance
            offer(tid, score, name)
        # Meaning: the share of the query's words found in a definition.
        words = [_stem(w) for w in _WORD.findall(q) if w not in _STOP]
        if words:
            for tid, vocab in self._definition_words.items():
                # A misspelt word found in a definition counts for less than the word itself.
                found = sum(1.0 if w in vocab else 0.7 if len(w) > 4 and any(
                    fuzz.ratio(w, v) >= 85 for v in vocab if abs(len(v) - len(w)) <= 2) else 0.0 for w in words)
                if found:
                    offer(tid, 75.0 * found / len(words), "definition")
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], len(self.glossary.terms[kv[0]].term)))
        return [Hit(self.glossary.terms[tid], score, matched) for tid, (score, matched) in ranked[:limit]]


def _stem(word: str) -> str:
    """A crude English stem, enough that 'disabled' meets 'disability' and 'plans' meets 'plan'."""
    for suffix in ("ities", "ity", "ing", "ed", "es", "s", "led"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=8)
def _searcher_for(extra: tuple[str, ...]) -> Searcher:
    return Searcher(load_glossary(extra))


def search(query: str, limit: int = 10, extra_dirs: tuple[str, ...] = ()) -> list[Hit]:
    """Search the glossary (and any council folders) for a term, acronym, variant or meaning."""
    return _searcher_for(tuple(str(d) for d in extra_dirs)).search(query, limit)

