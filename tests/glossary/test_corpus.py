"""The hand-annotated corpus: well formed, big enough, and explained to target (the benchmark prints detail)."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.errors import UserError
from joinedup.glossary import load_glossary
from joinedup.glossary.annotate import Annotator
from joinedup.glossary.evaluate import load_corpus, parse_annotated, score

CORPUS = Path(__file__).parent / "corpus"


def test_parse_annotated_keeps_positions():
    p = parse_annotated("x", "The [[DTOC|delayed_discharge]] and [[s47|section_47]].")
    assert p.text == "The DTOC and s47."
    assert [(p.text[g.start:g.end], g.term_id) for g in p.gold] == [("DTOC", "delayed_discharge"), ("s47", "section_47")]
    with pytest.raises(UserError):
        parse_annotated("bad", "The [[DTOC delayed_discharge]].")


def test_corpus_is_big_enough_and_names_real_terms():
    passages = load_corpus(CORPUS)
    g = load_glossary()
    assert len(passages) >= 20
    assert sum(len(p.gold) for p in passages) >= 300
    for p in passages:
        assert p.gold, p.name
        assert {x.term_id for x in p.gold} <= set(g.terms), p.name


def test_explain_meets_targets_on_corpus():
    g = load_glossary()
    s = score(load_corpus(CORPUS), Annotator(g).annotate, known=set(g.terms))
    assert s.recall >= 0.95 and s.precision >= 0.90, (s.recall, s.precision, s.misses[:5], s.false[:5])


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_plain = st.text(alphabet=st.characters(blacklist_characters="[]|", blacklist_categories=("Cs",)), max_size=30)
_mark = st.tuples(st.text(alphabet=st.characters(blacklist_characters="[]|", blacklist_categories=("Cs",)),
                          min_size=1, max_size=12),
                  st.from_regex(r"[a-z0-9][a-z0-9_]{0,10}", fullmatch=True))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_plain, _mark), max_size=6), _plain)
def test_parse_annotated_round_trips(pieces, tail):
    marked = "".join(f"{before}[[{text}|{tid}]]" for before, (text, tid) in pieces) + tail
    p = parse_annotated("h", marked)
    assert p.text == "".join(before + text for before, (text, _) in pieces) + tail
    assert [(p.text[g.start:g.end], g.term_id) for g in p.gold] == [(text, tid) for _, (text, tid) in pieces]
