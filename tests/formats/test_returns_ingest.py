"""`joinedup ingest place` reads the returns as submitted by default, and counts no record twice."""

from __future__ import annotations

import json

import duckdb

from joinedup.ingest.loader import ingest

#: Event tables and the key that names one record in each (an event once, whichever file it came from).
_KEYS = {"appointment": "appointment_id", "asc_event": "event_id", "school_census": "record_id, census_date, school_urn",
         "csc_referral": "record_id, referral_date", "csc_cp_plan": "record_id, start_date",
         "cla_episode": "record_id, start_date", "cla_review": "record_id, review_date"}


def test_default_reads_every_listed_return_and_counts_no_record_twice(place, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    both, copies = tmp_path / "both.duckdb", tmp_path / "copies.duckdb"
    res = ingest([place], both)
    ingest([place], copies, returns=False)
    manifest = json.loads((place / "manifest.json").read_text())
    read = {f.format for f in res.files}
    assert {"ssda903", "cin-xml", "cld", "school-census-xml", "fhir-json"} <= read
    replaced = {f.format: f.rows_replaced for f in res.files}
    assert replaced["cld"] > 0 and replaced["fhir-json"] > 0  # the returns' rows became the current versions
    a, b = duckdb.connect(str(both), read_only=True), duckdb.connect(str(copies), read_only=True)
    for table, key in _KEYS.items():
        n_a, k_a = a.execute(f"SELECT count(*), count(DISTINCT ({key})) FROM {table}").fetchone()
        n_b = b.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert n_a == k_a, f"{table}: a record counted twice"
        assert n_a == n_b, f"{table}: {n_a} rows with the returns, {n_b} from the copies alone"
    assert len(manifest["returns"]) >= 5
