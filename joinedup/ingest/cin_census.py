"""The Children in Need census as submitted: DfE XML, one file per collection year, read as a set.

Each file becomes rows of the CIN sources (children, episodes, assessments, section 47, child
protection plans); a folder of years keeps the latest year's row of each record (an episode open
last March and closed since appears closed). CIN plan dates and CP review dates are checked by
`joinedup validate` but not held by the store. Dates are ISO in the XML and dd/mm/yyyy in the CIN
sources; <Sex> M/F/U (2024-25 on) and <GenderCurrent> 1/2/9 both read.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.etree import ElementTree as ET

import polars as pl
import pyarrow as pa

from joinedup.errors import UserError
from joinedup.ingest.readers import sha256_of
from joinedup.sources import Source, source

__all__ = ["is_cin_xml", "cin_files", "is_cin_folder", "read_parts", "folder_sha256", "NOT_LOADED"]

NOT_LOADED = ["CINPlanDates", "Reviews (CP review dates)"]


def is_cin_xml(path: Path) -> bool:
    """True for an XML file whose header names the CIN collection."""
    if path.suffix.lower() != ".xml" or not path.is_file():
        return False
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return b"<Message" in head and b"<Collection>CIN</Collection>" in head


def cin_files(folder: Path) -> list[Path]:
    """The CIN census XML files directly in a folder, by name."""
    return sorted(p for p in folder.glob("*.xml") if is_cin_xml(p))


def is_cin_folder(folder: Path) -> bool:
    """True when a folder holds CIN census XML files."""
    return folder.is_dir() and bool(cin_files(folder))


def folder_sha256(path: Path) -> str:
    """One sha256 for a file or a folder of years (each file's name and sha256)."""
    files = [path] if path.is_file() else cin_files(path)
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.name}:{sha256_of(f)}\n".encode())
    return h.hexdigest()


def _dmy(v: str | None) -> str | None:
    if not v:
        return None
    v = v.strip()
    if len(v) >= 10 and v[4] == "-" and v[7] == "-":
        return f"{v[8:10]}/{v[5:7]}/{v[0:4]}"
    return v  # not ISO: left as written, so that validation quarantines it with the field named


def _t(el: ET.Element | None, tag: str) -> str | None:
    if el is None:
        return None
    x = el.find(tag)
    return x.text.strip() if x is not None and x.text and x.text.strip() else None


def _flag(v: str | None) -> str | None:
    return None if v is None else {"true": "1", "false": "0", "1": "1", "0": "0"}.get(v.lower(), v)


