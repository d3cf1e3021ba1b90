"""Turn glossary entries and explained papers into text, Markdown, self-contained HTML or JSON."""

from __future__ import annotations

import html
import json
import re

from joinedup.glossary.annotate import PAPER_PREFIX, Match
from joinedup.glossary.load import Glossary
from joinedup.glossary.models import SECTOR_NAMES, Term

__all__ = ["nearest_for", "explain_report", "render_report", "highlight_html", "term_text", "term_dict", "FORMATS"]

FORMATS = ("text", "markdown", "html", "json")


def nearest_for(term: Term, sector: str, glossary: Glossary) -> list[Term]:
    """The reader's own sector's nearest concepts to a term (see Glossary.nearest)."""
    return glossary.nearest(term, sector)


def term_dict(term: Term, glossary: Glossary, for_sector: str | None = None) -> dict:
    """A term as a plain dict, with the reader's nearest concepts when a sector is given."""
    d = term.model_dump(mode="json")
    d["label"] = term.label
    if for_sector:
        d["own_sector"] = for_sector in term.sectors
        d["nearest_in_your_sector"] = [{"id": t.id, "term": t.label, "definition": t.definition}
                                       for t in nearest_for(term, for_sector, glossary)]
    return d


def term_text(term: Term, glossary: Glossary, for_sector: str | None = None) -> str:
    """A term as plain text, as `glossary show` prints it."""
    lines = [term.label]
    if term.expansion:
        lines.append(f"  stands for: {term.expansion}")
    lines.append(f"  meaning:    {term.definition}")
    other = [n for n in (*term.acronyms, *term.variants) if n != term.term]
    if other:
        lines.append(f"  also:       {', '.join(other)}")
    lines.append(f"  sectors:    {', '.join(SECTOR_NAMES[s] for s in term.sectors)}")
    if term.equivalents:
        lines.append("  nearest in other sectors: " + "; ".join(
            f"{glossary.terms[e].label} ({', '.join(SECTOR_NAMES[s] for s in glossary.terms[e].sectors[:2])})"
            for e in term.equivalents))
    if term.related:
        lines.append("  related:    " + ", ".join(glossary.terms[r].label for r in term.related))
    if term.measures:
        lines.append("  measures:   " + ", ".join(term.measures))
    lines.append(f"  source:     {term.source}")
    if for_sector:
        lines.append("")
        lines.extend(_for_reader(term, glossary, for_sector))
    return "\n".join(lines)


def _for_reader(term: Term, glossary: Glossary, sector: str) -> list[str]:
    name = SECTOR_NAMES[sector]
    nearest = nearest_for(term, sector, glossary)
    out = []
    if sector in term.sectors:
        out.append(f"  For {name}: this is a term your own sector uses.")
    else:
        out.append(f"  For {name}: this is a term of {', '.join(SECTOR_NAMES[s] for s in term.sectors)}.")
    if nearest:
        out.append(f"  The nearest concepts in {name}:")
        out.extend(f"    - {t.label}: {t.definition}" for t in nearest)
    elif sector not in term.sectors:
        out.append(f"  {name.capitalize()} has no close equivalent in the glossary; the meaning above stands alone.")
    return out


# -- explained papers --------------------------------------------------------------------------------

def explain_report(name: str, matches: list[Match], glossary: Glossary, for_sector: str | None = None) -> dict:
    """The findings for one paper: every match, and each distinct term (or ambiguous reading set) once."""
    entries: dict[tuple[str, ...], dict] = {}
    for m in matches:
        key = (*m.readings, m.defined_as) if m.defined_as else m.readings
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = {
                "readings": [_reading(m, t, glossary, for_sector) for t in m.readings],
                "resolved": m.resolved, "where": []}
            if m.defined_as:
                entry["defined_as"] = m.defined_as
            if m.note:  # what a general recogniser found it to be: 'a numbered provision of the Children Act 1989'
                entry["note"] = m.note
        entry["where"].append({"line": m.line, "column": m.column, "text": m.text})
    return {"file": name, "for": for_sector, "matches": [m.to_dict() for m in matches],
            "terms": list(entries.values()),
            "counts": {"matches": len(matches), "distinct": len(entries),
                       "ambiguous": sum(1 for e in entries.values() if not e["resolved"])}}


