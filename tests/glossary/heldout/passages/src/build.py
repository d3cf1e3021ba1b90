"""Build passage .md and .terms.tsv files from annotated sources.

Source markup: {surface|meaning|sector}. The surface may contain a line break.
Everything outside braces is copied verbatim.
"""
import csv, glob, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
SECTORS = {"nhs", "asc", "csc", "ph", "education", "workforce", "finance", "local_gov", "cross"}
PAT = re.compile(r"\{([^{}|]+)\|([^{}|]+)\|([^{}|]+)\}")

total = 0
for src in sorted(glob.glob(os.path.join(HERE, "*.src"))):
    name = os.path.basename(src)[:-4]
    raw = open(src, encoding="utf-8").read().strip("\n") + "\n"
    text, rows, pos = [], [], 0
    n = 0
    for m in PAT.finditer(raw):
        text.append(raw[pos:m.start()]); n += len(raw[pos:m.start()])
        surface, meaning, sector = m.group(1), m.group(2).strip(), m.group(3).strip()
        assert sector in SECTORS, (name, sector)
        rows.append((n, n + len(surface), surface, meaning, sector))
        text.append(surface); n += len(surface)
        pos = m.end()
    text.append(raw[pos:])
    text = "".join(text)
    assert "{" not in text and "}" not in text and "|" not in text, name
    with open(os.path.join(OUT, name + ".md"), "w", encoding="utf-8", newline="") as f:
        f.write(text)
    with open(os.path.join(OUT, name + ".terms.tsv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(["start", "end", "surface", "meaning", "sector"])
        for r in rows:
            w.writerow(r)
    words = len(text.split())
    total += len(rows)
    print(f"{name}\twords={words}\tterms={len(rows)}")
print("total terms", total)

ALL = set()
for t in glob.glob(os.path.join(OUT, "*.terms.tsv")):
    with open(t, encoding="utf-8", newline="") as f:
        ALL |= {r["surface"] for r in csv.DictReader(f, delimiter="\t")}
# consistency warnings: marked surfaces that also occur unmarked in the same passage
for md in sorted(glob.glob(os.path.join(OUT, "*.md"))):
    if md.endswith("README.md"):
        continue
    text = open(md, encoding="utf-8").read()
    with open(md[:-3] + ".terms.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    covered = [False] * len(text)
    for r in rows:
        for i in range(int(r["start"]), int(r["end"])):
            covered[i] = True
    for s in sorted(ALL):
        for m in re.finditer(r"(?<![A-Za-z])" + re.escape(s) + r"(?![A-Za-z])", text):
            if not any(covered[m.start():m.end()]):
                print("  UNMARKED", os.path.basename(md), repr(s), m.start())
