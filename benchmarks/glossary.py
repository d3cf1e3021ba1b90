"""Benchmark: recall and precision of `joinedup explain` on the hand-annotated corpus, beside a naive peer.

The peer is what a plain find-and-replace would do: each term's name and acronyms, matched exactly as
the glossary writes them (case-sensitive, no variants, plurals or context). Exits 1 if the explainer is
under target (recall 95%, precision 90%).

    python benchmarks/glossary.py [--corpus DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from joinedup.glossary import load_glossary  # noqa: E402
from joinedup.glossary.annotate import Annotator  # noqa: E402
from joinedup.glossary.evaluate import load_corpus, score  # noqa: E402

RECALL_TARGET, PRECISION_TARGET = 0.95, 0.90
CORPUS = ROOT / "tests" / "glossary" / "corpus"


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    readings: tuple[str, ...]


def naive_finder(glossary) -> Callable[[str], list[_Found]]:
    """The peer: exact, case-sensitive names and acronyms, longest first, no context."""
    names = {}
    for t in glossary:
        for n in (t.term, *t.acronyms):
            names.setdefault(n, t.id)
    pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                         + r")(?![A-Za-z0-9])")
    return lambda text: [_Found(m.start(), m.end(), (names[m.group(0)],)) for m in pattern.finditer(text)]


def main(argv: list[str] | None = None) -> int:
    """Print the figures; 0 if on target, 1 if not."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--verbose", action="store_true", help="List every miss and false find.")
    args = ap.parse_args(argv)
    g = load_glossary()
    passages = load_corpus(args.corpus)
    annotator = Annotator(g)
    t0 = time.perf_counter()
    ours = score(passages, annotator.annotate, known=set(g.terms))
    elapsed = time.perf_counter() - t0
    peer = score(passages, naive_finder(g))
    words = sum(len(p.text.split()) for p in passages)
    print(f"corpus: {len(passages)} passages, {words} words, {ours.gold} hand-marked terms; glossary {len(g)} terms")
    print(f"{'':24}{'recall':>8}{'precision':>11}{'found':>7}")
    print(f"{'joinedup explain':24}{ours.recall:8.1%}{ours.precision:11.1%}{ours.found:7d}"
          f"   ({ours.unresolved} right answers kept with other readings)")
    print(f"{'peer: exact names':24}{peer.recall:8.1%}{peer.precision:11.1%}{peer.found:7d}")
    if peer.recall:
        print(f"recall ratio (joinedup / peer): {ours.recall / peer.recall:.2f}x")
    print(f"time: {elapsed * 1000 / len(passages):.1f} ms a passage (2 shared cores; pessimistic)")
    long_paper = "\n\n".join(p.text for p in passages) * 5
    t0 = time.perf_counter()
    annotator.annotate(long_paper)
    ours_wps = len(long_paper.split()) / (time.perf_counter() - t0)
    naive = naive_finder(g)
    t0 = time.perf_counter()
    naive(long_paper)
    peer_wps = len(long_paper.split()) / (time.perf_counter() - t0)
    print(f"long paper ({len(long_paper.split())} words): {ours_wps:,.0f} words/s; peer {peer_wps:,.0f} words/s "
          f"(joinedup / peer {ours_wps / peer_wps:.2f}x)")
    shown = ours.misses if args.verbose else ours.misses[:15]
    for name, text, tid in shown:
        print(f"  missed  {name}: {text!r} ({tid})")
    for name, text, tid in (ours.false if args.verbose else ours.false[:15]):
        print(f"  false   {name}: {text!r} ({tid})")
    ok = ours.recall >= RECALL_TARGET and ours.precision >= PRECISION_TARGET
    print(("PASS" if ok else "FAIL") + f": targets recall >= {RECALL_TARGET:.0%}, precision >= {PRECISION_TARGET:.0%}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
