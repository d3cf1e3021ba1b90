"""The measure catalogue (docs/measures.md), generated from the YAML so it cannot drift."""

from __future__ import annotations

from joinedup.measures.spec import SECTORS, Library, Measure
from joinedup.measures.sql import MACROS, PLACEHOLDERS

__all__ = ["glossary_terms", "markdown", "UNIT_TEXT"]

UNIT_TEXT = {"percent": "%", "rate_per_10000": "per 10,000", "rate_per_100000": "per 100,000",
             "days": "days (mean)", "count": "count"}
_SECTOR_TEXT = {"nhs": "NHS", "adult_social_care": "Adult social care", "childrens_services": "Children's services",
                "public_health": "Public health", "education": "Education"}


def glossary_terms(text: str) -> list[str]:
    """Glossary terms found in text (the glossary is a shared stage: joinedup.stages.SHARED)."""
    from joinedup.glossary import link_terms
    return sorted({str(t) for t in link_terms(text)})


def _citation(m: Measure) -> str:
    c = m.definition.citation
    doc = f"[{c.document}]({c.url})" if c.url else c.document
    return f"{doc}, {c.version}: {c.section}"


def _measure(m: Measure) -> list[str]:
    lines = [f"### {m.title}", "", f"`{m.id}` · {m.kind} · {', '.join(_SECTOR_TEXT[s] for s in m.sectors)}"
             f"{' · joined-up' if m.joined_up else ''}", "", m.description, "",
             "| | |", "|---|---|",
             f"| national definition | {m.definition.name} |",
             f"| source | {_citation(m)} |",
             f"| implemented from | {m.definition.reference} |",
             f"| unit | {UNIT_TEXT[m.unit]} ({m.polarity.replace('_', ' ')}) |",
             f"| period | {m.period.replace('_', ' ')} |",
             f"| counts | {m.counts} |",
             f"| breakdowns | {', '.join(m.breakdowns) or 'none'} |",
             f"| paired with | {', '.join(f'`{p}`' for p in m.paired_with) or 'none'} |"]
    if m.definition.notes:
        lines.append(f"| notes | {m.definition.notes} |")
    terms = glossary_terms(f"{m.title}. {m.description}")
    if terms:
        lines.append(f"| glossary terms | {', '.join(f'`{t}`' for t in terms)} |")
    lines += ["", "Numerator" + (f" (from `{m.numerator.from_}`)" if m.numerator.from_ else " (rows of the denominator where)") + ":",
              "", "```sql", m.numerator.where.strip(), "```"]
    if m.numerator.sum:
        lines += ["", f"Summed value: `{m.numerator.sum}`"]
    if m.denominator is not None:
        lines += ["", f"Denominator (from `{m.denominator.from_}`):", "", "```sql", m.denominator.where.strip(), "```"]
    return lines + [""]


def markdown(library: Library) -> str:
    """The whole catalogue as Markdown."""
    ms = sorted(library, key=lambda m: m.id)
    lines = ["# Measure catalogue", "",
             "Generated from the YAML files in `joinedup/measures/library/` by "
             "`joinedup measures docs --out docs/measures.md`; do not edit by hand. "
             "The user guide is [measures-guide.md](measures-guide.md).", "",
             f"{len(ms)} measures: {sum(m.kind == 'outcome' for m in ms)} outcome and "
             f"{sum(m.kind == 'process' for m in ms)} process; {sum(m.joined_up for m in ms)} need the linked picture.", "",
             "| id | title | kind | sectors | unit |", "|---|---|---|---|---|"]
    lines += [f"| `{m.id}` | {m.title} | {m.kind} | {', '.join(m.sectors)} | {UNIT_TEXT[m.unit]} |" for m in ms]
    lines += ["", "## Process and outcome pairs", "", "The paradox lens (`joinedup measures paradoxes`) compares these:", ""]
    lines += [f"- `{p.id}` (process) serves `{o.id}` (outcome)" for p, o in library.pairs()]
    lines += ["", "## Writing conditions", "",
              "Conditions are SQL over the canonical tables (docs/schema.md). Every table that names a source "
              "record also has `person_id` and the linked person's `person_*` attributes. Placeholders:", ""]
    lines += [f"- `:{k}`: {v}" for k, v in PLACEHOLDERS.items()]
    lines += ["", "Functions of our own (expanded to portable SQL before any engine sees them):", ""]
    lines += [f"- `{v.split(':')[0]}`:{v.split(':', 1)[1]}" for v in MACROS.values()]
    for sector in SECTORS:
        members = [m for m in ms if m.sectors[0] == sector]
        if members:
            lines += ["", f"## {_SECTOR_TEXT[sector]}", ""]
            for m in members:
                lines += _measure(m)
    return "\n".join(lines).rstrip() + "\n"
