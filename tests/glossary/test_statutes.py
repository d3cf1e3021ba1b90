"""Titles of laws a paper names that the glossary does not list ('the Leasehold and Freehold Reform Act 2024'):
explained as that kind of law, the title kept as `defined_as`; laws the glossary names keep their own terms."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.glossary import load_glossary
from joinedup.glossary.annotate import Annotator
from joinedup.glossary.render import explain_report, render_report
from joinedup.glossary.statutes import statute_titles

G = load_glossary()
A = Annotator(G)


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.term_id, m.defined_as) for m in A.annotate(text)]


def _titles(text: str) -> list[tuple[str, str, str]]:
    return [(s.title, s.kind, s.year) for s in statute_titles(text)]


def test_titles_start_after_the_words_a_sentence_opens_with():
    text = ("Under the Leasehold and Freehold Reform Act 2024 and section 5 of the Equality Act 2010, the Police, "
            "Crime, Sentencing and\nCourts Act 2022 applies. In 2023, the Care Act 2014 did too.")
    assert _titles(text) == [("Leasehold and Freehold Reform Act 2024", "Act", "2024"),
                             ("Equality Act 2010", "Act", "2010"),
                             ("Police, Crime, Sentencing and Courts Act 2022", "Act", "2022"),
                             ("Care Act 2014", "Act", "2014")]


def test_regulations_named_after_their_act_are_one_title():
    text = "Regulation 20 of the Health and Social Care Act 2008 (Regulated Activities) Regulations 2014 applies."
    assert _titles(text) == [("Health and Social Care Act 2008 (Regulated Activities) Regulations 2014",
                              "Regulations", "2014")]


def test_a_list_before_a_title_is_not_part_of_it():
    text = "Contracts for SMEs and VCSEs, the Public Services (Social Value) Act 2012 and the Representation of " \
           "the People Act 1983 apply."
    assert [t[0] for t in _titles(text)] == ["Public Services (Social Value) Act 2012",
                                            "Representation of the People Act 1983"]


def test_bills_need_two_words_and_acts_need_a_year():
    text = "The Bill passed. The Finance Bill is due. The Terminally Ill Adults (End of Life) Bill is in the Lords. " \
           "The Act came into force; the Housing Act was amended."
    assert _titles(text) == [("Terminally Ill Adults (End of Life) Bill", "Bill", "")]


def test_a_law_the_glossary_lacks_is_explained_as_its_kind():
    text = "The Leasehold and Freehold Reform Act 2024 and the Terminally Ill Adults (End of Life) Bill."
    assert _found(text) == [
        ("Leasehold and Freehold Reform Act 2024", "act_of_parliament", "Leasehold and Freehold Reform Act 2024"),
        ("Terminally Ill Adults (End of Life) Bill", "parliamentary_bill", "Terminally Ill Adults (End of Life) Bill")]


def test_a_law_the_glossary_names_keeps_its_term():
    found = _found("The Care Act 2014 and the Mental Health Act 1983 apply.")
    assert [(f[1], f[2]) for f in found] == [("care_act_2014", ""), ("mental_health_act", "")]


def test_another_law_of_the_same_name_is_not_read_as_the_glossary_one():
    # The glossary's 'Health and Social Care Act' is the 2012 Act; 2008's is CQC's own Act (a term of its own), and
    # an Act of another year that the glossary lacks is read as an Act.
    found = _found("Since the Health and Social Care Act 2001, councils have had duties.")
    assert found == [("Health and Social Care Act 2001", "act_of_parliament", "Health and Social Care Act 2001")]
    assert _found("The Health and Social Care Act 2008 set up CQC.")[0][1] == "health_and_social_care_act_2008"


def test_glossary_names_inside_a_title_are_kept():
    # Writers mark 'Provider Selection Regime' inside its regulations' title: the glossary term stays.
    text = "The Health Care Services (Provider Selection Regime) Regulations 2023 apply."
    assert "procurement" in {f[1] for f in _found(text)}
    assert "statutory_instrument" not in {f[1] for f in _found(text)}


def test_every_output_format_names_the_law():
    text = "The Leasehold and Freehold Reform Act 2024 changes ground rents."
    report = explain_report("paper.md", A.annotate(text), G)
    (entry,) = [e for e in report["terms"] if e.get("defined_as")]
    assert entry["defined_as"] == "Leasehold and Freehold Reform Act 2024"
    assert entry["readings"][0]["label"].startswith("Leasehold and Freehold Reform Act 2024 (see Act of Parliament")
    for fmt in ("text", "markdown", "html"):
        assert "Leasehold and Freehold Reform Act 2024" in render_report(report, fmt, text)
    assert json.loads(render_report(report, "json", text))["terms"]


def test_labels_are_unchanged():
    text = "The Leasehold and Freehold Reform Act 2024 applies."
    assert all(m.term_id != "act_of_parliament" for m in A.annotate(text, plain=True))


CAP_WORD = st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True).filter(
    lambda w: w.lower() not in {"the", "under", "section", "part", "schedule", "regulation", "act", "bill", "order",
                                "rules", "regulations", "this", "that", "these", "those", "and", "but", "when", "where",
                                "while", "with", "from", "since", "following", "through", "see", "per", "also", "new",
                                "both", "each", "our", "its", "their", "some", "any", "all", "for", "has", "have",
                                "had", "was", "were", "are", "they", "she"})


@settings(max_examples=150, deadline=None)
@given(st.lists(CAP_WORD, min_size=1, max_size=5), st.sampled_from(["Act", "Regulations", "Order"]),
       st.integers(1900, 2029), st.sampled_from(["", "Under the ", "Section 5 of the ", "In 2020, the ", "We used the "]))
def test_any_title_is_found_whole_after_any_opening(words, kind, year, before):
    title = f"{' '.join(words)} {kind} {year}"
    assert _titles(f"{before}{title} applies here.") == [(title, kind, str(year))]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="abcdefgh ,.()\n", max_size=80))
def test_lower_case_text_names_no_law(text):
    assert statute_titles(text) == []


@settings(max_examples=100, deadline=None)
@given(st.lists(CAP_WORD, min_size=1, max_size=4), st.integers(1900, 2029))
def test_every_title_found_ends_in_its_kind_and_year(words, year):
    text = f"The {' '.join(words)} Act {year} and the {' '.join(reversed(words))} Regulations {year}."
    for s in statute_titles(text):
        assert text[s.start:s.end] == s.title and s.title.endswith(f"{s.kind} {s.year}")
