"""Hand-made stores for spec tests: tables written inline as ASCII tables, loaded into DuckDB or Spark."""

from __future__ import annotations

from joinedup.store import Store
from joinedup.store.schema import LINK_TABLES, TABLES, table

__all__ = ["SpecStore", "parse_table"]


def parse_table(text: str) -> tuple[list[str], list[list[str | None]]]:
    """'a | b\\n1 | 2' -> (['a', 'b'], [['1', '2']]); an empty cell is NULL."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip() and not set(ln.strip()) <= set("-|+ ")]
    cols = [c.strip() for c in lines[0].split("|")]
    rows = []
    for ln in lines[1:]:
        cells = [c.strip() for c in ln.split("|")]
        assert len(cells) == len(cols), f"row {ln!r} has {len(cells)} cells, header has {len(cols)}"
        rows.append([c if c != "" else None for c in cells])
    return cols, rows


class SpecStore:
    """Canonical tables (all present, mostly empty) with the rows a test gives."""

    def __init__(self) -> None:
        self.con = Store.memory()
        for t in TABLES + LINK_TABLES:
            cols = ", ".join(f'"{c.name}" {c.type}' for c in t.all_columns)
            self.con.execute(f'CREATE TABLE "{t.name}" ({cols})')

    def add(self, name: str, text: str) -> "SpecStore":
        """Insert the rows of an inline table into a canonical table (values cast to its types)."""
        cols, rows = parse_table(text)
        types = {c.name: c.type for c in table(name).all_columns}
        marks = ", ".join(f"CAST(? AS {types[c]})" for c in cols)
        collist = ", ".join(f'"{c}"' for c in cols)
        for r in rows:
            self.con.execute(f'INSERT INTO "{name}" ({collist}) VALUES ({marks})', r)
        return self

    def population(self, mid_year: int, lsoa21: str, counts: dict[tuple[str, int], int]) -> "SpecStore":
        """Population estimates: {(sex, age): people} for one LSOA and mid-year."""
        for (sex, age), n in counts.items():
            self.con.execute("INSERT INTO population (mid_year, lsoa21, sex, age, population) VALUES (?, ?, ?, ?, ?)",
                             [mid_year, lsoa21, sex, age, n])
        return self

    def arrow(self) -> dict:
        """Every table as Arrow (for loading other engines)."""
        return {t.name: self.con.query(f'SELECT * FROM "{t.name}"') for t in TABLES + LINK_TABLES}


def save(store: SpecStore, path) -> None:
    """Write the store's tables to a DuckDB file (for CLI tests)."""
    store.con.execute(f"ATTACH '{path}' AS out_db")
    for t in TABLES + LINK_TABLES:
        store.con.execute(f'CREATE TABLE out_db."{t.name}" AS SELECT * FROM store."{t.name}"')
    store.con.execute("DETACH out_db")


def three_year_store() -> SpecStore:
    """Three financial years (2022-23 to 2024-25): A&E within 4 hours rising 60% -> 75% -> 90% of 400
    attendances a year, while emergency readmissions stay at 10% of 400 discharges a year."""
    s = SpecStore()
    s.con.execute("""INSERT INTO person (person_id, birth_year, birth_month, sex, imd_decile, lsoa21)
        SELECT 'P' || i, 1950 + i % 50, 1 + i % 12, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END, 1 + i % 10, 'E01009733'
        FROM range(400) t(i)""")
    s.con.execute("INSERT INTO person_source_link (record_id, person_id) SELECT person_id, person_id FROM person")
    for y, share in ((2022, 60), (2023, 75), (2024, 90)):
        s.con.execute(f"""INSERT INTO encounter (encounter_id, record_id, kind, start_ts, ed_minutes)
            SELECT 'A{y}-' || i, 'P' || i, 'ed_attendance', TIMESTAMP '{y}-06-01 10:00:00' + INTERVAL (i % 300) DAY,
                   CASE WHEN i % 100 < {share} THEN 120 ELSE 300 END FROM range(400) t(i)""")
        # Every person is discharged once a year; one in ten comes back as an emergency 10 days later.
        s.con.execute(f"""INSERT INTO encounter (encounter_id, record_id, kind, start_ts, end_ts, is_emergency, discharge_method)
            SELECT 'S{y}-' || i, 'P' || i, 'inpatient_spell', TIMESTAMP '{y}-05-01 00:00:00', TIMESTAMP '{y}-05-05 00:00:00', true, '1'
            FROM range(400) t(i)""")
        s.con.execute(f"""INSERT INTO encounter (encounter_id, record_id, kind, start_ts, end_ts, is_emergency, discharge_method)
            SELECT 'R{y}-' || i, 'P' || i, 'inpatient_spell', TIMESTAMP '{y}-05-15 00:00:00', TIMESTAMP '{y}-05-16 00:00:00', true, '1'
            FROM range(40) t(i)""")
        s.con.execute(f"INSERT INTO population VALUES ({y}, 'E01009733', 'F', 40, 5000, NULL, NULL, NULL, NULL)")
    return s
