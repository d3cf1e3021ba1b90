"""Which files to read and which source each one is: from manifest.json, or from the columns."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from joinedup.errors import UserError
from joinedup.inputs import regular_file
from joinedup.ingest.readers import csv_header, file_format, parquet_columns
from joinedup.sources import Source, sources

__all__ = ["FilePlan", "plan_paths", "recognise", "EXTENSIONS"]

EXTENSIONS = (".csv", ".parquet", ".json", ".ndjson")


@dataclass
class FilePlan:
    """One file to load: where, what format, which source and why we think so."""

    path: Path
    format: str
    source: str | None
    why: str
    manifest_rows: int | None = None
    manifest_sha256: str | None = None
    columns: list[str] | None = None


def recognise(columns: list[str], path: Path) -> tuple[Source, str]:
    """The source whose fields best match a file's columns (all its required fields present)."""
    cols = set(columns)
    best: tuple[float, Source] | None = None
    for src in sources().values():
        spec = set(src.columns)
        score = len(cols & spec) / len(cols | spec)
        if best is None or score > best[0]:
            best = (score, src)
    if best is None or best[0] < 0.5:
        shown = ", ".join(columns[:20]) + (" ..." if len(columns) > 20 else "")
        raise UserError(f"unrecognised file: no known source has these columns: {shown}", file=str(path))
    src = best[1]
    for f in src.fields:
        if f.required and f.name not in cols:
            raise UserError(f"looks like {src.id} but a column it needs is missing", file=str(path), row=0,
                            field=f.name)
    matched = len(cols & set(src.columns))
    return src, f"recognised by its columns: {matched} of {len(src.columns)} fields, all required ones"


def _columns(path: Path, fmt: str) -> list[str]:
    return csv_header(path) if fmt == "csv" else parquet_columns(path)


def _from_manifest(folder: Path, returns: bool = False) -> list[FilePlan]:
    mpath = folder / "manifest.json"
    try:
        manifest = json.loads(regular_file(mpath, limit=64 * 2**20, what="manifest").read_text())
        entries = manifest["files"] if isinstance(manifest, dict) else manifest
        if not isinstance(entries, list):
            raise TypeError("files is not a list")
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as e:
        raise UserError(f"unreadable manifest: {str(e).splitlines()[0][:200]}", file=str(mpath)) from None
    inside = folder.resolve()
    known = sources()
    plans = []
    for i, entry in enumerate(entries, start=1):
        try:
            rel, source_id = entry["path"], entry["source"]
        except (KeyError, TypeError):
            raise UserError("entry lacks path or source", file=str(mpath), row=i) from None
        if not isinstance(rel, str) or not rel:
            raise UserError("path is not a file name", file=str(mpath), row=i, field="path")
        path = folder / rel
        # a manifest names files in its own folder: never ../ or an absolute path elsewhere
        if Path(rel).is_absolute() or not path.resolve().is_relative_to(inside):
            raise UserError("path points outside the manifest's folder", file=str(mpath), row=i, field="path")
        for name, kind in (("rows", int), ("sha256", str)):
            if entry.get(name) is not None and (not isinstance(entry[name], kind) or isinstance(entry[name], bool)):
                raise UserError(f"{name} must be {'a whole number' if kind is int else 'text'}", file=str(mpath),
                                row=i, field=name)
        if not path.exists():
            raise UserError("file listed in the manifest is missing", file=str(path))
        if source_id not in known:
            raise UserError(f"unknown source {source_id!r}", file=str(mpath), row=i, field="source")
        fmt = file_format(path)
        regular_file(path, what="extract")
        plans.append(FilePlan(path, fmt, source_id, "named in manifest.json", entry.get("rows"), entry.get("sha256")))
    return plans + (_returns_of(manifest, folder, inside) if returns else [])


def _returns_of(manifest: object, folder: Path, inside: Path) -> list[FilePlan]:
    """The returns as submitted that a manifest lists, read after the analyst copies.

    The copies carry the history before the returns' years; where both hold a record, the
    return's row (loaded later) becomes its current version, so the store holds what the council
    submitted.
    """
    readers = {"ssda903": _returns_903, "cin_census": _returns_cin, "asc_cld": _returns_cld,
               "school_census": _returns_sc}
    plans = []
    for r in (manifest.get("returns") or []) if isinstance(manifest, dict) else []:
        rel = r.get("path") if isinstance(r, dict) else None
        if r.get("form") not in readers or not isinstance(rel, str) or not rel:
            continue
        path = folder / rel
        if Path(rel).is_absolute() or not path.resolve().is_relative_to(inside):
            raise UserError("a return's path points outside the manifest's folder", file=str(folder / "manifest.json"),
                            field="returns")
        if not path.is_dir():
            raise UserError("return listed in the manifest is missing", file=str(path))
        plans.append(readers[r["form"]](path))
    seen: set[Path] = set()
    for r in (manifest.get("returns") or []) if isinstance(manifest, dict) else []:
        # FHIR bundles: each file is a plan of its own (read after the copies, like every return); two
        # FHIR returns may share a folder, whose files are read once
        if isinstance(r, dict) and str(r.get("form", "")).startswith("fhir") and isinstance(r.get("path"), str):
            path = folder / r["path"]
            if Path(r["path"]).is_absolute() or not path.resolve().is_relative_to(inside):
                raise UserError("a return's path points outside the manifest's folder",
                                file=str(folder / "manifest.json"), field="returns")
            if not path.is_dir():
                raise UserError("return listed in the manifest is missing", file=str(path))
            files = [f for f in sorted(path.iterdir()) if f.suffix.lower() in (".json", ".ndjson") and f not in seen]
            seen.update(files)
            plans += [_single(f) for f in files]
    return plans


