"""A newborn's date of birth is not recoverable from the analysis store (issue 18).

The store keeps year and month of birth only; a birth spell admitted on the day of birth would give the
full date in its start, in `first_seen`, and in its discharge minus its length of stay. Such a row moves
back by the same days to the first of the birth month; the vault keeps the true date.
"""

from __future__ import annotations

import csv
from datetime import date, datetime

from joinedup.sources import source
from joinedup.store import Store
from tests.ingest.place import make_rows


def _write(path, sid, rows) -> None:
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=source(sid).columns)
        w.writeheader()
        w.writerows(rows)


def _dates_in_store(db) -> set[date]:
    """Every date (and the date of every timestamp) in every table of the analysis store."""
    found: set[date] = set()
    with Store.open(db, "analysis") as s:
        for t in s.tables():
            for col, typ in s.backend.columns(f"store.{t}"):
                if typ.upper() in ("DATE", "TIMESTAMP"):
                    found |= {r[0].date() if isinstance(r[0], datetime) else r[0]
                              for r in s.fetchall(f'SELECT DISTINCT "{col}" FROM store."{t}" WHERE "{col}" IS NOT NULL')}
    return found


def test_a_birth_spell_does_not_give_the_date_of_birth_away(tmp_path, run_cli):
    rows = make_rows("nhs.inpatient_spells", 3)
    baby, adult = rows[0], rows[1]
    baby.update({"Person_Birth_Date": "2024-03-17", "Admission_Method": "82", "Admission_Date": "2024-03-17",
                 "Discharge_Ready_Date": "2024-03-18", "Discharge_Date": "2024-03-19"})
    _write(tmp_path / "nhs.inpatient_spells.csv", "nhs.inpatient_spells", rows[:2])
    db = tmp_path / "store.duckdb"
    code, _o, err = run_cli("ingest", str(tmp_path / "nhs.inpatient_spells.csv"), "--db", str(db))
    assert code == 0, err

    dates = _dates_in_store(db)
    assert date(2024, 3, 17) not in dates
    with Store.open(db, "analysis") as s:
        spells = {r[0]: r[1:] for r in s.fetchall(
            "SELECT admission_method, start_ts, end_ts, los_days, discharge_ready_date, delayed_days "
            "FROM encounter ORDER BY admission_method")}
        first_seen = sorted(r[0] for r in s.fetchall("SELECT first_seen FROM person_record"))
    start, end, los, ready, delayed = spells["82"]
    # moved back 16 days to the first of the month: length of stay and delay kept
    assert (start.date(), end.date(), los, ready, delayed) == (date(2024, 3, 1), date(2024, 3, 3), 2,
                                                                date(2024, 3, 2), 1)
    assert date(2024, 3, 1) in first_seen
    # a spell that does not start on the day of birth is left as it is
    assert spells[adult["Admission_Method"]][0].date() == date.fromisoformat(adult["Admission_Date"])
    # the vault keeps the true date of birth
    with Store.open(db, "identify", user="test", purpose="newborn date check") as s:
        assert date(2024, 3, 17) in {r[0] for r in s.fetchall("SELECT date_of_birth FROM vault.identity")}
