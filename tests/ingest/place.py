"""A small spec-driven place for tests: valid rows for every source, written as synth writes them.

Rows follow each source spec (codes, date formats, date order, unique record keys, valid NHS
numbers, real postcodes), so the round trip can be tested before and besides the synth stage.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from datetime import date, timedelta
from pathlib import Path

from joinedup.reference import postcodes
from joinedup.sources import codes_of, sources

__all__ = ["nhs_number", "make_rows", "write_place", "IDENTIFIER_VALUES"]


def nhs_number(rng: random.Random) -> str:
    """A random 10-digit NHS number with a valid modulus-11 check digit."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = (11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


_GIVEN = ["Amelia", "Oliver", "Isla", "Noah", "Ava", "Muhammad", "Freya", "Leo", "Priya", "Kwame"]
_FAMILY = ["Smithson", "Khanum", "Oduya", "Pritchard", "Nowakowski", "Hartley", "Begum-Ali", "Okafor"]


def make_rows(source_id: str, n_people: int, seed: int = 1) -> list[dict]:
    """Valid rows of one source about n_people people (some with several rows)."""
    rng = random.Random(f"{source_id}-{seed}")
    src = sources()[source_id]
    pcs = [p["postcode"] for p in postcodes()[:400]]
    fmt = src.date_format
    people = []
    for i in range(n_people):
        dob = date(1940, 1, 1) + timedelta(days=rng.randint(0, 29000))
        people.append({"local": f"{source_id.split('.')[1][:3].upper()}{seed}{i:06d}", "nhs": nhs_number(rng),
                       "given": rng.choice(_GIVEN), "family": rng.choice(_FAMILY), "dob": dob,
                       "postcode": rng.choice(pcs), "upn": f"A{rng.randint(10**11, 10**12 - 1)}"})
    rows, keys = [], set()
    for i in range(n_people * 2):
        person = people[i % n_people]
        row: dict[str, str] = {}
        base = date(2023, 4, 1) + timedelta(days=rng.randint(0, 600))
        for f in src.fields:
            codes = codes_of(src, f.name)
            value: object
            if f.role == "local_id":
                value = person["local"]
            elif f.role == "nhs_number":
                value = person["nhs"]
            elif f.role == "given_name":
                value = person["given"]
            elif f.role == "family_name":
                value = person["family"]
            elif f.role == "date_of_birth":
                value = person["dob"]
            elif f.role == "postcode" and f.name not in ("HOME_POST",):
                value = person["postcode"]
            elif f.role in ("upn", "related_upn"):
                value = person["upn"]
            elif f.role == "related_local_id":
                value = people[(i + 1) % n_people]["local"]
            elif codes:
                value = "01" if f.name == "NHS_Number_Status_Indicator_Code" else rng.choice(sorted(codes))
            elif f.type == "date":
                value = base + timedelta(days=rng.randint(0, 5)) if f.after else base
            elif f.type == "time":
                value = f"{rng.randint(0, 11):02d}:{rng.randint(0, 59):02d}"
            elif f.type == "int":
                value = rng.randint(0, 60) if f.name != "Mid_Year" else 2023
            elif f.type == "decimal":
                value = round(rng.uniform(0.5, 30), 2)
            elif f.name in ("LSOA21CD",):
                value = "E01009000"
            elif f.name in ("HOME_POST", "PL_POST", "Postcode_District"):
                value = rng.choice(pcs).split()[0]
            elif f.name == "ACCOM":
                value = rng.choice("BCDEU") + rng.choice("12")
            else:
                value = f"{f.name[:3].upper()}{seed}{i:05d}"  # another seed: other records, not new versions
            if f.type == "date" and isinstance(value, date):
                value = value.strftime(fmt)
            row[f.name] = "" if value is None else str(value)
        if f"{src.id}.{src.record_key}" and tuple(row[k] for k in src.record_key) in keys:
            continue
        keys.add(tuple(row[k] for k in src.record_key))
        rows.append(row)
    return rows


#: Filled by write_place: every direct identifier value written, for the no-identifier test.
IDENTIFIER_VALUES: set[str] = set()


def write_place(out: Path, n_people: int = 30, seed: int = 1, only: list[str] | None = None) -> Path:
    """CSV extracts of every source (or some) with manifest.json as synth writes it."""
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for sid, src in sources().items():
        if only and sid not in only:
            continue
        rows = make_rows(sid, n_people, seed)
        path = out / f"{sid}.csv"
        with open(path, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=src.columns)
            w.writeheader()
            w.writerows(rows)
        entries.append({"path": path.name, "source": sid, "format": "csv", "rows": len(rows),
                        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "schema": src.columns})
    (out / "manifest.json").write_text(json.dumps({"files": entries}, indent=1))
    return out
