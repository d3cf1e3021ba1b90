"""The linkage benchmark's peer: Splink's blocking analysis of its rules, on a small hand-built place."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.linkage import _peer_people, _rule_label, analyse_peer_blocking, peer_blocking_rules  # noqa: E402


@pytest.fixture(scope="module")
def small_place(tmp_path_factory) -> Path:
    """A place of 300 people (store, vault, truth), not linked: the peer reads only the identity table."""
    from place import KEY, build_place

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JOINEDUP_KEY", KEY)
        return build_place(tmp_path_factory.mktemp("peer"), n=300, seed=5)


def test_blocking_analysis_counts_what_the_rules_make(small_place):
    """Exact counts (sample 1.0): the NHS-number rule's pairs equal a direct count; cumulative figures add up."""
    rows = [r for r in analyse_peer_blocking(small_place, small_place.parent / "truth", sample=1.0)
            if not r.get("training")]
    assert len(rows) == len(peer_blocking_rules())
    con = duckdb.connect()
    con.register("people", _peer_people(small_place))
    direct = con.execute("""SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM (SELECT count(*) AS n FROM people
        WHERE nhs_number IS NOT NULL GROUP BY nhs_number)""").fetchone()[0]
    assert _rule_label(rows[0]["rule"]) == "nhs_number"
    assert rows[0]["alone"] == direct > 0
    total = 0
    for r in rows:
        total += r["marginal"]
        assert r["cumulative"] == total and 0 <= r["marginal"] <= r["alone"]
    recalls = [r["recall_cumulative"] for r in rows]
    assert recalls == sorted(recalls) and 0 < recalls[-1] <= 1
    assert all(r["recall_alone"] <= c for r, c in zip(rows, recalls))


def test_rule_labels_name_the_columns_and_prefixes():
    """The printed labels keep each column and each prefix length of a rule."""
    labels = [_rule_label(r.get_blocking_rule("duckdb").blocking_rule_sql) for r in peer_blocking_rules()]
    assert "first_name + surname + dob[:4]" in labels
    assert "postcode_fake[:3] + dob" in labels
    assert labels[-1].startswith("first_name + surname + ")  # the rule with a filter stays readable
