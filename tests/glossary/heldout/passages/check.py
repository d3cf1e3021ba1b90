#!/usr/bin/env python3
"""Verify the held-out corpus annotations.

For every NN-slug.md there must be NN-slug.terms.tsv (tab-separated, header
start/end/surface/meaning/sector, read with the csv module: a surface that
spans a line break is double-quoted). Checks: surface == text[start:end],
0 <= start < end <= len(text), spans sorted and non-overlapping, known sector,
non-empty meaning, passage length 250-450 words.
"""
import csv, glob, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SECTORS = {"nhs", "asc", "csc", "ph", "education", "workforce", "finance", "local_gov", "cross"}
errors, total, n_passages = [], 0, 0

for md in sorted(glob.glob(os.path.join(HERE, "[0-9][0-9]-*.md"))):
    name = os.path.basename(md)
    n_passages += 1
    text = open(md, encoding="utf-8").read()
    tsv = md[:-3] + ".terms.tsv"
    if not os.path.exists(tsv):
        errors.append(f"{name}: missing annotation file"); continue
    with open(tsv, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        if reader.fieldnames != ["start", "end", "surface", "meaning", "sector"]:
            errors.append(f"{name}: bad header {reader.fieldnames}")
        rows = list(reader)
    words = len(text.split())
    if not 250 <= words <= 450:
        errors.append(f"{name}: {words} words (want 250-450)")
    if re.search(r"[{}|]", text):
        errors.append(f"{name}: markup characters left in text")
    spans = []
    for i, r in enumerate(rows, 2):
        try:
            s, e = int(r["start"]), int(r["end"])
        except (TypeError, ValueError):
            errors.append(f"{name} row {i}: bad offsets"); continue
        if not (0 <= s < e <= len(text)):
            errors.append(f"{name} row {i}: offsets out of range {s}-{e}")
        if text[s:e] != r["surface"]:
            errors.append(f"{name} row {i}: surface {r['surface']!r} != text {text[s:e]!r}")
        if r["sector"] not in SECTORS:
            errors.append(f"{name} row {i}: unknown sector {r['sector']!r}")
        if not (r["meaning"] or "").strip():
            errors.append(f"{name} row {i}: empty meaning")
        spans.append((s, e, i))
    spans.sort()
    for (s1, e1, i1), (s2, e2, i2) in zip(spans, spans[1:]):
        if s2 < e1:
            errors.append(f"{name}: rows {i1} and {i2} overlap ({s1}-{e1}, {s2}-{e2})")
    total += len(rows)
    print(f"{name}\t{words} words\t{len(rows)} spans")

print(f"{n_passages} passages, {total} marked occurrences")
if errors:
    print("\n".join(errors))
    print(f"FAILED: {len(errors)} error(s)")
    sys.exit(1)
print("OK: all spans match their text and none overlap")
