"""The everyday-words rule: a lower-case name made only of common English words is not shown in a paper's prose
unless the paper makes it a term (defines it, spells out or uses its acronym, writes it as a proper name)."""

from __future__ import annotations

from joinedup.glossary import load_glossary
from joinedup.glossary.annotate import COMMON_ZIPF, Annotator, _zipf

G = load_glossary()
A = Annotator(G)

PROSE = ("Demand for home care rose again in the second quarter: the council now buys 12,400 hours a week from 41 "
         "providers, and a third of the people leaving hospital with a package of end of life care waited more than "
         "a day for it to start.")


def _ids(text: str, annotator: Annotator = A, plain: bool = False) -> list[str]:
    return [m.term_id for m in annotator.annotate(text, plain=plain)]


def test_the_names_tested_are_everyday_words():
    """The names below are ones the rule weighs: every word at least as common as the shipped threshold."""
    assert COMMON_ZIPF is not None
    for name in ("home care", "end of life care"):
        assert min(_zipf(w) for w in name.split()) >= COMMON_ZIPF, name


def test_an_everyday_phrase_is_not_highlighted_in_prose():
    assert "home_care" not in _ids(PROSE) and "end_of_life_care" not in _ids(PROSE)
    # The glossary still knows both: labels and search (plain=True) find them, and so does the rule switched off.
    assert {"home_care", "end_of_life_care"} <= set(_ids(PROSE, plain=True))
    off = Annotator(G, common_zipf=None)
    assert {"home_care", "end_of_life_care"} <= set(_ids(PROSE, off))


def test_it_is_highlighted_where_the_paper_makes_it_a_term():
    defined = PROSE + ' The service the council calls "home care" is personal care bought by the hour.'
    assert _ids(defined).count("home_care") == 2
    spelled = PROSE.replace("end of life care", "end of life care (EoLC)")
    assert "end_of_life_care" in _ids(spelled)
    capitalised = PROSE + " The End of Life Care Strategy for 2025-2030 was agreed in March."
    assert _ids(capitalised).count("end_of_life_care") == 2


def test_an_acronym_is_unaffected():
    text = "Of the 212 deaths in the quarter, 64% had an EoLC plan recorded before they died."
    assert _ids(text) == ["end_of_life_care"]


def test_a_rarer_lower_case_name_is_still_highlighted():
    text = "Reablement and discharge to assess both grew; intermediate care beds were full through December."
    ids = _ids(text)
    assert "reablement" in ids and "discharge_to_assess" in ids


def test_a_quoted_bold_or_named_phrase_is_a_term():
    base = "Demand for home care rose again in the second quarter."
    for defined in ('The council calls it "home care".', "We call this **home care** in our plans.",
                    "Personal care at home, known as home care, is bought by the hour."):
        assert _ids(base + " " + defined).count("home_care") == 2, defined


def test_the_shipped_thresholds_are_the_ones_leave_one_out_chooses():
    """The rule's thresholds are the benchmark's choice on every tuning corpus, not set by hand."""
    import importlib.util
    import sys
    from pathlib import Path
    from joinedup.glossary.annotate import COMMON_ZIPF_SINGLE
    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("bench_glossary_loo", root / "benchmarks" / "glossary.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    assert bench.choose_on_all(bench.tuning_tallies(G)) == (COMMON_ZIPF, COMMON_ZIPF_SINGLE)
