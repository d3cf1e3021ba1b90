"""School census as XML: every file valid against the schema (lxml), the copy's pupils in it, ingest reads it."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from lxml import etree

from joinedup.errors import UserError
from joinedup.ingest.loader import ingest
from joinedup.ingest.school_census import SCHEMA, check_schema, read_parts
from joinedup.synth.returns.school_census import pupil_upns


def _files(place):
    return sorted((place / "returns" / "school_census").glob("sc_*.xml"))


def test_every_file_is_valid_against_the_schema_and_holds_the_copys_pupils(place):
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    copy = pl.read_csv(place / "education" / "school_census.csv", infer_schema=False)
    files = _files(place)
    assert len(files) == copy.select("CensusDate", "LAEstab").unique().height
    for f in files:
        assert schema.validate(etree.parse(str(f))), (f.name, str(schema.error_log.last_error))
        year, school = f.stem.split("_")[1:]
        want = copy.filter(pl.col("CensusDate").str.starts_with(year) & (pl.col("LAEstab") == school))
        assert sorted(pupil_upns(f)) == sorted(want["UPN"].to_list())
    entry = next(r for r in __import__("json").loads((place / "manifest.json").read_text())["returns"]
                 if r["form"] == "school_census")
    assert sum(x["pupils"] for y in entry["years"] for x in y["files"]) == copy.height


def test_the_xml_reads_back_as_the_copys_rows(place):
    copy = pl.read_csv(place / "education" / "school_census.csv", infer_schema=False)
    rows = pl.concat([pl.from_arrow(t) for _s, t, _f in read_parts(place / "returns" / "school_census")])
    assert rows.height == copy.height
    key = ["CensusDate", "URN", "UPN"]
    cols = ["Sex", "DOB", "NCyearActual", "EnrolStatus", "SENprovision", "SENtype", "FSMeligible", "InCare"]
    got = rows.select(*key, *cols).sort(key)
    want = copy.select(*key, *cols).sort(key)
    assert got.equals(want)


def test_ingest_loads_the_census_files_and_the_store_matches_the_copy(place, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    db = tmp_path / "sc.duckdb"
    res = ingest([place / "returns" / "school_census"], db)
    assert res.files[0].format == "school-census-xml" and res.files[0].rows_quarantined == 0
    copy = pl.read_csv(place / "education" / "school_census.csv", infer_schema=False)
    con = duckdb.connect(str(db), read_only=True)
    n, sen_e = con.execute("SELECT count(*), count(*) FILTER (WHERE sen_provision = 'E') FROM school_census").fetchone()
    assert (n, sen_e) == (copy.height, copy.filter(pl.col("SENprovision") == "E").height)


@pytest.mark.parametrize("old, new, field", [("<Sex>F</Sex>", "<Sex>X</Sex>", "Sex"),
                                             ("<NCyearActual>", "<NCyearActual>Y", "NCyearActual"),
                                             ("<UPN>", "<UPN>9", "UPN")])
def test_a_file_off_the_schema_is_refused_naming_line_and_element(place, tmp_path, old, new, field):
    f = next(f for f in _files(place) if old in f.read_text())
    bad = tmp_path / f.name
    bad.write_text(f.read_text().replace(old, new, 1))
    with pytest.raises(UserError) as e:
        check_schema(bad)
    assert e.value.field == field and e.value.row and str(bad) in str(e.value)
    assert "school census schema" in str(e.value)


def test_not_well_formed_xml_is_a_user_error(tmp_path):
    bad = tmp_path / "sc_2025_3320001.xml"
    bad.write_text("<?xml version='1.0'?>\n<SchoolCensus><Header>\n</SchoolCensus>")
    with pytest.raises(UserError) as e:
        check_schema(bad)
    assert "not well-formed" in str(e.value) and e.value.row == 3


def test_validate_reports_the_schema_check(place, tmp_path):
    from joinedup.validate import validate_path

    results = [r for r in validate_path(place / "returns" / "school_census", official=False)]
    assert results and all(r.form == "school_census" and not r.problems for r in results)
    f = _files(place)[0]
    bad = tmp_path / f.name
    bad.write_text(f.read_text().replace("<EnrolStatus>C</EnrolStatus>", "<EnrolStatus>Z</EnrolStatus>", 1))
    [r] = validate_path(bad, official=False)
    assert r.problems and r.problems[0].field == "EnrolStatus" and "Z" in r.problems[0].message
