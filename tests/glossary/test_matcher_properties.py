"""Generative tests of the matcher: any term's names found however a writer types them, offsets always true.

Names are drawn from the shipped glossary itself, so a new term is covered the day it is added.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from joinedup.glossary import load_glossary
from joinedup.glossary.annotate import COMMON_WORDS, Annotator, normalise

G = load_glossary()
A = Annotator(G)
FILLER = ["The board noted", "Members asked about", "Figures for", "Since April,", "Partners agreed that"]
TAIL = ["rose in the quarter.", "is on track.", "remains a concern.", "will be reviewed in March."]


def _unambiguous(name: str, term_id: str) -> bool:
    """A name that only this term has, matched without context and not swallowed by a longer name."""
    key = normalise(name)
    entries = A.index.get(key, [])
    return (len({e.term_id for e in entries}) == 1 and entries[0].term_id == term_id
            and not any(e.needs_context for e in entries) and len(key) > 3)


PHRASES = sorted({(n, t.id) for t in G for n in (t.term, *t.variants)
                  if " " in n.strip() and _unambiguous(n, t.id) and not set(n) & set(",(£:") and n not in t.search_only})
ACRONYMS = sorted({(a, t.id) for t in G for a in t.acronyms
                   if re.fullmatch(r"[A-Z]{3,6}", a) and _unambiguous(a, t.id)})


def _found(text: str, start: int, end: int, term_id: str) -> bool:
    # plain=True: plain names are matched like any other, only not shown to a paper's reader.
    return any(m.start < end and start < m.end and term_id in m.readings for m in A.annotate(text, plain=True))


def _place(before: str, written: str, after: str) -> tuple[str, int, int]:
    text = f"{before} {written} {after}"
    return text, len(before) + 1, len(before) + 1 + len(written)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PHRASES), st.sampled_from(FILLER), st.sampled_from(TAIL),
       st.sampled_from(["as written", "capitalised", "line break", "en dash", "non-breaking hyphen", "upper"]))
def test_phrase_found_however_typed(pair, before, after, how):
    name, term_id = pair
    written = {
        "as written": name,
        "capitalised": name[:1].upper() + name[1:],
        "line break": name.replace(" ", "\n", 1),
        "en dash": name.replace("-", "\u2013"),
        "non-breaking hyphen": name.replace("-", "\u2011"),
        "upper": name.title(),
    }[how]
    text, start, end = _place(before, written, after)
    assert _found(text, start, end, term_id), (written, term_id, [(m.text, m.readings) for m in A.annotate(text, plain=True)])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(ACRONYMS), st.sampled_from(FILLER), st.sampled_from(TAIL),
       st.sampled_from(["as written", "plural", "possessive", "dotted", "bracketed"]))
def test_acronym_found_with_dots_and_plurals(pair, before, after, how):
    acronym, term_id = pair
    written = {
        "as written": acronym,
        "plural": acronym + "s",
        "possessive": acronym + "'s",
        "dotted": ".".join(acronym) + ".",
        "bracketed": f"({acronym})",
    }[how]
    assume(normalise(acronym + "s") not in A.index or how != "plural")
    text, start, end = _place(before, written, after)
    assert _found(text, start, end, term_id), (written, term_id, [(m.text, m.readings) for m in A.annotate(text, plain=True)])


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ACRONYMS))
def test_lower_case_word_is_not_an_acronym_when_everyday(pair):
    acronym, term_id = pair
    term = G.terms[term_id]
    text = f"We will {acronym.lower()} this later."
    if term.exact_case or acronym.lower() in COMMON_WORDS or acronym.lower() in A._everyday:
        assert not _found(text, 8, 8 + len(acronym), term_id)


def test_every_word_of_the_plain_definitions_is_everyday():
    """Any acronym spelling a word the definitions use in lower case ('rise' for RISE) is read only in capitals."""
    for word in ("rise", "send", "need", "care"):
        assert word in A._everyday
    assert not [m for m in A.annotate("Attendance will rise and we send help where care is needed.")
                if m.text in ("rise", "send")]
    assert [m.term_id for m in A.annotate("RISE teams visited.")] == ["regional_director_dfe"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ACDEHILNOPRST aeiorst-–\u2011.&/'\n½12")), max_size=120))
def test_offsets_hold_on_any_text(text):
    matches = A.annotate(text)
    for m in matches:
        assert m.text == text[m.start:m.end]
        assert 0 <= m.start < m.end <= len(text)
        assert m.term_id == m.readings[0] and m.resolved == (len(m.readings) == 1)
        line_start = text.rfind("\n", 0, m.start) + 1
        assert (m.line, m.column) == (text.count("\n", 0, m.start) + 1, m.start - line_start + 1)
    assert all(a.end <= b.start for a, b in zip(matches, matches[1:]))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(PHRASES + ACRONYMS), min_size=1, max_size=5))
def test_dash_and_space_lookalikes_change_nothing(pairs):
    text = " and ".join(n for n, _ in pairs) + "."
    twin = text.replace("-", "\u2011").replace(" ", "\u00a0")
    assert [(m.start, m.end, m.readings) for m in A.annotate(text)] == \
           [(m.start, m.end, m.readings) for m in A.annotate(twin)]


#: Names only one term has (search-only names included), to spell out an acronym the glossary does not list.
SPELLED = sorted((n, t) for n, t in PHRASES if len(A._named.get(normalise(n), ())) == 1 and n[:1].isalpha())


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SPELLED), st.sampled_from(["QX", "QXZ", "QZW"]), st.sampled_from(FILLER),
       st.sampled_from(["bracket after", "bracket before"]), st.booleans())
def test_acronym_spelled_out_in_the_paper_is_found_later(pair, tail, before, how, plural):
    """Any term's name with an acronym of the writer's own ('Attendance Support Team (AQX)') makes every later use of
    the acronym that term, in capitals and in the plural, though the glossary never listed it."""
    name, term_id = pair
    acronym = name[0].upper() + tail
    assume(normalise(acronym) not in A.index)
    first = f"{name} ({acronym})" if how == "bracket after" else f"{acronym} ({name})"
    later = acronym + ("s" if plural else "")
    text = f"{before} {first} rose in the quarter. Members asked about {later} again."
    start = text.rindex(later)
    hits = [m for m in A.annotate(text, plain=True) if m.start == start]
    assert hits and hits[0].readings == (term_id,) and hits[0].text == later, \
        (text, [(m.text, m.readings) for m in A.annotate(text, plain=True)])
