"""Local bodies named by their own names ('Children and Families Scrutiny Committee', 'NHS Harrowdale and Fenmoor
Integrated Care Board', "Disabled Children's Team"): matched whole and explained by the glossary term their last
words name, as a local body of that kind; the glossary's own names of bodies stand."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.glossary import load_glossary
from joinedup.glossary.annotate import Annotator
from joinedup.glossary.bodies import BODY_NOUNS, body_names

A = Annotator(load_glossary())


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.term_id, m.defined_as) for m in A.annotate(text)]


def test_names_run_over_small_words_and_stop_before_sentence_openers():
    text = ("Members of the Children and Families Scrutiny Committee asked the Harrowdale Employment and Skills Board "
            "and the Harrowdale Adults Partnership Board. The Director of Operations, Wendlow Community Health NHS "
            "Trust, and the Head of Service attended. Fenmoor Community and Mental Health NHS\nFoundation Trust too.")
    assert [b.name for b in body_names(text)] == [
        "Children and Families Scrutiny Committee", "Harrowdale Employment and Skills Board",
        "Harrowdale Adults Partnership Board", "Wendlow Community Health NHS Trust",
        "Fenmoor Community and Mental Health NHS Foundation Trust"]


def test_a_named_scrutiny_committee_is_a_scrutiny_committee():
    found = _found("The report went to the Adults and Health Scrutiny Committee in March.")
    assert ("Adults and Health Scrutiny Committee", "overview_and_scrutiny",
            "Adults and Health Scrutiny Committee") in found


def test_a_named_integrated_care_board_is_one_span():
    found = _found("NHS Harrowdale and Fenmoor Integrated Care Board approved the plan.")
    assert found[0] == ("NHS Harrowdale and Fenmoor Integrated Care Board", "icb",
                        "NHS Harrowdale and Fenmoor Integrated Care Board")


def test_a_named_team_is_a_local_team():
    found = _found("Referrals go to the Client Finance Team within five days.")
    assert ("Client Finance Team", "local_team_or_service", "Client Finance Team") in found


def test_the_glossarys_own_name_of_a_body_stands():
    found = _found("The Health and Wellbeing Board agreed the strategy.")
    assert ("Health and Wellbeing Board", "health_and_wellbeing_board", "") in found


def test_a_term_inside_the_name_keeps_its_own_reading():
    found = _found("The CHC Partnership Board and the SEND Joint Commissioning Group met.")
    assert any(t == "CHC" for t, _, _ in found) and any(t == "SEND" for t, _, _ in found)


def test_no_body_without_a_name_before_its_noun():
    assert body_names("The Board met. Each Committee reported. The board and the team agreed.") == []


_PLACE = st.sampled_from(["Harrowdale", "Fenmoor", "Thornmere", "Ashby Vale", "Wendlow"])
_MIDDLE = st.sampled_from(["Employment and Skills", "Adults", "Children and Families Scrutiny", "Quality and Safety",
                           "Community and Mental Health NHS Foundation", "Learning Disability Partnership"])


@settings(max_examples=60, deadline=None)
@given(_PLACE, _MIDDLE, st.sampled_from(BODY_NOUNS), st.sampled_from(["The ", "Members of the ", "In May the ", ""]),
       st.sampled_from([" ", "\n"]))
def test_a_place_name_and_a_body_noun_make_one_name_without_the_opener(place, middle, noun, opener, gap):
    name = f"{place} {middle}{gap}{noun}"
    text = f"{opener}{name} met on Tuesday."
    assert [(b.name, b.noun) for b in body_names(text)] == [(" ".join(name.split()), noun)]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefghij klmnopqrstuvwxyz,.\n"), max_size=80))
def test_lower_case_text_names_no_body(text):
    assert body_names(text) == []
