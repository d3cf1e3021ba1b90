#!/usr/bin/env python3
"""Check marks.csv against passages p01.md ... p15.md.

For each row: the term must occur exactly `count` times in its passage as a
whole-word, case-sensitive match.  Spaces inside a term match any whitespace
run (so a term split across a single line break still matches).  Word
boundaries are (?<!\\w) / (?!\\w) so terms that begin or end with punctuation
(e.g. "s.47", "B&B", "C(E)TR") work.

Also reports:
  * duplicate rows;
  * case variants of a marked term that occur in the passage but are not
    themselves marked (e.g. "Self-neglect" when only "self-neglect" is marked);
  * (info) marked terms nested inside longer marked terms;
  * (info) capitalised acronyms in a passage that no mark covers.
Exit status is 1 if there are count mismatches, bad rows or unmarked variants.
"""
import csv, os, re, sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SECTORS = {"children", "adults", "public_health", "nhs", "workforce", "finance",
           "local_government", "education", "housing", "justice", "cross_sector"}


# (passage, surface) pairs that are ordinary English, not the marked term
ORDINARY = {
    ("p09", "prevent"),   # verb "to prevent"; the marked term is the Prevent programme
}


def pattern(term, flags=0):
    parts = [re.escape(p) for p in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", flags)


def main():
    path = os.path.join(HERE, "marks.csv")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    problems = 0
    if header != ["passage", "term", "count", "meaning", "sector"]:
        print("BAD HEADER", header); problems += 1
    texts = {}
    by_passage = defaultdict(list)
    seen = set()
    total_occ = 0
    for i, row in enumerate(rows, start=2):
        if len(row) != 5:
            print(f"line {i}: wrong number of fields: {row}"); problems += 1; continue
        p, term, count, meaning, sector = row
        if (p, term) in seen:
            print(f"line {i}: duplicate row {p} {term!r}"); problems += 1
        seen.add((p, term))
        if sector not in SECTORS:
            print(f"line {i}: bad sector {sector!r}"); problems += 1
        if not meaning.strip():
            print(f"line {i}: empty meaning"); problems += 1
        if p not in texts:
            fp = os.path.join(HERE, p + ".md")
            if not os.path.exists(fp):
                print(f"line {i}: no passage file {fp}"); problems += 1; continue
            texts[p] = open(fp, encoding="utf-8").read()
        spans = [m.span() for m in pattern(term).finditer(texts[p])]
        try:
            want = int(count)
        except ValueError:
            print(f"line {i}: bad count {count!r}"); problems += 1; continue
        if len(spans) != want:
            print(f"MISMATCH {p} {term!r}: marked {want}, found {len(spans)}"); problems += 1
        total_occ += want
        by_passage[p].append((term, spans))

    # case variants left unmarked (ignoring occurrences inside another marked
    # term and deliberate ordinary-English uses listed in ORDINARY)
    for p, items in sorted(by_passage.items()):
        marked = {t for t, _ in items}
        covered = [s for _, spans in items for s in spans]
        lower_groups = defaultdict(set)
        for t in marked:
            lower_groups[t.lower()].add(t)
        for low, forms in lower_groups.items():
            for m in pattern(low, re.IGNORECASE).finditer(texts[p]):
                surface = " ".join(m.group(0).split())
                if surface in marked or (p, surface) in ORDINARY:
                    continue
                if any(a <= m.start() and m.end() <= b and (a, b) != m.span() for a, b in covered):
                    continue
                if surface not in marked:
                    print(f"UNMARKED VARIANT {p}: {surface!r} (marked forms: {sorted(forms)})")
                    problems += 1

    # info: nesting and uncovered acronyms
    info = []
    acr = re.compile(r"(?<!\w)[A-Z][A-Za-z0-9&.\-()]*[A-Z0-9](?!\w)")
    for p, items in sorted(by_passage.items()):
        allspans = [(s, t) for t, spans in items for s in spans]
        for (a, b), t in allspans:
            for (c, d), u in allspans:
                if u != t and c <= a and b <= d and (c, d) != (a, b):
                    info.append(f"nested {p}: {t!r} inside {u!r}")
        covered = [s for s, _ in allspans]
        for m in acr.finditer(texts[p]):
            tok = m.group(0)
            if sum(1 for ch in tok if ch.isupper()) < 2:
                continue
            if any(a <= m.start() and m.end() <= b for a, b in covered):
                continue
            info.append(f"uncovered capitals {p}: {tok!r}")
    for line in sorted(set(info)):
        print("info:", line)

    npass = len(by_passage)
    print(f"{npass} passages, {len(rows)} rows, {total_occ} marked occurrences")
    if problems:
        print(f"FAIL: {problems} problem(s)")
        return 1
    print("OK: all counts match, no unmarked variants")
    return 0


if __name__ == "__main__":
    sys.exit(main())
