"""Copy the published peer-comparison figures from ../shared/reference/peers into the package.

joinedup never reads ../shared at run time; this script (run by hand when the shared copy
changes) trims the published files to the columns the product uses and writes Parquet where
that saves space. tests/peers/test_data_copy.py checks that the copy still matches the source.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "reference" / "peers"  # or the folder given as the first argument
OUT = ROOT / "joinedup" / "peers" / "data"

# The measure name, area name and region repeat on every row of the LAIT file; the dictionary
# and the LA code list hold them once, so the copy keeps only the keys and the value text.
LAIT_SQL = """
SELECT measure_code, period, CAST(la_number AS SMALLINT) AS la_number, value
FROM read_parquet('{src}/children_lait.parquet')
ORDER BY measure_code, la_number, period
"""

# Methodology text is long and not shown; the first row of a duplicated code is the one LAIT uses.
DICTIONARY_SQL = """
SELECT Measure_short AS measure_code, Topic AS topic, Chart_title AS title, Polarity AS polarity,
       y_axis_name AS unit, Description AS description, Year_Type AS year_type
FROM read_csv('{src}/children_lait_dictionary.csv', all_varchar = true)
QUALIFY row_number() OVER (PARTITION BY Measure_short ORDER BY Measure_short) = 1
ORDER BY measure_code
"""

ASC_SQL = """
SELECT "Financial year" AS financial_year, "Local authority code" AS area_code,
       "Local authority name" AS area_name, Code AS measure_code, Measure AS measure,
       Value AS value, MEDIAN AS median, rank_order
FROM read_csv('{src}/adult_social_care_oflog.csv', types = {{'Value': 'DOUBLE', 'MEDIAN': 'DOUBLE'}})
ORDER BY measure_code, area_code, financial_year
"""

VERBATIM = ("children_statistical_neighbours_2025.csv", "children_la_codes.csv", "ofsted_ilacs_latest.csv")

#: Adult social care is run by upper-tier councils; the neighbours file also keys districts
#: (E07), combined authorities (E47) and others, which have no adult social care figures.
UPPER_TIER = ("E06", "E08", "E09", "E10")


def main(argv: list[str] | None = None) -> int:
    """Write the trimmed peer files into the package."""
    args = sys.argv[1:] if argv is None else argv
    src = Path(args[0]) if args else SHARED
    if not src.is_dir():
        print(f"error: {src} not found", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for name, sql, fmt in (("children_lait.parquet", LAIT_SQL, "parquet"),
                           ("children_lait_dictionary.csv", DICTIONARY_SQL, "csv"),
                           ("adult_social_care_oflog.parquet", ASC_SQL, "parquet")):
        target = OUT / name
        opts = "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000" if fmt == "parquet" else "FORMAT csv, HEADER"
        con.execute(f"COPY ({sql.format(src=src)}) TO '{target}' ({opts})")
        reader = "read_parquet" if fmt == "parquet" else "read_csv"
        rows = con.execute(f"SELECT count(*) FROM {reader}('{target}')").fetchone()[0]
        print(f"{target.relative_to(ROOT)}: {rows} rows")
    for name in VERBATIM:
        shutil.copyfile(src / name, OUT / name)
        print(f"{(OUT / name).relative_to(ROOT)}: copied")
    with open(src / "adult_social_care_nearest_neighbours.json") as f:
        neighbours = json.load(f)
    kept = {k: v for k, v in sorted(neighbours.items()) if k.startswith(UPPER_TIER)}
    target = OUT / "adult_social_care_nearest_neighbours.json"
    target.write_text(json.dumps(kept, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{target.relative_to(ROOT)}: {len(kept)} councils")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
