"""A linked person's true person is decided the same way whatever order the rows come in."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.link.evaluate import majority_truth


def _expected(rows: list[tuple[str, str, str]]) -> dict[str, str]:
    counts: dict[str, dict[str, int]] = {}
    for _record, person, true in rows:
        counts.setdefault(person, {}).setdefault(true, 0)
        counts[person][true] += 1
    return {p: min(c, key=lambda t: (-c[t], t)) for p, c in counts.items()}


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.tuples(st.sampled_from("pqr"), st.sampled_from(["t1", "t2", "t3"])), min_size=1, max_size=30),
       st.randoms(use_true_random=False))
def test_majority_truth_is_the_most_common_then_smallest_whatever_the_row_order(pairs, rnd):
    rows = [(f"r{i}", p, t) for i, (p, t) in enumerate(pairs)]
    rnd.shuffle(rows)
    frame = pl.DataFrame(rows, schema=["record_id", "person_id", "true_id"], orient="row")
    got = dict(majority_truth(frame).iter_rows())
    assert got == _expected(rows)


def test_a_tie_goes_to_the_smallest_true_id():
    frame = pl.DataFrame({"record_id": ["a", "b", "c", "d"], "person_id": ["p", "p", "p", "p"],
                          "true_id": ["t9", "t2", "t9", "t2"]})
    assert majority_truth(frame).to_dicts() == [{"person_id": "p", "true_id": "t2"}]
