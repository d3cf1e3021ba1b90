"""SSDA903 as submitted: the DfE's own validator on the synthetic returns, and ingest of a folder of years."""

from __future__ import annotations

import json

import duckdb
import polars as pl
from typer.testing import CliRunner

from joinedup.cli import app
from joinedup.ingest.loader import ingest
from joinedup.ingest.ssda903 import TABLES, table_of, year_folders
from joinedup.validate import validate_path


def test_each_year_holds_the_validators_eleven_tables(place):
    years = year_folders(place / "returns" / "ssda903")
    assert [y for y, _ in years] == ["2022-23", "2023-24", "2024-25"]
    for label, folder in years:
        found = {table_of(f) for f in folder.glob("*.csv")}
        assert found == set(TABLES), label
    header_24 = pl.read_csv(years[2][1] / "header.csv", infer_schema=False)
    header_22 = pl.read_csv(years[0][1] / "header.csv", infer_schema=False)
    assert set(header_24["SEX"].unique()) <= {"M", "F", "U"}
    assert set(header_22["SEX"].unique()) <= {"1", "2"}
    eps = pl.read_csv(years[2][1] / "episodes.csv", infer_schema=False)
    # full postcodes (some written without the space, as the stale-address defect keeps them), not districts
    assert (eps["HOME_POST"].drop_nulls().str.replace_all(" ", "").str.len_chars() >= 5).all()


def test_official_validator_accepts_every_year_and_every_flag_is_explained(checked, place):
    results = [r for r in checked if r.form == "ssda903"]
    assert len(results) == 3
    for r in results:
        assert not r.problems, r.problems
        assert r.official is not None and r.official.refused is None
        assert len(r.official.rules_run) > 240
        assert {c["rule"] for c in r.official.rules_crashed} <= {"231"}
        # every flag is a listed deliberate defect or a named fault of the validator itself: none untraced
        assert not r.untraced, (r.year, dict(r.untraced))
        assert set(r.validator_faults) <= {"146", "169", "SW11bSTG2"}, r.validator_faults
    # the place's deliberate defects are in the 903 returns, listed row by row for the tracer
    defects = pl.read_csv(place / "truth" / "return_defects.csv", infer_schema=False)
    assert defects.filter(pl.col("return").str.starts_with("ssda903/")).height > 0
    # and where they break a rule (of either DfE validator) the flag is recognised as theirs
    official = [r for r in checked if r.form in ("ssda903", "cin_census")]
    assert sum(sum(c.values()) for r in official for c in r.traced.values()) > 0


def test_a_placement_postcode_newer_than_the_validators_authority_table_is_its_fault(place, validators, tmp_path,
                                                                                    monkeypatch):
    """Rule 169 on a real North Yorkshire postcode (E06000065, made in 2023) is the validator's 2021 table's fault."""
    monkeypatch.setenv("JOINEDUP_VALIDATORS_VENV", str(validators.parent.parent))
    year = tmp_path / "903" / "2024-25"
    year.mkdir(parents=True)
    for f in (place / "returns" / "ssda903" / "2024-25").glob("*.csv"):
        (year / f.name).write_bytes(f.read_bytes())
    eps = pl.read_csv(year / "episodes.csv", infer_schema=False)
    post = eps["PL_POST"].to_list()
    post[0], post[1] = "YO7 1YN", "ZZ9 9ZZ"  # a real postcode in North Yorkshire; one that does not exist
    eps.with_columns(pl.Series("PL_POST", post)).write_csv(year / "episodes.csv")
    (r,) = validate_path(tmp_path / "903")
    assert "E06000065" in r.validator_faults.get("169", "")
    flagged = [f["row"] for f in r.official.flags if f["rule"] == "169"]
    assert 0 in flagged and 1 in flagged
    assert r.untraced.get("169") == 1  # the postcode that is no postcode at all stays a flag on the data


def test_validate_cli_prints_rules_run_and_flags_by_rule(place, validators, monkeypatch):
    monkeypatch.setenv("JOINEDUP_VALIDATORS_VENV", str(validators.parent.parent))
    year = place / "returns" / "ssda903" / "2024-25"
    res = CliRunner().invoke(app, ["validate", str(year)])
    assert res.exit_code == 0, res.output
    assert "official validator ran: csc-validator-be-903 0.1.17, rule set lac2024_25" in res.output
    assert "joinedup checks ran: columns: 11 tables" in res.output
    assert "traced to:" in res.output or "flags: none" in res.output or "validator fault:" in res.output
    data = json.loads(CliRunner().invoke(app, ["validate", str(year), "--json", "--no-official"]).output)
    assert [d["year"] for d in data] == ["2024-25"] and data[0]["official"] is None


def test_validate_without_validators_says_what_ran(place, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_VALIDATORS_VENV", str(tmp_path / "none"))
    res = CliRunner().invoke(app, ["validate", str(place / "returns" / "ssda903" / "2024-25")])
    assert res.exit_code == 0, res.output
    assert "official validator: not run" in res.output
    assert "structural problems: none" in res.output


def test_structural_checks_find_a_wrong_sex_code_and_a_bad_column(place, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_VALIDATORS_VENV", str(tmp_path / "none"))
    year = tmp_path / "903" / "2024-25"
    year.mkdir(parents=True)
    for f in (place / "returns" / "ssda903" / "2024-25").glob("*.csv"):
        (year / f.name).write_bytes(f.read_bytes())
    h = pl.read_csv(year / "header.csv", infer_schema=False).with_columns(pl.lit("1").alias("SEX"))
    h.write_csv(year / "header.csv")
    oc3 = pl.read_csv(year / "oc3.csv", infer_schema=False).with_columns(pl.lit("2024-25").alias("COLLECTION_YEAR"))
    oc3.write_csv(year / "oc3.csv")
    res = validate_path(tmp_path / "903", official=False)
    checks = {(p.check, p.file, p.field) for p in res[0].problems}
    assert ("codes", "header.csv", "SEX") in checks
    assert ("columns", "oc3.csv", None) in checks


def test_ingest_reads_a_folder_of_years_keeping_the_latest_row(place, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    db = tmp_path / "s.duckdb"
    result = ingest([place / "returns" / "ssda903"], db)
    assert result.files[0].rows_quarantined == 0
    con = duckdb.connect(str(db), read_only=True)
    n, distinct = con.execute("SELECT count(*), count(DISTINCT (record_id, start_date)) FROM cla_episode").fetchone()
    assert n == distinct > 0  # an episode in two years' returns is loaded once
    years = {r[0] for r in con.execute("SELECT DISTINCT collection_year FROM care_leaver").fetchall()}
    assert years <= {"2022-23", "2023-24", "2024-25"} and years
    # episodes closed in a later year's return are closed in the store
    eps = pl.concat([pl.read_csv(f / "episodes.csv", infer_schema=False) for _y, f in
                     year_folders(place / "returns" / "ssda903")])
    closed = eps.filter(pl.col("DEC").is_not_null()).unique(["CHILD", "DECOM"]).height
    assert con.execute("SELECT count(*) FROM cla_episode WHERE end_date IS NOT NULL").fetchone()[0] == closed
    con.close()
    again = ingest([place / "returns" / "ssda903"], db)
    assert again.files[0].skipped
