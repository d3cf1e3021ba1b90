"""Turn the second marking of the eleventh corpus (marks.csv, passages p01..p15) into spans in ../passages/.

The passages are the eleventh corpus's own texts (../../as_written/NN-slug.md, named as its RENAMED.txt
says); the marks are split by passage and found with the conversion of the second to eleventh corpora.
"""

import csv
import pathlib
import runpy
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "as_written"

if __name__ == "__main__":
    renamed = dict(line.split(" -> ") for line in (CORPUS / "RENAMED.txt").read_text().splitlines() if " -> " in line)
    with open(HERE / "marks.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    to_spans = runpy.run_path(str(HERE.parents[2] / "heldout2" / "as_written" / "to_spans.py"))["main"]
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp)
        for p, slug in renamed.items():
            (src / f"{slug}.md").write_text((CORPUS / f"{slug}.md").read_text(encoding="utf-8"), encoding="utf-8")
            with open(src / f"{slug}.terms.tsv", "w", encoding="utf-8", newline="") as out:
                w = csv.writer(out, delimiter="\t", lineterminator="\n")
                w.writerow(["term", "count", "meaning", "sector"])
                w.writerows([r["term"], r["count"], r["meaning"], r["sector"]] for r in rows if r["passage"] == p)
        raise SystemExit(to_spans(src, HERE.parent / "passages"))
