"""The school census as submitted: XML, one file per school per census, validated against the schema first.

Each file is checked against joinedup's school census schema (schemas/school_census.xsd, CBDS
element names; the DfE's own XSD is not published openly) with lxml before a value is read: a
file that does not follow it is refused whole, naming the file, line and element, as the DfE's
collection system refuses it. Pupils become rows of `education.school_census`: the census date
from Header/CollectionDetails/ReferenceDate, the school from SchoolInformation, one row per
PupilOnRoll. A folder of several schools and censuses is read as one set (its files are distinct
records by census date, school and UPN).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pyarrow as pa

from joinedup.errors import UserError

if TYPE_CHECKING:
    from lxml import etree
from joinedup.ingest.readers import sha256_of
from joinedup.sources import Source, source

__all__ = ["SCHEMA", "SOURCE", "check_schema", "is_sc_xml", "sc_files", "is_sc_folder", "folder_sha256", "read_parts"]

SCHEMA = Path(__file__).parent / "schemas" / "school_census.xsd"
SOURCE = "education.school_census"
_BASIC = ("UPN", "FormerUPN", "Surname", "Forename", "MiddleNames", "PreferredSurname", "FormerSurname", "DOB", "Sex",
          "Ethnicity", "EnrolStatus", "EntryDate", "NCyearActual", "FSMeligible", "InCare")


@lru_cache(maxsize=1)
def _schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _parser():
    from lxml import etree

    # a council's file: no entities expanded, no DTD or network fetched, no unbounded trees
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _parse(path: Path):
    from lxml import etree

    try:
        return etree.parse(str(path), _parser())
    except etree.XMLSyntaxError as e:
        raise UserError(f"not well-formed XML: {e.msg}", file=str(path), row=e.lineno) from None


def check_schema(path: Path) -> "etree._ElementTree":
    """Parse one school census file and check it against the schema; the tree, or a UserError naming line and element."""
    tree = _parse(path)
    schema = _schema()
    if not schema.validate(tree):
        err = schema.error_log.filter_from_errors()[0] if schema.error_log.filter_from_errors() else \
            schema.error_log.last_error
        element = err.path.rsplit("/", 1)[-1] if err.path else None
        message = err.message
        raise UserError(f"does not follow the school census schema ({SCHEMA.name}): {message}", file=str(path),
                        row=err.line, field=element)
    return tree


def is_sc_xml(path: Path) -> bool:
    """True for an XML file whose root is a school census message."""
    if path.suffix.lower() != ".xml" or not path.is_file():
        return False
    with open(path, "rb") as fh:
        head = fh.read(1024)
    return b"<SchoolCensus" in head


def sc_files(folder: Path) -> list[Path]:
    """The school census XML files directly in a folder, by name."""
    return sorted(p for p in folder.glob("*.xml") if is_sc_xml(p))


def is_sc_folder(folder: Path) -> bool:
    """True when a folder holds school census XML files."""
    return folder.is_dir() and bool(sc_files(folder))


def folder_sha256(path: Path) -> str:
    """One sha256 for a file or a folder of files (each file's name and sha256)."""
    h = hashlib.sha256()
    for f in ([path] if path.is_file() else sc_files(path)):
        h.update(f"{f.name}:{sha256_of(f)}\n".encode())
    return h.hexdigest()


def _text(el, tag: str) -> str | None:
    x = el.find(tag)
    return x.text.strip() if x is not None and x.text and x.text.strip() else None


def _rows(path: Path) -> list[dict]:
    root = check_schema(path).getroot()
    census = _text(root, "Header/CollectionDetails/ReferenceDate")
    info = root.find("SchoolInformation")
    urn, la_estab = _text(info, "URN"), (_text(info, "LEA") or "") + (_text(info, "Estab") or "")
    out = []
    for pupil in root.iterfind("Pupils/PupilOnRoll"):
        basic = pupil.find("BasicDetails")
        row = {"CensusDate": census, "URN": urn, "LAEstab": la_estab, **{t: _text(basic, t) for t in _BASIC},
               "SENprovision": _text(pupil, "SpecialEducationalNeeds/SENprovision"),
               "SENtype": _text(pupil, "SpecialEducationalNeeds/SENneeds/SENneed/SENtype"),
               "Postcode": _text(pupil, "HomeInformation/Address/BS7666Address/PostCode")}
        out.append(row)
    return out


def read_parts(path: Path) -> Iterator[tuple[Source, pa.Table, Path]]:
    """Per file, one at a time: its pupils as rows of the school census source (text columns plus _row, the pupil's place).

    A generator, so that one school's rows are in memory at a time, however many schools a place has."""
    src = source(SOURCE)
    for f in ([path] if path.is_file() else sc_files(path)):
        rows = _rows(f)
        cols = {"_row": pa.array(range(1, len(rows) + 1), type=pa.int64())}
        for c in src.columns:
            cols[c] = pa.array([r.get(c) for r in rows], type=pa.string())
        yield src, pa.table(cols), f
