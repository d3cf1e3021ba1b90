"""`joinedup validate PATH`: a council's returns checked before anything is loaded.

Per return (each SSDA903 collection year, CIN census XML and ASC CLD quarter found under PATH): joinedup's structural checks
always, then the DfE's own validator when its environment exists (joinedup.validate.official).
Each flag is traced, where PATH is a synthetic place, to the deliberate defect its manifest lists
(truth/return_defects.csv).
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.errors import UserError
from joinedup.ingest.ssda903 import is_903_folder, table_of, year_folders
from joinedup.ingest.cin_census import cin_files, is_cin_xml
from joinedup.ingest.cld import cld_files, is_cld_file
from joinedup.ingest.school_census import is_sc_xml, sc_files
from joinedup.validate.checks import Problem, check_903_year, check_cin_xml
from joinedup.validate.official import KNOWN_FAULTS, Official, run_903, run_cin, venv_python

__all__ = ["ReturnResult", "validate_path", "find_903_roots"]


@dataclass
class ReturnResult:
    """One return's checks: what ran, the structural problems, the official result and the traced flags."""

    form: str
    year: str
    path: str
    checks_run: list[str]
    problems: list[Problem]
    official: Official | None = None
    official_note: str = ""
    traced: dict[str, Counter] = field(default_factory=dict)  # rule -> defect kind -> flags
    untraced: Counter = field(default_factory=Counter)  # rule -> flags with no listed defect
    queries: Counter = field(default_factory=Counter)  # rule -> DfE queries (…Q rules: a reason answers them)
    validator_faults: dict[str, str] = field(default_factory=dict)

    def by_rule(self) -> list[tuple[str, str, int, list[str]]]:
        """(rule, message, flags, tables) for every rule that flagged, most flags first."""
        if not self.official:
            return []
        n, msg, tables = Counter(), {}, defaultdict(set)
        for f in self.official.flags:
            n[f["rule"]] += 1
            msg[f["rule"]] = f["message"]
            tables[f["rule"]].add(f["table"])
        return [(r, msg[r], c, sorted(tables[r])) for r, c in n.most_common()]


def find_903_roots(path: Path) -> list[Path]:
    """Every folder of 903 collection years under PATH (PATH itself if it is one)."""
    if is_903_folder(path):
        return [path]
    return sorted(d for d in path.rglob("*") if d.is_dir() and "truth" not in d.relative_to(path).parts
                  and is_903_folder(d) and not is_903_folder(d.parent))


def _place_root(path: Path) -> Path | None:
    for p in (path, *path.parents):
        if (p / "manifest.json").exists():
            return p
    return None


def _defects(place: Path | None) -> dict[tuple[str, str, int], str]:
    if place is None:
        return {}
    m = json.loads((place / "manifest.json").read_text())
    files = [r["defects"]["file"] for r in m.get("returns", []) if r.get("defects")]
    out = {}
    for rel in set(files):
        with open(place / rel, newline="") as fh:
            for r in csv.DictReader(fh):
                out[(r["return"], r["table"], int(r["row"]))] = r["defect"]
    return out


def _la_code(place: Path | None) -> str:
    if place is not None:
        return json.loads((place / "manifest.json").read_text()).get("area", "E08000027")
    return "E08000027"


