"""The written place: spec columns only, truth complete, manifest valid, same seed same bytes, defect rates."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import polars as pl
import pytest

from joinedup.sources import codes_of, source
from joinedup.synth.defects import DefectConfig, DefectRates, transpose_day_month
from joinedup.synth.identifiers import nhs_number_valid
from joinedup.synth.place import synthesise
from joinedup.synth.writer import POLARS_TYPES

PEOPLE = 3_000


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    out = tmp_path_factory.mktemp("place")
    return out, synthesise(PEOPLE, 11, out, "parquet")


def _read(out: Path, entry: dict) -> pl.DataFrame:
    return pl.read_parquet(out / entry["path"])


def test_manifest_lists_every_file_with_rows_hash_and_schema(place):
    out, result = place
    m = json.loads((out / "manifest.json").read_text())
    assert m == json.loads(json.dumps(result.manifest))
    assert m["seed"] == 11 and m["people"] == PEOPLE and m["area"] == "E08000027"
    assert m["period"] == {"start": "2022-04-01", "end": "2025-03-31"}
    assert re.match(r"^\d+\.\d+\.\d+\+synth\.\d+$", m["version"])
    sources = {f["source"] for f in m["files"]}
    assert {"nhs.ed_attendances", "nhs.inpatient_spells", "nhs.gp_appointments", "nhs.deaths",
            "asc.client_level_data", "ons.population_estimates"} <= sources
    for f in m["files"]:
        path = out / f["path"]
        assert not Path(f["path"]).is_absolute() and path.exists()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == f["sha256"]
        df = pl.read_parquet(path)
        spec = source(f["source"])
        assert df.height == f["rows"]
        assert list(f["schema"]) == spec.columns == df.columns  # the spec's columns, in order, nothing else
        assert f["schema"] == {x.name: x.type for x in spec.fields}
        for fld in spec.fields:
            assert df.schema[fld.name] == POLARS_TYPES[fld.type], (f["source"], fld.name)
    assert {t["path"] for t in m["truth"]} == {f"truth/{n}.parquet" for n in ("records", "people", "households", "residence", "relations")}


def test_values_are_in_the_code_lists_and_required_fields_present(place):
    out, result = place
    for f in result.manifest["files"]:
        df = _read(out, f)
        spec = source(f["source"])
        for fld in spec.fields:
            if fld.required:
                assert df[fld.name].null_count() == 0, (f["source"], fld.name)
            codes = codes_of(spec, fld.name)
            if codes and df.height:
                bad = set(df[fld.name].drop_nulls().unique().to_list()) - set(codes)
                assert not bad, (f["source"], fld.name, sorted(bad)[:3])


def test_no_extract_holds_the_true_person_id(place):
    out, result = place
    for f in result.manifest["files"]:
        assert not any(c.startswith("_") or c == "person_id" for c in f["schema"])


def test_truth_covers_every_record(place):
    out, result = place
    truth = pl.read_parquet(out / "truth" / "records.parquet")
    for f in result.manifest["files"]:
        spec = source(f["source"])
        if spec.person_key is None:
            continue
        df = _read(out, f)
        t = truth.filter(pl.col("source") == f["source"]).sort("row_number")
        assert t.height == df.height and t["row_number"].to_list() == list(range(1, df.height + 1))
        assert (t["file"] == f["path"]).all()
        assert t["local_id"].to_list() == df[spec.person_key].cast(pl.Utf8).to_list()
    people = set(pl.read_parquet(out / "truth" / "people.parquet")["person_id"])
    assert set(truth["person_id"].drop_nulls()) <= people
    rel = pl.read_parquet(out / "truth" / "relations.parquet")
    assert set(rel["relation"].unique()) >= {"mother", "father", "partner"}


def test_one_local_id_means_one_person_and_duplicates_exist(place):
    out, result = place
    truth = pl.read_parquet(out / "truth" / "records.parquet").drop_nulls(["local_id", "person_id"])
    spaces = {s: source(s).id_space for s in truth["source"].unique()}
    t = truth.with_columns(space=pl.col("source").replace_strict(spaces))
    per_id = t.group_by("space", "local_id").agg(pl.col("person_id").n_unique().alias("n"))
    assert per_id["n"].max() == 1
    per_person = t.group_by("space", "person_id").agg(pl.col("local_id").n_unique().alias("n"))
    # nhs.acute holds ~2,500 persons at 3,000 people: 0.4% is 10 persons, within binomial noise of the 8 that seed 11
    # gives, so the lower bound asks for a few (0.2%), not a rate this sample cannot measure
    for space, lo, hi in (("nhs.acute", 0.002, 0.03), ("asc.client_level_data", 0.01, 0.06)):
        share = (per_person.filter(pl.col("space") == space)["n"] > 1).mean()
        assert lo < share < hi, (space, share)
    deaths = per_person.filter(pl.col("space") == "nhs.deaths")
    assert deaths["n"].max() == 1


def test_nhs_numbers_missing_more_often_in_social_care(place):
    out, result = place
    files = {f["source"]: f for f in result.manifest["files"]}
    asc = _read(out, files["asc.client_level_data"])
    spells = _read(out, files["nhs.inpatient_spells"])
    asc_missing = asc.group_by("LA_Person_Unique_Identifier").agg(pl.col("NHS_Number").first().is_null())["NHS_Number"].mean()
    assert 0.05 < asc_missing < 0.2  # default: 8% of registrations, more on duplicates
    nhs_missing = spells["NHS_Number"].is_null().mean()
    assert nhs_missing < asc_missing / 2
    present = spells.filter(pl.col("NHS_Number").is_not_null())
    status = present.with_columns(ok=pl.Series(nhs_number_valid(present["NHS_Number"])))
    assert (status.filter(pl.col("ok"))["NHS_Number_Status_Indicator_Code"] == "01").all()
    assert (spells.filter(pl.col("NHS_Number").is_null())["NHS_Number_Status_Indicator_Code"] == "03").all()


def test_defect_rates_match_the_config(tmp_path):
    """With high rates the extracts differ from the truth about as often as configured; with none, never."""
    rates = DefectRates(typo=0.2, nickname=0.0, surname_change=0.0, hyphen_variant=0.0, dob_transposed=0.2,
                        nhs_missing=0.1, nhs_mistyped=0.1, stale_address=0.0, duplicate=0.0)
    noisy = DefectConfig(nhs=rates, asc=rates)
    r = synthesise(2_000, 5, tmp_path / "noisy", defects=noisy)
    synthesise(2_000, 5, tmp_path / "clean", defects=DefectConfig.none())
    truth = r.world.people.select(pl.col("person_id").alias("_pid"), "given_name", "dob", "nhs_number")
    def joined(root: Path) -> pl.DataFrame:
        df = pl.read_parquet(root / "nhs" / "inpatient_spells.parquet").with_row_index("r")
        t = pl.read_parquet(root / "truth" / "records.parquet").filter(pl.col("source") == "nhs.inpatient_spells")
        return df.with_columns(_pid=t.sort("row_number")["person_id"]).join(truth, on="_pid")
    n = joined(tmp_path / "noisy").unique("Local_Patient_Identifier")
    typo = (n["Person_Given_Name"] != n["given_name"]).mean()
    assert 0.13 < typo < 0.27
    swapped = (n["Person_Birth_Date"] != n["dob"]).mean()
    assert 0.04 < swapped < 0.2  # only dates with day <= 12 can be swapped (~40% of 20%)
    missing = n["NHS_Number"].is_null().mean()
    assert 0.06 < missing < 0.15
    mistyped = n.filter(pl.col("NHS_Number").is_not_null())
    assert 0.05 < (mistyped["NHS_Number"] != mistyped["nhs_number"]).mean() < 0.16
    clean = joined(tmp_path / "clean")
    assert (clean["Person_Given_Name"] == clean["given_name"]).all() and (clean["NHS_Number"] == clean["nhs_number"]).all()


def test_transposed_dates_swap_day_and_month():
    import numpy as np

    days = np.array(["2001-03-07", "2001-03-15", "1999-12-12"], dtype="datetime64[D]").astype(np.int64)
    out = transpose_day_month(days).astype("datetime64[D]").astype(str).tolist()
    assert out == ["2001-07-03", "2001-03-15", "1999-12-12"]


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = synthesise(1_500, 3, tmp_path / "a")
    b = synthesise(1_500, 3, tmp_path / "b")
    c = synthesise(1_500, 4, tmp_path / "c")
    ha = {f["path"]: f["sha256"] for f in a.manifest["files"] + a.manifest["truth"]}
    hb = {f["path"]: f["sha256"] for f in b.manifest["files"] + b.manifest["truth"]}
    hc = {f["path"]: f["sha256"] for f in c.manifest["files"] + c.manifest["truth"]}
    assert ha == hb
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()
    assert ha["nhs/gp_appointments.parquet"] != hc["nhs/gp_appointments.parquet"]


def test_csv_format_uses_each_sources_date_format(tmp_path):
    r = synthesise(1_500, 2, tmp_path / "csv", "csv")
    files = {f["source"]: f for f in r.manifest["files"]}
    assert all(f["path"].endswith(".csv") and f["format"] == "csv" for f in r.manifest["files"])
    ed = pl.read_csv(tmp_path / "csv" / files["nhs.ed_attendances"]["path"], infer_schema=False)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", ed["Arrival_Date"][0]) and re.fullmatch(r"\d{2}:\d{2}:\d{2}", ed["Arrival_Time"][0])
    assert ed["NHS_Number"].drop_nulls().str.len_chars().eq(10).all()  # leading zeros kept as text
    if "csc.cin_episodes" in files and files["csc.cin_episodes"]["rows"]:
        cin = pl.read_csv(tmp_path / "csv" / files["csc.cin_episodes"]["path"], infer_schema=False)
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", cin["CINreferralDate"][0])
    assert (tmp_path / "csv" / "truth" / "records.csv").exists()


def test_big_extracts_are_written_in_chunks(tmp_path, monkeypatch):
    import joinedup.synth.writer as writer

    monkeypatch.setattr(writer, "CHUNK_ROWS", 5_000)
    r = synthesise(1_500, 9, tmp_path / "chunked")
    gp = next(f for f in r.manifest["files"] if f["source"] == "nhs.gp_appointments")
    assert gp["rows"] > 3 * 5_000
    df = pl.read_parquet(tmp_path / "chunked" / gp["path"])
    assert df.height == gp["rows"] and df.columns == source("nhs.gp_appointments").columns
    assert df["Appointment_ID"].is_unique().all()
    truth = pl.read_parquet(tmp_path / "chunked" / "truth" / "records.parquet").filter(pl.col("source") == "nhs.gp_appointments")
    assert truth["row_number"].to_list() == list(range(1, df.height + 1))
    assert truth["local_id"].to_list() == df["Patient_ID"].to_list()
    assert truth.group_by("local_id").agg(pl.col("person_id").n_unique())["person_id"].max() == 1


def test_nicknames_and_stale_addresses(tmp_path):
    from joinedup.synth.names import variants

    rates = DefectRates(typo=0, nickname=1.0, surname_change=0, hyphen_variant=0, dob_transposed=0, nhs_missing=0,
                        nhs_mistyped=0, stale_address=1.0, duplicate=0)
    r = synthesise(2_500, 6, tmp_path / "p", defects=DefectConfig(nhs=rates))
    root = tmp_path / "p"
    gp = pl.read_parquet(root / "nhs" / "gp_appointments.parquet")
    t = pl.read_parquet(root / "truth" / "records.parquet").filter(pl.col("source") == "nhs.gp_appointments").sort("row_number")
    gp = gp.with_columns(_pid=t["person_id"]).join(
        r.world.people.select(pl.col("person_id").alias("_pid"), "given_name"), on="_pid")
    known = gp.filter(pl.col("given_name").is_in(list(variants())))
    assert known.height > 0
    assert all(got in variants()[true] for got, true in known.select("Person_Given_Name", "given_name").unique().iter_rows())
    # everyone who moved keeps the first postcode on every record
    res = pl.read_parquet(root / "truth" / "residence.parquet").join(
        pl.read_parquet(root / "truth" / "households.parquet").select("household_id", "postcode"), on="household_id")
    first = res.sort("from_date").group_by("person_id").agg(pl.col("postcode").first().alias("first"), pl.len().alias("n"))
    moved = gp.join(first.filter(pl.col("n") > 1).rename({"person_id": "_pid"}), on="_pid")
    assert moved.height > 0 and (moved["Postcode_Usual_Address"] == moved["first"]).all()


def test_same_bytes_across_processes(tmp_path):
    """Separate processes (different string hash seeds, thread timings) give the same files."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    hashes = []
    for i, hash_seed in enumerate(("1", "4242")):
        out = tmp_path / f"p{i}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        proc = subprocess.run([sys.executable, "-m", "joinedup", "synth", "--people", "1200", "--seed", "8", "--out", str(out)],
                              capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
        hashes.append((out / "manifest.json").read_bytes())
    assert hashes[0] == hashes[1]
