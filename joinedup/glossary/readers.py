"""Read a meeting paper's text: plain text or Markdown, stdin, Word (.docx, python-docx) or PDF (pypdf)."""

from __future__ import annotations

import sys
from pathlib import Path

from joinedup.errors import UserError
from joinedup.inputs import MAX_PAPER_BYTES, read_limited, regular_file, utf16_bom

__all__ = ["read_paper", "TEXT_SUFFIXES", "MAX_PAPER_BYTES"]

TEXT_SUFFIXES = frozenset({"", ".txt", ".text", ".md", ".markdown", ".rst"})


def read_paper(source: str) -> tuple[str, str]:
    """(name, text) of a paper given as a path or '-' for stdin; unreadable input raises UserError."""
    if source == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text stream (tests, embedding): the limit counts characters
            return "<stdin>", read_limited(sys.stdin, MAX_PAPER_BYTES, "<stdin>")
        return "<stdin>", _text(read_limited(stream, MAX_PAPER_BYTES, "<stdin>"), "<stdin>")
    path = regular_file(Path(source), limit=MAX_PAPER_BYTES, what="paper")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return path.name, _docx(path)
    if suffix == ".pdf":
        return path.name, _pdf(path)
    if suffix in TEXT_SUFFIXES:
        return path.name, _text(path.read_bytes(), source)
    raise UserError(f"cannot read {suffix} files; use .txt, .md, .docx or .pdf (or '-' for stdin)", file=source)


def _text(raw: bytes, name: str) -> str:
    if utf16_bom(raw[:200]):
        raise UserError("UTF-16 text, not UTF-8; save it as UTF-8 (or as .docx or .pdf)", file=name)
    if b"\x00" in raw[:65536]:
        raise UserError("binary data, not UTF-8 text; give a .txt, .md, .docx or .pdf", file=name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text; save it as plain text, Markdown, .docx or .pdf", file=name) from None


def _docx(path: Path) -> str:
    import zipfile

    import docx  # python-docx

    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise UserError(f"not a readable Word document ({type(e).__name__})", file=str(path)) from None
    if unpacked > 4 * MAX_PAPER_BYTES:  # a zip bomb: a small file that unpacks to gigabytes
        raise UserError(f"unpacks to {unpacked // 2**20:,} MB, more than the {4 * MAX_PAPER_BYTES // 2**20} MB "
                        "limit for a Word paper", file=str(path))
    try:
        doc = docx.Document(str(path))
    except Exception as e:  # noqa: BLE001 - python-docx raises lxml, zip, key and attribute errors on corrupt parts
        raise UserError(f"not a readable Word document ({type(e).__name__})", file=str(path)) from None
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, OSError, KeyError) as e:
        raise UserError(f"not a readable PDF ({type(e).__name__})", file=str(path)) from None
    text = "\n".join(pages)
    if not text.strip():
        raise UserError("the PDF has no text layer (a scan?); run it through OCR first", file=str(path))
    return text
