"""The training sample's hash: blake2b of the text, the same in every polars version and on every machine."""

from __future__ import annotations

import hashlib

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.link.index import stable_hash


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=30), st.text(max_size=10))
def test_stable_hash_is_blake2b_of_salt_and_value(values: list[str | None], salt: str) -> None:
    """Each value's hash is the first 8 bytes of blake2b('salt|value') (little-endian), whatever rows come with it."""
    got = stable_hash(pl.Series(values, dtype=pl.Utf8), salt).to_list()
    want = [int.from_bytes(hashlib.blake2b(f"{salt}|{v or ''}".encode(), digest_size=8).digest(), "little") for v in values]
    assert got == want
    assert stable_hash(pl.Series(list(reversed(values)), dtype=pl.Utf8), salt).to_list() == list(reversed(want))


def test_stable_hash_is_pinned() -> None:
    """The values of December 2026: a change of library (polars' own hash) or of salt would change them, and the sample."""
    assert stable_hash(pl.Series(["R000001", "R000002", None]), "training").to_list() == [
        14838712154050694515, 6740684140290870480, 14111721523767443941]
