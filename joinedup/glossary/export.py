"""Export the glossary for other tools: CSV, JSON, or SKOS (Turtle, via rdflib)."""

from __future__ import annotations

import csv
import io
import json

from joinedup.glossary.load import Glossary
from joinedup.glossary.models import SECTOR_NAMES

__all__ = ["EXPORT_FORMATS", "export", "BASE_URI"]

EXPORT_FORMATS = ("csv", "json", "skos")
#: Concept URIs are URNs: the glossary has no web home, and a URN promises none.
BASE_URI = "urn:joinedup:glossary:"
_LIST_FIELDS = ("acronyms", "variants", "sectors", "equivalents", "related", "measures")


def export(glossary: Glossary, fmt: str) -> str:
    """The whole glossary in one of EXPORT_FORMATS."""
    if fmt == "json":
        return json.dumps({"sectors": SECTOR_NAMES,
                           "terms": [t.model_dump(mode="json", exclude={"context", "exact_case"}) for t in glossary]},
                          indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(glossary)
    if fmt == "skos":
        return _skos(glossary)
    raise ValueError(f"unknown export format {fmt!r}")


def _csv(glossary: Glossary) -> str:
    buf = io.StringIO()
    cols = ["id", "term", "expansion", *_LIST_FIELDS[:3], "definition", *_LIST_FIELDS[3:], "source"]
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for t in glossary:
        row = {c: getattr(t, c) for c in cols}
        for c in _LIST_FIELDS:
            row[c] = "; ".join(row[c])
        row["expansion"] = row["expansion"] or ""
        w.writerow(row)
    return buf.getvalue()


def _skos(glossary: Glossary) -> str:
    from rdflib import RDF, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, SKOS

    g = Graph()
    g.bind("skos", SKOS)
    g.bind("dct", DCTERMS)
    jg = Namespace(BASE_URI)
    g.bind("jg", jg)
    scheme = URIRef(BASE_URI + "scheme")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal("joinedup cross-sector glossary", lang="en")))
    for sid, name in SECTOR_NAMES.items():
        coll = jg["sector-" + sid]
        g.add((coll, RDF.type, SKOS.Collection))
        g.add((coll, SKOS.prefLabel, Literal(name, lang="en")))
    for t in glossary:
        c = jg[t.id]
        g.add((c, RDF.type, SKOS.Concept))
        g.add((c, SKOS.inScheme, scheme))
        g.add((c, SKOS.prefLabel, Literal(t.term, lang="en")))
        g.add((c, SKOS.definition, Literal(t.definition, lang="en")))
        g.add((c, DCTERMS.source, Literal(t.source, lang="en")))
        if t.expansion:
            g.add((c, SKOS.altLabel, Literal(t.expansion, lang="en")))
        for a in t.acronyms:
            g.add((c, SKOS.altLabel, Literal(a, lang="en")))
        for v in t.variants:
            g.add((c, SKOS.hiddenLabel if v.lower() == t.term.lower() else SKOS.altLabel, Literal(v, lang="en")))
        for ref in (*t.equivalents, *t.related):
            g.add((c, SKOS.related, jg[ref]))
        for m in t.measures:
            g.add((c, SKOS.note, Literal(f"measure: {m}")))
        for s in t.sectors:
            g.add((jg["sector-" + s], SKOS.member, c))
    return g.serialize(format="turtle")
