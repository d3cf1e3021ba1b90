"""Copy the published geography used at run time from ../shared/reference into the package.

joinedup never reads ../shared at run time; this script (run by hand when the shared copy
changes) trims the published files to the columns the product uses and writes Parquet.
tests/reference/test_reference_copy.py checks that the copy still matches the source.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "reference" / "geography"
OUT = ROOT / "joinedup" / "reference" / "data"

LSOA_SQL = """
SELECT w.lsoa21_code, w.lsoa21_name, w.ward24_code, w.ward24_name,
       w.ltla24_code, w.ltla24_name,
       CAST(i.IMD_decile AS TINYINT) AS imd_decile,
       CAST(i.IMD_rank AS INTEGER) AS imd_rank,
       CAST(i.IMD_score AS DOUBLE) AS imd_score,
       c.latitude, c.longitude,
       b.icb24_code, b.icb24_name, b.sicbl24_code_nhs
FROM read_csv_auto('{geo}/lsoa21_ward24_ltla24.csv') w
JOIN read_csv_auto('{geo}/imd2025_lsoa21.csv') i USING (lsoa21_code)
JOIN read_csv_auto('{geo}/lsoa21_centroids.csv') c USING (lsoa21_code)
JOIN read_csv_auto('{geo}/lsoa21_icb24.csv') b USING (lsoa21_code)
ORDER BY w.lsoa21_code
"""

LTLA_SQL = """
SELECT ltla24_code, ltla24_name, imd_average_score, imd_rank_of_average_score,
       imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally AS imd_share_most_deprived_decile
FROM read_csv_auto('{geo}/imd2025_ltla24.csv') ORDER BY ltla24_code
"""


def main() -> int:
    """Write the trimmed geography Parquet files into the package."""
    if not SHARED.is_dir():
        print(f"error: {SHARED} not found", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for name, sql in (("lsoa21.parquet", LSOA_SQL), ("ltla24_imd.parquet", LTLA_SQL)):
        target = OUT / name
        con.execute(f"COPY ({sql.format(geo=SHARED)}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
        rows = con.execute(f"SELECT count(*) FROM '{target}'").fetchone()[0]
        print(f"{target.relative_to(ROOT)}: {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
