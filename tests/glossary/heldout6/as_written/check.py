#!/usr/bin/env python3
"""Validate marks.csv against the passages p01.md ... p15.md (standard library only).

Rules
  * header is exactly: passage,term,count,meaning,sector
  * passage names a file <passage>.md in this directory that exists
  * sector is one of the allowed values; meaning is non-empty
  * no duplicate (passage, term) rows; matching is case-sensitive
  * count == number of occurrences of term in the passage, where an occurrence
    may not touch a letter or digit on either side, and any whitespace inside
    the term matches any run of whitespace (so terms split over line breaks count)
  * every raw occurrence of a marked form (same matching, ignoring the
    letter/digit rule) is either a counted occurrence or lies inside a counted
    occurrence of another marked form of the same passage
  * every passage p01..p15 exists, has 350-550 words and at least one row
Exit status 0 only if all checks pass.
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


def term_regex(term):
    parts = term.split()
    return re.compile(r"\s+".join(re.escape(p) for p in parts))


def raw_spans(text, term):
    """All (possibly overlapping) raw occurrences of term."""
    rx = term_regex(term)
    spans, pos = [], 0
    while True:
        m = rx.search(text, pos)
        if not m:
            break
        spans.append((m.start(), m.end()))
        pos = m.start() + 1
    return spans


def bounded(text, s, e):
    before = text[s - 1] if s > 0 else ""
    after = text[e] if e < len(text) else ""
    return not (before.isalnum() or after.isalnum())


def main():
    errors = []
    path = os.path.join(HERE, "marks.csv")
    if not os.path.exists(path):
        print("FAIL: marks.csv missing")
        return 1
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if not rows or rows[0] != HEADER:
        errors.append("header must be exactly %s, got %r" % (",".join(HEADER), rows[0] if rows else None))
    texts, seen, by_passage = {}, set(), {}
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != 5:
            errors.append("line %d: expected 5 fields, got %d" % (n, len(row)))
            continue
        passage, term, count, meaning, sector = row
        if sector not in SECTORS:
            errors.append("line %d: bad sector %r" % (n, sector))
        if not meaning.strip():
            errors.append("line %d: empty meaning" % n)
        if not term or term != term.strip():
            errors.append("line %d: empty or padded term %r" % (n, term))
            continue
        fn = os.path.join(HERE, passage + ".md")
        if passage not in texts:
            if not os.path.exists(fn):
                errors.append("line %d: passage file %s.md does not exist" % (n, passage))
                continue
            with open(fn, encoding="utf-8") as fh:
                texts[passage] = fh.read()
        if (passage, term) in seen:
            errors.append("line %d: duplicate row %s / %r" % (n, passage, term))
            continue
        seen.add((passage, term))
        try:
            c = int(count)
        except ValueError:
            errors.append("line %d: count not an integer: %r" % (n, count))
            continue
        by_passage.setdefault(passage, []).append((n, term, c))

    for passage, items in by_passage.items():
        text = texts[passage]
        counted = {}
        raw = {}
        for n, term, c in items:
            spans = raw_spans(text, term)
            raw[term] = spans
            counted[term] = [sp for sp in spans if bounded(text, *sp)]
            if len(counted[term]) != c:
                errors.append("%s: %r count %d but found %d" % (passage, term, c, len(counted[term])))
            if c < 1:
                errors.append("%s: %r has count < 1" % (passage, term))
        for term, spans in raw.items():
            for s, e in spans:
                if bounded(text, s, e):
                    continue
                covered = any(t2 != term and s2 <= s and e <= e2
                              for t2, sp2 in counted.items() for s2, e2 in sp2)
                if not covered:
                    ctx = text[max(0, s - 20):e + 20].replace("\n", " ")
                    errors.append("%s: raw occurrence of %r not counted or covered: ...%s..." % (passage, term, ctx))

    for p in PASSAGES:
        fn = os.path.join(HERE, p + ".md")
        if not os.path.exists(fn):
            errors.append("passage %s.md missing" % p)
            continue
        with open(fn, encoding="utf-8") as fh:
            w = len(fh.read().split())
        if not 350 <= w <= 550:
            errors.append("%s.md has %d words (must be 350-550)" % (p, w))
        if p not in by_passage:
            errors.append("%s has no rows in marks.csv" % p)

    if errors:
        for e in errors:
            print("FAIL:", e)
        print("%d error(s)" % len(errors))
        return 1
    print("OK: %d rows, %d passages, %d occurrences" % (
        len(rows) - 1, len(by_passage), sum(c for v in by_passage.values() for _, _, c in v)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
