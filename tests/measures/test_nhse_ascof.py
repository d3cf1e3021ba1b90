"""joinedup's ASCOF measures agree with an independent port of NHS England's (and DHSC's) published
CLD-to-ASCOF code (tests/measures/nhse_ascof.py), measure by measure, on joinedup's own CLD output.

A 20,000-person place (seed 11) goes synth -> ingest -> link; the port reads the raw extracts the
place wrote, joinedup runs its measure library on the store, and every count must be equal.
The place is written without defects: the port derives each person's age from the row's own date
of birth, as NHS England's code does, where joinedup uses the person index's; a typo in one row
would test linkage, not the definition.

Not compared, and why: ASCOF 2D by the 2023-24 method (SALT was an aggregate return: there is no official
code; the handbook's edge cases are pinned in tests/measures/test_spec_ascof.py).
"""

from __future__ import annotations

import polars as pl
import pytest
import sqlglot

from joinedup.measures.engine import open_store
from joinedup.measures.runner import run_measures
from joinedup.measures.spec import load_library
from tests.measures import nhse_ascof
from tests.cli_run import cli as _cli

pytestmark = pytest.mark.slow

YEARS = ("2022-23", "2023-24", "2024-25")


def _ids(store, source: str) -> dict[int, str]:
    from tests.store_con import connect
    con = connect(str(store), read_only=True)
    table = "asc_event" if source.startswith("asc.") else "encounter"
    rows = con.execute(f"""SELECT t.row_number, l.person_id FROM {table} t
                           JOIN person_source_link l ON l.record_id = t.record_id WHERE t.source = ?""", [source]).fetchall()
    con.close()
    return {int(r): p for r, p in rows}


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """(engine, CLD frame, spells frame) for a clean 20,000-person place."""
    root = tmp_path_factory.mktemp("nhse_place")
    _cli("synth", "--people", "20000", "--seed", "11", "--out", str(root / "place"), "--clean")
    store = root / "store.duckdb"
    # the port reads the analysts' copies (client_level_data.parquet, inpatient_spells.parquet) and maps their
    # row numbers to persons, so the store is loaded from those same copies, not from the quarterly returns
    _cli("ingest", str(root / "place"), "--db", str(store), "--no-returns")
    _cli("link", "--db", str(store))
    cld = nhse_ascof.cld_frame(pl.read_parquet(root / "place" / "asc" / "client_level_data.parquet"),
                               _ids(store, "asc.client_level_data"))
    sus = nhse_ascof.spells_frame(pl.read_parquet(root / "place" / "nhs" / "inpatient_spells.parquet"),
                                  _ids(store, "nhs.inpatient_spells"))
    return open_store(store), cld, sus


def _run(engine, measure: str, fy: str) -> tuple:
    r = run_measures(engine, load_library(), fy, measure_ids=[measure], threshold=0)[0]
    return r.numerator, r.denominator


@pytest.mark.parametrize("fy", YEARS)
def test_nhse_ascof_2b_2c_care_home_admissions_agree(place, fy):
    engine, cld, _ = place
    n2b, n2c = nhse_ascof.ascof_2b_2c(cld, int(fy[:4]))
    assert _run(engine, "ascof_2b_care_home_admissions_18_64", fy)[0] == n2b
    assert _run(engine, "ascof_2c_care_home_admissions_65_plus", fy)[0] == n2c
    assert n2c > 0


@pytest.mark.parametrize("fy", YEARS)
def test_nhse_ascof_3d_direct_payments_agree(place, fy):
    engine, cld, _ = place
    den, _, n2a = nhse_ascof.ascof_3d_clients(cld, int(fy[:4]))
    assert _run(engine, "ascof_3d_direct_payments", fy) == (n2a, den)
    assert 0 < n2a < den


@pytest.mark.parametrize("fy", YEARS[:2])
def test_nhse_ascof_2d_2024_25_method_agrees_with_dhsc_code(place, fy):
    # 2024-25 itself lacks its 84 days of follow-up in a place that ends on 31 March 2025.
    engine, cld, sus = place
    num, den = nhse_ascof.ascof_2d_2425(cld, sus, int(fy[:4]))
    assert _run(engine, "ascof_2d_in_community_84_days", fy) == (num, den)
    assert 0 < num < den


@pytest.mark.parametrize("fy", YEARS)
def test_nhse_ascof_2a_short_term_outcome_agrees(place, fy):
    engine, cld, _ = place
    num, den = nhse_ascof.ascof_2a(cld, int(fy[:4]))
    assert _run(engine, "ascof_2a_short_term_outcome", fy) == (num, den)
    assert 0 < num < den


def test_nhse_ascof_2a_every_sts002a_row_agrees(place):
    # Not only the two counts: each person's rows of NHS England's STS002a table, record type and sequel.
    engine, cld, _ = place
    from joinedup.measures import derived
    from joinedup.measures.compiler import to_sql
    from joinedup.measures.periods import periods_for
    period = periods_for("financial_year", "2023-24")[0]
    rel = derived.relation("asc_st_max_sequel", period)
    tree = sqlglot.select("person_id", "record_type", "sequel").from_(rel)
    engine.setup()
    engine._ensure(tree)
    ours = sorted(engine.store.fetchall(to_sql(tree, engine.dialect)), key=str)
    theirs = sorted(nhse_ascof.sts002a_rows(cld, 2023), key=str)
    assert ours == theirs
    assert {t for _, t, _ in theirs} >= {1, 2, 5}
