"""Search by term, acronym, variant, meaning and misspelling, best first."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.glossary import search


@pytest.mark.parametrize("query", ["DTOC", "delayed transfers", "bed blocking", "delayed discharge",
                                   "Delayed Transfers of Care", "bed-blocking", "dtoc"])
def test_synonyms_land_on_one_concept(query):
    assert search(query)[0].term.id == "delayed_discharge"


@pytest.mark.parametrize("query,tid", [
    ("reablment", "reablement"), ("re-ablement", "reablement"), ("pseudonymization", "pseudonymisation"),
    ("Caldicot guardian", "caldicott_guardian"), ("contiuing healthcare", "nhs_continuing_healthcare"),
    ("looked-after children", "child_looked_after"), ("EHC plan", "ehcp"), ("s.47", "section_47"),
    ("section 42", "safeguarding_adults_enquiry"), ("dom care", "home_care"), ("SSDA 903", "ssda903"),
])
def test_variants_and_misspellings(query, tid):
    assert search(query)[0].term.id == tid


def test_safeguarding_misspelt_finds_safeguarding_terms():
    ids = [h.term.id for h in search("safegaurding", limit=5)]
    assert "safeguarding_adults_enquiry" in ids
    assert all("safeguarding" in " ".join(search("safegaurding", limit=5)[i].term.names).lower() for i in range(3))


def test_shared_acronym_returns_every_reading():
    ids = {h.term.id for h in search("CP", limit=8) if h.score >= 100}
    # chest pain (SDEC) and clinical pharmacists (primary care) too
    assert ids == {"child_protection_plan", "cerebral_palsy", "care_and_support_plan", "sdec_pathways", "clinical_pharmacist"}


def test_meaning_search():
    ids = [h.term.id for h in search("money paid to people to buy their own care", limit=3)]
    assert "direct_payment" in ids
    ids = [h.term.id for h in search("help at home after hospital to regain skills", limit=3)]
    assert "reablement" in ids


def test_results_are_ranked_and_limited():
    hits = search("care", limit=7)
    assert len(hits) == 7
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_search_never_fails(q):
    hits = search(q, limit=5)
    assert len(hits) <= 5
    assert all(0 <= h.score <= 101 for h in hits)
