"""Address keys: a home where the source carries an address line, a full postcode elsewhere, never a district."""

import csv

import duckdb

from joinedup.sources import sources


def _rows(place, sid):
    with open(place / f"{sid}.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def test_address_keys_name_homes_or_full_postcodes(small_place, tmp_path, run_cli):
    db = tmp_path / "store.duckdb"
    assert run_cli("ingest", str(small_place), "--db", str(db))[0] == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        keys = dict(con.execute("""SELECT pr.source, count(DISTINCT a.address_key) FROM person_record_address a
                                   JOIN person_record pr USING (record_id) GROUP BY pr.source""").fetchall())
    finally:
        con.close()
    with_line = [sid for sid, s in sources().items() if s.role("address") and s.person_key]
    assert with_line, "some sources carry an address line"
    for sid in with_line:
        src = sources()[sid]
        pc, line = src.role("postcode").name, src.role("address").name
        homes = {(r[pc].replace(" ", "").upper(), r[line]) for r in _rows(small_place, sid) if r[pc] and r[line]}
        assert keys.get(sid) == len(homes), sid
    # SSDA903 episodes hold only a postcode district (HOME_POST): no address at all
    assert "csc.ssda903_episodes" not in keys
    # the address line is an identifier: only the vault holds it
    con = duckdb.connect(str(db.with_name("store.vault.duckdb")), read_only=True)
    try:
        held = con.execute("SELECT count(*) FROM identity WHERE address IS NOT NULL").fetchone()[0]
    finally:
        con.close()
    assert held > 0
