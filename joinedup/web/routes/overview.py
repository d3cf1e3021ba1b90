"""The overview: each sector's outcomes with the process figures they are managed on, trends and flags."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from joinedup.web.auth import allow
from joinedup.web.data import SECTOR_LABELS
from joinedup.web.render import page

__all__ = ["router", "overview_model", "warm_up"]

router = APIRouter()


def overview_model(data) -> dict:
    """Sectors in order, each with its outcome measures, their trends and the paired process trends."""
    years = data.years()
    if not years:
        return {"years": [], "sectors": [], "flags": [], "checked": 0}
    lib = data.library()
    processes: dict[str, list] = {}
    for proc, outc in lib.pairs():
        processes.setdefault(outc.id, []).append(proc.id)
    sectors = []
    for sector, label in SECTOR_LABELS.items():
        outcomes = sorted((m for m in lib if m.kind == "outcome" and m.sectors[0] == sector), key=lambda m: m.title)
        if not outcomes:
            continue
        rows = [{"outcome": data.trend(m.id), "info": data.info(m.id),
                 "processes": [data.trend(p) for p in processes.get(m.id, [])],
                 "peer": data.peer_context(m.id)} for m in outcomes]
        sectors.append({"id": sector, "label": label, "rows": rows})
    found = data.paradoxes()
    return {"years": years, "sectors": sectors, "flags": [p for p in found if p.flagged], "checked": len(found)}


def warm_up(data) -> None:
    """The figures of the slowest pages (overview, peers) and the glossary's term matcher, made ahead of the first visitor."""
    from joinedup import glossary
    overview_model(data)
    data.peers()
    glossary.link_html("care")  # builds the matcher every measure page's definition goes through (once per process)


@router.get("/")
def overview(request: Request, user=allow("overview")) -> Response:
    """The system overview."""
    return page(request, "overview.html", title="Overview", **overview_model(request.app.state.data))