def _single(path: Path) -> FilePlan:
    fmt = file_format(path)
    regular_file(path, what="extract")
    if fmt.startswith("fhir"):
        return FilePlan(path, fmt, None, "FHIR R4 resources")
    columns = _columns(path, fmt)
    src, why = recognise(columns, path)
    return FilePlan(path, fmt, src.id, why, columns=columns)


def _returns_903(p: Path) -> FilePlan:
    from joinedup.ingest.ssda903 import year_folders

    years = [y for y, _ in year_folders(p)]
    return FilePlan(p, "ssda903", "csc.ssda903_episodes",
                    f"SSDA903 return: {len(years)} collection year(s) ({', '.join(years)}), latest year's row kept")


def _returns_cin(p: Path) -> FilePlan:
    from joinedup.ingest.cin_census import cin_files

    n = 1 if p.is_file() else len(cin_files(p))
    return FilePlan(p, "cin-xml", "csc.cin_children",
                    f"CIN census XML: {n} collection year(s), latest year's row kept")


def _returns_cld(p: Path) -> FilePlan:
    from joinedup.ingest.cld import cld_files

    n = 1 if p.is_file() else len(cld_files(p))
    return FilePlan(p, "cld", "asc.client_level_data",
                    f"ASC Client Level Data: {n} quarterly submission(s), latest submission's row of each event kept")


def _returns_sc(p: Path) -> FilePlan:
    from joinedup.ingest.school_census import sc_files

    n = 1 if p.is_file() else len(sc_files(p))
    return FilePlan(p, "school-census-xml", "education.school_census",
                    f"school census XML: {n} file(s), each checked against the school census schema")


def plan_paths(paths: list[Path], returns: bool = False) -> list[FilePlan]:
    """Every file to load from the given folders and files, in a stable order.

    With `returns`, a folder with a manifest also gives the returns as submitted that it lists.
    """
    from joinedup.ingest.cin_census import is_cin_folder, is_cin_xml
    from joinedup.ingest.cld import is_cld_file, is_cld_folder
    from joinedup.ingest.school_census import is_sc_folder, is_sc_xml
    from joinedup.ingest.ssda903 import is_903_folder
    from joinedup.inputs import regular_file

    plans: list[FilePlan] = []
    for p in paths:
        if not p.exists():
            raise UserError("no such file or folder", file=str(p))
        if p.is_dir():
            if (p / "manifest.json").exists():
                plans += _from_manifest(p, returns)
                continue
            if is_903_folder(p):
                plans.append(_returns_903(p))
                continue
            if is_cin_folder(p) and not any(f.suffix.lower() in EXTENSIONS for f in p.iterdir()):
                plans.append(_returns_cin(p))
                continue
            if is_cld_folder(p):
                plans.append(_returns_cld(p))
                continue
            if is_sc_folder(p) and not any(f.suffix.lower() in EXTENSIONS for f in p.iterdir()):
                plans.append(_returns_sc(p))
                continue
            # a 903 return inside the folder is read as one set of years, not file by file
            roots = sorted(d for d in p.rglob("*") if d.is_dir() and "truth" not in d.relative_to(p).parts
                           and is_903_folder(d) and not is_903_folder(d.parent))
            plans += [_returns_903(d) for d in roots]
            cin_roots = sorted(d for d in p.rglob("*") if d.is_dir() and "truth" not in d.relative_to(p).parts
                               and is_cin_folder(d))
            plans += [_returns_cin(d) for d in cin_roots]
            roots += cin_roots
            cld_roots = sorted(d for d in p.rglob("*") if d.is_dir() and "truth" not in d.relative_to(p).parts
                               and is_cld_folder(d))
            plans += [_returns_cld(d) for d in cld_roots]
            roots += cld_roots
            sc_roots = sorted(d for d in p.rglob("*") if d.is_dir() and "truth" not in d.relative_to(p).parts
                              and is_sc_folder(d))
            plans += [_returns_sc(d) for d in sc_roots]
            roots += sc_roots
            found = sorted(f for f in p.rglob("*") if not f.is_dir() and f.suffix.lower() in EXTENSIONS
                           and f.name != "manifest.json" and "truth" not in f.relative_to(p).parts
                           and not any(r in f.parents for r in roots))
            if roots and not found:
                continue
            if not found:
                raise UserError("folder holds no .csv, .parquet, .json or .ndjson files", file=str(p))
            plans += [_single(f) for f in found]
        elif not p.is_file():
            regular_file(p)  # a pipe, device or socket: refused before anything reads from it
        elif is_cin_xml(p):
            plans.append(_returns_cin(p))
        elif is_cld_file(p):
            plans.append(_returns_cld(p))
        elif is_sc_xml(p):
            plans.append(_returns_sc(p))
        else:
            plans.append(_single(p))
    return plans
