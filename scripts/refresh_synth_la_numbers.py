"""Copy the DfE LA number of each council (ONS code -> three-digit number used in UPNs) into the package.

Source: ../shared/reference/peers/ofsted_ilacs_latest.csv (columns la_code, ltla23cd; data-to-insight
ofsted-ilacs-scrape-tool, Ofsted, Open Government Licence v3.0). Run by hand when the shared copy
changes:  python scripts/refresh_synth_la_numbers.py
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "reference" / "peers" / "ofsted_ilacs_latest.csv"
TARGET = ROOT / "joinedup" / "synth" / "data" / "dfe_la_numbers.csv"


def main() -> None:
    """Write ons_code,la_number sorted by ONS code."""
    with SOURCE.open(newline="") as f:
        rows = sorted({(r["ltla23cd"], int(r["la_code"])) for r in csv.DictReader(f) if r["ltla23cd"].startswith("E")})
    with TARGET.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ons_code", "la_number"])
        w.writerows(rows)
    print(f"wrote {len(rows)} councils to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
