"""The returns as a council submits them, made from the place's analyst copies (which stay beside them).

`write_returns` adds DIR/returns/ssda903/<collection year>/ (the DfE 903 validator's eleven CSV
tables), DIR/returns/cin_census/cin_<year>.xml, DIR/returns/school_census/sc_<year>_<LAEstab>.xml (one
per school per spring census), DIR/returns/asc_cld/cld_<year>_q<n>.csv (ASC Client Level Data, one file
per quarter) and DIR/returns/fhir/ (GP appointments and community health episodes as FHIR R4 Bundles),
and lists, in DIR/truth/return_defects.csv, every child of a return who carries one of the place's
deliberate defects (a second local id for the same child, a transposed date of birth; on a CLD row,
a missing or mistyped NHS number), so that a validator's flag can be told from a fault in the
format. The manifest gains a `returns` list: each return's form, path, specification, years and
defect counts.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl

from joinedup.synth.returns import cin, cld, fhir, school_census, ssda903
from joinedup.synth.identifiers import nhs_number_valid

__all__ = ["write_returns", "read_copy", "RETURNS_DIR", "DEFECTS_FILE"]

RETURNS_DIR = "returns"
DEFECTS_FILE = "truth/return_defects.csv"
_CIN = {"children": "csc.cin_children", "episodes": "csc.cin_episodes", "assessments": "csc.cin_assessments",
        "section47": "csc.section47", "cp_plans": "csc.cp_plans"}
_903 = {"header": "csc.ssda903_header", "episodes": "csc.ssda903_episodes", "reviews": "csc.ssda903_reviews",
        "uasc": "csc.ssda903_uasc", "oc2": "csc.ssda903_oc2", "oc3": "csc.ssda903_oc3"}



def read_copy(out: Path, entry: dict, date_format: str, where: pl.Expr | None = None) -> pl.DataFrame:
    """An analyst copy as text, dates in the source's format (the way a return holds them).

    A place written in batches holds a copy as parts (`entry["paths"]`, see `_by_source`). `where` chooses
    the rows a return needs; it reads the copy as written (typed in Parquet, text in CSV), so write it for
    both (e.g. `pl.col(date).cast(pl.Utf8).str.starts_with("2025-03")`: ISO text either way).
    """
    paths = [out / rel for rel in entry.get("paths") or [entry["path"]]]
    if entry["format"] == "csv":
        frames = [pl.read_csv(path, infer_schema=False) for path in paths]
        frames = [df.filter(where) for df in frames] if where is not None else frames
        return frames[0] if len(frames) == 1 else pl.concat(frames)
    # Parquet parts are read by polars' streaming engine a slice at a time, the rows chosen before any is turned
    # to text: a big place's GP appointments are millions of rows per part, of which a return keeps one month's
    # (read part by part and turned to text first, 20 parts of a 1,000,000-person place held 3.1 GB; now 0.3 GB)
    scan = pl.scan_parquet([str(p) for p in paths])
    schema = scan.collect_schema()
    chosen = scan.filter(where) if where is not None else scan
    return chosen.select([(pl.col(c).dt.strftime(date_format) if t == pl.Date else pl.col(c).cast(pl.Utf8)).alias(c)
                          for c, t in schema.items()]).collect(engine="streaming")


def _by_source(files: list[dict]) -> dict[str, dict]:
    """The manifest's extracts by source; a source written in parts becomes one entry listing their paths."""
    out: dict[str, dict] = {}
    for e in files:
        if e["source"] in out and "part" in e:
            out[e["source"]].setdefault("paths", [out[e["source"]]["path"]]).append(e["path"])
        else:
            out[e["source"]] = dict(e)
    return out


def _truth(out: Path, manifest: dict, name: str, where: pl.Expr | None = None,
           columns: list[str] | None = None) -> pl.DataFrame:
    """A truth file (all its parts), only the rows `where` keeps and the columns asked for."""
    frames = []
    for entry in manifest["truth"]:
        path = Path(entry["path"])
        if path.stem != name and not ("part" in entry and path.parent.name == name):
            continue
        lf = pl.scan_csv(out / path, infer_schema_length=0) if entry["format"] == "csv" else pl.scan_parquet(out / path)
        lf = lf.filter(where) if where is not None else lf
        frames.append((lf.select(columns) if columns else lf).collect())
    return frames[0] if len(frames) == 1 else pl.concat(frames)


