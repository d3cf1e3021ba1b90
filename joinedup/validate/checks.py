"""joinedup's own structural checks of a return, run always (no network, no validators needed).

For an SSDA903 year: every CSV is one of the validator's tables by its exact columns, Header and
Episodes are there, dates are dd/mm/yyyy, SEX is coded as that collection year wants (1/2 until
2023-24, M/F/U from 2024-25), and every coded field holds a code of its list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from joinedup.ingest.ssda903 import K3_FROM, SOURCE_OF, TABLES, table_of
from joinedup.sources import source

__all__ = ["Problem", "check_903_year", "check_cin_xml", "check_cld_file", "check_fhir_bundle", "DATE_FIELDS"]

DATE_FIELDS = {"DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
               "DATE_PLACED_CEASED", "DATE_PERM", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC"}
_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


@dataclass(frozen=True)
class Problem:
    """A structural problem: which check, where, how many rows, and a plain-English message."""

    check: str
    file: str
    field: str | None
    rows: int
    first_row: int | None
    message: str


def _sex_codes(end_year: int) -> set[str]:
    return {"M", "F", "U"} if end_year >= 2025 else {"1", "2"}


def check_903_year(folder: Path, end_year: int) -> tuple[list[str], list[Problem]]:
    """The checks run (names) and the problems found in one 903 year folder."""
    run, problems = [], []
    tables = {}
    for f in sorted(folder.glob("*.csv")):
        t = table_of(f)
        if t is None:
            problems.append(Problem("columns", f.name, None, 0, 0, "columns match none of the 903 tables "
                                    "(the DfE validator would refuse the upload)"))
        else:
            tables[t] = f
    run.append(f"columns: {len(tables)} tables with the validator's exact columns")
    for t in ("Header", "Episodes"):
        if t not in tables:
            problems.append(Problem("tables", folder.name, None, 0, None, f"no {t} table"))
    missing = [t for t in TABLES if t not in tables]
    if missing:
        run.append("tables absent (their rules cannot run): " + ", ".join(missing))
    n_codes = 0
    for t, f in tables.items():
        df = pl.read_csv(f, infer_schema=False).with_row_index("_r", offset=1)
        for col in df.columns:
            if col in DATE_FIELDS:
                bad = df.filter(pl.col(col).is_not_null() & ~pl.col(col).str.contains(_DATE.pattern))
                bad = bad.filter(~pl.col(col).map_elements(_is_date, return_dtype=pl.Boolean)) if bad.height else bad
                if bad.height:
                    problems.append(Problem("dates", f.name, col, bad.height, int(bad["_r"][0]),
                                            "not a date written dd/mm/yyyy"))
        codes = {}
        if t in SOURCE_OF:
            codes = {fl.name: set(fl.codes) for fl in source(SOURCE_OF[t]).fields if fl.codes}
        if "SEX" in df.columns:
            codes["SEX"] = _sex_codes(end_year)
        if "PLACE" in codes:  # K3 from 2024-25, H5 before
            codes["PLACE"] = codes["PLACE"] - {"H5"} if end_year >= K3_FROM else codes["PLACE"] - {"K3"}
        for col, allowed in codes.items():
            n_codes += 1
            bad = df.filter(pl.col(col).is_not_null() & ~pl.col(col).is_in(sorted(allowed)))
            if bad.height:
                problems.append(Problem("codes", f.name, col, bad.height, int(bad["_r"][0]),
                                        f"not a code of the {end_year - 1}-{str(end_year)[2:]} list "
                                        f"({', '.join(sorted(allowed)[:12])}{' ...' if len(allowed) > 12 else ''})"))
    run.append(f"dates dd/mm/yyyy; code lists: {n_codes} coded fields against the year's lists")
    return run, problems


def _is_date(v: str) -> bool:
    try:
        datetime.strptime(v, "%d/%m/%Y")
        return True
    except (TypeError, ValueError):
        return False


_CIN_CODES = {  # XML element -> (source, field) whose code list applies
    "ReferralSource": ("csc.cin_episodes", "ReferralSource"), "PrimaryNeedCode": ("csc.cin_episodes", "PrimaryNeedCode"),
    "ReasonForClosure": ("csc.cin_episodes", "ReasonForClosure"),
    "InitialCategoryOfAbuse": ("csc.cp_plans", "InitialCategoryOfAbuse"),
    "LatestCategoryOfAbuse": ("csc.cp_plans", "LatestCategoryOfAbuse"),
}
_CIN_DATES = ("PersonBirthDate", "ExpectedPersonBirthDate", "PersonDeathDate", "CINreferralDate", "CINclosureDate",
              "AssessmentActualStartDate", "AssessmentInternalReviewDate", "AssessmentAuthorisationDate",
              "CINPlanStartDate", "CINPlanEndDate", "S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC",
              "CPPstartDate", "CPPendDate", "CPPreviewDate")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_cin_xml(path: Path) -> tuple[int | None, list[str], list[Problem]]:
    """The collection year (ending), the checks run and the problems of one CIN census XML file."""
    from xml.etree import ElementTree as ET

    run = ["XML well formed, Message/Header/Children layout of the DfE CIN census"]
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return None, run, [Problem("xml", path.name, None, 0, e.position[0], f"not well-formed XML: {e}")]
    problems = []
    year = root.findtext("Header/CollectionDetails/Year")
    if root.tag != "Message" or root.findtext("Header/CollectionDetails/Collection") != "CIN":
        problems.append(Problem("layout", path.name, "Header/CollectionDetails/Collection", 0, None,
                                "not a CIN census message (Message/Header/CollectionDetails/Collection = CIN)"))
    if not (year or "").isdigit():
        problems.append(Problem("layout", path.name, "Header/CollectionDetails/Year", 0, None, "no collection Year"))
        return None, run, problems
    end_year = int(year)
    counts: dict[tuple[str, str], list[int]] = {}

    def bad(check: str, field: str, n: int, message: str) -> None:
        counts.setdefault((check, field, message), []).append(n)

    codes = {tag: set(source(s).field(f).codes or {}) for tag, (s, f) in _CIN_CODES.items()}
    children = root.findall("Children/Child")
    for n, child in enumerate(children, start=1):
        if not child.findtext("ChildIdentifiers/LAchildID"):
            bad("layout", "LAchildID", n, "a child without LAchildID")
        sex_tag = "Sex" if end_year >= 2025 else "GenderCurrent"
        want = {"M", "F", "U"} if end_year >= 2025 else {"0", "1", "2", "9"}
        v = child.findtext(f"ChildIdentifiers/{sex_tag}")
        if v not in want:
            bad("codes", sex_tag, n, f"missing or not a code of the {end_year - 1}-{str(end_year)[2:]} list "
                                     f"({', '.join(sorted(want))})")
        for el in child.iter():
            if el.tag in _CIN_DATES and el.text and not _ISO.match(el.text.strip()):
                bad("dates", el.tag, n, "not a date written yyyy-mm-dd")
            if el.tag in codes and el.text and el.text.strip() not in codes[el.tag]:
                bad("codes", el.tag, n, "not a code of its list")
    for (check, field, message), rows in counts.items():
        problems.append(Problem(check, path.name, field, len(rows), rows[0], message + " (row = child in file order)"))
    run.append(f"{len(children)} children; dates yyyy-mm-dd; Sex/GenderCurrent as the year wants; "
               f"{len(codes)} code lists (no XML schema is published with the validator: the layout is checked "
               "element by element)")
    return end_year, run, problems


def check_cld_file(path: Path) -> tuple[str, list[str], list[Problem], list[str], list[dict]]:
    """One CLD quarter: its label, the checks run, structural problems, the DQ rules run and their flags (per row)."""
    from joinedup.sources.cld import FIELDS, dq_flags

    df = pl.read_csv(path, infer_schema=False)
    run = [f"columns: the {len(FIELDS)} fields of CLD Release 1 in order"]
    problems = []
    if list(df.columns) != list(FIELDS):
        extra = [c for c in df.columns if c not in FIELDS]
        missing = [c for c in FIELDS if c not in df.columns]
        msg = ("fields missing: " + ", ".join(missing) if missing else "") + (
            ("; " if missing else "") + "fields not in CLD: " + ", ".join(extra) if extra else "")
        problems.append(Problem("columns", path.name, None, 0, 0, msg or "fields out of the specification's order"))
        if missing:
            return path.stem, run, problems, [], []
    period = df["Reporting_Period_End_Date"].drop_nulls().unique().to_list()
    start = df["Reporting_Period_Start_Date"].drop_nulls().unique().to_list()
    label = path.stem.removeprefix("cld_")
    if len(period) != 1 or len(start) != 1:
        problems.append(Problem("period", path.name, "Reporting_Period_End_Date", 0, None,
                                "a submission covers one reporting period: start and end dates differ between rows"))
    rules, flags, rows = dq_flags(df)
    run.append(f"{len(rules)} fields against the dashboard's rules (applicable, mandatory, on its list or well formed)")
    by_row = [{"rule": f"{r['field']}: {r['result']}", "table": "cld", "row": r["row"],
               "message": next(f.message for f in flags if f.field == r["field"] and f.result == r["result"])}
              for r in rows.iter_rows(named=True)]
    return label, run, problems, rules, by_row


def check_fhir_bundle(path: Path) -> tuple[str, list[str], list[Problem]]:
    """One FHIR Bundle: its month (or id), the checks run and the problems (row = entry, 1-based)."""
    import json

    from pydantic import ValidationError

    from joinedup.ingest.fhir import _models
    from joinedup.synth.returns.fhir import references_resolve

    try:
        doc = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        return path.stem, ["JSON"], [Problem("json", path.name, None, 0, None, f"not JSON: {e}")]
    entries = doc.get("entry") or []
    models = _models()
    problems, counts = [], {}
    for i, e in enumerate(entries, start=1):
        res = e.get("resource") or {}
        rtype = res.get("resourceType")
        counts[rtype] = counts.get(rtype, 0) + 1
        model = models.get(rtype)
        if model is None:
            from fhir.resources.R4B import get_fhir_model_class
            try:
                model = get_fhir_model_class(rtype)
            except (KeyError, ValueError, TypeError):
                problems.append(Problem("resource", path.name, "resourceType", 1, i, f"unknown resource type {rtype}"))
                continue
        try:
            model.model_validate(res)
        except ValidationError as err:
            first = err.errors()[0]
            problems.append(Problem("resource", path.name, ".".join(map(str, first.get("loc", ()))), 1, i,
                                    f"invalid {rtype}: {first.get('msg')}"))
    urls = [e.get("fullUrl") for e in entries]
    if len(set(urls)) != len(urls) or not all(isinstance(u, str) and u.startswith("urn:uuid:") for u in urls):
        problems.append(Problem("fullUrl", path.name, "fullUrl", 0, None, "fullUrls are not unique urn:uuid values"))
    dangling = references_resolve({"entry": [e for e in entries if "fullUrl" in e]})
    if dangling:
        problems.append(Problem("references", path.name, "reference", len(dangling), None,
                                "references that name no entry of the Bundle"))
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(counts.items(), key=lambda kv: str(kv[0])))
    run = [f"{len(entries)} entries ({kinds}) validated with fhir.resources (R4B models)",
           "fullUrls unique urn:uuid", "every reference resolves to an entry"]
    return path.stem, run, problems
