"""Numbered provisions of laws ('section 17(6)', 'sections 66 and 67', 'Regulation 4', 'Schedule 2', 'paragraph
6(1)(c)', 'Part IV', 's.117'): matched whole and explained as a numbered provision of the law the text names, by the
glossary's own term for that provision where it has one; the paper's own numbering is never a law's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.glossary import load_glossary
from joinedup.glossary.annotate import Annotator
from joinedup.glossary.provisions import law_mentions, provisions

A = Annotator(load_glossary())


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.term_id, m.note) for m in A.annotate(text)]


def _provs(text: str) -> list[tuple[str, str, str]]:
    return [(p.text, p.kind, p.law) for p in provisions(text)]


def test_provisions_of_the_children_act_as_a_paper_cites_them():
    text = ("Private fostering is defined in sections 66 and 67 of the Children Act 1989, with the detail in Schedule 8. "
            "Support may be given under section 17(6) and section 20(4); paragraph 6(1)(c) of Schedule 2 to the Act "
            "requires breaks for carers.")
    assert _provs(text) == [("sections 66 and 67", "section", "Children Act 1989"),
                            ("Schedule 8", "schedule", "Children Act 1989"),
                            ("section 17(6)", "section", "Children Act 1989"),
                            ("section 20(4)", "section", "Children Act 1989"),
                            ("paragraph 6(1)(c)", "paragraph", "Children Act 1989"),
                            ("Schedule 2", "schedule", "Children Act 1989")]


def test_regulations_belong_to_regulations_and_a_line_break_may_split_a_provision():
    text = ("Under regulation 48 of the Care Planning, Placement and Case Review (England) Regulations 2010 short breaks "
            "need a lighter plan. The Education Act 1996 sets the duty in section 508B, and section\n509AD asks for a "
            "policy statement; s.117 of the Mental Health Act gives aftercare.")
    assert _provs(text) == [
        ("regulation 48", "regulation", "Care Planning, Placement and Case Review (England) Regulations 2010"),
        ("section 508B", "section", "Education Act 1996"), ("section 509AD", "section", "Education Act 1996"),
        ("s.117", "section", "Mental Health Act")]


def test_short_names_of_laws_and_roman_parts():
    text = "Part IV of the Environment Act 1995 covers air quality; the 1989 Act and the Care Act are named too."
    assert _provs(text) == [("Part IV", "part", "Environment Act 1995")]
    assert [m.title for m in law_mentions(text)] == ["Environment Act 1995", "the 1989 Act", "Care Act"]


def test_the_papers_own_numbering_is_not_a_provision():
    text = ("Section 3: Finance\n\nSee section 4.2 of this report and paragraph 5 above. Roadworks closed a section of "
            "the road. Part 1 of the meeting is public. Schedule 4 of the NHS Standard Contract applies. The Children "
            "Act 1989 applies.\n\nActions are set out in section 4.")
    assert _provs(text) == []


def test_a_provision_is_explained_as_a_numbered_provision_of_its_law():
    found = _found("Under sections 31 to 33 of the Care Act 2014 the council offers direct payments.")
    assert ("sections 31 to 33", "section_of_an_act", "a numbered provision of the Care Act 2014") in found


def test_the_glossarys_term_for_that_provision_of_that_law_is_used():
    found = _found("Under section 17(6) of the Children Act 1989 the council may accommodate a child in need.")
    assert ("section 17(6)", "section_17_accommodation", "a numbered provision of the Children Act 1989") in found
    # a subsection the glossary has no name for is read as its section
    found = _found("Under section 17(10) of the Children Act 1989 a child is in need if they are disabled.")
    assert ("section 17(10)", "section_17", "a numbered provision of the Children Act 1989") in found


def test_a_section_of_another_law_is_not_the_glossarys_section_of_that_number():
    found = _found("Under section 17 of the Care Act 2014 the council carries out a financial assessment.")
    assert ("section 17", "section_of_an_act", "a numbered provision of the Care Act 2014") in found
    assert not any(tid == "section_17" for _, tid, _ in found)


def test_without_a_law_it_is_still_a_numbered_part_of_a_law():
    found = _found("Licences are varied under section 287B for the operators.")
    assert ("section 287B", "legal_provision", "a numbered part of a law the paper refers to") in found


def test_longer_glossary_names_stand():
    found = _found("Section 47 enquiries rose, and the Section 151 Officer reported to Cabinet.")
    assert [(t, tid) for t, tid, _ in found] == [("Section 47 enquiries", "section_47"),
                                                  ("Section 151 Officer", "section_151_officer")]


_NUMBER = st.builds(lambda n, letters, sub: f"{n}{letters}{sub}", st.integers(1, 999),
                    st.sampled_from(["", "A", "B", "ZD", "AD"]), st.sampled_from(["", "(1)", "(6)", "(1)(c)"]))
_KIND = st.sampled_from([("section", "section"), ("Section", "section"), ("regulation", "regulation"),
                         ("Schedule", "schedule"), ("paragraph", "paragraph"), ("Part", "part")])


@settings(max_examples=60, deadline=None)
@given(_KIND, _NUMBER, st.sampled_from(["the Care Act 2014", "the Children Act 1989", "the Housing Act 1996"]),
       st.sampled_from([" ", "\n"]))
def test_any_numbered_provision_followed_by_its_law_is_one_span_of_that_law(kind, number, law, gap):
    word, name = kind
    if name == "regulation":
        law = "the Care and Support (Charging and Assessment of Resources) Regulations 2014"
    text = f"The council acts under {word}{gap}{number} of {law} each year."
    assert [(p.text, p.kind, p.law) for p in provisions(text)] == [(f"{word} {number}", name, law[4:])]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["Section", "Part", "Paragraph", "section", "paragraph"]), st.integers(1, 40),
       st.sampled_from([": Finance", " – Background", ".2 of this report", " below", " of this report",
                        " of the agenda", " above"]))
def test_a_papers_own_numbering_is_never_a_provision(word, n, rest):
    assert provisions(f"The Care Act 2014 applies.\n\n{word} {n}{rest} sets out the detail.") == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefghij klmnopqrstuvwxyz,.SsRrPp\n"), max_size=80))
def test_text_without_numbers_has_no_provisions(text):
    assert provisions(text) == []


def test_a_law_named_by_its_year_is_that_law():
    text = ("The Smoke-free (Vehicles) Regulations 2015 apply. Under the 2015\nRegulations and the "
            "1992 Act, councils act.")
    found = [(m.text, m.term_id, m.defined_as) for m in A.annotate(text)]
    assert ("the 2015\nRegulations", "statutory_instrument", "Smoke-free (Vehicles) Regulations 2015") \
        in found
    assert ("the 1992 Act", "act_of_parliament", "the 1992 Act") in found


def test_the_papers_own_numbering_hides_a_glossary_name_of_that_shape():
    found = _found("Section 3: Finance\n\nSee section 4.2 of this report. Section 47 enquiries rose.")
    assert [t for t, _, _ in found] == ["Section 47 enquiries"]


def test_part_1_of_a_board_meeting_is_its_public_part_and_of_an_act_a_part_of_the_act():
    meeting = [(t, tid) for t, tid, _ in _found("Harrowdale Hospitals: Board of Directors (Part 1)\n\nItem 10.")]
    assert ("Part 1", "public_part_of_meeting") in meeting
    act = [(t, tid) for t, tid, _ in _found("Councils meet their duties under Part 1 of the Care Act 2014.")]
    assert ("Part 1 of the Care Act 2014", "care_act_part_1") in act