def _child_defects(out: Path, manifest: dict, header: pl.DataFrame, src: str = "csc.ssda903_header",
                   id_col: str = "CHILD", dob_col: str = "DOB") -> pl.DataFrame:
    """(CHILD, defect) for each child id of a return with a deliberate defect: duplicate id, transposed birth date."""
    header = header.rename({id_col: "CHILD", dob_col: "DOB"})
    recs = _truth(out, manifest, "records", pl.col("source").cast(pl.Utf8) == src, ["local_id", "person_id"]).select(
        pl.col("local_id").cast(pl.Utf8).alias("CHILD"), pl.col("person_id").cast(pl.Int64))
    people = _truth(out, manifest, "people", columns=["person_id", "dob"]).select(
        pl.col("person_id").cast(pl.Int64), pl.col("dob").cast(pl.Utf8).alias("_true_dob"))
    ids = recs.unique()
    dup = ids.group_by("person_id").agg(pl.len().alias("_n"))
    h = header.select("CHILD", pl.col("DOB").str.strptime(pl.Date, "%d/%m/%Y", strict=False).cast(pl.Utf8).alias("_dob"))
    t = ids.join(dup, on="person_id").join(people, on="person_id", how="left").join(h, on="CHILD", how="left")
    parts = [t.filter(pl.col("_n") > 1).select("CHILD", pl.lit("duplicate_record").alias("defect")),
             t.filter(pl.col("_dob").is_not_null() & (pl.col("_dob") != pl.col("_true_dob").str.slice(0, 10)))
             .select("CHILD", pl.lit("dob_transposed").alias("defect"))]
    return pl.concat(parts).unique().sort("CHILD", "defect")


def write_returns(out: Path, manifest: dict, period_start: date, period_end: date) -> dict:
    """Write DIR/returns/ and DIR/truth/return_defects.csv; add `returns` to the manifest and save it."""
    entries = _by_source(manifest["files"])
    if not all(s in entries for s in _903.values()):
        return manifest
    copies = {k: read_copy(out, entries[s], "%d/%m/%Y") for k, s in _903.items()}
    years = []
    for y in range(period_start.year, period_end.year + 1):
        y0, y1 = date(y, 4, 1), date(y + 1, 3, 31)
        if y0 >= period_start and y1 <= period_end:
            years.append((y0, y1))
    folder = out / RETURNS_DIR / "ssda903"
    from joinedup.synth.build import la_number

    la = str(la_number(manifest.get("area", "")))
    year_entries = ssda903.write_years(copies, years, folder, int(manifest.get("seed", 0)), la)
    defects = _child_defects(out, manifest, copies["header"])
    rows = []
    for ye in year_entries:
        for t in ye["tables"]:
            df = pl.read_csv(folder / ye["year"] / t["file"], infer_schema=False)
            hit = df.select("CHILD").with_row_index("row").join(defects, on="CHILD", how="inner")
            rows.append(hit.select(pl.lit(f"ssda903/{ye['year']}").alias("return"), pl.lit(t["table"]).alias("table"),
                                   pl.col("row").cast(pl.Int64), "CHILD", "defect"))
    listed = pl.concat(rows) if rows else pl.DataFrame(schema={"return": pl.Utf8, "table": pl.Utf8, "row": pl.Int64,
                                                               "CHILD": pl.Utf8, "defect": pl.Utf8})
    (out / "truth").mkdir(exist_ok=True)
    listed.write_csv(out / DEFECTS_FILE)
    counts = defects.group_by("defect").agg(pl.len().alias("children")).sort("defect")
    returns = []
    if all(s in entries for s in _CIN.values()):
        cin_copies = {k: read_copy(out, entries[s], "%d/%m/%Y") for k, s in _CIN.items()}
        cin_years = cin.write_years(cin_copies, years, out / RETURNS_DIR / "cin_census", la, int(manifest.get("seed", 0)))
        kids = _child_defects(out, manifest, cin_copies["children"], "csc.cin_children", "LAchildID", "PersonBirthDate")
        for ye in cin_years:
            ids = cin.child_ids(out / RETURNS_DIR / "cin_census" / ye["file"])
            hit = pl.DataFrame({"CHILD": ids}).with_row_index("row").join(kids, on="CHILD", how="inner")
            rows.append(hit.select(pl.lit(f"cin_census/{ye['year']}").alias("return"),
                                   pl.lit("ChildIdentifiers").alias("table"), pl.col("row").cast(pl.Int64), "CHILD",
                                   "defect"))
        listed = pl.concat(rows)
        listed.write_csv(out / DEFECTS_FILE)
        kc = kids.group_by("defect").agg(pl.len().alias("children")).sort("defect")
        returns.append({"form": "cin_census", "path": f"{RETURNS_DIR}/cin_census",
                        "specification": "DfE Children in need census, XML (Message/Header/Children), one file per "
                                         "collection year", "years": cin_years, "copies_of": sorted(_CIN.values()),
                        "defects": {"file": DEFECTS_FILE,
                                    "children": dict(zip(kc["defect"].to_list(), kc["children"].to_list()))}})
    if "asc.client_level_data" in entries:
        returns.append(_write_cld(out, manifest, entries["asc.client_level_data"], period_start, period_end, rows))
        pl.concat(rows).write_csv(out / DEFECTS_FILE)
    if "education.school_census" in entries:
        sc = school_census.write_years(read_copy(out, entries["education.school_census"], "%Y-%m-%d"),
                                       out / RETURNS_DIR / "school_census")
        returns.append({"form": "school_census", "path": f"{RETURNS_DIR}/school_census",
                        "specification": "DfE school census (spring), XML per school per census, CBDS element "
                                         "names; valid against joinedup/ingest/schemas/school_census.xsd",
                        "years": sc, "copies_of": ["education.school_census"]})
    if "nhs.gp_appointments" in entries:
        month = f"{period_end.year}-{period_end.month:02d}"  # the bundles hold the last month only: read no more
        gp = fhir.write_gp_bundles(read_copy(out, entries["nhs.gp_appointments"], "%Y-%m-%d",
                                             pl.col("Appointment_Date").cast(pl.Utf8).str.starts_with(month)),
                                   out / RETURNS_DIR / "fhir", period_end)
        returns.append({"form": "fhir_gp_appointments", "path": f"{RETURNS_DIR}/fhir",
                        "specification": "HL7 FHIR R4 collection Bundles, one per GP practice for the period's last "
                                         "month: Organization, Practitioner, Patient, Appointment; urn:uuid fullUrls",
                        "years": [gp], "copies_of": ["nhs.gp_appointments"]})
    if "nhs.inpatient_spells" in entries:
        ce = fhir.write_community_bundles(read_copy(out, entries["nhs.inpatient_spells"], "%Y-%m-%d",
                                                    fhir.community_spells(period_end)),
                                          out / RETURNS_DIR / "fhir", period_end, int(manifest.get("seed", 0)))
        returns.append({"form": "fhir_community_episodes", "path": f"{RETURNS_DIR}/fhir",
                        "specification": "HL7 FHIR R4 collection Bundles, one per community health provider for the "
                                         "period's last financial year: Organization, Practitioner (team lead), "
                                         "Patient, EpisodeOfCare (referral to discharge); urn:uuid fullUrls",
                        "years": [ce], "derived_from": ["nhs.inpatient_spells"]})
    manifest["returns"] = returns + [{
        "form": "ssda903", "path": f"{RETURNS_DIR}/ssda903", "specification": "DfE SSDA903 children looked after "
        "return, CSV tables (csc-validator-be-903 0.1.17 columns), one folder per collection year",
        "years": year_entries, "copies_of": sorted(_903.values()),
        "defects": {"file": DEFECTS_FILE, "children": dict(zip(counts["defect"].to_list(), counts["children"].to_list()))},
    }]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n")
    return manifest


