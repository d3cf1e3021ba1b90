"""The glossary: search, one term, and a paper explained (pasted, or uploaded as .md, .txt, .docx or .pdf)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from joinedup import glossary
from joinedup.glossary import api as glossary_api
from joinedup.errors import UserError
from joinedup.glossary.readers import read_paper
from joinedup.web.auth import allow, may
from joinedup.web.render import page
from joinedup.web.security import client_of, verify_csrf
from joinedup.web.state import audit

__all__ = ["router", "MAX_PAPER_BYTES"]

router = APIRouter()

#: The largest paper accepted (bytes).
MAX_PAPER_BYTES = 10 * 1024 * 1024
_SUFFIXES = (".md", ".markdown", ".txt", ".docx", ".pdf")


@router.get("/glossary")
def glossary_page(request: Request, q: str = "", user=allow("glossary")) -> Response:
    """Search every sector's terms; the explain form."""
    hits = glossary_api.search(q, limit=25) if q.strip() else []
    return page(request, "glossary.html", title="Glossary", q=q, hits=hits, sectors=glossary.SECTOR_NAMES,
                count=len(glossary.load_glossary().terms), report=None)


@router.get("/glossary/term/{term_ids}")
def term_page(request: Request, term_ids: str, user=allow("glossary")) -> Response:
    """One term (or the several readings of a shared acronym, ids joined by '-')."""
    g = glossary.load_glossary()
    ids = [term_ids] if term_ids in g.terms else term_ids.split("-")
    terms = [g.terms[i] for i in ids if i in g.terms]
    if not terms or len(terms) != len(ids):
        raise HTTPException(status_code=404)
    # A term names measures by id: those in the library are linked for roles that open the explorer, by title.
    titles = {m.id: m.title for m in request.app.state.data.catalogue()}
    return page(request, "term.html", title=terms[0].label, terms=terms, g=g, sectors=glossary.SECTOR_NAMES,
                titles=titles, link_measures=may(user, "measures"))


async def _paper(form) -> tuple[str, str]:
    upload = form.get("paper")
    if isinstance(upload, UploadFile) and upload.filename:
        name = Path(upload.filename).name
        suffix = Path(name).suffix.lower()
        if suffix not in _SUFFIXES:
            raise UserError(f"cannot read {suffix or 'this kind of'} file; upload .md, .txt, .docx or .pdf", file=name)
        body = await upload.read(MAX_PAPER_BYTES + 1)
        if len(body) > MAX_PAPER_BYTES:
            raise UserError(f"the paper is larger than {MAX_PAPER_BYTES // (1024 * 1024)} MB", file=name)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"paper{suffix}"
            path.write_bytes(body)
            _, text = read_paper(str(path))
        return name, text
    text = str(form.get("text", ""))
    if not text.strip():
        raise UserError("paste a paper's text or choose a file to upload")
    return "pasted text", text


@router.post("/glossary/explain")
async def explain(request: Request, user=allow("glossary")) -> Response:
    """Every term in the paper, highlighted, with its meaning and nearest terms in the reader's sector."""
    await verify_csrf(request)
    form = await request.form()
    sector = str(form.get("sector") or "") or None
    if sector is not None and sector not in glossary.SECTOR_NAMES:
        raise HTTPException(status_code=404)
    try:
        name, text = await _paper(form)
    except UserError as e:
        return page(request, "glossary.html", status_code=400, title="Glossary", q="", hits=[],
                    sectors=glossary.SECTOR_NAMES, count=len(glossary.load_glossary().terms), report=None,
                    error=str(e))
    report = glossary_api.explain(text, for_sector=sector, name=name)
    highlighted = glossary.highlight_html(report, text, link="/glossary/term/{id}")
    audit.record(request.app.state.state, user.name, "glossary.explain", name,
                 {"terms": report["counts"]["distinct"], "for": sector}, client_of(request))
    return page(request, "explain.html", title=f"Jargon explained: {name}", report=report, highlighted=highlighted,
                sectors=glossary.SECTOR_NAMES)
