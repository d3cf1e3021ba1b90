"""The shipped glossary and a council's own files: validated on load, errors name file and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from joinedup.errors import UserError
from joinedup.glossary import SECTORS, load_glossary
from joinedup.glossary.load import load_file, shipped_files
from joinedup.glossary.models import MAX_DEFINITION_WORDS

#: Terms other stages and the issue name; each must be findable by this name.
REQUIRED = {
    "pathway 0": "discharge_pathway_0", "pathway 1": "discharge_pathway_1", "pathway 2": "discharge_pathway_2",
    "pathway 3": "discharge_pathway_3", "medically fit": "medically_fit", "no criteria to reside": "no_criteria_to_reside",
    "DTOC": "delayed_discharge", "bed blocking": "delayed_discharge", "ST-Max": "reablement", "ASCOF": "ascof",
    "CLD": "cld", "SALT": "salt", "CIN": "child_in_need", "CP plan": "child_protection_plan", "s47": "section_47",
    "s17": "section_17", "LAC": "child_looked_after", "CLA": "child_looked_after", "care leaver": "care_leaver",
    "SSDA903": "ssda903", "placement stability": "placement_stability", "EHCP": "ehcp", "SEN support": "sen_support",
    "FSM": "free_school_meals", "persistent absence": "persistent_absence", "UPN": "upn", "NHS number": "nhs_number",
    "ECDS": "ecds", "4-hour standard": "four_hour_standard", "ICB": "icb", "ICS": "ics",
    "Better Care Fund": "better_care_fund", "section 75": "section_75", "direct payment": "direct_payment",
    "personal budget": "personal_budget", "IMD": "imd", "LSOA": "lsoa", "pseudonymisation": "pseudonymisation",
    "DSPT": "dspt", "Caldicott": "caldicott_principles", "statistical neighbours": "statistical_neighbours",
    "Bridges to Health": "bridges_to_health", "Core20PLUS5": "core20plus5",
}


@pytest.fixture(scope="module")
def g():
    return load_glossary()


def test_size_and_sectors(g):
    assert len(g) >= 250
    for s in SECTORS:
        assert len(g.in_sector(s)) >= 25, s
    assert {f.stem for f in shipped_files()} >= set(SECTORS)  # one file per sector, plus files by source


def test_every_term_is_complete(g):
    for t in g:
        assert 0 < len(t.definition.split()) <= MAX_DEFINITION_WORDS, t.id
        assert t.source.strip(), t.id
        for ref in (*t.equivalents, *t.related):
            assert ref in g.terms, (t.id, ref)


def test_two_character_acronyms_carry_context(g):
    """CP, LD, ED... are matched only near a context word, so each must list some (or be known to all)."""
    allowed = {"GP", "LA", "OT", "EP", "HV"}  # unambiguous and used in every sector
    for t in g:
        for a in t.acronyms:
            if len(re.sub(r"[^A-Za-z0-9]", "", a)) <= 2 and a not in allowed and a not in t.search_only:
                assert t.context, (t.id, a)


@pytest.mark.parametrize("name,tid", sorted(REQUIRED.items()))
def test_required_terms_present(g, name, tid):
    from joinedup.glossary import search

    assert tid in g.terms
    hits = search(name, limit=3)
    exact = [h.term.id for h in hits if h.score >= hits[0].score]
    # a name two terms share (SALT: the adult social care return, speech and language therapy) may rank either first
    assert tid in exact, (name, exact)


def _write(tmp: Path, body: str, name: str = "ours.yaml") -> Path:
    d = tmp / "council"
    d.mkdir(exist_ok=True)
    (d / name).write_text(body, encoding="utf-8")
    return d


GOOD = """
sector: adult_social_care
terms:
  - id: dudley_front_door
    term: Dudley Adult Front Door
    acronyms: [DAFD]
    definition: "The council's single phone line and web form for adults asking for care and support."
    equivalents: [mash]
    source: "Dudley Council adult social care operating model"
