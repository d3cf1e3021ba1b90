#!/usr/bin/env python3
"""Build marks.csv from terms.txt (term | meaning | optional sector), computing
counts with the same matching rules as check.py. Standard library only."""
import csv, os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import raw_spans, bounded

HERE = os.path.dirname(os.path.abspath(__file__))
rows, problems = [], []
passage = default = None
for line in open(os.path.join(HERE, "terms.txt"), encoding="utf-8"):
    line = line.rstrip("\n")
    if not line.strip():
        continue
    if line.startswith("## "):
        passage, default = line[3:].split()
        text = open(os.path.join(HERE, passage + ".md"), encoding="utf-8").read()
        continue
    parts = [p.strip() for p in line.split(" | ")]
    term, meaning = parts[0], parts[1]
    sector = parts[2] if len(parts) > 2 else default
    n = sum(1 for s, e in raw_spans(text, term) if bounded(text, s, e))
    if n == 0:
        problems.append("%s: %r not found" % (passage, term))
        continue
    rows.append([passage, term, n, meaning, sector])
with open(os.path.join(HERE, "marks.csv"), "w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["passage", "term", "count", "meaning", "sector"])
    w.writerows(rows)
for p in problems:
    print("WARN", p)
from collections import Counter
print(Counter(r[0] for r in rows))
