"""`peers import`: rows per file, suppression and polarity in the tidy tables, atomic and repeatable."""

from __future__ import annotations

import shutil

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from joinedup.errors import UserError
from joinedup.peers.importer import import_published
from tests.peers.conftest import DATA, SHARED_PEERS
from tests.store_con import connect


def _q(store, sql, *params):
    with connect(str(store), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_counts_per_file(peer_store):
    got = {f: (t, r, w) for f, t, r, w in _q(peer_store, "SELECT file, target, rows_read, rows_written FROM peer_import")}
    assert got == {
        "children_lait.parquet": ("peer_value", 641_070, 641_070),
        "children_lait_dictionary.csv": ("peer_measure", 434, 434),
        "adult_social_care_oflog.parquet": ("peer_value", 6_376, 6_376),
        "children_statistical_neighbours_2025.csv": ("peer_neighbours", 158, 1_580),
        "adult_social_care_nearest_neighbours.json": ("peer_neighbours", 152, 2_250),
        "children_la_codes.csv": ("peer_area", 171, 170),  # 1000 "England (discontinued)" has no code or figures
        "ofsted_ilacs_latest.csv": ("peer_ofsted", 153, 153),
    }


def test_dashes_become_missing_with_a_reason_never_zero(peer_store):
    source = pq.read_table(DATA / "children_lait.parquet", columns=["value"]).column("value")
    dashes = pc.sum(pc.equal(source, "-")).as_py()
    assert dashes == 93_883
    rows = _q(peer_store, "SELECT status, count(*), count(value), min(reason), max(reason) FROM peer_value "
                          "WHERE source = 'DfE LAIT' AND status <> 'value' GROUP BY 1")
    assert rows == [("missing", dashes, 0, "-: not published for this council and period",
                     "-: not published for this council and period")]
    zeros_in_source = pc.sum(pc.equal(source, "0")).as_py()
    assert _q(peer_store, "SELECT count(*) FROM peer_value WHERE source = 'DfE LAIT' AND value = 0")[0][0] == zeros_in_source


def test_blank_oflog_values_are_missing(peer_store):
    blanks = pq.read_table(DATA / "adult_social_care_oflog.parquet", columns=["value"]).column("value").null_count
    assert blanks == 298
    assert _q(peer_store, "SELECT count(*) FROM peer_value WHERE source = 'Oflog ASC' AND status = 'missing' "
                          "AND value IS NULL AND reason = 'blank in the source'")[0][0] == blanks


@pytest.mark.parametrize("measure,polarity", [("ReReferral", "low"), ("Continue_Assess_Comp", "high"), ("CIN", "none"),
                                              ("CareLeaverEET", "high"), ("ASC5", "high"), ("ASC7", "none")])
def test_polarity(peer_store, measure, polarity):
    assert _q(peer_store, "SELECT polarity FROM peer_measure WHERE id = ?", measure) == [(polarity,)]
    assert _q(peer_store, "SELECT DISTINCT polarity FROM peer_value WHERE measure_id = ?", measure) == [(polarity,)]


def test_both_code_systems_on_every_council_row(peer_store):
    rows = _q(peer_store, "SELECT area_code, la_number, area_name FROM peer_value WHERE measure_id = 'LAC' AND period = '2025' "
                          "AND area_code IN ('E08000027', 'E92000001')  ORDER BY 1")
    assert rows == [("E08000027", 332, "Dudley"), ("E92000001", 970, "England")]
    assert _q(peer_store, "SELECT count(*) FROM peer_value WHERE area_code IS NULL")[0][0] == 0


def test_oflog_median_stands_in_for_england(peer_store):
    rows = _q(peer_store, "SELECT value, area_name FROM peer_value WHERE measure_id = 'ASC5' AND period = '2022-23' "
                          "AND area_code = 'E92000001'")
    assert rows == [(78.2, "England (median of councils)")]  # shared/reference/facts.md


def test_reorganised_councils_get_current_codes(peer_store):
    rows = dict(_q(peer_store, "SELECT la_number, area_code FROM peer_area WHERE la_number IN (825, 942, 943, 909, 815)"))
    assert rows == {825: "E06000060", 942: "E06000063", 943: "E06000064", 909: "E10000006", 815: "E06000065"}


def test_import_twice_gives_the_same_tables(tmp_path):
    store = tmp_path / "twice.duckdb"
    first = import_published(store)
    second = import_published(store)
    assert first.files == second.files and first.statuses == second.statuses


def test_missing_file_is_a_user_error_and_changes_nothing(tmp_path, peer_store):
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(DATA / "children_la_codes.csv", partial)
    with pytest.raises(UserError, match="children_lait.parquet"):
        import_published(tmp_path / "new.duckdb", partial)


@pytest.mark.skipif(not SHARED_PEERS.is_dir(), reason="../shared/reference/peers not beside the repo")
def test_import_from_the_original_files(tmp_path, peer_store):
    summary = import_published(tmp_path / "orig.duckdb", SHARED_PEERS)
    assert summary.files["children_lait.parquet"] == ("peer_value", 641_070, 641_070)
    assert summary.files["adult_social_care_oflog.csv"] == ("peer_value", 6_376, 6_376)
    assert summary.files["children_lait_dictionary.csv"] == ("peer_measure", 448, 434)
    cols = "measure_id, period, area_code, la_number, value, status, reason, polarity, unit"
    with connect(str(tmp_path / "orig.duckdb")) as con:
        con.execute(f"ATTACH '{peer_store}' AS shipped (READ_ONLY)")
        differ = con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM peer_value EXCEPT ALL "
                             f"SELECT {cols} FROM shipped.peer_value)").fetchone()[0]
    assert differ == 0


def test_a_failed_import_changes_nothing(tmp_path):
    store = tmp_path / "atomic.duckdb"
    import_published(store)
    before = _q(store, "SELECT count(*) FROM peer_value")[0][0]
    bad = tmp_path / "bad"
    shutil.copytree(DATA, bad)
    sn = bad / "children_statistical_neighbours_2025.csv"
    lines = sn.read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace(lines[3].split(",")[3], "999.0", 1)
    sn.write_text("".join(lines))
    with pytest.raises(UserError, match=r"children_statistical_neighbours_2025.csv: row 4: field sn1: neighbour LA number 999"):
        import_published(store, bad)
    assert _q(store, "SELECT count(*) FROM peer_value")[0][0] == before
    assert _q(store, "SELECT count(*) FROM peer_neighbours")[0][0] == 1_580 + 2_250


def test_one_value_per_measure_area_and_period_end(peer_store):
    # compare picks a council's value for a period by its end year, so that must be unique.
    assert _q(peer_store, "SELECT count(*) FROM (SELECT measure_id, area_code, period_end FROM peer_value "
                          "WHERE period_end IS NOT NULL GROUP BY ALL HAVING count(*) > 1)")[0][0] == 0
    # LAIT's CINPermExclusion has one period labelled "0" (all "-"): kept, with no end year.
    assert _q(peer_store, "SELECT DISTINCT measure_id, period, status FROM peer_value WHERE period_end IS NULL") == [
        ("CINPermExclusion", "0", "missing")]
