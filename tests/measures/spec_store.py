"""Hand-made stores for spec tests: tables written inline as ASCII tables, loaded into DuckDB or Spark."""

from __future__ import annotations

import duckdb

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
        self.con = duckdb.connect(":memory:")
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
        return {t.name: self.con.table(f'"{t.name}"').to_arrow_table() for t in TABLES + LINK_TABLES}
