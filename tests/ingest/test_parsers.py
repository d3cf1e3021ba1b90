"""Property tests of the parsers and checks (as the engine runs them): NHS numbers, dates, postcodes, codes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.ingest.keys import PseudonymKey
from joinedup.ingest.validate import POSTCODE_PATTERN, date_sql, nhs_check_sql, postcode_norm_sql
from tests.store_con import connect

CON = connect()


def _one(sql: str, value):
    return CON.execute(f"SELECT {sql.replace('$x', '?')}", [value] * sql.count("$x")).fetchall()[0][0]


def _nhs_valid(s: str) -> bool:
    if len(s) != 10 or not s.isdigit() or len(set(s)) == 1:  # ten equal digits: a placeholder, never issued
        return False
    check = (11 - sum(int(d) * (10 - i) for i, d in enumerate(s[:9])) % 11) % 11
    return check != 10 and check == int(s[9])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text("0123456789", min_size=10, max_size=10), st.text(min_size=0, max_size=12)))
def test_nhs_number_check_matches_modulus_11(s):
    assert bool(_one(nhs_check_sql("$x"), s)) == _nhs_valid(s)


def test_known_nhs_numbers():
    assert _one(nhs_check_sql("$x"), "9434765919") is True
    assert _one(nhs_check_sql("$x"), "9434765918") is False
    assert _one(nhs_check_sql("$x"), "0000000000") is False  # passes modulus 11, but a placeholder


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1890, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_round_trip_in_each_source_format(d):
    assert _one(date_sql("$x", "%d/%m/%Y"), d.strftime("%d/%m/%Y")) == d
    assert _one(date_sql("$x", "%Y-%m-%d"), d.isoformat()) == d


@settings(max_examples=200, deadline=None)
@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 31))
def test_impossible_dates_are_rejected(y, m, day):
    try:
        expected = date(y, m, day)
    except ValueError:
        expected = None
    assert _one(date_sql("$x", "%d/%m/%Y"), f"{day:02d}/{m:02d}/{y}") == expected


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}", fullmatch=True),
       st.sampled_from(["", " ", "  "]), st.booleans())
def test_postcodes_normalise_whatever_the_spacing_and_case(pc, gap, lower):
    messy = pc.replace(" ", gap)
    messy = messy.lower() if lower else messy
    norm = _one(postcode_norm_sql("$x"), messy)
    assert norm == pc
    assert _one(f"regexp_full_match({postcode_norm_sql('$x')}, '{POSTCODE_PATTERN}')", messy)


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_sql_pseudonym_equals_python_hmac(value):
    key = PseudonymKey(b"k" * 40, "test")
    ipad, opad = key.pads()
    sql = (f"substr(sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || encode('nhs' || '|' || ?)))), 1, 32)")
    assert CON.execute(f"SELECT {sql}", [value]).fetchall()[0][0] == key.pseudonym("nhs", value)


@pytest.mark.parametrize("code,ok", [("U4", True), ("U9", False), ("", None), ("u4", False)])
def test_code_lists_are_exact(tmp_path, code, ok, run_cli, monkeypatch):
    from tests.ingest.place import make_rows
    import csv
    rows = make_rows("csc.ssda903_episodes", 3)
    for r in rows:
        r["PLACE"] = code
    path = tmp_path / "episodes.csv"
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    db = tmp_path / "s.duckdb"
    code_, out, err = run_cli("ingest", str(path), "--db", str(db), "--json")
    assert code_ == 0, err
    import json
    f = json.loads(out)["files"][0]
    assert f["rows_loaded"] == (len(rows) if ok else 0)
