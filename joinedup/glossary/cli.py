"""Commands: `joinedup glossary search|show|export|check|suggest` and the top-level `joinedup explain`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from joinedup.console import err, out
from joinedup.errors import UserError
from joinedup.glossary.annotate import annotate, annotator_for, normalise
from joinedup.glossary.export import EXPORT_FORMATS, export
from joinedup.glossary.load import Glossary, load_glossary
from joinedup.glossary.models import SECTOR_NAMES, Term
from joinedup.glossary.readers import MAX_PAPER_BYTES, read_paper
from joinedup.glossary.render import FORMATS, explain_report, render_report, term_dict, term_text
from joinedup.glossary.search import search as search_terms
from joinedup.glossary.suggest import suggest, suggestions_yaml

__all__ = ["register", "resolve_term"]

sub = typer.Typer(help="The cross-sector glossary: search, show, export and check terms.", no_args_is_help=True)

_GLOSSARY_HELP = "A folder (or YAML file) of your council's own terms, added to the shipped ones. Repeatable."
_FOR_HELP = f"Explain through the reader's own sector: {', '.join(SECTOR_NAMES)}."


def _extra(dirs: Optional[list[Path]]) -> tuple[str, ...]:
    return tuple(str(d) for d in dirs or ())


def _sector(value: Optional[str]) -> Optional[str]:
    if value is not None and value not in SECTOR_NAMES:
        raise UserError(f"unknown sector {value!r}; use one of {', '.join(SECTOR_NAMES)}", field="--for")
    return value


def resolve_term(g: Glossary, name: str, extra: tuple[str, ...] = ()) -> list[Term]:
    """The term(s) a user means by an id, name or acronym; several when an acronym is shared."""
    if name in g.terms:
        return [g.terms[name]]
    key = normalise(name)
    exact = [t for t in g if any(normalise(n) == key for n in t.names)]
    if exact:
        return exact
    hits = search_terms(name, limit=3, extra_dirs=extra)
    if hits and hits[0].score >= 85:
        return [hits[0].term]
    hint = f"; did you mean {', '.join(repr(h.term.term) for h in hits)}?" if hits else ""
    raise UserError(f"no glossary term {name!r}{hint}", field="TERM")


@sub.command("search")
def search_cmd(
    query: str = typer.Argument(..., help="A term, acronym, variant or a few words of its meaning."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
    limit: int = typer.Option(10, "--limit", min=1, max=100, help="How many results."),
    glossary: Optional[list[Path]] = typer.Option(None, "--glossary", help=_GLOSSARY_HELP),
) -> None:
    """Find terms by term, acronym, variant or meaning (fuzzy), best first."""
    extra = _extra(glossary)
    load_glossary(extra)
    hits = search_terms(query, limit=limit, extra_dirs=extra)
    if as_json:
        out.print(json.dumps([h.to_dict() for h in hits], indent=2, ensure_ascii=False), markup=False)
        return
    if not hits:
        err.print(f"no terms match {query!r}", markup=False)
        return
    for h in hits:
        out.print(f"{h.term.label}  [{h.term.id}, {h.score:.0f}]", markup=False)
        out.print(f"    {h.term.definition}", markup=False)


@sub.command("show")
def show_cmd(
    term: str = typer.Argument(..., help="The term's id, name or acronym (e.g. DTOC, s47, delayed_discharge)."),
    for_sector: Optional[str] = typer.Option(None, "--for", help=_FOR_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the entry as JSON."),
    glossary: Optional[list[Path]] = typer.Option(None, "--glossary", help=_GLOSSARY_HELP),
) -> None:
    """Show one entry; --for explains it through the reader's own sector's nearest concepts."""
    extra = _extra(glossary)
    sector = _sector(for_sector)
    g = load_glossary(extra)
    found = resolve_term(g, term, extra)
    if as_json:
        out.print(json.dumps([term_dict(t, g, sector) for t in found], indent=2, ensure_ascii=False), markup=False)
        return
    if len(found) > 1:
        out.print(f"{term} has {len(found)} readings:\n", markup=False)
    out.print("\n\n".join(term_text(t, g, sector) for t in found), markup=False)


@sub.command("export")
def export_cmd(
    fmt: str = typer.Option(..., "--format", help=f"One of {', '.join(EXPORT_FORMATS)} (skos is Turtle)."),
    out_file: Optional[Path] = typer.Option(None, "--out", help="Write here instead of to stdout."),
    glossary: Optional[list[Path]] = typer.Option(None, "--glossary", help=_GLOSSARY_HELP),
) -> None:
    """Export every term for other tools: CSV, JSON or SKOS."""
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}", field="--format")
    g = load_glossary(_extra(glossary))
    body = export(g, fmt)
    if out_file:
        _write(out_file, body)
        err.print(f"wrote {len(g)} terms to {out_file}", markup=False)
    else:
        out.file.write(body)


@sub.command("check")
def check_cmd(
    glossary: Optional[list[Path]] = typer.Option(None, "--glossary", help=_GLOSSARY_HELP),
) -> None:
    """Validate the glossary (and your council's files): ids, cross-references, definitions."""
    g = load_glossary(_extra(glossary))
    per_sector = {s: len(g.in_sector(s)) for s in SECTOR_NAMES}
    out.print(f"{len(g)} terms valid", markup=False)
    for s, n in per_sector.items():
        out.print(f"  {s}: {n}", markup=False)


@sub.command("suggest")
def suggest_cmd(
    source: str = typer.Argument(..., metavar="FILE|-", help="The paper: .txt, .md, .docx, .pdf, or - for stdin."),
    min_count: int = typer.Option(2, "--min-count", min=1, help="Uses a capitalised term needs to be listed."),
    as_json: bool = typer.Option(False, "--json", help="Print the suggestions as JSON."),
    out_file: Optional[Path] = typer.Option(None, "--out", help="Write a draft YAML term file here (load it with --glossary)."),
    sector: Optional[str] = typer.Option(None, "--sector", help="Sector for the drafted terms (default: the sector of the terms near each)."),
    glossary: Optional[list[Path]] = typer.Option(None, "--glossary", help=_GLOSSARY_HELP),
) -> None:
    """List the abbreviations and repeated terms of art in a paper that the glossary does not know."""
    if sector is not None and sector not in SECTOR_NAMES:
        raise UserError(f"unknown sector {sector!r}; use one of {', '.join(SECTOR_NAMES)}", field="--sector")
    extra = _extra(glossary)
    name, text = read_paper(source)
    annotator = annotator_for(extra)
    found = suggest(text, annotator, min_count=min_count)
    if as_json:
        out.print(json.dumps({"paper": name, "glossary_terms": len(annotator.glossary),
                              "suggestions": [s.to_dict() for s in found]}, indent=2, ensure_ascii=False), markup=False)
    else:
        abbrs = [s for s in found if s.kind == "abbreviation"]
        terms = [s for s in found if s.kind == "term"]
        out.print(f"{name}: {len(abbrs)} unknown abbreviation{'s' if len(abbrs) != 1 else ''}, "
                  f"{len(terms)} unknown term{'s' if len(terms) != 1 else ''} "
                  f"(glossary {len(annotator.glossary)} terms)", markup=False)
        for title, group in (("abbreviations", abbrs), ("terms", terms)):
            if not group:
                continue
            out.print(f"\n{title} (uses, first at line:column)", markup=False)
            width = max(len(s.text) for s in group)
            for s in group:
                extra_text = f"  = {s.expansion}" if s.expansion else ""
                out.print(f"  {s.text:<{width}}  {s.count:>3}  {s.line}:{s.column}{extra_text}", markup=False)
    if out_file:
        if not found:
            raise UserError("nothing to export: the glossary knows every abbreviation and term found", file=name)
        _write(out_file, suggestions_yaml(found, annotator, name, sector))
        err.print(f"wrote {len(found)} draft terms to {out_file}; write their definitions, then use --glossary {out_file}",
                  markup=False, soft_wrap=True)


def explain_cmd(
    source: str = typer.Argument(..., metavar="FILE|-", help=f"The paper: .txt, .md, .docx, .pdf, or - for stdin "
                                f"(at most {MAX_PAPER_BYTES // 2**20} MB)."),
    for_sector: Optional[str] = typer.Option(None, "--for", help=_FOR_HELP),
    fmt: str = typer.Option("text", "--format", help=f"One of {', '.join(FORMATS)}."),
    out_file: Optional[Path] = typer.Option(None, "--out", help="Write here instead of to stdout."),
    glossary: Optional[list[Path]] = typer.Option(None, "--glossary", help=_GLOSSARY_HELP),
) -> None:
    """List each jargon term in a meeting paper, where it is, and its plain-English meaning."""
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", field="--format")
    sector = _sector(for_sector)
    extra = _extra(glossary)
    g = load_glossary(extra)
    name, text = read_paper(source)
    report = explain_report(name, annotate(text, extra_dirs=extra), g, sector)
    body = render_report(report, fmt, text)
    if out_file:
        _write(out_file, body)
        err.print(f"wrote {out_file} ({report['counts']['matches']} terms)", markup=False)
    else:
        out.file.write(body)


def _write(path: Path, body: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot write ({e.strerror})", file=str(path)) from None


def register(app: typer.Typer) -> None:
    """Add `glossary` and `explain` to the front door."""
    app.add_typer(sub, name="glossary")
    app.command("explain")(explain_cmd)
