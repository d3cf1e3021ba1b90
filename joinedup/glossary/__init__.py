"""The shared language: every sector's terms with plain-English meanings, search, and a jargon explainer.

The web app and the measures call this API:

    from joinedup import glossary
    glossary.load_glossary()            # all terms, validated (plus a council's folders)
    glossary.search("bed blocking")     # best first: delayed discharge
    glossary.get("delayed_discharge")   # one Term
    glossary.annotate(text)             # [Match(start, end, text, line, column, term_id, readings, resolved)]
    glossary.link_terms(description)    # term ids a measure description or screen label uses
    glossary.explain(text, for_sector="childrens_services", fmt="html")
    glossary.link_html(label, link="/glossary/{id}")   # a screen label as HTML, terms in <abbr title>
"""

from __future__ import annotations

from joinedup.glossary.annotate import Annotator, Match, annotate, link_terms
from joinedup.glossary.export import EXPORT_FORMATS, export
from joinedup.glossary.load import Glossary, load_glossary
from joinedup.glossary.models import SECTOR_NAMES, SECTORS, Term
from joinedup.glossary.render import FORMATS, explain_report, highlight_html, nearest_for, render_report
from joinedup.glossary.search import Hit, search

__all__ = [
    "Annotator", "EXPORT_FORMATS", "FORMATS", "Glossary", "Hit", "Match", "SECTORS", "SECTOR_NAMES", "Term",
    "annotate", "explain", "export", "get", "link_html", "link_terms", "load_glossary", "nearest_for", "search",
]


def get(term_id: str, extra_dirs: tuple[str, ...] = ()) -> Term | None:
    """The term with this id, or None."""
    return load_glossary(extra_dirs).get(term_id)


def explain(text: str, for_sector: str | None = None, fmt: str = "json", name: str = "paper",
            extra_dirs: tuple[str, ...] = ()) -> str:
    """A paper's jargon explained, as text, Markdown, self-contained HTML or JSON."""
    g = load_glossary(extra_dirs)
    matches = annotate(text, for_sector=for_sector, extra_dirs=extra_dirs)
    return render_report(explain_report(name, matches, g, for_sector), fmt, text)


def link_html(text: str, link: str = "#term-{id}", for_sector: str | None = None,
              extra_dirs: tuple[str, ...] = ()) -> str:
    """A label or description as an escaped HTML fragment with each term in an <abbr> linking to `link`."""
    g = load_glossary(extra_dirs)
    report = explain_report("label", annotate(text, for_sector=for_sector, extra_dirs=extra_dirs, plain=True), g,
                            for_sector)
    return highlight_html(report, text, link)
