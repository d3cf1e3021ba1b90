"""Round trip: extracts -> ingest; every row loaded or quarantined; idempotent; new files append."""

from __future__ import annotations

import json
import shutil

import pytest

from joinedup.store import Store
from tests.ingest.conftest import snapshot
from tests.ingest.place import write_place
from tests.store_con import connect


def test_every_row_loaded_or_quarantined(small_place, tmp_path, run_cli):
    db = tmp_path / "store.duckdb"
    code, out, err = run_cli("ingest", str(small_place), "--db", str(db), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == {"load_id", "files", "totals"}
    manifest = {e["path"]: e for e in json.loads((small_place / "manifest.json").read_text())["files"]}
    assert len(result["files"]) == len(manifest)
    for f in result["files"]:
        assert set(f) == {"path", "source", "rows_read", "rows_loaded", "rows_quarantined", "rows_present", "rows_replaced",
                          "skipped"}
        assert f["rows_present"] == 0 and f["rows_replaced"] == 0  # a first load: nothing was already there
        entry = manifest[f["path"].rsplit("/", 1)[-1]]
        assert f["rows_read"] == entry["rows"]
        assert f["rows_loaded"] + f["rows_quarantined"] == f["rows_read"]
        assert f["source"] == entry["source"] and f["skipped"] is False
    t = result["totals"]
    assert t["rows_read"] == sum(e["rows"] for e in manifest.values())
    assert t["rows_loaded"] + t["rows_quarantined"] == t["rows_read"]
    con = connect(str(db), read_only=True)
    # every rejected row is in quarantine with its row number; loaded rows carry provenance
    rejected = con.execute("SELECT count(DISTINCT (path, row_number)) FROM quarantine WHERE row_rejected").fetchall()
    assert rejected[0][0] == t["rows_quarantined"]
    # every quarantine entry names file, row, field, value and reason
    missing = con.execute("SELECT count(*) FROM quarantine WHERE path IS NULL OR row_number IS NULL "
                          "OR field IS NULL OR reason IS NULL").fetchall()[0][0]
    assert missing == 0 and con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] > 0
    n_enc = con.execute("SELECT count(*) FROM encounter WHERE load_id = ? AND row_number > 0",
                        [result["load_id"]]).fetchall()[0][0]
    loaded = sum(f["rows_loaded"] for f in result["files"] if "ed_att" in f["path"] or "inpatient" in f["path"])
    assert n_enc == loaded
    # one person_record row per (source, local id)
    dup = con.execute("SELECT count(*) - count(DISTINCT record_id) FROM person_record").fetchall()[0][0]
    assert dup == 0
    con.close()


def test_same_files_again_are_skipped(small_place, tmp_path, run_cli):
    db = tmp_path / "store.duckdb"
    assert run_cli("ingest", str(small_place), "--db", str(db), "--json")[0] == 0
    before = snapshot(db)
    code, out, _ = run_cli("ingest", str(small_place), "--db", str(db), "--json")
    assert code == 0
    result = json.loads(out)
    assert all(f["skipped"] for f in result["files"])
    assert result["totals"] == {"rows_read": 0, "rows_loaded": 0, "rows_quarantined": 0, "rows_present": 0, "rows_replaced": 0}
    after = snapshot(db)
    for name, rows in before.items():
        if not name.endswith((":load", ":load_file")):
            assert after[name] == rows, name


def test_a_new_file_of_the_same_source_appends(tmp_path, run_cli):
    a = write_place(tmp_path / "a", n_people=10, seed=1, only=["nhs.ed_attendances"])
    b = write_place(tmp_path / "b", n_people=10, seed=2, only=["nhs.ed_attendances"])
    db = tmp_path / "store.duckdb"
    assert run_cli("ingest", str(a), "--db", str(db))[0] == 0
    code, out, _ = run_cli("ingest", str(b), "--db", str(db), "--json")
    assert code == 0
    added = json.loads(out)["totals"]["rows_loaded"]
    con = connect(str(db), read_only=True)
    assert con.execute("SELECT count(DISTINCT load_id) FROM encounter").fetchall()[0][0] == 2
    assert con.execute("SELECT count(*) FROM encounter").fetchall()[0][0] >= added > 0


def test_without_manifest_sources_are_recognised(small_place, tmp_path, run_cli):
    loose = tmp_path / "loose"
    loose.mkdir()
    for name in ("csc.ssda903_episodes.csv", "education.attendance.csv"):
        shutil.copy(small_place / name, loose / name.replace(".", "_", 1))
    code, out, err = run_cli("ingest", str(loose), "--db", str(tmp_path / "s.duckdb"))
    assert code == 0, err
    assert "csc.ssda903_episodes" in out and "education.attendance" in out
    assert "recognised by its columns" in out



