"""The local-to-published measure map, peer_context for the web app, and the demo step."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from joinedup.demo import DemoContext
from joinedup.errors import UserError
from joinedup.peers import demo
from joinedup.peers.context import peer_context
from joinedup.peers.specs import headline_measures, measure_map
from tests.peers.conftest import DATA
from tests.store_con import connect

LOCAL_IDS = ["csc_referral_rate", "csc_re_referrals_12m", "csc_assessments_45_days", "csc_s47_rate", "csc_cin_rate",
             "csc_cp_plan_rate", "csc_cp_second_plan", "csc_cp_plans_2_years", "cla_rate", "cla_three_placements",
             "cla_long_term_stability", "care_leavers_eet", "ascof_2a_short_term_outcome", "ascof_2d_still_at_home_91_days",
             "ascof_2b_care_home_admissions_18_64", "ascof_2c_care_home_admissions_65_plus", "ascof_3d_direct_payments"]


def test_map_covers_the_local_measures_and_names_real_published_ids(peer_store):
    mapping = measure_map()
    assert sorted(mapping) == sorted(LOCAL_IDS)
    with connect(str(peer_store), read_only=True) as con:
        ids = {r[0] for r in con.execute("SELECT id FROM peer_measure").fetchall()}
    assert {e.published for e in mapping.values() if e.published} <= ids
    assert {m.id for m in headline_measures()} <= ids


def test_peer_context_for_re_referrals(peer_store):
    ctx = peer_context(peer_store, "E08000027", "csc_re_referrals_12m")
    assert ctx["published_id"] == "ReReferral" and ctx["value"] == 22.5 and ctx["period"] == "2025"
    assert ctx["text"].startswith("Dudley 22.5%, neighbours 13.0-28.8%, England 22.6%")
    assert ctx["neighbours"]["count"] == 10


def test_peer_context_adult_uses_the_council_median(peer_store):
    ctx = peer_context(peer_store, "332", "ascof_2a_short_term_outcome")
    assert "median English council 78.2%" in ctx["text"]


def test_peer_context_none_without_a_published_counterpart(peer_store):
    assert peer_context(peer_store, "332", "ascof_3d_direct_payments") is None
    assert peer_context(peer_store, "332", "not_a_local_measure") is None


def test_peer_context_unknown_area(peer_store):
    with pytest.raises(UserError, match="E00000000"):
        peer_context(peer_store, "E00000000", "cla_rate")


def test_demo_step_writes_the_report(tmp_path):
    ctx = DemoContext(workspace=tmp_path, people=100)
    demo.run(ctx)
    assert ctx.made["peer report"] == tmp_path / "peers.html"
    assert Path(ctx.made["peer report"]).read_text().count("Dudley") > 5
    medians = pq.read_table(DATA / "adult_social_care_oflog.parquet").to_pylist()
    median_rows = len({(r["measure_code"], r["financial_year"]) for r in medians if r["median"] is not None})
    with connect(str(ctx.store), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM peer_value").fetchone()[0] == 641_070 + 6_376 + median_rows


def test_a_bad_spec_names_file_and_field(tmp_path):
    from joinedup.peers.specs import _Headline, load_spec

    bad = tmp_path / "headline.yaml"
    bad.write_text("measures:\n  - {id: X, short: x, denominator: {kind: binomial, count: Y}}\n")
    with pytest.raises(UserError, match=r"headline.yaml: field measures.0.denominator"):
        load_spec(bad, _Headline)
    bad.write_text("measures:\n  - {id: X, shrt: x}\n")
    with pytest.raises(UserError, match="headline.yaml"):
        load_spec(bad, _Headline)
