"""Benchmark: how far two independent markers of one corpus agree, and the explainer scored against each.

The held-out targets (recall 95%, precision 90%) are set against one writer's marks. A second marker,
who saw neither the glossary nor the first marks, marked the same passages under the same rules; their
agreement is the ceiling any explainer can be expected to reach against one marker. Both are scored by
span overlap, as `benchmarks/glossary.py --held-out` scores the explainer.

    python benchmarks/glossary_markers.py               # the ninth corpus and its second marking
    python benchmarks/glossary_markers.py --corpus 11   # the eleventh (blind) corpus and its second marking

Prints, per passage and in total: each marker's marks, the share of one marker's marks the other
also marked (both ways), and the explainer's recall and precision against the first marker, the
second, the marks both made (recall) and the marks either made (precision).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from joinedup.glossary import load_glossary  # noqa: E402
from joinedup.glossary.annotate import Annotator  # noqa: E402
from joinedup.glossary.heldout import HeldOutPassage, HeldOutScore, load_heldout, score_heldout  # noqa: E402

#: The corpora marked twice: corpus number -> (the first marker's spans, the second marker's spans).
MARKED_TWICE = {n: (ROOT / "tests" / "glossary" / f"heldout{n}" / "passages",
                    ROOT / "tests" / "glossary" / f"heldout{n}" / "second_marker" / "passages") for n in ("9", "11")}
FIRST, SECOND = MARKED_TWICE["9"]


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    readings: tuple[str, ...] = ()


def _as_finder(passages: list[HeldOutPassage]):
    """A finder that 'finds' a marker's own marks (by text, so each passage gets its own)."""
    by_text = {p.text: [_Span(m.start, m.end) for m in p.marks] for p in passages}
    return lambda text: by_text[text]


def _overlapping(a: HeldOutPassage, b: HeldOutPassage, keep: bool) -> HeldOutPassage:
    """a's marks that b also marked (keep) or that b did not (not keep)."""
    marks = tuple(m for m in a.marks if any(n.start < m.end and m.start < n.end for n in b.marks) == keep)
    return HeldOutPassage(a.name, a.text, marks)


def _union(a: HeldOutPassage, b: HeldOutPassage) -> HeldOutPassage:
    return HeldOutPassage(a.name, a.text, a.marks + _overlapping(b, a, keep=False).marks)


def agreement(first: list[HeldOutPassage], second: list[HeldOutPassage]) -> tuple[float, float, int]:
    """(share of the first's marks the second also made, the same the other way, marks made by both)."""
    one = sum(len(_overlapping(a, b, keep=True).marks) for a, b in zip(first, second))
    two = sum(len(_overlapping(b, a, keep=True).marks) for a, b in zip(first, second))
    return one / sum(len(p.marks) for p in first), two / sum(len(p.marks) for p in second), one


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def main(argv: list[str] | None = None) -> int:
    """Print the figures; 0 always (a measurement, not a target)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", choices=sorted(MARKED_TWICE, key=int), default="9",
                    help="Which corpus marked twice (its first and second markings).")
    ap.add_argument("--first", type=Path, default=None, help="The first marker's passages and spans (overrides --corpus).")
    ap.add_argument("--second", type=Path, default=None, help="The second marker's passages and spans (overrides --corpus).")
    args = ap.parse_args(argv)
    first_dir, second_dir = MARKED_TWICE[args.corpus]
    first, second = load_heldout(args.first or first_dir), load_heldout(args.second or second_dir)
    if [(p.name, p.text) for p in first] != [(p.name, p.text) for p in second]:
        print("the two markings are not of the same passages", file=sys.stderr)
        return 2
    glossary = load_glossary()
    explain = Annotator(glossary).annotate
    both = [_overlapping(a, b, keep=True) for a, b in zip(first, second)]
    either = [_union(a, b) for a, b in zip(first, second)]
    rows: list[tuple[str, ...]] = []
    totals: dict[str, HeldOutScore] = {}

    def run(key: str, passages: list[HeldOutPassage], finder) -> dict[str, HeldOutScore]:
        total, per = score_heldout(passages, finder, glossary)
        totals[key] = total
        return per

    agree_1 = run("second_on_first", first, _as_finder(second))  # recall: first's marks the second also made
    agree_2 = run("first_on_second", second, _as_finder(first))
    on_1, on_2 = run("explain_first", first, explain), run("explain_second", second, explain)
    on_both, on_either = run("explain_both", both, explain), run("explain_either", either, explain)
    header = ("passage", "marks 1", "marks 2", "1 also by 2", "2 also by 1", "explain vs 1 (R/P)",
              "explain vs 2 (R/P)", "explain: R on both / P on either")
    for p in first:
        n = p.name
        rows.append((n.removesuffix(".md"), str(on_1[n].marks), str(on_2[n].marks), _pct(agree_1[n].recall),
                     _pct(agree_2[n].recall), f"{_pct(on_1[n].recall)} / {_pct(on_1[n].precision)}",
                     f"{_pct(on_2[n].recall)} / {_pct(on_2[n].precision)}",
                     f"{_pct(on_both[n].recall)} / {_pct(on_either[n].precision)}"))
    t = totals
    rows.append(("total", str(t["explain_first"].marks), str(t["explain_second"].marks),
                 _pct(t["second_on_first"].recall), _pct(t["first_on_second"].recall),
                 f"{_pct(t['explain_first'].recall)} / {_pct(t['explain_first'].precision)}",
                 f"{_pct(t['explain_second'].recall)} / {_pct(t['explain_second'].precision)}",
                 f"{_pct(t['explain_both'].recall)} / {_pct(t['explain_either'].precision)}"))
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print(f"\nmarker agreement: {_pct(t['second_on_first'].recall)}% of the first marker's marks were also marked by "
          f"the second; {_pct(t['first_on_second'].recall)}% of the second's by the first "
          f"({t['explain_both'].marks} marks made by both)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
