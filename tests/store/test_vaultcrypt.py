"""The vault's value cipher: AES-256-GCM under a key derived from the pseudonym key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.ingest.keys import PseudonymKey
from joinedup.store.vaultcrypt import PREFIX, VaultCipher, VaultKeyError

KEY = PseudonymKey(b"k" * 40, "test")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text()), max_size=20), st.text(max_size=40))
def test_values_open_to_what_was_sealed(values, where):
    c = VaultCipher(KEY)
    sealed = c.seal_many(values, [where] * len(values))
    assert all(s is None or s.startswith(PREFIX) for s in sealed)
    assert c.open_many(sealed, [where] * len(values)) == values


def test_equal_values_seal_differently_and_lengths_show_only_to_16_bytes():
    c = VaultCipher(KEY)
    a, b = c.seal("SMITH", "identity.family_name|r1"), c.seal("SMITH", "identity.family_name|r1")
    assert a != b  # a fresh nonce each time: no frequency analysis of names
    assert len(c.seal("A", "x")) == len(c.seal("ABCDEFGHIJKLMNO", "x")) < len(c.seal("ABCDEFGHIJKLMNOP", "x"))


def test_another_key_or_another_place_does_not_open():
    c = VaultCipher(KEY)
    sealed = c.seal("9434765919", "identity.nhs_number|r1")
    with pytest.raises(VaultKeyError):
        VaultCipher(PseudonymKey(b"j" * 40, "other")).open(sealed, "identity.nhs_number|r1")
    with pytest.raises(VaultKeyError):  # moved to another record
        c.open(sealed, "identity.nhs_number|r2")
    with pytest.raises(VaultKeyError):  # altered
        c.open(sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"), "identity.nhs_number|r1")


def test_the_key_is_derived_not_reused():
    c = VaultCipher(KEY)
    assert KEY.secret.hex() not in repr(c) and c.fingerprint != KEY.fingerprint()
    assert VaultCipher(KEY).fingerprint == c.fingerprint


def test_a_value_sealed_before_is_left_and_an_unsealed_one_is_read_as_it_is():
    c = VaultCipher(KEY)
    s = c.seal("x", "a")
    assert c.seal_many([s], ["a"]) == [s]
    assert c.open_many(["plain"], ["a"]) == ["plain"]
