"""ASC Client Level Data by quarter: the published field list and code lists, the DQ rules, and ingest of the quarters."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml

from joinedup.errors import UserError
from joinedup.ingest.loader import ingest
from joinedup.sources.cld import CODE_LISTS, FIELDS, PUBLISHED
from joinedup.validate import validate_path

SPEC = yaml.safe_load((Path(__file__).parent / "data" / "cld_r1_published.yaml").read_text())
#: The fields issue 14 found missing from the CLD the place wrote (Adult_2/3 stay empty: one adult cared for).
ONCE_MISSING = ["Employment_Status", "Client_Funding_Status", "Autism_Spectrum_Disorder_ASD", "Visual_Impairment",
                "Hearing_Impairment", "Dementia", "Event_Description", "Method_of_Assessment", "Method_of_Review",
                "Review_Outcomes_Achieved", "No_of_adults_being_cared_for", "Adult_1_Linked_Person_ID",
                "Provider_CQC_Location_ID", "Cost_Frequency_Unit_Type"]


def _quarters(place: Path) -> list[Path]:
    return sorted((place / "returns" / "asc_cld").glob("cld_*.csv"))


def test_each_quarter_has_the_published_fields_and_only_published_codes(place):
    files = _quarters(place)
    assert [f.stem for f in files] == [f"cld_{y}_q{q}" for y in ("2023-24", "2024-25") for q in (1, 2, 3, 4)]
    assert set(FIELDS) == set(SPEC["fields"]["names"]) and len(FIELDS) == 48
    lists = SPEC["code_lists"]
    for field, source in PUBLISHED.items():  # joinedup's copy of each published list is the published list
        want = lists.get(field) or lists["Service_Type_long_and_short_term"]
        assert set(want) <= set(CODE_LISTS[field]), (field, source)
    ends = []
    for f in files:
        df = pl.read_csv(f, infer_schema=False)
        assert df.columns == list(FIELDS), f.name
        for field, allowed in lists.items():
            col = "Service_Type" if field.startswith("Service_Type") else field
            seen = set(df[col].drop_nulls())
            if col == "Service_Type":
                seen = {v for v in seen if not v.startswith("Carer Support: ")}
            assert seen <= set(allowed), (f.name, col, seen - set(allowed))
        assert not df.filter(pl.col("Review_Reason") == "Unplanned").height  # an unplanned review says why
        start, end = df["Reporting_Period_Start_Date"].unique().to_list(), df["Reporting_Period_End_Date"].unique()
        assert len(start) == 1 and start[0].endswith("-04-01") and end.len() == 1
        late = df.filter(pl.col("Event_End_Date") > pl.col("Reporting_Period_End_Date"))
        assert late.height == 0, f.name  # the future is not known when the quarter is submitted
        ends.append(end[0])
    assert ends == sorted(ends)
    last = pl.read_csv(files[-1], infer_schema=False)
    for field in ONCE_MISSING:
        assert last[field].drop_nulls().len() > 0, field


def test_every_dq_flag_is_a_listed_defect(place):
    results = [r for r in validate_path(place / "returns" / "asc_cld", official=False)]
    assert [r.year for r in results] == [f"{y}_q{q}" for y in ("2023-24", "2024-25") for q in (1, 2, 3, 4)]
    for r in results:
        assert not r.problems, r.problems
        assert len(r.official.rules_run) == 48
        assert not r.untraced, (r.year, dict(r.untraced))
        assert set(r.traced) <= {"NHS_Number: Failed: Blank (Mandatory)", "NHS_Number: Failed: Invalid"}
    assert sum(sum(c.values()) for r in results for c in r.traced.values()) > 0


def test_dq_rules_name_the_field_and_row_of_a_bad_value(place, tmp_path):
    df = pl.read_csv(_quarters(place)[0], infer_schema=False)
    lts = df.with_row_index("i").filter(pl.col("Service_Type").str.starts_with("Long Term") &
                                        (pl.col("Delivery_Mechanism") == "Direct Payment"))["i"][0]
    bad = df.with_columns(
        Employment_Status=pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("Retired")).otherwise(
            pl.col("Employment_Status")),
        Unit_Cost=pl.when(pl.int_range(pl.len()) == lts).then(None).otherwise(pl.col("Unit_Cost")))
    path = tmp_path / "cld_2023-24_q1.csv"
    bad.write_csv(path)
    (r,) = validate_path(path, official=False)
    rows = {(f["rule"], f["row"]) for f in r.official.flags}
    assert ("Employment_Status: Failed: Invalid", 3) in rows
    assert ("Unit_Cost: Failed: Blank (Mandatory)", lts) in rows  # a direct payment must say what it costs


def test_ingest_keeps_the_latest_submission_of_each_event(place, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    folder = place / "returns" / "asc_cld"
    every = pl.concat([pl.read_csv(f, infer_schema=False) for f in _quarters(place)])
    db = tmp_path / "cld.duckdb"
    res = ingest([folder], db)
    assert res.files[0].format == "cld" and res.files[0].rows_quarantined == 0
    con = duckdb.connect(str(db), read_only=True)
    n, ended = con.execute("SELECT count(*), count(end_date) FROM asc_event").fetchone()
    assert n == every["Event_Reference"].n_unique()
    # a service open at one quarter's end and ended later carries its end date: the later file wins
    closed_later = every.group_by("Event_Reference").agg(pl.col("Event_End_Date").null_count().alias("open"),
                                                         pl.col("Event_End_Date").drop_nulls().len().alias("done"))
    assert closed_later.filter((pl.col("open") > 0) & (pl.col("done") > 0)).height > 0
    assert ended == every.group_by("Event_Reference").agg(pl.col("Event_End_Date").drop_nulls().len() > 0)[
        "Event_End_Date"].sum()
    eth = con.execute("SELECT count(*) FROM person_record "
                      "WHERE ethnicity_group IN ('White', 'Asian', 'Black')").fetchone()[0]
    assert eth > 0  # descriptions read back to the NHS category, then to the ONS group


def test_ingest_names_the_file_row_and_field_of_a_bad_row(place, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    df = pl.read_csv(_quarters(place)[0], infer_schema=False)
    folder = tmp_path / "cld"
    folder.mkdir()
    df.with_columns(Event_Start_Date=pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("2023-02-31"))
                    .otherwise(pl.col("Event_Start_Date"))).write_csv(folder / "cld_2023-24_q1.csv")
    db = tmp_path / "bad.duckdb"
    res = ingest([folder], db)
    assert res.files[0].rows_quarantined == 1
    con = duckdb.connect(str(db), read_only=True)
    path, row, field, rejected = con.execute(
        "SELECT path, row_number, field, row_rejected FROM quarantine WHERE row_rejected").fetchone()
    assert (Path(path).name, row, field) == ("cld_2023-24_q1.csv", 5, "Event_Start_Date")
    (folder / "cld_2023-24_q1.csv").write_text("LA_Code,NHS_Number\nE08000027,x\n")
    with pytest.raises(UserError):
        ingest([folder], tmp_path / "worse.duckdb")
