"""The glossary's service API: search and explain (the glossary needs no store; it is the shared language)."""

from __future__ import annotations

from pathlib import Path

from joinedup.glossary.load import load_glossary
from joinedup.glossary.render import explain_report, term_dict
from joinedup.glossary.annotate import annotate
from joinedup.glossary.search import Hit
from joinedup.glossary.search import search as _search

__all__ = ["explain", "search", "term"]


def _extra(dirs: list[Path] | None) -> tuple[str, ...]:
    return tuple(str(d) for d in dirs or ())


def search(query: str, *, limit: int = 10, dirs: list[Path] | None = None) -> list[Hit]:
    """Terms matching a term, acronym, variant or a few words of meaning, best first."""
    return _search(query, limit=limit, extra_dirs=_extra(dirs))


def term(term_id: str, *, for_sector: str | None = None, dirs: list[Path] | None = None) -> dict | None:
    """One entry as a dict (with the reader's own sector's nearest terms when for_sector is given), or None."""
    g = load_glossary(_extra(dirs))
    t = g.get(term_id)
    return None if t is None else term_dict(t, g, for_sector)


def explain(text: str, *, for_sector: str | None = None, name: str = "paper", dirs: list[Path] | None = None) -> dict:
    """Each jargon term in a text, where it is and its plain-English meaning (the `glossary explain --format json` report)."""
    extra = _extra(dirs)
    return explain_report(name, annotate(text, for_sector=for_sector, extra_dirs=extra), load_glossary(extra), for_sector)
