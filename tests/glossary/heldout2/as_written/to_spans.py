"""Turn the corpus as written (term and count per passage) into spans (start, end) in ../passages/.

Each marked term is found by its words (any whitespace between them, so a term wrapped across a line
matches) at word boundaries; the number found must equal the count the writer gave, else it is printed.
"""

import csv
import pathlib
import re

SRC = pathlib.Path(__file__).resolve().parent
DST = SRC.parent / "passages"


def main(src: pathlib.Path = SRC, dst: pathlib.Path = DST) -> int:
    """Write the span files; print every count that does not agree and every overlap; 1 if any count is off."""
    bad = total = 0
    for md in sorted(src.glob("[0-9]*.md")):
        text = md.read_text(encoding="utf-8")
        with open(md.with_name(md.name[:-3] + ".terms.tsv"), encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        marks = []
        for r in rows:
            term = r["term"]
            pattern = r"\s+".join(re.escape(w) for w in term.split())
            pre = r"(?<![A-Za-z0-9_])" if re.match(r"\w", term) else ""
            post = r"(?![A-Za-z0-9_])" if re.search(r"\w$", term) else ""
            found = [(m.start(), m.end()) for m in re.finditer(pre + pattern + post, text)]
            if len(found) != int(r["count"]):
                bad += 1
                print(md.name, repr(term), r["count"], len(found))
            marks.extend((a, b, text[a:b], r["meaning"], r["sector"]) for a, b in found)
        marks.sort()
        for x, y in zip(marks, marks[1:]):
            if y[0] < x[1]:
                print("overlap", md.name, x[2], y[2])
        total += len(marks)
        (dst / md.name).write_text(text, encoding="utf-8")
        with open(dst / (md.name[:-3] + ".terms.tsv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter="\t", lineterminator="\n")
            w.writerow(["start", "end", "surface", "meaning", "sector"])
            w.writerows(marks)
    print("counts off", bad, "marks", total)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
