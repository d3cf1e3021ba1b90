"""Read a meeting paper's text: plain text or Markdown, stdin, Word (.docx, python-docx) or PDF (pypdf)."""

from __future__ import annotations

import sys
from pathlib import Path

from joinedup.errors import UserError

__all__ = ["read_paper", "TEXT_SUFFIXES"]

TEXT_SUFFIXES = frozenset({"", ".txt", ".text", ".md", ".markdown", ".rst"})


def read_paper(source: str) -> tuple[str, str]:
    """(name, text) of a paper given as a path or '-' for stdin; unreadable input raises UserError."""
    if source == "-":
        return "<stdin>", sys.stdin.read()
    path = Path(source)
    if not path.exists():
        raise UserError("file not found", file=source)
    if path.is_dir():
        raise UserError("is a folder; give one paper", file=source)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return path.name, _docx(path)
    if suffix == ".pdf":
        return path.name, _pdf(path)
    if suffix in TEXT_SUFFIXES:
        try:
            return path.name, path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise UserError("not UTF-8 text; save it as plain text, Markdown, .docx or .pdf", file=source) from None
    raise UserError(f"cannot read {suffix} files; use .txt, .md, .docx or .pdf (or '-' for stdin)", file=source)


def _docx(path: Path) -> str:
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as e:
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
