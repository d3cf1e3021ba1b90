#!/usr/bin/env python3
"""Validate marks.csv against the passages p01.md ... p15.md (standard library only).

Rules
- header must be exactly: passage,term,count,meaning,sector
- passage is p01..p15 and the file <passage>.md exists next to this script
- sector is one of the allowed values; term and meaning are non-empty
- no duplicate (passage, term) rows (terms are case-sensitive surface forms)
- count is a positive integer equal to the number of occurrences of the term
  in the passage, where an occurrence may not touch a letter or digit on
  either side and any whitespace inside the term matches any whitespace run
- every raw occurrence (substring, no boundary rule) of a marked form is
  either a counted occurrence or lies inside a counted occurrence of another
  marked form of the same passage
Exits 0 only if every check passes.
"""
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = ["passage", "term", "count", "meaning", "sector"]
SECTORS = {"children", "adults", "public_health", "nhs", "workforce", "finance",
           "local_government", "education", "housing", "justice", "cross_sector"}
PASSAGES = ["p%02d" % i for i in range(1, 16)]


def core(term):
    return r"\s+".join(re.escape(p) for p in term.split())


def bounded_spans(term, text):
    pat = re.compile(r"(?<![^\W_])" + core(term) + r"(?![^\W_])")
    return [m.span() for m in pat.finditer(text)]


def raw_spans(term, text):
    pat = re.compile("(?=(" + core(term) + "))")
    return [(m.start(1), m.end(1)) for m in pat.finditer(text)]


def count(term, text):
    return len(bounded_spans(term, text))


def main():
    errors = []
    path = os.path.join(HERE, "marks.csv")
    if not os.path.exists(path):
        print("marks.csv missing")
        return 1
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != HEADER:
        errors.append("bad header: %r" % (rows[0] if rows else None))
        rows = rows[:1]
    texts = {}
    for p in PASSAGES:
        fp = os.path.join(HERE, p + ".md")
        if os.path.exists(fp):
            with open(fp, encoding="utf-8") as f:
                texts[p] = f.read()
        else:
            errors.append("missing passage file %s.md" % p)
    seen = set()
    terms_by_p = {}
    for n, r in enumerate(rows[1:], start=2):
        if len(r) != 5:
            errors.append("line %d: expected 5 fields, got %d" % (n, len(r)))
            continue
        p, term, cnt, meaning, sector = r
        if p not in PASSAGES:
            errors.append("line %d: bad passage %r" % (n, p))
            continue
        if p not in texts:
            continue
        if not term.strip() or term != term.strip():
            errors.append("line %d: empty or padded term %r" % (n, term))
            continue
        if not meaning.strip():
            errors.append("line %d: empty meaning for %r" % (n, term))
        if sector not in SECTORS:
            errors.append("line %d: bad sector %r" % (n, sector))
        if (p, term) in seen:
            errors.append("line %d: duplicate row %s %r" % (n, p, term))
            continue
        seen.add((p, term))
        terms_by_p.setdefault(p, []).append(term)
        if not re.fullmatch(r"[1-9][0-9]*", cnt):
            errors.append("line %d: bad count %r" % (n, cnt))
            continue
        actual = count(term, texts[p])
        if actual != int(cnt):
            errors.append("line %d: %s %r count %s but found %d" % (n, p, term, cnt, actual))
    # every raw occurrence of a marked form is counted or inside another marked form
    for p, terms in terms_by_p.items():
        text = texts[p]
        spans = {t: bounded_spans(t, text) for t in terms}
        for t in terms:
            own = set(spans[t])
            for s, e in raw_spans(t, text):
                if (s, e) in own:
                    continue
                if any(S <= s and e <= E and (S, E) != (s, e)
                       for u in terms if u != t for (S, E) in spans[u]):
                    continue
                ctx = text[max(0, s - 25):e + 25].replace("\n", " ")
                errors.append("%s: unmarked raw occurrence of %r in ...%s..." % (p, t, ctx))
    for e in errors:
        print("FAIL:", e)
    if errors:
        print("%d error(s)" % len(errors))
        return 1
    print("OK: %d rows, %d passages, %d occurrences" % (
        len(rows) - 1, len(texts), sum(int(r[2]) for r in rows[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
