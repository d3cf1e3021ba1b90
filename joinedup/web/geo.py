"""Approximate ward boundaries built at run time from the shipped LSOA centroids (no boundary files, no tiles).

Each LSOA's centroid gets its Voronoi cell; the cells of a ward's LSOAs are merged into the ward. The
outer edge of the place is a ring of helper points set a little beyond the centroids' convex hull, so
the outline follows the hull at about half an LSOA's spacing. The result is a GeoJSON
FeatureCollection (RFC 7946: outer rings anticlockwise, holes clockwise) that the measure explorer's
ward map draws. The shapes are an approximation: published boundaries are not shipped.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = ["ward_geojson", "ring_area"]


def ring_area(ring: list[tuple[float, float]]) -> float:
    """Signed area of a closed ring (shoelace): positive when anticlockwise."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))


def _inside(pt: tuple[float, float], ring: list[tuple[float, float]]) -> bool:
    x, y = pt
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def _helpers(xy: np.ndarray, distance: float, step: float) -> np.ndarray:
    """Points on the convex hull of xy pushed out by distance, at most step apart (corners rounded)."""
    from scipy.spatial import ConvexHull
    hull = xy[ConvexHull(xy).vertices]  # anticlockwise
    out: list[np.ndarray] = []
    n = len(hull)
    for i in range(n):
        a, b, c = hull[i - 1], hull[i], hull[(i + 1) % n]
        # Outward normals of the edges before and after corner b (anticlockwise: outward is to the right).
        n0 = np.array([b[1] - a[1], a[0] - b[0]]) / np.hypot(*(b - a))
        n1 = np.array([c[1] - b[1], b[0] - c[0]]) / np.hypot(*(c - b))
        t0, t1 = math.atan2(n0[1], n0[0]), math.atan2(n1[1], n1[0])
        turn = (t1 - t0) % (2 * math.pi)
        for k in range(max(1, math.ceil(turn * distance / step)) + 1):
            t = t0 + turn * k / max(1, math.ceil(turn * distance / step))
            out.append(b + distance * np.array([math.cos(t), math.sin(t)]))
        edge = np.hypot(*(c - b))
        for k in range(1, math.ceil(edge / step)):
            out.append(b + (c - b) * k * step / edge + distance * n1)
    return np.array(out)


def _chain(edges: list[tuple[int, int]]) -> list[list[int]]:
    """Directed edges (each vertex left by one) joined into closed rings of vertex indices."""
    leaving: dict[int, list[int]] = {}
    for a, b in edges:
        leaving.setdefault(a, []).append(b)
    rings: list[list[int]] = []
    while leaving:
        start = next(iter(leaving))
        ring, at = [start], start
        while True:
            nxt = leaving[at].pop()
            if not leaving[at]:
                del leaving[at]
            ring.append(nxt)
            at = nxt
            if at == start or at not in leaving:
                break
        rings.append(ring)
    return rings


@lru_cache(maxsize=4)
def ward_geojson(area: str | None = None) -> dict:
    """Every ward of the place as a GeoJSON Feature (id: ward code; properties: name, lsoas, lon, lat)."""
    from scipy.spatial import Voronoi, cKDTree

    from joinedup.reference import DEFAULT_AREA, lsoas
    rows = lsoas(area or DEFAULT_AREA)
    lat0 = math.radians(sum(r["latitude"] for r in rows) / len(rows))
    xy = np.array([(r["longitude"] * math.cos(lat0), r["latitude"]) for r in rows])
    wards = [r["ward24_code"] for r in rows]
    names = {r["ward24_code"]: r["ward24_name"] for r in rows}
    spacing = float(np.median(cKDTree(xy).query(xy, k=2)[0][:, 1]))
    helpers = _helpers(xy, 1.2 * spacing, 0.5 * spacing)
    vor = Voronoi(np.vstack([xy, helpers]))
    real = len(xy)
    edges: dict[str, list[tuple[int, int]]] = {w: [] for w in names}
    for (p, q), (va, vb) in zip(vor.ridge_points, vor.ridge_vertices):
        for own, other in ((p, q), (q, p)):
            if own >= real or (other < real and wards[other] == wards[own]):
                continue
            a, b = vor.vertices[va], vor.vertices[vb]
            # Orient the edge with its own centroid on the left, so that outer rings run anticlockwise.
            left = (b[0] - a[0]) * (xy[own][1] - a[1]) - (b[1] - a[1]) * (xy[own][0] - a[0]) > 0
            edges[wards[own]].append((va, vb) if left else (vb, va))
    features = []
    for code, name in sorted(names.items()):
        rings = [[(round(vor.vertices[i][0] / math.cos(lat0), 6), round(vor.vertices[i][1], 6)) for i in ring]
                 for ring in _chain(edges[code])]
        outer = [r for r in rings if ring_area(r) > 0]
        holes = [r for r in rings if ring_area(r) <= 0]
        polygons = [[o] + [h for h in holes if _inside(h[0], o)] for o in outer]
        members = [i for i, w in enumerate(wards) if w == code]
        lon = sum(rows[i]["longitude"] for i in members) / len(members)
        lat = sum(rows[i]["latitude"] for i in members) / len(members)
        geometry = ({"type": "Polygon", "coordinates": polygons[0]} if len(polygons) == 1
                    else {"type": "MultiPolygon", "coordinates": polygons})
        features.append({"type": "Feature", "id": code, "geometry": geometry,
                         "properties": {"name": name, "lsoas": len(members), "lon": lon, "lat": lat}})
    return {"type": "FeatureCollection", "features": features}
