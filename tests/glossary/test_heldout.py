"""The held-out corpus: its TSV marks load as written, scoring counts spans and meanings, and its first run stays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from joinedup.errors import UserError
from joinedup.glossary import load_glossary
from joinedup.glossary.annotate import Annotator
from joinedup.glossary.heldout import agrees, load_heldout, score_heldout

HERE = Path(__file__).parent / "heldout"
TEXT = "The CP\nplan and the DTOC figures; delayed discharges fell.\n"


def _write(folder: Path, rows: list[str]) -> None:
    (folder / "01-x.md").write_text(TEXT, encoding="utf-8")
    (folder / "01-x.terms.tsv").write_text("start\tend\tsurface\tmeaning\tsector\n" + "".join(rows), encoding="utf-8")


def test_marks_load_with_quoted_line_breaks_and_score(tmp_path):
    _write(tmp_path, ['4\t11\t"CP\nplan"\tchild protection plan\tcsc\n', "20\t24\tDTOC\tdelayed transfer of care\tnhs\n",
                      "34\t52\tdelayed discharges\tdelayed discharge from hospital\tnhs\n"])
    [p] = load_heldout(tmp_path)
    assert [m.surface for m in p.marks] == ["CP\nplan", "DTOC", "delayed discharges"]
    g = load_glossary()
    total, per = score_heldout([p], Annotator(g).annotate, g)
    assert total.marks == 3 and total.recall == 1.0 and total.precision == 1.0
    assert total.meaning_recall == 1.0 and per["01-x.md"].marks == 3


def test_a_wrong_reading_counts_by_span_not_by_meaning():
    g = load_glossary()
    assert agrees(g, "child_protection_plan", "child protection plan", "CP")
    assert not agrees(g, "cerebral_palsy", "child protection plan", "CP")
    assert agrees(g, "naloxone", "medicine that reverses opioid overdose", "naloxone")


def test_bad_marks_are_one_line_errors(tmp_path):
    _write(tmp_path, ["4\t6\tXX\tsomething\tcsc\n"])
    with pytest.raises(UserError, match=r"01-x.terms.tsv: row 2: field surface"):
        load_heldout(tmp_path)
    with pytest.raises(UserError, match="no held-out passages"):
        load_heldout(tmp_path / "nothing")


def test_the_corpus_and_its_first_run_are_kept():
    passages = load_heldout(HERE / "passages")
    assert len(passages) == 17 and sum(len(p.marks) for p in passages) == 553
    first = json.loads((HERE / "first_run.json").read_text())
    assert first["commit"] == "ea10fe5" and first["glossary_terms"] == 710
    assert (first["total"]["recall"], first["total"]["precision"]) == (0.7667, 0.7892)
    doc = (Path(__file__).parents[2] / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert "| **all 17** | 553 | **76.7%** | **78.9%** |" in doc


def test_the_third_corpus_loads_as_its_writer_counted_it():
    """Every mark the blind writer counted is a span in passages/ (to_spans.py checked each count)."""
    import csv
    third = Path(__file__).parent / "heldout3"
    passages = load_heldout(third / "passages")
    with open(third / "as_written" / "marks.csv", encoding="utf-8") as f:
        counted = sum(int(r["count"]) for r in csv.DictReader(f))
    assert len(passages) == 15 and sum(len(p.marks) for p in passages) == counted == 600


@pytest.mark.parametrize("folder, marks, commit, terms, figures", [
    ("heldout4", 877, "bd392e0", 1273, (0.8221, 0.8324)),
    ("heldout5", 814, "a5b06ad", 1335, (0.855, 0.8375)),
    ("heldout6", 1217, "b8e5c17", 1535, (0.7979, 0.9129)),
    ("heldout7", 604, "4037cc3", 1535, (0.8791, 0.8248)),
    ("heldout8", 805, "fc88b65", 1701, (0.8981, 0.8679)),
    ("heldout9", 1028, "a8c0833", 1701, (0.7782, 0.9046)),
    ("heldout10", 960, "d780db0", 1854, (0.7583, 0.8822)),
])
def test_a_blind_corpus_loads_as_its_writer_counted_it_and_its_first_run_stays(folder, marks, commit, terms, figures):
    """Every mark the blind writer counted is a span in passages/, and the first run is the one recorded before tuning."""
    import csv
    corpus = Path(__file__).parent / folder
    passages = load_heldout(corpus / "passages")
    with open(corpus / "as_written" / "marks.csv", encoding="utf-8") as f:
        counted = sum(int(r["count"]) for r in csv.DictReader(f))
    assert len(passages) == 15 and sum(len(p.marks) for p in passages) == counted == marks
    first = json.loads((corpus / "first_run.json").read_text())
    assert first["commit"] == commit and first["glossary_terms"] == terms
    assert (first["total"]["recall"], first["total"]["precision"]) == figures
