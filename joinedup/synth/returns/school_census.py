"""The school census as submitted: one XML file per school per spring census.

Made from the place's school census copy (education/school_census.*): each school's pupils on
census day, in the layout of joinedup's school census schema (joinedup/ingest/schemas/
school_census.xsd, CBDS element names: Header, SchoolInformation, Pupils/PupilOnRoll/BasicDetails,
SpecialEducationalNeeds, HomeInformation). Every file is checked against that schema as it is
written, so a synthetic place never holds a return its own reader would refuse.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import polars as pl

__all__ = ["write_years", "file_name", "pupil_upns"]


def file_name(census_date: str, la_estab: str) -> str:
    """sc_2025_3324001.xml for the school 3324001's census of January 2025."""
    return f"sc_{census_date[:4]}_{la_estab}.xml"


def _sub(parent: ET.Element, tag: str, value: object) -> ET.Element | None:
    if value is None or value == "":
        return None
    el = ET.SubElement(parent, tag)
    el.text = str(value)
    return el


def _postcode(pc: str | None) -> str | None:
    """A postcode as a school's MIS exports it: upper case, one space before the inward code."""
    if not pc:
        return None
    pc = "".join(pc.split()).upper()
    return f"{pc[:-3]} {pc[-3:]}" if len(pc) > 3 else pc


def _school(rows: pl.DataFrame, census_date: str, la_estab: str, urn: str) -> ET.Element:
    root = ET.Element("SchoolCensus")
    head = ET.SubElement(root, "Header")
    cd = ET.SubElement(head, "CollectionDetails")
    for tag, val in (("Collection", "SCHOOL CENSUS"), ("Term", "SPR"), ("Year", census_date[:4]),
                     ("ReferenceDate", census_date)):
        _sub(cd, tag, val)
    src = ET.SubElement(head, "Source")
    for tag, val in (("SourceLevel", "S"), ("LEA", la_estab[:3]), ("Estab", la_estab[3:]), ("SoftwareCode", "joinedup"),
                     ("Release", "1"), ("SerialNo", "1"), ("DateTime", f"{census_date}T16:00:00")):
        _sub(src, tag, val)
    info = ET.SubElement(root, "SchoolInformation")
    for tag, val in (("LEA", la_estab[:3]), ("Estab", la_estab[3:]), ("URN", urn)):
        _sub(info, tag, val)
    pupils = ET.SubElement(root, "Pupils")
    for r in rows.iter_rows(named=True):
        pupil = ET.SubElement(pupils, "PupilOnRoll")
        basic = ET.SubElement(pupil, "BasicDetails")
        for tag in ("UPN", "FormerUPN", "Surname", "Forename", "MiddleNames", "PreferredSurname", "FormerSurname",
                    "DOB", "Sex", "Ethnicity", "EnrolStatus", "EntryDate", "NCyearActual", "FSMeligible", "InCare"):
            _sub(basic, tag, r[tag])
        if r["SENprovision"]:
            sen = ET.SubElement(pupil, "SpecialEducationalNeeds")
            _sub(sen, "SENprovision", r["SENprovision"])
            if r["SENtype"] and r["SENprovision"] != "N":
                need = ET.SubElement(ET.SubElement(sen, "SENneeds"), "SENneed")
                _sub(need, "SENtypeRank", 1)
                _sub(need, "SENtype", r["SENtype"])
        if r["Postcode"]:
            _sub(ET.SubElement(ET.SubElement(ET.SubElement(pupil, "HomeInformation"), "Address"), "BS7666Address"),
                 "PostCode", _postcode(r["Postcode"]))
    ET.indent(root)
    return root


def write_years(copy: pl.DataFrame, out: Path) -> list[dict]:
    """Write returns/school_census/sc_<year>_<LAEstab>.xml per census and school; one manifest entry per census."""
    from joinedup.ingest.school_census import check_schema

    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for census_date in sorted(copy["CensusDate"].unique().to_list()):
        files = []
        day = copy.filter(pl.col("CensusDate") == census_date)
        for (la_estab, urn), rows in sorted(day.group_by(["LAEstab", "URN"]), key=lambda g: g[0]):
            path = out / file_name(census_date, la_estab)
            ET.ElementTree(_school(rows.sort("UPN"), census_date, la_estab, urn)).write(
                path, encoding="utf-8", xml_declaration=True)
            check_schema(path)
            files.append({"file": path.name, "school": la_estab, "pupils": rows.height})
        entries.append({"census": census_date, "files": files})
    return entries


def pupil_upns(path: Path) -> list[str]:
    """UPN of each pupil of a school census XML file, in file order."""
    return [p.findtext("BasicDetails/UPN") for p in ET.parse(path).getroot().findall("Pupils/PupilOnRoll")]
