"""The suggest route measured on development corpora: how many of `glossary suggest`'s candidates are real gaps.

A candidate is *marked* when the corpus's writer marked one of its occurrences, and a *real gap* when one of
those marks is a miss of the explainer (no match overlaps it): a term the writer wanted explained and the
glossary did not know. `misses covered` counts the explainer's misses that some candidate overlaps.

    python benchmarks/glossary_suggest.py heldout4 heldout5 heldout6            # today's glossary
    python benchmarks/glossary_suggest.py heldout6 --min-count 1
    # with the glossary (and code) of a corpus's first run, so the corpus is as new to it as a council's next paper:
    git worktree add /tmp/at-bd392e0 bd392e0
    PYTHONPATH=/tmp/at-bd392e0 python benchmarks/glossary_suggest.py heldout4 --corpora-root tests/glossary

Only development corpora may be named (benchmarks/glossary.py's DEVELOPMENT): the blind ones stay unread.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# joinedup first, from PYTHONPATH when set (another commit's code and glossary), before the benchmark's module
# below puts this checkout on the path
from joinedup.glossary import load_glossary
from joinedup.glossary.annotate import Annotator
from joinedup.glossary.heldout import load_heldout
from joinedup.glossary.suggest import suggest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from glossary import DEVELOPMENT  # noqa: E402  (the benchmark's own list of development corpora)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def measure(passages_dir: Path, annotator: Annotator, min_count: int) -> dict[str, int]:
    """Counts for one corpus: candidates, marked, real gaps, misses, misses covered."""
    out = dict(candidates=0, marked=0, gaps=0, misses=0, covered=0)
    for p in load_heldout(passages_dir):
        found = [(m.start, m.end) for m in annotator.annotate(p.text)]
        marks = [(m.start, m.end) for m in p.marks]
        missed = [m for m in marks if not any(_overlaps(m, f) for f in found)]
        covered: set[tuple[int, int]] = set()
        for s in suggest(p.text, annotator, min_count=min_count):
            pattern = re.compile(r"(?<![A-Za-z0-9])" + re.escape(s.text) + r"(?:s|'s)?(?![A-Za-z0-9])")
            spans = [(m.start(), m.end()) for m in pattern.finditer(p.text)]
            gaps = [m for m in missed if any(_overlaps(m, sp) for sp in spans)]
            out["candidates"] += 1
            out["marked"] += any(_overlaps(m, sp) for sp in spans for m in marks)
            out["gaps"] += bool(gaps)
            covered.update(gaps)
        out["misses"] += len(missed)
        out["covered"] += len(covered)
    return out


def main() -> None:
    """Print one row per corpus and the pooled row."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="+", help="development corpus folders under tests/glossary (heldout4 ...)")
    ap.add_argument("--min-count", type=int, default=2, help="suggest's --min-count (default 2, as the command's)")
    ap.add_argument("--corpora-root", type=Path, default=ROOT / "tests" / "glossary")
    args = ap.parse_args()
    blind = [c for c in args.corpora if c not in DEVELOPMENT]
    if blind:
        raise SystemExit(f"error: {', '.join(blind)} not a development corpus: the blind corpora are not read here")
    annotator = Annotator(load_glossary())
    print(f"joinedup from {Path(sys.modules['joinedup'].__file__).parent}; --min-count {args.min_count}")
    print("| corpus | candidates | marked by the writer | real gaps | misses the candidates cover |")
    print("|---|---|---|---|---|")
    pooled = dict(candidates=0, marked=0, gaps=0, misses=0, covered=0)
    for name in args.corpora:
        row = measure(args.corpora_root / name / "passages", annotator, args.min_count)
        pooled = {k: pooled[k] + row[k] for k in pooled}
        _print(name, row)
    if len(args.corpora) > 1:
        _print("pooled", pooled)


def _print(name: str, r: dict[str, int]) -> None:
    share = f"{r['gaps'] / r['candidates']:.0%}" if r["candidates"] else "-"
    cover = f"{r['covered'] / r['misses']:.0%}" if r["misses"] else "-"
    print(f"| {name} | {r['candidates']} | {r['marked']} | {r['gaps']} ({share}) | {r['covered']} of {r['misses']} ({cover}) |")


if __name__ == "__main__":
    main()
