from hypothesis import given
from hypothesis import strategies as st

from joinedup.link.names import canonical_forms, normalise, phonetic, soundex, variant_groups


def test_nicknames_share_a_canonical_form():
    assert "william" in canonical_forms("Bill")
    assert set(canonical_forms("Liz")) & set(canonical_forms("Elizabeth"))
    assert {"alexander", "alexandra"} <= set(canonical_forms("alex"))


def test_unknown_name_is_its_own_form():
    assert canonical_forms("Zebedee") == ["zebedee"]
    assert canonical_forms(None) == [] and canonical_forms("  ") == []


def test_normalise_folds_accents_and_punctuation():
    assert normalise("  Zoë-Ann O'Neil ") == "zoe ann oneil"


def test_phonetic_keys_agree_on_spelling_variants():
    assert phonetic("Stephen") == phonetic("Stefan") or soundex("Stephen") == soundex("Steven")
    assert soundex("Smith") == soundex("Smyth")


def test_variant_table_is_well_formed():
    groups = variant_groups()
    assert len(groups) > 300
    assert all(name == normalise(name) for name in groups)


@given(st.text(max_size=30))
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once