def validate_path(path: Path, la_code: str | None = None, official: bool = True) -> list[ReturnResult]:
    """Check every return under PATH; the DfE validators too when installed and `official`."""
    if not path.exists():
        raise UserError("no such file or folder", file=str(path))
    roots = find_903_roots(path) if path.is_dir() else []
    cins = ([path] if is_cin_xml(path) else []) if path.is_file() else sorted(
        f for d in [path, *[x for x in path.rglob("*") if x.is_dir() and "truth" not in x.relative_to(path).parts]]
        for f in cin_files(d))
    clds = ([path] if is_cld_file(path) else []) if path.is_file() else sorted(
        f for d in [path, *[x for x in path.rglob("*") if x.is_dir() and "truth" not in x.relative_to(path).parts]]
        for f in cld_files(d))
    bundles = ([path] if path.suffix == ".json" else []) if path.is_file() else sorted(
        f for f in path.rglob("*.json") if "truth" not in f.relative_to(path).parts and f.name != "manifest.json")
    bundles = [f for f in bundles if _is_bundle(f)]
    schools = ([path] if is_sc_xml(path) else []) if path.is_file() else sorted(
        f for d in [path, *[x for x in path.rglob("*") if x.is_dir() and "truth" not in x.relative_to(path).parts]]
        for f in sc_files(d))
    if not roots and not cins and not clds and not bundles and not schools:
        raise UserError("no return found: expected SSDA903 collection-year folders of the DfE validator's CSV "
                        "tables (header.csv, episodes.csv ...), CIN or school census XML files, ASC CLD quarterly "
                        "CSVs or FHIR Bundles", file=str(path))
    place = _place_root(path)
    defects = _defects(place)
    children_with_defects = {}
    la = la_code or _la_code(place)
    py = venv_python() if official else None
    results = []
    for root in roots:
        for label, folder in year_folders(root):
            end_year = int(label[:4]) + 1
            run, problems = check_903_year(folder, end_year)
            rel = folder.relative_to(place).as_posix() if place else str(folder)
            res = ReturnResult("ssda903", label, rel, run, problems)
            key = f"ssda903/{label}"
            if py is None:
                res.official_note = ("not run: the DfE validators' environment is not installed "
                                     "(joinedup validate --install-validators)" if official else "not run (--no-official)")
            else:
                files = [f for f in sorted(folder.glob("*.csv")) if table_of(f)]
                res.official = run_903(py, files, end_year, la)
                children = _children(files)
                stale: dict[str, set[str]] = defaultdict(set)
                for f in res.official.flags:
                    fault = KNOWN_FAULTS.get((res.official.ruleset, f["rule"]))
                    if fault:
                        res.validator_faults[f["rule"]] = fault
                        continue
                    if f.get("fault"):  # a row the validator misjudges (official_runner says why)
                        res.validator_faults[f["rule"]] = f["fault"]
                        if f.get("fault_key"):  # the message names every key met (e.g. the LA codes)
                            stale[f["rule"]].add(f["fault_key"])
                            res.validator_faults[f["rule"]] = f["fault"].replace(
                                f"({f['fault_key']})", "(" + ", ".join(sorted(stale[f["rule"]])) + ")")
                        continue
                    kind = defects.get((key, f["table"], f["row"])) if f["row"] is not None else None
                    if kind is None and f["row"] is not None:
                        child = children.get(f["table"], [])
                        cid = child[f["row"]] if f["row"] < len(child) else None
                        kind = children_with_defects.setdefault(key, _by_child(defects, key, children)).get(cid)
                    if kind:
                        res.traced.setdefault(f["rule"], Counter())[kind] += 1
                    else:
                        res.untraced[f["rule"]] += 1
            results.append(res)
    for f in cins:
        results.append(_cin(f, place, defects, py, official))
    for f in clds:
        results.append(_cld(f, place, defects))
    for f in bundles:
        results.append(_bundle(f, place))
    for f in schools:
        results.append(_school(f, place))
    return results


def _school(f: Path, place: Path | None) -> ReturnResult:
    """One school census file checked against the school census schema (lxml); the first violation named."""
    from joinedup.ingest.school_census import SCHEMA, check_schema
    from joinedup.validate.checks import Problem

    rel = f.relative_to(place).as_posix() if place else str(f)
    label = f.stem.removeprefix("sc_")
    problems = []
    try:
        check_schema(f)
    except UserError as e:
        where = [p for p in (e.file, f"row {e.row}" if e.row is not None else None,
                             f"field {e.field}" if e.field else None) if p]
        problems.append(Problem("schema", f.name, e.field, 1, e.row, str(e).removeprefix(": ".join(where) + ": ")))
    res = ReturnResult("school_census", label, rel, [f"well-formed XML; valid against {SCHEMA.name} (lxml)"], problems)
    res.official_note = ("none is public: the DfE's COLLECT checks the school census on upload; joinedup checks the "
                         "schema (CBDS element names, code lists) above")
    return res


def _is_bundle(f: Path) -> bool:
    with open(f, "rb") as fh:
        head = fh.read(200)
    return b'"resourceType":"Bundle"' in head.replace(b" ", b"")


