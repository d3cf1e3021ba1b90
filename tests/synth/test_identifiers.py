"""Identifiers: NHS number modulus 11, UPN check letters, NI number format, local ids."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.synth import identifiers as ids
from joinedup.synth.defects import mistype_nhs


def test_known_nhs_numbers():
    # 943 476 5919 is the NHS Data Dictionary's worked example of a valid number
    assert ids.nhs_number_valid(np.array(["9434765919", "9434765918", None, "943476591", "94347659AB"], dtype=object)).tolist() \
        == [True, False, False, False, False]


def test_generated_nhs_numbers_are_valid_distinct_and_in_england_ranges():
    nums = ids.nhs_numbers(np.random.default_rng(3), 50_000)
    assert len(set(nums.tolist())) == 50_000
    assert ids.nhs_number_valid(nums).all()
    first3 = nums.astype("U3").astype(int)
    assert (((first3 >= 400) & (first3 < 500)) | ((first3 >= 600) & (first3 <= 708))).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2**31))
def test_a_mistyped_nhs_number_fails_its_check(seed):
    rng = np.random.default_rng(seed)
    good = ids.nhs_numbers(rng, 5)
    bad = mistype_nhs(rng, good.astype(object))
    assert not ids.nhs_number_valid(bad).any()
    assert all(len(b) == 10 and b.isdigit() for b in bad)


def test_upn_format_and_check_letter():
    rng = np.random.default_rng(1)
    upns = ids.upns(rng, 332, np.array([2015] * 30 + [2016] * 30), np.repeat(np.arange(2001, 2004), 20))
    assert all(re.fullmatch(r"[A-HJ-NP-RT-Z]332\d{9}", u) for u in upns)
    assert len(set(upns.tolist())) == len(upns)
    assert ids.upn_valid(upns).all()
    # the check letter is the sum of characters 2-13 weighted 2-13, mod 23, as a letter (DfE UPN guidance)
    body = upns[0][1:]
    total = sum(int(c) * w for c, w in zip(body, range(2, 14)))
    assert upns[0][0] == "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=12), st.integers(min_value=0, max_value=8))
def test_changing_one_upn_digit_breaks_the_check(pos, bump):
    u = ids.upns(np.random.default_rng(pos), 332, np.array([2019]), np.array([2345]))[0]
    digit = (int(u[pos]) + bump + 1) % 10
    changed = u[:pos] + str(digit) + u[pos + 1:]
    assert not ids.upn_valid(np.array([changed], dtype=object))[0]


def test_ni_numbers_follow_hmrc_rules():
    ni = ids.ni_numbers(np.random.default_rng(5), 20_000)
    assert len(set(ni.tolist())) == len(ni)
    pat = re.compile(r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")
    assert all(pat.match(v) for v in ni)
    assert not any(v[:2] in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"} for v in ni)


def test_local_ids_are_distinct_and_shaped():
    v = ids.local_ids(np.random.default_rng(2), 1000, "RNA", 7)
    assert len(set(v.tolist())) == 1000 and all(re.fullmatch(r"RNA\d{7}", x) for x in v)
