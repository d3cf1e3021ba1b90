"""Opening extract files: format by extension, checks that a file can be read at all, headers.

A file that cannot be read (empty, binary, not UTF-8, truncated Parquet, a duplicated or blank
header) raises UserError naming the file and, where there is one, the row and field.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from joinedup.errors import UserError
from joinedup.inputs import utf16_bom

__all__ = ["file_format", "sha256_of", "csv_header", "parquet_columns", "FORMATS"]

FORMATS = ("csv", "parquet", "fhir-json", "fhir-ndjson")


def file_format(path: Path) -> str:
    """csv, parquet, fhir-json or fhir-ndjson from the file's name (and first bytes for JSON)."""
    name = path.name.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".parquet") or name.endswith(".pq"):
        return "parquet"
    if name.endswith(".ndjson") or name.endswith(".jsonl"):
        return "fhir-ndjson"
    if name.endswith(".json"):
        return "fhir-json"
    raise UserError("unknown file type (expected .csv, .parquet, .json or .ndjson)", file=str(path))


def sha256_of(path: Path) -> str:
    """sha256 of the file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check_text(path: Path, head: bytes) -> None:
    if not head:
        raise UserError("empty file (no header, no rows)", file=str(path))
    if utf16_bom(head):
        raise UserError("UTF-16 text; save the file as UTF-8", file=str(path), row=0)
    nul = head.find(b"\x00")
    if nul >= 0:
        row = head.count(b"\n", 0, nul)
        if row == 0:
            raise UserError("binary file, not text", file=str(path), row=0)
        raise UserError("a NUL byte (binary data) in the text", file=str(path), row=row)


def csv_header(path: Path) -> list[str]:
    """The header of a CSV, checked: UTF-8, no blank or duplicated names."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    _check_text(path, head)
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    if b"\r" in first:
        raise UserError("line ends are CR only (old Mac format); save with LF or CRLF line ends",
                        file=str(path), row=0)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UserError(f"not UTF-8 text (byte {e.start + 1} of the header); save the file as UTF-8",
                        file=str(path), row=0) from None
    names = [n.strip() for n in next(csv.reader(io.StringIO(text)), [])]
    if not names or all(not n for n in names):
        raise UserError("empty header", file=str(path), row=0)
    for i, n in enumerate(names):
        if not n:
            raise UserError(f"column {i + 1} of the header has no name", file=str(path), row=0)
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise UserError("duplicated header", file=str(path), row=0, field=n)
        seen.add(n)
    return names


def parquet_columns(path: Path) -> list[str]:
    """Column names of a Parquet file, checked: a whole Parquet file (not truncated)."""
    size = path.stat().st_size
    if size == 0:
        raise UserError("empty file", file=str(path))
    with open(path, "rb") as fh:
        start = fh.read(4)
        fh.seek(max(0, size - 4))
        end = fh.read(4)
    if start != b"PAR1" or end != b"PAR1":
        raise UserError("not a whole Parquet file (truncated or another format)", file=str(path))
    try:
        schema = pq.read_schema(path)
    except Exception as e:  # noqa: BLE001 - pyarrow raises several types for corrupt footers
        raise UserError(f"unreadable Parquet: {str(e).splitlines()[0]}", file=str(path)) from None
    for f in schema:
        if pa.types.is_nested(f.type) or pa.types.is_dictionary(f.type) and pa.types.is_nested(f.type.value_type):
            kind = "struct" if pa.types.is_struct(f.type) else "map" if pa.types.is_map(f.type) else "list"
            raise UserError(f"a {kind} column ({f.type}); extracts hold flat columns (text, numbers, dates)",
                            file=str(path), field=f.name)
    return list(schema.names)