"""


def test_council_terms_extend_the_glossary(tmp_path):
    d = _write(tmp_path, GOOD)
    g = load_glossary([d])
    assert "dudley_front_door" in g.terms and "delayed_discharge" in g.terms
    assert g.terms["dudley_front_door"].sectors == ("adult_social_care",)


@pytest.mark.parametrize("body,expect", [
    (GOOD.replace("dudley_front_door", "delayed_discharge"), "already defined"),
    (GOOD.replace("[mash]", "[no_such_term]"), "unknown term 'no_such_term'"),
    (GOOD.replace("The council's single phone line and web form for adults asking for care and support.", ""),
     "definition"),
    (GOOD.replace("sector: adult_social_care", "sector: housing"), "unknown sector 'housing'"),
    (GOOD.replace("    acronyms: [DAFD]", "    acronym: [DAFD]"), "acronym"),
    (GOOD.replace("The council's single", " ".join(["very"] * 41) + " single"), "at most 40"),
    ("terms: [\n  - id: x", "not valid YAML"),
    ("just a string", "mapping"),
])
def test_bad_council_files_name_file_and_field(tmp_path, body, expect):
    d = _write(tmp_path, body)
    with pytest.raises(UserError) as e:
        load_glossary([d])
    assert expect in str(e.value) and "ours.yaml" in str(e.value)


def test_missing_folder_and_empty_folder(tmp_path):
    with pytest.raises(UserError, match="not found"):
        load_glossary([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="no .yaml"):
        load_glossary([tmp_path / "empty"])


def test_shipped_files_each_validate_alone():
    for path in shipped_files():
        assert load_file(path).terms


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from pydantic import ValidationError  # noqa: E402

from joinedup.glossary.models import Term  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=60), st.sampled_from(SECTORS))
def test_definition_word_limit(words, sector):
    data = {"id": "x", "term": "X", "sectors": [sector], "definition": " ".join(["word"] * words), "source": "s"}
    if 0 < words <= MAX_DEFINITION_WORDS:
        assert Term.model_validate(data).definition.count("word") == words
    else:
        with pytest.raises(ValidationError):
            Term.model_validate(data)


@pytest.mark.parametrize("body,expect", [
    ("groups:\n  - why: x\n    terms: {no_such_term: all}\n", "unknown term 'no_such_term'"),
    ("groups:\n  - why: x\n    terms: {care_home: [nursing palace]}\n", "not a spelled-out name of care_home"),
    ("groups:\n  - why: x\n    terms: {sexual_health: [STI testing]}\n", "acronyms are never plain"),
    ("groups:\n  - terms: {care_home: all}\n", "'why:' reason"),
])
def test_plain_list_errors_name_the_group(tmp_path, body, expect):
    from joinedup.glossary.load import apply_plain
    path = tmp_path / "plain.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UserError, match=expect):
        apply_plain(dict(load_glossary().terms), path)


def test_shipped_plain_list_marks_words_never_acronyms(g):
    plain = {t.id: t.plain for t in g if t.plain}
    assert "care_home" in plain and "Care home" in plain["care_home"]
    assert all(n not in g.terms[tid].acronyms for tid, names in plain.items() for n in names)


def test_no_name_is_a_number_split_at_its_comma():
    """YAML flow lists split '£86,000 cap' into '£86' and '000 cap' unless quoted: no name may be such a piece."""
    g = load_glossary()
    for t in g:
        for field in ("acronyms", "variants", "needs_context", "search_only", "plain"):
            names = getattr(t, field)
            for a, b in zip(names, names[1:]):
                tail, head = re.search(r"\d+$", a), re.match(r"\d{3}(?!\d)", b)
                assert not (tail and head and tail.group() != head.group()), (t.id, a, b)  # 's 117', '117 aftercare' stand
            assert all(not n.isdigit() or len(n) >= 3 for n in names), (t.id, names)
