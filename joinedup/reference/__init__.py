"""Published reference data shipped with the package (geography and IMD 2025).

Copied from ../shared/reference by scripts/refresh_reference.py; Open Government Licence v3.0
(ONS lookups via humaniverse/geographr, MHCLG English Indices of Deprivation 2025 via
humaniverse/IMD, ONS LSOA centroids via drkane/geo-lookups). See docs/reference.md.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import pyarrow.parquet as pq

from joinedup.errors import UserError

__all__ = ["DEFAULT_AREA", "data_path", "lsoas", "local_authorities", "area_name", "postcodes", "postcode_table_path"]

#: Dudley metropolitan borough (ONS code; DfE LA number 332) is the default place.
DEFAULT_AREA = "E08000027"


def data_path(name: str) -> Path:
    """Path of a shipped reference file."""
    return Path(str(files("joinedup.reference") / "data" / name))


@lru_cache(maxsize=None)
def _lsoa_table():
    return pq.read_table(data_path("lsoa21.parquet"))


def lsoas(area: str = DEFAULT_AREA) -> list[dict]:
    """The 2021 LSOAs of one local authority district with ward, IMD 2025 and centroid."""
    rows = [r for r in _lsoa_table().to_pylist() if r["ltla24_code"] == area]
    if not rows:
        raise UserError(f"no 2021 LSOAs for local authority {area!r} (expected an ONS code such as E08000027)")
    return rows


def local_authorities() -> dict[str, str]:
    """ONS code -> name of every local authority district in England (2024)."""
    t = _lsoa_table().select(["ltla24_code", "ltla24_name"]).to_pylist()
    return {r["ltla24_code"]: r["ltla24_name"] for r in t if r["ltla24_code"].startswith("E")}


def area_name(area: str) -> str:
    """Name of a local authority district from its ONS code."""
    names = local_authorities()
    if area not in names:
        raise UserError(f"unknown local authority code {area!r}")
    return names[area]


@lru_cache(maxsize=8)
def postcodes(area: str = DEFAULT_AREA) -> list[dict]:
    """Postcodes of one local authority with the 2021 LSOA each lies in (nearest LSOA centroid)."""
    table = pq.read_table(data_path("postcodes.parquet"), filters=[("lad25_code", "=", area)])
    if table.num_rows == 0:
        raise UserError(f"no postcodes for local authority {area!r}")
    return table.to_pylist()


def postcode_table_path() -> Path:
    """The England postcode -> LSOA lookup (Parquet), for engines to join against."""
    return data_path("postcodes.parquet")
