"""`joinedup measures ...` in process, the way users run it; and the catalogue cannot drift."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from joinedup.measures.catalogue import markdown
from joinedup.measures.runner import ROW_KEYS
from joinedup.measures.spec import load_library
from tests.measures.spec_store import save, three_year_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    save(three_year_store(), path)
    return path


def test_list_json_has_30_plus_measures_all_sectors_both_kinds(run_cli):
    code, out, _ = run_cli("measures", "list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) >= 30
    assert {s for r in rows for s in r["sectors"]} == {"nhs", "adult_social_care", "childrens_services", "public_health", "education"}
    assert {r["kind"] for r in rows} == {"outcome", "process"}
    # Each row says where its definition is written.
    assert all(set(r["citation"]) == {"document", "version", "section", "url"} and r["citation"]["section"] for r in rows)


def test_run_json_rows_have_exactly_the_contract_keys(run_cli, store):
    code, out, err = run_cli("measures", "run", "--db", str(store), "--json")
    rows = json.loads(out)
    assert code == 0, err
    assert all(tuple(r) == ROW_KEYS for r in rows)
    ae = next(r for r in rows if r["measure"] == "ae_4_hour_performance")
    assert ae["period"] == "2024-25" and ae["numerator"] == 360 and ae["denominator"] == 400 and ae["value"] == 90.0
    assert ae["ci_low"] < 90.0 < ae["ci_high"] and ae["suppressed"] is False


def test_run_by_deprivation_quintile_and_suppression_prints_suppressed(run_cli, store):
    code, out, _ = run_cli("measures", "run", "--db", str(store), "--period", "2023-24", "--by", "deprivation_quintile",
                           "--measure", "ae_4_hour_performance", "--json")
    rows = json.loads(out)
    groups = {r["group"]: r for r in rows if r["breakdown"] == "deprivation_quintile"}
    assert code == 0 and set(groups) == {"Q1 most deprived", "Q2", "Q3", "Q4", "Q5 least deprived"}
    assert sum(g["denominator"] for g in groups.values()) == 400
    code, out, _ = run_cli("measures", "run", "--db", str(store), "--measure", "ae_4_hour_performance",
                           "--by", "sex", "--suppress-below", "250")
    assert code == 0 and "suppressed" in out


def test_run_by_segment(run_cli, store):
    code, out, err = run_cli("measures", "run", "--db", str(store), "--by", "segment", "--measure",
                             "nhs_emergency_readmission_30d", "--json")
    rows = [r for r in json.loads(out) if r["breakdown"] == "segment"]
    assert code == 0, err
    assert {r["group"] for r in rows} <= {"adult_frailty", "adult_complex_needs", "adult_acute_episode", "adult_healthy",
                                          "adult_long_term_condition", "adult_end_of_life", "unknown"}
    shown = [r for r in rows if not r["suppressed"]]
    assert sum(r["denominator"] for r in shown) <= 440


def test_paradoxes_json(run_cli, store):
    code, out, err = run_cli("measures", "paradoxes", "--db", str(store), "--json")
    found = {p["process"]["measure"]: p for p in json.loads(out)}
    assert code == 0, err
    assert found["ae_4_hour_performance"]["flagged"] is True
    assert "Cochran-Armitage" in found["ae_4_hour_performance"]["test"]


@pytest.mark.parametrize("args,message", [
    (["measures", "run", "--db", "nope.duckdb"], "store not found"),
    (["measures", "run", "--db", "{store}", "--by", "shoe_size"], "unknown breakdown"),
    (["measures", "run", "--db", "{store}", "--measure", "ae_4_hours"], "unknown measure"),
    (["measures", "run", "--db", "{store}", "--period", "2024"], "not a financial year"),
    (["measures", "run", "--db", "{store}", "--measure", "ae_4_hour_performance", "--by", "ward", "--measures", "nowhere"],
     "not found"),
    (["measures", "sql", "--measure", "cla_rate", "--dialect", "oracle"], "unknown dialect"),
    (["measures", "run", "--db", "{store}", "--measure", "cla_rate", "--by", "ethnicity_group"], "does not allow"),
])
def test_bad_input_is_one_line_exit_2(run_cli, store, args, message):
    code, _, err = run_cli(*[a.replace("{store}", str(store)) for a in args])
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], err


def test_a_bad_council_measure_names_file_measure_and_field(run_cli, store, tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "id: mine\ntitle: t\ndescription: d\nsectors: [nhs]\nkind: outcome\n"
        "definition: {name: n, reference: r, citation: {document: a council paper, version: '2024', section: s. 1}}\n"
        "period: financial_year\nunit: percent\npolarity: lower_is_better\n"
        "denominator: {from: encounter, where: \"kind = 'ed_attendance'\"}\nnumerator: {where: \"waiting_minutes > 240\"}\n")
    code, _, err = run_cli("measures", "list", "--measures", str(tmp_path))
    assert code == 2 and "mine.yaml" in err and "numerator.where" in err and "unknown column 'waiting_minutes'" in err


def test_docs_command_writes_the_catalogue_and_the_committed_copy_is_current(run_cli, tmp_path):
    out_path = tmp_path / "measures.md"
    code, _, _ = run_cli("measures", "docs", "--out", str(out_path))
    text = out_path.read_text()
    assert code == 0 and text == markdown(load_library())
    for m in load_library():
        assert f"`{m.id}`" in text
    committed = ROOT / "docs" / "measures.md"
    assert committed.read_text() == text, "run: joinedup measures docs --out docs/measures.md"


def test_sql_command_prints_spark_sql(run_cli):
    code, out, _ = run_cli("measures", "sql", "--measure", "csc_re_referrals_12m", "--dialect", "spark", "--by", "segment")
    assert code == 0 and "INTERVAL" in out and "_jp_segment" in out