def _write_cld(out: Path, manifest: dict, entry: dict, period_start: date, period_end: date,
               rows: list[pl.DataFrame]) -> dict:
    """CLD quarters under DIR/returns/asc_cld; their rows with a deliberate NHS number defect added to `rows`."""
    copy = read_copy(out, entry, "%Y-%m-%d")
    folder = out / RETURNS_DIR / "asc_cld"
    quarters = cld.write_quarters(copy, folder, period_start, period_end, int(manifest.get("seed", 0)),
                                  manifest.get("area", "E08000027"))
    counts: dict[str, int] = {}
    for q in quarters:
        nhs = pl.read_csv(folder / q["file"], infer_schema=False, columns=["LA_Person_Unique_Identifier", "NHS_Number"])
        ok = nhs_number_valid(nhs["NHS_Number"].fill_null("").to_numpy())
        hit = nhs.with_row_index("row").with_columns(
            defect=pl.when(pl.col("NHS_Number").is_null()).then(pl.lit("nhs_missing"))
            .when(~pl.Series(ok)).then(pl.lit("nhs_mistyped"))).filter(pl.col("defect").is_not_null())
        for k, v in hit.group_by("defect").len().iter_rows():
            counts[k] = counts.get(k, 0) + v
        rows.append(hit.select(pl.lit(f"asc_cld/{q['quarter']}").alias("return"), pl.lit("cld").alias("table"),
                               pl.col("row").cast(pl.Int64), pl.col("LA_Person_Unique_Identifier").alias("CHILD"),
                               "defect"))
    return {"form": "asc_cld", "path": f"{RETURNS_DIR}/asc_cld",
            "specification": "Adult Social Care Client Level Data, Release 1: one CSV per quarter (financial year to "
                             "date), the 48 fields of the DHSC CLD dashboard's data-quality rules",
            "years": quarters, "copies_of": ["asc.client_level_data"],
            "defects": {"file": DEFECTS_FILE, "rows": dict(sorted(counts.items()))}}