def _bundle(f: Path, place: Path | None) -> ReturnResult:
    """One FHIR Bundle: every entry valid against the R4 model (fhir.resources), fullUrls unique, references resolve."""
    from joinedup.validate.checks import check_fhir_bundle

    label, run, problems = check_fhir_bundle(f)
    rel = f.relative_to(place).as_posix() if place else str(f)
    res = ReturnResult("fhir_bundle", label, rel, run, problems)
    res.official_note = "none applies: the resources are validated with fhir.resources (joinedup checks above)"
    return res


def _cld(f: Path, place: Path | None, defects: dict) -> ReturnResult:
    """One CLD quarter: joinedup's structural checks, then the dashboard's data-quality rules, flags traced."""
    from joinedup.validate.checks import check_cld_file

    label, run, problems, rules, flags = check_cld_file(f)
    rel = f.relative_to(place).as_posix() if place else str(f)
    res = ReturnResult("asc_cld", label, rel, run, problems)
    res.official = Official(_CLD_RULES, "CLD R1", rules_run=rules, flags=flags)
    key = f"asc_cld/{label}"
    for fl in flags:
        kind = defects.get((key, "cld", fl["row"]))
        if kind:
            res.traced.setdefault(fl["rule"], Counter())[kind] += 1
        else:
            res.untraced[fl["rule"]] += 1
    return res


#: What checks a CLD quarter: NHS England publishes no validator; the DHSC dashboard's per-field rules do the job.
_CLD_RULES = "the DHSC CLD dashboard's data-quality rules (GetDQValues, Release 1), as joinedup runs them"


def _cin(f: Path, place: Path | None, defects: dict, py: Path | None, official: bool) -> ReturnResult:
    end_year, run, problems = check_cin_xml(f)
    label = f"{end_year - 1}-{str(end_year)[2:]}" if end_year else "?"
    rel = f.relative_to(place).as_posix() if place else str(f)
    res = ReturnResult("cin_census", label, rel, run, problems)
    if py is None or end_year is None:
        res.official_note = ("not run: the DfE validators' environment is not installed "
                             "(joinedup validate --install-validators)" if official else "not run (--no-official)")
        return res
    res.official = run_cin(py, f, end_year)
    ids = _cin_rows(f)
    key = f"cin_census/{label}"
    by_child = {}
    for (ret, table, row), kind in defects.items():
        if ret == key and row < len(ids.get(table, [])):
            by_child[ids[table][row]] = kind
    for fl in res.official.flags:
        rows = ids.get(fl["table"], [])
        cid = rows[fl["row"]] if fl["row"] is not None and fl["row"] < len(rows) else None
        kind = by_child.get(cid)
        if kind:
            res.traced.setdefault(fl["rule"], Counter())[kind] += 1
        elif fl["rule"].endswith("Q"):
            res.queries[fl["rule"]] += 1
        else:
            res.untraced[fl["rule"]] += 1
    return res


#: The validator's CIN tables and the XML element each row is (rows in document order).
_CIN_TABLES = {"ChildIdentifiers": "ChildIdentifiers", "ChildCharacteristics": "ChildCharacteristics",
               "CINdetails": "CINdetails", "Assessments": "Assessments", "CINplanDates": "CINPlanDates",
               "Section47": "Section47", "ChildProtectionPlans": "ChildProtectionPlans", "Reviews": "Reviews"}


def _cin_rows(f: Path) -> dict[str, list[str]]:
    """LAchildID of each row of each table the CIN validator builds from the XML (document order)."""
    from xml.etree import ElementTree as ET

    out: dict[str, list[str]] = {t: [] for t in _CIN_TABLES}
    for child in ET.parse(f).getroot().findall("Children/Child"):
        cid = child.findtext("ChildIdentifiers/LAchildID")
        for table, tag in _CIN_TABLES.items():
            out[table] += [cid] * sum(1 for _ in child.iter(tag))
    return out


def _children(files: list[Path]) -> dict[str, list[str]]:
    out = {}
    for f in files:
        with open(f, newline="", encoding="utf-8-sig") as fh:
            out[table_of(f)] = [r.get("CHILD") for r in csv.DictReader(fh)]
    return out


def _by_child(defects: dict, key: str, children: dict[str, list[str]]) -> dict[str, str]:
    """Child id -> defect kind, from the listed rows of this return (a flag may sit on another table's row)."""
    out = {}
    for (ret, table, row), kind in defects.items():
        if ret == key and table in children and row < len(children[table]):
            out[children[table][row]] = kind
    return out