def _reading(m: Match, term_id: str, glossary: Glossary, for_sector: str | None) -> dict:
    """One reading of a match as a dict: its glossary term, or, for an abbreviation the paper defines itself and
    the glossary lacks, the paper's own definition (sourced to the paper)."""
    if term_id in glossary.terms:
        d = term_dict(glossary.terms[term_id], glossary, for_sector)
        if m.defined_as:  # the paper's own name for one of the glossary's kinds: 'Marlbridge Safeguarding ...'
            d["label"], d["expansion"] = f"{m.defined_as} (see {d['label']})", m.defined_as
        return d
    abbr = term_id.removeprefix(PAPER_PREFIX)
    d = {"id": term_id, "term": m.defined_as, "label": f"{m.defined_as} ({abbr})", "expansion": m.defined_as,
         "acronyms": [abbr], "sectors": [], "definition": f"As this paper spells it out: {m.defined_as}. Not in "
         "the glossary; `joinedup glossary suggest` drafts it as a term of your own.", "source": "this paper",
         "related": [], "equivalents": []}
    if for_sector:
        d["own_sector"], d["nearest_in_your_sector"] = False, []
    return d


def render_report(report: dict, fmt: str, text: str) -> str:
    """The report in one of FORMATS; HTML also needs the paper's text to highlight it."""
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False)
    if fmt == "markdown":
        return _markdown(report)
    if fmt == "html":
        return _html(report, text)
    return _text(report)


def _where(entry: dict) -> str:
    spots = [f"{w['line']}:{w['column']}" for w in entry["where"]]
    written = sorted({w["text"] for w in entry["where"]})
    return f"{', '.join(written)} at {', '.join(spots[:8])}{' ...' if len(spots) > 8 else ''}"


def _sector_note(reading: dict, sector: str | None) -> str | None:
    if not sector or reading.get("own_sector"):
        return None
    near = reading.get("nearest_in_your_sector") or []
    if not near:
        return None
    return f"in {SECTOR_NAMES[sector]}, nearest: " + "; ".join(n["term"] for n in near)


def _text(report: dict) -> str:
    c = report["counts"]
    head = f"{report['file']}: {c['matches']} jargon terms found ({c['distinct']} distinct"
    head += f", {c['ambiguous']} with more than one reading)" if c["ambiguous"] else ")"
    if report["for"]:
        head += f", explained for {SECTOR_NAMES[report['for']]}"
    lines = [head, ""]
    for e in report["terms"]:
        if e["resolved"]:
            r = e["readings"][0]
            own = " [your sector]" if r.get("own_sector") else ""
            lines.append(f"{r['label']}{own}  ({_where(e)})")
            if r.get("expansion"):
                lines.append(f"    stands for {r['expansion']}")
            lines.append(f"    {r['definition']}")
            note = _sector_note(r, report["for"])
            if note:
                lines.append(f"    {note}")
        else:
            lines.append(f"{e['where'][0]['text']}: more than one reading  ({_where(e)})")
            for r in e["readings"]:
                lines.append(f"    - {r['label']}: {r['definition']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _md(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _markdown(report: dict) -> str:
    c = report["counts"]
    out = [f"# Jargon explained: {_md(report['file'])}", ""]
    out.append(f"{c['matches']} terms found, {c['distinct']} distinct"
               + (f", explained for a reader from {SECTOR_NAMES[report['for']]}." if report["for"] else "."))
    out += ["", "| term | where (line:column) | meaning |" + (" in your sector |" if report["for"] else ""),
            "|---|---|---|" + ("---|" if report["for"] else "")]
    for e in report["terms"]:
        where = ", ".join(f"{w['line']}:{w['column']}" for w in e["where"][:8])
        if e["resolved"]:
            r = e["readings"][0]
            meaning = (f"*{r['expansion']}*. " if r.get("expansion") else "") + (
                f"{e['note'][0].upper()}{e['note'][1:]}. " if e.get("note") else "") + r["definition"]
            label = f"**{_md(r['label'])}**"
        else:
            label = f"**{_md(e['where'][0]['text'])}** (more than one reading)"
            meaning = " / ".join(f"{r['label']}: {r['definition']}" for r in e["readings"])
        row = f"| {label} | {where} | {_md(meaning)} |"
        if report["for"]:
            r = e["readings"][0]
            extra = "your sector's own term" if r.get("own_sector") else "; ".join(
                n["term"] for n in r.get("nearest_in_your_sector", [])) or "-"
            row += f" {_md(extra)} |"
        out.append(row)
    return "\n".join(out) + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;line-height:1.55}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
