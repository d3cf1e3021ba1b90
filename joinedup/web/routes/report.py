"""The board pack from the app: the same pack `joinedup report board` writes, as a download."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from joinedup.errors import UserError
from joinedup.web.auth import allow
from joinedup.web.board import board_pack, render_html
from joinedup.web.security import client_of
from joinedup.web.state import audit

__all__ = ["router"]

router = APIRouter()


@router.get("/report/board")
def board_download(request: Request, period: str = "", format: str = "pdf", user=allow("actions")) -> Response:
    """The board pack for a financial year as PDF or HTML (audited as an export)."""
    if format not in ("pdf", "html"):
        raise HTTPException(status_code=404)
    data = request.app.state.data
    period = period or (data.years()[-1] if data.years() else "")
    try:
        pack = board_pack(data, request.app.state.state, period)
    except UserError:
        raise HTTPException(status_code=404) from None
    html = render_html(pack)
    audit.record(request.app.state.state, user.name, "export", "/report/board", {"period": period, "format": format},
                 client_of(request))
    name = f"joinedup-board-{period}.{format}"
    if format == "html":
        body, media = html.encode("utf-8"), "text/html; charset=utf-8"
    else:
        from weasyprint import HTML
        body, media = HTML(string=html).write_pdf(), "application/pdf"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
