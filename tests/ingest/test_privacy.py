"""No direct identifier from the extracts appears anywhere in the analysis store."""

from __future__ import annotations

import csv
import json
import stat

import pytest

from joinedup.ingest.keys import key_path_for
from joinedup.sources import IDENTIFIER_ROLES, sources
from tests.store_con import connect

#: Columns whose values come from a fixed vocabulary (a surname such as 'White' may equal one).
VOCABULARY = {("person_record", "ethnicity_group"): {"White", "Mixed", "Asian", "Black", "Other", "Unknown"},
              ("person_record", "sex"): {"M", "F", "U"}}


def _is_district(role: str, value: str) -> bool:
    # an outward code alone (e.g. DY1) names a postcode district, not an address
    return role == "postcode" and " " not in value.strip() and len(value.strip()) <= 4


def _identifier_values(place) -> dict[str, str]:
    found: dict[str, str] = {}
    manifest = json.loads((place / "manifest.json").read_text())["files"]
    for entry in manifest:
        src = sources()[entry["source"]]
        roles = {f.name: f.role for f in src.fields if f.role in IDENTIFIER_ROLES}
        with open(place / entry["path"], newline="") as fh:
            for row in csv.DictReader(fh):
                for name, role in roles.items():
                    v = (row.get(name) or "").strip()
                    if v and not _is_district(role, v):
                        found[v] = f"{entry['source']}.{name}"
    return found


@pytest.fixture(scope="module")
def synth_place(tmp_path_factory):
    from joinedup.cli import main
    place = tmp_path_factory.mktemp("synth") / "place"
    try:
        main(["synth", "--people", "1000", "--seed", "11", "--out", str(place), "--format", "csv"])
    except SystemExit as e:
        assert not e.code
    return place


@pytest.mark.parametrize("which", ["small_place", "synth_place"])
def test_no_identifier_in_any_text_column(which, request, tmp_path, run_cli):
    place = request.getfixturevalue(which)
    db = tmp_path / "store.duckdb"
    assert run_cli("ingest", str(place), "--db", str(db))[0] == 0
    values = _identifier_values(place)
    assert len(values) > 100
    con = connect(str(db), read_only=True)
    con.execute("CREATE TEMP TABLE ids (v VARCHAR, origin VARCHAR)")
    con.executemany("INSERT INTO ids VALUES (?, ?)", list(values.items()))
    columns = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                          "WHERE table_catalog = current_database() AND table_schema = 'main' AND data_type = 'VARCHAR'").fetchall()
    assert len(columns) > 50
    # Each identifier of 6 characters or more is found by its first 6: every 6-character window of a value
    # is joined to those prefixes and each candidate checked with contains() (the same hits as joining every
    # row to every identifier on contains(), which took minutes).
    con.execute("CREATE TEMP TABLE id_prefix AS SELECT v, origin, substring(v, 1, 6) AS p FROM temp.ids "
                "WHERE length(v) >= 6")
    leaks = []
    for table, column in columns:
        allowed = VOCABULARY.get((table, column), set())
        hits = con.execute(f"""
            WITH d AS (SELECT DISTINCT "{column}" AS s FROM "{table}" WHERE "{column}" IS NOT NULL),
            txt AS (SELECT s FROM d WHERE length(s) >= 6 AND NOT regexp_full_match(s, '[0-9a-f]{{32}}')),
            win AS (SELECT s, substring(s, i, 6) AS p FROM txt, range(1, length(s) - 4) AS r(i))
            SELECT d.s, ids.origin FROM d JOIN temp.ids ON d.s = ids.v
            UNION
            SELECT win.s, f.origin FROM win JOIN temp.id_prefix f ON win.p = f.p
            WHERE contains(win.s, f.v)""").fetchall()
        leaks += [(table, column, origin) for value, origin in hits if value not in allowed]
    assert not leaks, leaks[:10]
    # while the vault holds them, keyed by the same pseudonyms
    vault = connect(str(db.with_name("store.vault.duckdb")), read_only=True)
    assert vault.execute("SELECT count(*) FROM identity WHERE nhs_number IS NOT NULL").fetchall()[0][0] > 0


def test_key_file_is_created_private_and_never_printed(small_place, tmp_path, run_cli, monkeypatch):
    monkeypatch.delenv("JOINEDUP_KEY")
    db = tmp_path / "store.duckdb"
    code, out, err = run_cli("ingest", str(small_place / "nhs.deaths.csv"), "--db", str(db))
    assert code == 0
    key = key_path_for(db)
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert str(key) in out + err
    assert key.read_text().strip() not in out + err