.paper{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;border-radius:6px;padding:1rem 1.25rem}
abbr.term{text-decoration:none;border-bottom:2px dotted #005eb8;background:#e8f1fb;cursor:help}
abbr.term a{color:inherit;text-decoration:none}
abbr.term.ambiguous{border-bottom-color:#d5281b;background:#fdecea}
abbr.term:hover,abbr.term:focus-within{background:#cfe3f7}
dl.terms dt{font-weight:600;margin-top:1rem}dl.terms dd{margin-left:1rem}
.meta{color:#4c6272;font-size:.85rem}.yours{color:#007f3b;font-size:.85rem}
"""


def _tip(entry: dict) -> str:
    if entry["resolved"]:
        r = entry["readings"][0]
        return f"{r['label']}: {r['definition']}"
    return "More than one reading: " + " | ".join(f"{r['label']}: {r['definition']}" for r in entry["readings"])


def _key(ids, defined_as: str | None) -> tuple[str, ...]:
    """An entry's key: its readings' ids, and the paper's own long form where it gave one."""
    return (*ids, defined_as) if defined_as else tuple(ids)


def _anchor(entry: dict) -> str:
    own = re.sub(r"[^a-z0-9]+", "-", entry.get("defined_as", "").lower()).strip("-")
    return "term-" + "-".join(r["id"].replace(":", "-") for r in entry["readings"]) + (f"--{own}" if own else "")


def highlight_html(report: dict, text: str, link: str = "#term-{id}") -> str:
    """The text as an escaped HTML fragment, each term in an <abbr> whose title is its meaning.

    `link` is where each term points ({id} is replaced by the term id, or ids joined by '-' when a
    shared acronym keeps several readings); the web app passes its own glossary page.
    """
    by_key = {_key((r["id"] for r in e["readings"]), e.get("defined_as")): e for e in report["terms"]}
    parts, pos = [], 0
    for m in report["matches"]:
        parts.append(html.escape(text[pos:m["start"]]))
        entry = by_key[_key(m["readings"], m.get("defined_as"))]
        tip = html.escape(_tip(entry), quote=True)
        cls = "term" if m["resolved"] else "term ambiguous"
        href = html.escape(link.replace("{id}", "-".join(m["readings"])), quote=True)
        parts.append(f'<abbr class="{cls}" title="{tip}"><a href="{href}">{html.escape(m["text"])}</a></abbr>')
        pos = m["end"]
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def _html(report: dict, text: str) -> str:
    parts = [highlight_html(report, text)]
    c = report["counts"]
    reader = f" for a reader from {SECTOR_NAMES[report['for']]}" if report["for"] else ""
    items = []
    for e in report["terms"]:
        for i, r in enumerate(e["readings"]):
            label = html.escape(r["label"]) + ("" if e["resolved"] else " <span class=meta>(one possible reading)</span>")
            exp = f"<em>{html.escape(r['expansion'])}</em>. " if r.get("expansion") else ""
            sectors = ", ".join(SECTOR_NAMES[s] for s in r["sectors"])
            note = ""
            if report["for"]:
                if r.get("own_sector"):
                    note = '<div class="yours">A term of your own sector.</div>'
                elif r.get("nearest_in_your_sector"):
                    near = "; ".join(html.escape(n["term"]) for n in r["nearest_in_your_sector"])
                    note = f'<div class="yours">Nearest in {html.escape(SECTOR_NAMES[report["for"]])}: {near}</div>'
            anchor = f' id="{_anchor(e)}"' if i == 0 else ""  # one anchor per entry: ids must be unique
            items.append(f'<dt{anchor}>{label}</dt><dd>{exp}{html.escape(r["definition"])}'
                         f'<div class="meta">Used in {html.escape(sectors)}. Source: {html.escape(r["source"])}.</div>'
                         f'{note}</dd>')
    title = html.escape(f"Jargon explained: {report['file']}")
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>"
            f"<style>{_CSS}</style></head><body>\n<h1>{title}</h1>\n"
            f"<p class=\"meta\">{c['matches']} terms found, {c['distinct']} distinct{html.escape(reader)}. "
            "Hover over a highlighted term for its meaning; red ones have more than one reading.</p>\n"
            f"<div class=\"paper\">{''.join(parts)}</div>\n<h2>Terms in this paper</h2>\n"
            f"<dl class=\"terms\">{''.join(items)}</dl>\n"
            "<p class=\"meta\">Made by joinedup glossary. Definitions are plain-English summaries; "
            "the source named for each term is the authority.</p>\n</body></html>\n")
