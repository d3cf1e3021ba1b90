"""Segments and families: the population by segment, the services each segment uses, measures per segment."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from joinedup.web.auth import allow
from joinedup.web.render import page

__all__ = ["router"]

router = APIRouter()

SECTOR_NAMES = {"nhs": "NHS", "asc": "Adult social care", "csc": "Children's services", "education": "Education"}


@router.get("/segments")
def segments(request: Request, period: str | None = None, user=allow("segments")) -> Response:
    """Counts per segment (people and families), services per segment, and links to every measure by segment."""
    data = request.app.state.data
    years = data.years()
    if period is not None and period not in years:
        raise HTTPException(status_code=404)
    period = period or (years[-1] if years else None)
    counts = data.segment_counts(period) if period else []
    groups: dict[str, dict] = {}
    for c in counts:
        # A group without a total row (people whose age or group is unknown) is headed by its one row's title.
        g = groups.setdefault(c.group, {"group": c.group, "unit": c.unit, "title": c.title, "rows": []})
        if c.segment == "all":
            g["title"], g["total"] = c.title, c
        else:
            g["rows"].append(c)
    services = data.segment_services(period) if period else []
    table: dict[str, dict] = {}
    for s in services:
        row = table.setdefault(s.segment, {"segment": s.segment, "title": s.title, "of": s.of, "cells": {}})
        row["cells"][s.sector] = s
    measures = [m for m in data.catalogue() if "segment" in m.breakdowns]
    return page(request, "segments.html", title="Segments and families", years=years, period=period,
                groups=list(groups.values()), services=list(table.values()), sectors=SECTOR_NAMES, measures=measures)