@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_round_trip_from_synth(fmt, tmp_path, run_cli):
    place = tmp_path / "place"
    code, _, err = run_cli("synth", "--people", "1000", "--seed", "5", "--out", str(place), "--format", fmt)
    assert code == 0, err
    db = tmp_path / "store.duckdb"
    code, out, err = run_cli("ingest", str(place), "--db", str(db), "--json")
    assert code == 0, err
    result = json.loads(out)
    full = json.loads((place / "manifest.json").read_text())
    manifest = full["files"]
    # the analyst copies, then (by default) the returns as submitted that the manifest lists; FHIR file by file
    returns = [r for r in full["returns"] if not r["form"].startswith("fhir")]
    bundles = [f for r in full["returns"] if r["form"].startswith("fhir") for y in r["years"] for f in y["files"]]
    assert {r["form"] for r in returns} == {"ssda903", "cin_census", "asc_cld", "school_census"}
    assert len(result["files"]) == len(manifest) + len(returns) + len(bundles) and bundles
    by_path = {f["path"]: f for f in result["files"]}
    for r in returns:
        f = by_path[str(place / r["path"])]
        # a return's row equal to the copy's is already present; one that differs is a new version of it
        assert f["rows_read"] > 0
        assert f["rows_loaded"] + f["rows_quarantined"] + f["rows_present"] == f["rows_read"]
        assert f["rows_replaced"] <= f["rows_loaded"]
    for entry in manifest:
        f = by_path[str(place / entry["path"])]
        assert f["source"] == entry["source"]
        assert f["rows_read"] == entry["rows"]
        assert f["rows_loaded"] + f["rows_quarantined"] == f["rows_read"]
    again = json.loads(run_cli("ingest", str(place), "--db", str(db), "--json")[1])
    assert all(f["skipped"] for f in again["files"])


def test_demo_step_ingests_the_place_and_records_the_store(small_place, tmp_path):
    from joinedup.demo import DemoContext
    from joinedup.ingest.demo import run

    ctx = DemoContext(workspace=tmp_path, people=100)
    shutil.copytree(small_place, ctx.place)
    run(ctx)
    assert ctx.made["store"] == ctx.store and ctx.store.exists()
    con = connect(str(ctx.store), read_only=True)
    assert con.execute("SELECT count(*) FROM load").fetchall()[0][0] == 1


def test_round_trip_from_a_place_written_in_batches(tmp_path, run_cli, monkeypatch):
    """A place of several household batches: each extract's parts load as rows of the one source."""
    from joinedup.synth.batches import BATCH_ENV

    monkeypatch.setenv(BATCH_ENV, "500")
    place = tmp_path / "place"
    code, _, err = run_cli("synth", "--people", "1000", "--seed", "5", "--out", str(place))
    assert code == 0, err
    full = json.loads((place / "manifest.json").read_text())
    assert full["batches"]["count"] == 2
    db = tmp_path / "store.duckdb"
    code, out, err = run_cli("ingest", str(place), "--db", str(db), "--json")
    assert code == 0, err
    by_path = {f["path"]: f for f in json.loads(out)["files"]}
    parted = [e for e in full["files"] if "part" in e]
    assert {e["part"] for e in parted} == {0, 1}
    for entry in full["files"]:
        f = by_path[str(place / entry["path"])]
        assert f["source"] == entry["source"]
        if not f["skipped"]:  # an empty part is the same bytes as another empty part: loaded once
            assert f["rows_read"] == entry["rows"]
            assert f["rows_loaded"] + f["rows_quarantined"] == f["rows_read"]
    loaded = {}
    for entry in full["files"]:
        f = by_path[str(place / entry["path"])]
        loaded[entry["source"]] = loaded.get(entry["source"], 0) + f["rows_read"]
    for sid in ("nhs.gp_appointments", "asc.client_level_data", "education.school_census"):
        assert loaded[sid] == sum(e["rows"] for e in full["files"] if e["source"] == sid) > 0
    with connect(db) as con:
        persons = con.execute("SELECT count(DISTINCT file_sha256) FROM person_record WHERE source = 'nhs.gp_appointments'").fetchone()[0]
    assert persons == 2


def _rows_without_load(db) -> dict[str, list]:
    """Every row of the store's and the vault's tables (the vault's values opened), but the loads' own record
    (`load` and the vault's undo tables), with load ids left out."""
    out = {}
    with Store.open(db, mode="identify", user="test", purpose="compare loads") as store:
        for catalog in ("store", "vault"):
            for name in sorted(store.backend.table_names(catalog)):
                if name == "load" or name.endswith("_undo"):
                    continue
                cols = [c for c, _ in store.backend.columns(f'{catalog}."{name}"') if c != "load_id"]
                rows = store.backend.fetchall(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} '
                                              f'FROM {catalog}."{name}"')
                out[f"{catalog}:{name}"] = sorted(map(repr, rows))
    return out


def test_a_place_loaded_in_parts_is_the_place_loaded_at_once(tmp_path, run_cli):
    """The copies in one load and the returns as submitted in another (as a large place is loaded to bound the
    staging's disk) give the same store as one load: a return's changed row that supersedes its copy's keeps the
    relations the row states (a carer's cared-for person), with the return's row as their provenance."""
    place = tmp_path / "place"
    assert run_cli("synth", "--people", "1500", "--seed", "3", "--out", str(place))[0] == 0
    whole, parts = tmp_path / "whole.duckdb", tmp_path / "parts.duckdb"
    code, _, err = run_cli("ingest", str(place), "--db", str(whole))
    assert code == 0, err
    copies = sorted(str(p) for p in place.iterdir() if p.is_dir() and p.name not in ("returns", "truth"))
    for part in (copies, sorted(str(p) for p in (place / "returns").iterdir())):
        code, _, err = run_cli("ingest", *part, "--db", str(parts))
        assert code == 0, err
    a, b = _rows_without_load(whole), _rows_without_load(parts)
    assert a.keys() == b.keys()
    assert [t for t in a if a[t] != b[t]] == []
    with connect(parts, read_only=True) as con:
        carers = con.execute("SELECT count(*) FROM stated_relation WHERE relation = 'carer'").fetchall()[0][0]
    assert carers > 0
