"""Segments and families: the population by segment, the services each segment uses, every measure per segment."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from joinedup.web.auth import allow
from joinedup.web.render import page
from joinedup.web.routes.measures import csv_of
from joinedup.web.security import client_of
from joinedup.web.state import audit

__all__ = ["router", "grid_header"]

router = APIRouter()

SECTOR_NAMES = {"nhs": "NHS", "asc": "Adult social care", "csc": "Children's services", "education": "Education"}
UNIT_NAMES = {"percent": "%", "days": "days", "rate_per_10000": "per 10,000", "rate_per_100000": "per 100,000",
              "count": "count"}


def _period(request: Request, period: str | None) -> tuple[list[str], str | None]:
    years = request.app.state.data.years()
    if period is not None and period not in years:
        raise HTTPException(status_code=404)
    return years, period or (years[-1] if years else None)


def grid_header(columns: list) -> list[tuple[str, int]]:
    """The grid's first header row: each segment group's title and how many columns it spans."""
    out: list[tuple[str, int]] = []
    for c in columns:
        if out and out[-1][0] == c.group_title:
            out[-1] = (c.group_title, out[-1][1] + 1)
        else:
            out.append((c.group_title, 1))
    return out


@router.get("/segments")
def segments(request: Request, period: str | None = None, user=allow("segments")) -> Response:
    """Counts per segment (people and families), services per segment, and every measure by segment as a grid."""
    data = request.app.state.data
    years, period = _period(request, period)
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
    grid = data.segment_grid(period) if period else None
    return page(request, "segments.html", title="Segments and families", years=years, period=period,
                groups=list(groups.values()), services=list(table.values()), sectors=SECTOR_NAMES, grid=grid,
                header=grid_header(grid.columns) if grid else [], units=UNIT_NAMES)


@router.get("/segments/measures.csv")
def segments_csv(request: Request, period: str | None = None, user=allow("segments")) -> Response:
    """Every measure by segment in the year as CSV (the grid's rows, every period); audited as an export."""
    _, period = _period(request, period)
    if period is None:
        raise HTTPException(status_code=404)
    grid = request.app.state.data.segment_grid(period)
    rows = [r for _, results in grid.rows for r in results]
    text = csv_of(rows)
    audit.record(request.app.state.state, user.name, "export", "/segments/measures.csv",
                 {"period": period, "by": "segment", "measures": len(grid.rows), "rows": len(rows)}, client_of(request))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="measures_by_segment_{period}.csv"'})
