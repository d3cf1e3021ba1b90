"""Finding terms as writers write them: case, plurals, punctuation, and ambiguous acronyms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.glossary import annotate, link_terms


def ids(text: str) -> list[str]:
    return [m.term_id for m in annotate(text)]


@pytest.mark.parametrize("text,tid", [
    ("Two CiNs were closed.", "child_in_need"), ("We have 40 LACs.", "child_looked_after"),
    ("The LAC's placement ended.", "child_looked_after"), ("An S.47 began.", "section_47"),
    ("A s47 began.", "section_47"), ("A section 47 began.", "section_47"), ("A S 47 began.", "section_47"),
    ("Section 47 enquiries rose.", "section_47"), ("dtoc rose again", "delayed_discharge"),
    ("DToCs rose", "delayed_discharge"), ("C.I.N. numbers", "child_in_need"), ("cla numbers", "child_looked_after"),
    ("Patients with NCTR", "no_criteria_to_reside"), ("after A & E", "emergency_department"),
    ("an Education, Health and Care Plan", "ehcp"), ("looked-after children", "child_looked_after"),
    ("a PEP-style review", "personal_education_plan"), ("two discharge summaries", "discharge_summary"),
])
def test_forms_writers_use(text, tid):
    found = ids(text)
    assert found and found[0] == tid, (text, found)


@pytest.mark.parametrize("text", [
    "Please send the report.", "The class was full.", "A nice day.", "We will mash potatoes.",
    "Ed and Pa went home.", "She is on a CP course at college.",  # no context: a lone CP is not a plan
    "In 2,410 cases, 903 were closed.", "Pupils had a CP lesson.",
])
def test_everyday_words_are_not_jargon(text):
    assert ids(text) == [], (text, ids(text))


def test_capitals_of_everyday_acronyms_are_matched():
    assert ids("SEND reforms and NICE guidance") == ["send", "nice"]


def test_ambiguous_acronym_resolved_from_context():
    cp_plan = annotate("After the ICPC the child was made subject to a CP plan for neglect. The CP was reviewed.")
    assert {m.term_id for m in cp_plan} >= {"child_protection_plan"}
    assert all(m.resolved for m in cp_plan)
    palsy = annotate("She has CP and uses a wheelchair; physiotherapy helps her walking.")
    assert palsy[0].term_id == "cerebral_palsy" and palsy[0].resolved
    adviser = annotate("Each care leaver has a PA who reviews the pathway plan.")
    assert [m.term_id for m in adviser if m.text == "PA"] == ["personal_adviser"]
    assistant = annotate("He uses his direct payment to employ a PA.")
    assert [m.term_id for m in assistant if m.text == "PA"] == ["personal_assistant"]
    absence = annotate("PA is 17% of pupils in school this term.")
    assert [m.term_id for m in absence if m.text == "PA"] == ["persistent_absence"]
    child_chc = annotate("The child has CHC funding for night carers; school and family agree.")
    assert child_chc[0].term_id == "children_continuing_care"
    adult_chc = annotate("Older adults in a nursing care home were assessed for CHC with the checklist.")
    assert [m.term_id for m in adult_chc if m.text == "CHC"] == ["nhs_continuing_healthcare"]


def test_nearest_context_decides_between_paragraphs():
    found = annotate("The ICO fined us after a data breach.\n\nAn ICO was granted by the court.")
    assert [m.term_id for m in found if m.text == "ICO"] == ["ico", "care_order"]


def test_unresolvable_acronym_keeps_every_reading():
    m = [m for m in annotate("Numbers on the wheelchair PD diagnosis list.") if m.text == "PD"]
    assert m and not m[0].resolved and set(m[0].readings) == {"physical_disability", "personality_disorder"}


def test_positions_lines_and_columns():
    text = "First line.\nThe DTOC figure\nand s47."
    found = annotate(text)
    assert [(m.text, m.line, m.column) for m in found] == [("DTOC", 2, 5), ("s47", 3, 5)]
    assert all(text[m.start:m.end] == m.text for m in found)


def test_link_terms_for_measure_descriptions():
    desc = "People aged 65+ discharged from hospital into reablement who are still at home 91 days later (ASCOF 2D)."
    assert link_terms(desc) == ["reablement", "ascof"]


def test_annotate_for_a_sector_gives_nearest_concepts():
    s47, dtoc = annotate("An s47 and a DTOC.", for_sector="adult_social_care")
    assert s47.nearest[0] == "safeguarding_adults_enquiry"
    assert dtoc.nearest == ()  # adult social care's own term


def test_unknown_sector_is_a_user_error():
    from joinedup.errors import UserError

    with pytest.raises(UserError, match="unknown sector"):
        annotate("x", for_sector="housing")


_words = st.sampled_from(["CP", "CiNs", "s47", "the", "plan", "DTOC", "care", "home", ",", ".", "\n", "A&E",
                          "section", "47", "child", "LAC's", "ST-Max", "Education,", "health", "and", "-"])


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(_words, max_size=40).map(" ".join)))
def test_matches_are_ordered_disjoint_and_faithful(text):
    found = annotate(text)
    for m in found:
        assert text[m.start:m.end] == m.text and m.term_id in m.readings
        assert text.count("\n", 0, m.start) + 1 == m.line
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_plain_names_are_not_shown_in_a_paper_but_still_link_labels():
    text = "Two care homes closed and life expectancy fell; the CQC rated both."
    assert "care_home" not in ids(text) and "life_expectancy" not in ids(text) and "cqc" in ids(text)
    assert {"care_home", "life_expectancy"} <= set(link_terms(text))
    # The plain name still takes its words: 'care home' never yields a shorter term inside it.
    assert [m.text for m in annotate("Care home beds fell.")] == ["Care home beds"]
    # Acronyms are never plain, even when the term's words are.
    assert ids("Fewer DRDs this year.") == ["drug_related_deaths"]


def test_a_heading_name_is_explained_where_the_text_below_uses_it():
    paper = ("Sexual health and the Care Leavers Offer\n\n"
             "2. Care leavers\n"
             "Every care leaver has a personal adviser. The CQC visited in May.\n")
    found = [(m.line, m.text) for m in annotate(paper)]
    assert (3, "Care leavers") not in found and (4, "care leaver") in found
    assert (1, "Care Leavers Offer") in found  # used only in the heading: explained there
    assert all(line > 1 for line, text in found if text == "Sexual health")
    titled = "CQC Local Authority Assessment\n\nThe CQC local authority assessment starts in May.\n"
    assert [m.line for m in annotate(titled)] == [1, 3]  # a name holding an acronym stays in a heading


def test_a_hard_wrapped_line_is_not_a_heading():
    paper = ("The board agreed that care leavers\nwill keep their adviser. Care leavers were\n"
             "Consulted in May.\n\nCare leavers\n")
    lines = [m.line for m in annotate(paper)]
    assert lines == [1, 2]
    table = "Care leavers rose.\n\nMeasure | Value\nCare leavers in EET | 58%\n"
    assert (4, "Care leavers") in [(m.line, m.text) for m in annotate(table)]  # a table row is not a heading
