"""Look-back guard: a period without the history a measure declares is flagged, in rows, JSON and the lens."""

from __future__ import annotations

import json

from joinedup.measures.engine import StoreEngine
from joinedup.measures.runner import run_measures
from joinedup.measures.spec import load_library
from tests.measures.spec_store import SpecStore, save


def _referrals_from_april_2023() -> SpecStore:
    """Children referred every month from April 2023 to March 2025; one child in three comes back
    within 12 months, so a year whose look-back starts before April 2023 reads low."""
    s = SpecStore()
    s.con.execute("""INSERT INTO person (person_id, birth_year, birth_month, sex)
        SELECT 'C' || i, 2015, 1, 'F' FROM range(720) t(i)""")
    s.con.execute("INSERT INTO person_source_link (record_id, person_id) SELECT person_id, person_id FROM person")
    s.con.execute("""INSERT INTO csc_referral (record_id, referral_date)
        SELECT 'C' || i, DATE '2023-04-01' + INTERVAL (i % 24) MONTH + INTERVAL (i % 28) DAY FROM range(720) t(i)""")
    s.con.execute("""INSERT INTO csc_referral (record_id, referral_date)
        SELECT 'C' || i, DATE '2023-04-01' + INTERVAL (i % 24) MONTH + INTERVAL 6 MONTH + INTERVAL (i % 28) DAY
        FROM range(720) t(i) WHERE i % 3 = 0 AND i % 24 < 18""")
    return s


def test_lookback_flags_a_period_whose_history_starts_before_the_data():
    engine = StoreEngine(_referrals_from_april_2023().con)
    lib = load_library()
    early = run_measures(engine, lib, "2023-24", measure_ids=["csc_re_referrals_12m"], threshold=0)[0]
    late = run_measures(engine, lib, "2024-25", measure_ids=["csc_re_referrals_12m"], threshold=0)[0]
    assert early.history.startswith("look-back incomplete: needs data from 2022-04-01")
    assert "the store starts 2023-04-01" in early.history
    assert late.history == "complete"


def test_lookback_does_not_flag_a_measure_that_declares_no_history():
    engine = StoreEngine(_referrals_from_april_2023().con)
    row = run_measures(engine, load_library(), "2023-24", measure_ids=["csc_referral_rate"], threshold=0)[0]
    assert row.history == "complete"


def test_lookback_is_in_the_cli_json_and_table(tmp_path, run_cli):
    db = tmp_path / "store.duckdb"
    save(_referrals_from_april_2023(), db)
    args = ["measures", "run", "--db", str(db), "--period", "2023-24", "--measure", "csc_re_referrals_12m",
            "--suppress-below", "0"]
    code, stdout, stderr = run_cli(*args, "--json")
    assert code == 0, stderr
    assert json.loads(stdout)[0]["history"].startswith("look-back incomplete")
    code, stdout, _ = run_cli(*args)
    assert code == 0 and "(!) csc_re_referrals_12m 2023-24: look-back incomplete" in " ".join(stdout.split())


def test_lookback_paradox_lens_leaves_out_and_names_years_without_history():
    from joinedup.measures.paradox import paradoxes
    from tests.measures.spec_store import three_year_store
    engine = StoreEngine(three_year_store().con)
    found = {p.outcome.measure: p for p in paradoxes(engine, load_library(), ["2022-23", "2023-24", "2024-25"])}
    readmissions = found["nhs_emergency_readmission_30d"]
    # The store ends in March 2025: 2024-25's last discharges have no 30 days of follow-up.
    assert readmissions.outcome.periods == ["2022-23", "2023-24"]
    assert readmissions.outcome.history_missing == ["2024-25"]
    assert "2024-25 left out" in readmissions.sentence
