"""Abbreviations a paper defines itself ('Full Name (ABBR)'), which the glossary does not list: explained as the paper
defines them, under the glossary term of their head where one ends the long form."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from joinedup.glossary import load_glossary
from joinedup.glossary.annotate import PAPER_PREFIX, Annotator, normalise
from joinedup.glossary.defined import long_form_before, paper_definitions, spells_out
from joinedup.glossary.render import explain_report, render_report

G = load_glossary()
A = Annotator(G)


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.term_id, m.defined_as) for m in A.annotate(text)]


def test_a_local_body_is_read_as_the_glossary_term_of_its_head():
    text = ("The Marlbridge Safeguarding Children Partnership (MSCP) agreed the plan.\n\n"
            "The MSCP will report in March.")
    long = "Marlbridge Safeguarding Children Partnership"
    head = A._named[normalise("safeguarding children partnership")]
    assert len(head) == 1
    (tid,) = head
    assert _found(text) == [(long, tid, long), ("MSCP", tid, long), ("MSCP", tid, long)]


def test_an_abbreviation_without_a_glossary_head_is_explained_as_the_paper_defines_it():
    text = "Staff completed the Home Oxygen Order\nForm (HOOF). HOOF returns fell; more HOOFs came."
    found = _found(text)
    assert [f[0] for f in found] == ["Home Oxygen Order\nForm", "HOOF", "HOOF", "HOOFs"]
    assert {f[1] for f in found} == {PAPER_PREFIX + "HOOF"}
    assert {f[2] for f in found} == {"Home Oxygen Order Form"}


def test_the_abbreviation_first_and_the_long_form_in_brackets():
    text = "QFRT (Quarry Fields Reablement Tracker) went live. QFRT audits follow."
    assert [(t, d) for t, _, d in _found(text) if t == "QFRT"] == [("QFRT", "Quarry Fields Reablement Tracker")] * 2


@pytest.mark.parametrize("text", [
    "Figures for the period (Q3) rose.",  # not an abbreviation of the words before it
    "The trust (see above) agreed.",
    "Waiting times improved (ABC) in the quarter.",  # the letters are not the words before the bracket
    "It was late. Annual Budget Cycle. (ABC) follows.",  # a full stop stands between: not one name
])
def test_brackets_that_define_nothing_are_left_alone(text):
    assert not any(m.term_id.startswith(PAPER_PREFIX) for m in A.annotate(text))


def test_an_abbreviation_the_glossary_lists_keeps_its_glossary_reading():
    text = "The Care Quality Commission (CQC) inspected the service; CQC rated it good."
    assert all(not m.defined_as for m in A.annotate(text))


def test_every_output_format_explains_a_paper_defined_term():
    text = ("The Marlbridge Safeguarding Children Partnership (MSCP) met. Staff sent the Home Oxygen Order Form "
            "(HOOF) to suppliers; HOOF returns were late.")
    for sector in (None, "nhs"):
        matches = A.annotate(text)
        report = explain_report("p.md", matches, G, sector)
        entry = next(e for e in report["terms"] if e["readings"][0]["id"] == PAPER_PREFIX + "HOOF")
        assert entry["defined_as"] == "Home Oxygen Order Form" and len(entry["where"]) == 3
        assert "Home Oxygen Order Form" in render_report(report, "text", text)
        assert "Home Oxygen Order Form" in render_report(report, "markdown", text)
        html = render_report(report, "html", text)
        assert html.count('id="term-') == len(report["terms"])  # one anchor per entry, all distinct
        assert len(set(re.findall(r'id="(term-[^"]+)"', html))) == len(report["terms"])
        assert json.loads(render_report(report, "json", text))["matches"][0]["defined_as"]
    from joinedup import glossary
    assert "HOOF" in glossary.explain(text, for_sector="nhs", fmt="text")


def test_glossary_labels_and_suggestions_are_unchanged():
    """Labels (plain=True) and `suggest` read only the glossary: a paper's own abbreviation stays a suggestion."""
    text = "The Kestrelford Carers Hub (KCH) opened; KCH saw 40 carers."
    assert not any(m.defined_as for m in A.annotate(text, plain=True))
    from joinedup.glossary.suggest import suggest
    assert "KCH" in [s.text for s in suggest(text, A, 1)]


WORD = st.text(alphabet="abcdefghijklmnoprstuvwy", min_size=3, max_size=9)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=2, max_size=6), st.booleans(), st.sampled_from(["", "The ", "We asked the "]))
def test_any_name_spells_out_its_initials_and_is_found_whole(words, capital, before):
    """Any run of words, capitalised or not, is found as the long form of its initials set in brackets after it."""
    words = [w.capitalize() if capital else w for w in words]
    abbr = "".join(w[0] for w in words).upper()
    assert spells_out(abbr, words)
    name = " ".join(words)
    text = f"{before}{name} ({abbr}) rose."
    span = long_form_before(text, text.index(" ("), abbr)
    assert span is not None and text[span[0]:span[1]] == name, (text, span)
    (d,) = paper_definitions(text)
    assert (d.abbreviation, d.long_form) == (abbr, name)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=2, max_size=5), st.text(alphabet="ABCDEFGHKMNPRSTVWXZ", min_size=2, max_size=5))
def test_letters_that_are_not_in_the_words_never_spell_them_out(words, abbr):
    """An abbreviation with a letter the words lack is not their long form, nor that of any run of them."""
    letters = set("".join(words))
    assume(any(c.lower() not in letters for c in abbr))
    assert not spells_out(abbr, words)
    text = " ".join(words) + f" ({abbr}) rose."
    assert paper_definitions(text) == []


def test_a_plain_head_still_explains_the_abbreviation():
    """'Rosewood Care Home (RCH)': the abbreviation is jargon though `care home` is plain, so RCH is read as a care home
    (as the paper defines it); the head's own plain name alone would not be shown."""
    text = "Residents of Rosewood Care Home (RCH) moved. RCH closed in May."
    found = [(m.text, m.term_id, m.defined_as) for m in A.annotate(text)]
    assert ("RCH", "care_home", "Rosewood Care Home") in found
    assert not any(m.term_id == "care_home" for m in A.annotate("Residents of the care home moved."))
