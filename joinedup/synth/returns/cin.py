"""The Children in Need census as submitted: one DfE XML file per collection year.

Made from the place's CIN copies (csc/cin_*, section47, cp_plans). A year holds every child with
a CIN episode open at any time in it, each episode with its assessments (factors as the DfE list
codes, 21 where none were identified), CIN plan dates, section 47 enquiries and child protection
plans with their review dates, as at 31 March (what ends later is open in it). The layout is the
one the DfE census specification gives and csc-validator-be-cin reads (Message, Header,
Children, Child, ChildIdentifiers, ChildCharacteristics, CINdetails ...). Sex is <GenderCurrent>
(1/2/9) until 2023-24 and <Sex> (M/F/U) from 2024-25.
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import polars as pl

__all__ = ["write_years", "SEX_ELEMENT_FROM", "file_name", "child_ids"]

#: First collection year (ending 31 March) with <Sex> M/F/U in place of <GenderCurrent>.
SEX_ELEMENT_FROM = 2025
_FMT = "%d/%m/%Y"
#: Factors most often identified at assessment (DfE CIN 2024: domestic abuse, mental health, emotional abuse).
_COMMON_FACTORS = np.array(["3A", "3B", "4A", "4B", "18B", "2B"])


def file_name(end_year: int) -> str:
    """cin_2024-25.xml for the year ending 31 March 2025."""
    return f"cin_{end_year - 1}-{str(end_year)[2:]}.xml"


def _d(col: str) -> pl.Expr:
    return pl.col(col).str.strptime(pl.Date, _FMT, strict=False)


def _iso(v: str | None) -> str | None:
    if v is None or v == "":
        return None
    try:
        return date(int(v[6:10]), int(v[3:5]), int(v[0:2])).isoformat()
    except ValueError:
        return v  # a malformed date stays as written: the validator will say so


def _sub(parent: ET.Element, tag: str, value: object) -> None:
    if value is not None and value != "":
        ET.SubElement(parent, tag).text = str(value)


def _cp_reviews(start: date, end: date | None, y1: date) -> list[date]:
    """Review conferences: within 3 months of the plan starting, then every 6 months (Working Together 2023)."""
    out, d = [], start + timedelta(days=84)
    stop = min(end or y1, y1)
    while d < stop:
        out.append(d)
        d += timedelta(days=175)
    return out


def _rows(df: pl.DataFrame) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for r in df.iter_rows(named=True):
        out.setdefault((r["LAchildID"], r["CINreferralDate"]), []).append(r)
    return out


def _year(c: dict[str, pl.DataFrame], y0: date, y1: date, la_number: str, seed: int) -> ET.ElementTree:
    later = lambda col: pl.when(_d(col) > y1).then(None).otherwise(pl.col(col)).alias(col)  # noqa: E731
    eps = c["episodes"].filter((_d("CINreferralDate") <= y1) & (pl.col("CINclosureDate").is_null()
                                                                | (_d("CINclosureDate") >= y0)))
    eps = eps.with_columns(later("CINclosureDate"), pl.when(_d("CINclosureDate") > y1).then(None)
                           .otherwise(pl.col("ReasonForClosure")).alias("ReasonForClosure"))
    # modules of the year: completed in it or still open at 31 March (CIN rules 8696, 8715, 8930)
    ass = c["assessments"].filter((_d("AssessmentActualStartDate") <= y1) & (
        pl.col("AssessmentAuthorisationDate").is_null() | (_d("AssessmentAuthorisationDate") >= y0))
    ).with_columns(later("AssessmentAuthorisationDate"))
    s47 = c["section47"].filter((_d("S47ActualStartDate") <= y1) & (
        pl.col("DateOfInitialCPC").is_null() | (_d("DateOfInitialCPC") >= y0))).with_columns(later("DateOfInitialCPC"))
    cpp = c["cp_plans"].filter((_d("CPPstartDate") <= y1) & (
        pl.col("CPPendDate").is_null() | (_d("CPPendDate") >= y0))).with_columns(later("CPPendDate"))
    ass_by, s47_by, cpp_by = _rows(ass), _rows(s47), _rows(cpp)
    kids = c["children"].join(eps.select("LAchildID").unique(), on="LAchildID", how="semi").sort("LAchildID")
    eps_by: dict[str, list[dict]] = {}
    for r in eps.sort("LAchildID", _d("CINreferralDate")).iter_rows(named=True):
        eps_by.setdefault(r["LAchildID"], []).append(r)
    rng = np.random.default_rng([seed, zlib.crc32(f"cin:{y1}".encode())])
    root = ET.Element("Message")
    head = ET.SubElement(root, "Header")
    cd = ET.SubElement(head, "CollectionDetails")
    _sub(cd, "Collection", "CIN")
    _sub(cd, "Year", y1.year)
    _sub(cd, "ReferenceDate", y1.isoformat())
    src = ET.SubElement(head, "Source")
    for tag, val in (("SourceLevel", "L"), ("LEA", la_number), ("SoftwareCode", "joinedup"), ("Release", "1"),
                     ("SerialNo", "1"), ("DateTime", f"{y1 + timedelta(days=10)}T09:00:00")):
        _sub(src, tag, val)
    children = ET.SubElement(root, "Children")
    letters = y1.year >= SEX_ELEMENT_FROM
    for k in kids.iter_rows(named=True):
        child = ET.SubElement(children, "Child")
        ids = ET.SubElement(child, "ChildIdentifiers")
        _sub(ids, "LAchildID", k["LAchildID"])
        _sub(ids, "UPN", k["UPN"])
        _sub(ids, "FormerUPN", k["FormerUPN"])
        _sub(ids, "UPNunknown", k["UPNunknown"])
        _sub(ids, "PersonBirthDate", _iso(k["PersonBirthDate"]))
        _sub(ids, "ExpectedPersonBirthDate", _iso(k["ExpectedPersonBirthDate"]))
        g = k["GenderCurrent"]
        if letters:
            _sub(ids, "Sex", {"1": "M", "2": "F"}.get(g or "", "U"))
        else:
            _sub(ids, "GenderCurrent", g if g in ("0", "1", "2", "9") else "0")
        death = _iso(k["PersonDeathDate"])
        _sub(ids, "PersonDeathDate", death if death and death <= y1.isoformat() else None)
        ch = ET.SubElement(child, "ChildCharacteristics")
        _sub(ch, "Ethnicity", k["Ethnicity"])
        dis = ET.SubElement(ch, "Disabilities")
        for code in (k["Disabilities"] or "NONE").split(";"):
            _sub(dis, "Disability", code.strip())
        for e in eps_by.get(k["LAchildID"], []):
            key = (e["LAchildID"], e["CINreferralDate"])
            # a case closes on or after its last activity (CIN rule 8565): a closure the copy dates earlier
            # than an assessment, enquiry or plan end of the episode moves to that date
            latest = max((d for d in (*(_iso(a[c]) for a in ass_by.get(key, [])
                                        for c in ("AssessmentActualStartDate", "AssessmentAuthorisationDate")),
                                      *(_iso(x[c]) for x in s47_by.get(key, [])
                                        for c in ("S47ActualStartDate", "DateOfInitialCPC")),
                                      *(_iso(p["CPPendDate"]) for p in cpp_by.get(key, []))) if d), default=None)
            closed = _iso(e["CINclosureDate"])
            if closed and latest and latest > closed:
                e = {**e, "CINclosureDate": f"{latest[8:10]}/{latest[5:7]}/{latest[:4]}"}
            det = ET.SubElement(child, "CINdetails")
            _sub(det, "CINreferralDate", _iso(e["CINreferralDate"]))
            _sub(det, "ReferralSource", e["ReferralSource"])
            _sub(det, "PrimaryNeedCode", e["PrimaryNeedCode"])
            _sub(det, "CINclosureDate", _iso(e["CINclosureDate"]))
            _sub(det, "ReasonForClosure", e["ReasonForClosure"])
            _sub(det, "ReferralNFA", "true" if e["ReferralNFA"] == "1" else "false")
            authorised = None
            for a in ass_by.get(key, []):
                el = ET.SubElement(det, "Assessments")
                _sub(el, "AssessmentActualStartDate", _iso(a["AssessmentActualStartDate"]))
                _sub(el, "AssessmentInternalReviewDate", _iso(a["AssessmentInternalReviewDate"]))
                _sub(el, "AssessmentAuthorisationDate", _iso(a["AssessmentAuthorisationDate"]))
                if a["AssessmentAuthorisationDate"]:
                    authorised = authorised or a["AssessmentAuthorisationDate"]
                    fac = ET.SubElement(el, "FactorsIdentifiedAtAssessment")
                    codes = [x.strip() for x in (a["AssessmentFactors"] or "").split(";") if x.strip()]
                    if not codes:  # "21 no factors identified" is for an episode closed after assessment (rule 8873Q)
                        closed_after = e["ReasonForClosure"] in ("RC8", "RC9")
                        codes = ["21"] if closed_after else [str(rng.choice(_COMMON_FACTORS))]
                    for code in dict.fromkeys(codes):
                        _sub(fac, "AssessmentFactors", code)
            _plan_dates(det, e, authorised, bool(cpp_by.get(key)), y1, rng, death)
            for s in s47_by.get(key, []):
                el = ET.SubElement(det, "Section47")
                _sub(el, "S47ActualStartDate", _iso(s["S47ActualStartDate"]))
                _sub(el, "InitialCPCtarget", _iso(s["InitialCPCtarget"]))
                _sub(el, "DateOfInitialCPC", _iso(s["DateOfInitialCPC"]))
                _sub(el, "ICPCnotRequired", "true" if s["ICPCnotRequired"] == "1" else "false")
            for p in cpp_by.get(key, []):
                el = ET.SubElement(det, "ChildProtectionPlans")
                _sub(el, "CPPstartDate", _iso(p["CPPstartDate"]))
                _sub(el, "CPPendDate", _iso(p["CPPendDate"]))
                _sub(el, "InitialCategoryOfAbuse", p["InitialCategoryOfAbuse"])
                _sub(el, "LatestCategoryOfAbuse", p["LatestCategoryOfAbuse"])
                _sub(el, "NumberOfPreviousCPP", p["NumberOfPreviousCPP"])
                start = date.fromisoformat(_iso(p["CPPstartDate"]))
                end = date.fromisoformat(_iso(p["CPPendDate"])) if p["CPPendDate"] else None
                for rd in _cp_reviews(start, end, y1):
                    if rd >= y0:
                        _sub(ET.SubElement(el, "Reviews"), "CPPreviewDate", rd.isoformat())
    ET.indent(root)
    return ET.ElementTree(root)


def _plan_dates(det: ET.Element, e: dict, authorised: str | None, has_cpp: bool, y1: date, rng,
                death: str | None = None) -> None:
    """A CIN plan from the assessment's authorisation to the episode's close, where the assessment led to one
    (none for a child who died before it would start: CIN rule 4008)."""
    if authorised is None or has_cpp or e["ReasonForClosure"] in ("RC8", "RC9") or e["ReferralNFA"] == "1":
        return
    start = date.fromisoformat(_iso(authorised)) + timedelta(days=int(rng.integers(0, 10)))
    close = date.fromisoformat(_iso(e["CINclosureDate"])) if e["CINclosureDate"] else None
    if start > y1 or (close is not None and start >= close) or (death and start.isoformat() > death):
        return
    el = ET.SubElement(det, "CINPlanDates")
    _sub(el, "CINPlanStartDate", start.isoformat())
    _sub(el, "CINPlanEndDate", close.isoformat() if close else None)


def write_years(copies: dict[str, pl.DataFrame], years: list[tuple[date, date]], out: Path, la_number: str,
                seed: int) -> list[dict]:
    """Write returns/cin_census/cin_<year>.xml for each (1 April, 31 March); one manifest entry per year."""
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for y0, y1 in years:
        tree = _year(copies, y0, y1, la_number, seed)
        path = out / file_name(y1.year)
        tree.write(path, encoding="utf-8", xml_declaration=True)
        n = len(tree.getroot().find("Children"))
        entries.append({"year": file_name(y1.year)[4:-4], "file": path.name, "children": n})
    return entries


def child_ids(path: Path) -> list[str]:
    """LAchildID of each child of a CIN XML file, in file order (the validator's ChildIdentifiers rows)."""
    return [c.findtext("ChildIdentifiers/LAchildID") for c in ET.parse(path).getroot().findall("Children/Child")]