def _read_year(path: Path) -> tuple[int, dict[str, list[dict]]]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise UserError(f"not well-formed XML: {e}", file=str(path), row=e.position[0]) from None
    year = _t(root.find("Header/CollectionDetails"), "Year")
    if year is None or not year.isdigit():
        raise UserError("the header has no collection Year", file=str(path), field="Header/CollectionDetails/Year")
    out: dict[str, list[dict]] = {k: [] for k in ("children", "episodes", "assessments", "section47", "cp_plans")}
    kids = root.find("Children")
    for n, child in enumerate(kids if kids is not None else [], start=1):
        ids, chars = child.find("ChildIdentifiers"), child.find("ChildCharacteristics")
        cid = _t(ids, "LAchildID")
        sex = _t(ids, "Sex")
        gender = {"M": "1", "F": "2", "U": "0"}.get(sex or "", None) if sex else _t(ids, "GenderCurrent")
        dis = [d.text.strip() for d in (chars.findall("Disabilities/Disability") if chars is not None else []) if d.text]
        out["children"].append({"_n": n, "LAchildID": cid, "UPN": _t(ids, "UPN"), "FormerUPN": _t(ids, "FormerUPN"),
                                "UPNunknown": _t(ids, "UPNunknown"), "PersonBirthDate": _dmy(_t(ids, "PersonBirthDate")),
                                "ExpectedPersonBirthDate": _dmy(_t(ids, "ExpectedPersonBirthDate")),
                                "GenderCurrent": gender, "PersonDeathDate": _dmy(_t(ids, "PersonDeathDate")),
                                "Ethnicity": _t(chars, "Ethnicity"), "Disabilities": ";".join(dis) or None})
        for det in child.findall("CINdetails"):
            ref = _dmy(_t(det, "CINreferralDate"))
            out["episodes"].append({"_n": n, "LAchildID": cid, "CINreferralDate": ref,
                                    "ReferralSource": _t(det, "ReferralSource"),
                                    "PrimaryNeedCode": _t(det, "PrimaryNeedCode"),
                                    "CINclosureDate": _dmy(_t(det, "CINclosureDate")),
                                    "ReasonForClosure": _t(det, "ReasonForClosure"),
                                    "ReferralNFA": _flag(_t(det, "ReferralNFA"))})
            for a in det.findall("Assessments"):
                factors = [f.text.strip() for f in a.findall("FactorsIdentifiedAtAssessment/AssessmentFactors") if f.text]
                out["assessments"].append({
                    "_n": n, "LAchildID": cid, "CINreferralDate": ref,
                    "AssessmentActualStartDate": _dmy(_t(a, "AssessmentActualStartDate")),
                    "AssessmentInternalReviewDate": _dmy(_t(a, "AssessmentInternalReviewDate")),
                    "AssessmentAuthorisationDate": _dmy(_t(a, "AssessmentAuthorisationDate")),
                    "AssessmentFactors": ";".join(factors) or None})
            for s in det.findall("Section47"):
                out["section47"].append({"_n": n, "LAchildID": cid, "CINreferralDate": ref,
                                         "S47ActualStartDate": _dmy(_t(s, "S47ActualStartDate")),
                                         "InitialCPCtarget": _dmy(_t(s, "InitialCPCtarget")),
                                         "DateOfInitialCPC": _dmy(_t(s, "DateOfInitialCPC")),
                                         "ICPCnotRequired": _flag(_t(s, "ICPCnotRequired"))})
            for p in det.findall("ChildProtectionPlans"):
                out["cp_plans"].append({"_n": n, "LAchildID": cid, "CINreferralDate": ref,
                                        "CPPstartDate": _dmy(_t(p, "CPPstartDate")),
                                        "CPPendDate": _dmy(_t(p, "CPPendDate")),
                                        "InitialCategoryOfAbuse": _t(p, "InitialCategoryOfAbuse"),
                                        "LatestCategoryOfAbuse": _t(p, "LatestCategoryOfAbuse"),
                                        "NumberOfPreviousCPP": _t(p, "NumberOfPreviousCPP")})
    return int(year), out


_SOURCES = {"children": "csc.cin_children", "episodes": "csc.cin_episodes", "assessments": "csc.cin_assessments",
            "section47": "csc.section47", "cp_plans": "csc.cp_plans"}


def read_parts(path: Path) -> list[tuple[Source, pa.Table]]:
    """Rows of the five CIN sources from one XML file or a folder of years (latest year's row per record)."""
    files = [path] if path.is_file() else cin_files(path)
    rows: dict[str, list[pl.DataFrame]] = {}
    for f in files:
        year, tables = _read_year(f)
        for k, recs in tables.items():
            if recs:
                src = source(_SOURCES[k])
                df = pl.DataFrame(recs, schema={c: (pl.Int64 if c == "_n" else pl.Utf8)
                                                for c in ["_n", *[c for c in src.columns if c in recs[0]]]})
                rows.setdefault(k, []).append(df.with_columns(pl.lit(year).alias("_year")))
    parts = []
    for k, dfs in rows.items():
        src = source(_SOURCES[k])
        df = pl.concat(dfs, how="diagonal_relaxed").sort("_year", "_n")
        df = df.unique(list(src.record_key), keep="last", maintain_order=True)
        df = df.with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
        cols = ["_row", *[c for c in src.columns if c in df.columns]]
        t = df.select(cols).to_arrow()
        parts.append((src, pa.table({n: t.column(n).cast(pa.int64() if n == "_row" else pa.string()) for n in cols})))
    return parts
