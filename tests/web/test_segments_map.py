"""The measures-by-segment grid and its CSV, and the ward choropleth of the measure explorer, on the 2,500-person place.

Expected figures come from the measures stage's own service API over the store opened separately, so the
page is checked against what disclosure control releases, not against itself.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest

from joinedup.web.state import audit
from tests.web.conftest import USERS, client_for, make_app

M = "ae_4_hour_performance"


@pytest.fixture(scope="module")
def seg_app(place_store, tmp_path_factory):
    """One app for the module, so the grid (every measure by segment) is computed once."""
    return make_app(place_store, f"sqlite:///{tmp_path_factory.mktemp('segments') / 'state.sqlite'}")


@pytest.fixture(scope="module")
def released(place_store):
    """Every measure by segment in the latest complete year, as the service API releases it."""
    from joinedup.measures import api
    from joinedup.store import Store
    with Store.open(place_store, "analysis") as store:
        fy = api.coverage(store)[-1]
        return fy, api.run(store, period=fy, by="segment").rows()


def _grid_cells(page: str) -> dict[str, list[tuple[str, bool, str | None]]]:
    """Measure id -> the grid row's cells: (text, suppressed, link)."""
    table = page.split('id="segment-grid"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        mid = re.search(r'<th scope="row"><a href="/measures/([a-z0-9_]+)\?', row).group(1)
        cells = []
        for attrs, inner in re.findall(r"<td([^>]*)>(.*?)</td>", row, re.S):
            link = re.search(r'href="([^"]+)"', inner)
            cells.append((re.sub(r"<[^>]+>", "", inner).strip(), 'data-suppressed="true"' in attrs,
                          html.unescape(link.group(1)) if link else None))
        out[mid] = cells
    return out


def test_grid_has_every_measure_by_every_segment_with_suppression_honoured(seg_app, released):
    from joinedup.segments import api as segments_api
    fy, rows = released
    r = client_for(seg_app, "analyst").get("/segments")
    assert r.status_code == 200
    grid = _grid_cells(r.text)
    catalogue = [m for m in seg_app.state.data.catalogue() if "segment" in m.breakdowns]
    assert set(grid) == {m.id for m in catalogue} and len(grid) >= 30, "every measure by segment is a row"
    segments = [s.id for g in segments_api.groups() if g.unit == "person" for s in g.segments]
    units = {m.id: m.unit for m in catalogue}
    suppressed_seen = 0
    for mid, cells in grid.items():
        mine = [x for x in rows if x["measure"] == mid]
        last = mine[-1]["period"]
        by_group = {x["group"]: x for x in mine if x["period"] == last}
        columns = ["all", *segments] + (["unknown"] if len(cells) > len(segments) + 1 else [])
        assert len(cells) == len(columns)
        for group, (text, suppressed, link) in zip(columns, cells):
            x = by_group.get(group)
            if x is None:
                assert text == "-" and link is None, (mid, group)
                continue
            assert suppressed == x["suppressed"], (mid, group)
            assert link == f"/measures/{mid}?period={fy}&by=segment", "each cell opens the measure by segment"
            if x["suppressed"]:
                assert text == "suppressed"
                suppressed_seen += 1
            else:
                digits = 0 if units[mid] == "count" else 1
                shown = "-" if x["value"] is None else f"{x['value']:,.{digits}f}"
                assert text == shown, (mid, group, text, x["value"])
    assert suppressed_seen >= 10, "a 2,500-person place has many small segment cells"
    assert r.text.count('data-suppressed="true"') >= suppressed_seen


def test_grid_csv_is_the_released_rows_and_is_audited(seg_app, released):
    fy, rows = released
    c = client_for(seg_app, "analyst")
    before = len(audit.entries(seg_app.state.state, action="export"))
    r = c.get("/segments/measures.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert f"measures_by_segment_{fy}.csv" in r.headers["content-disposition"]
    got = list(csv.DictReader(io.StringIO(r.text)))

    def key(x: dict) -> tuple:
        return (x["measure"], x["period"], x["breakdown"], x["group"])
    assert sorted(map(key, got)) == sorted(map(key, rows))
    expected = {key(x): x for x in rows}
    hidden = [x for x in got if x["suppressed"] == "true"]
    assert hidden and all(x["numerator"] == x["denominator"] == x["value"] == x["ci_low"] == "" for x in hidden)
    for x in got:
        e = expected[key(x)]
        assert x["suppressed"] == str(e["suppressed"]).lower()
        assert x["value"] == ("" if e["value"] is None else str(e["value"]))
    entries = audit.entries(seg_app.state.state, action="export")
    assert len(entries) == before + 1
    assert entries[-1].actor == USERS["analyst"] and entries[-1].target == "/segments/measures.csv"
    assert json.loads(entries[-1].detail)["rows"] == len(got)
    assert c.get("/segments/measures.csv", params={"period": "1999-00"}).status_code == 404


def test_grid_is_cached_per_store_version(seg_app):
    data = seg_app.state.data
    fy = data.years()[-1]
    assert data.segment_grid(fy) is data.segment_grid(fy)


def _map(page: str) -> dict:
    m = re.search(r'id="map-plot" data-figure="([^"]*)"', page)
    assert m, "no ward map on the page"
    return json.loads(html.unescape(m.group(1)))


def test_ward_map_draws_every_ward_and_shows_suppressed_wards_as_suppressed(seg_app):
    from joinedup.reference import lsoas
    c = client_for(seg_app, "analyst")
    page = c.get(f"/measures/{M}", params={"by": "ward"}).text
    fig = _map(page)
    shapes = [t for t in fig["data"] if t.get("meta", {}).get("ward")]
    assert sorted(t["meta"]["ward"] for t in shapes) == sorted({r["ward24_code"] for r in lsoas()}), "every ward"
    assert all(t["fill"] == "toself" and len(t["x"]) >= 4 for t in shapes)
    rows = list(csv.DictReader(io.StringIO(c.get(f"/measures/{M}/csv", params={"by": "ward"}).text)))
    last = rows[-1]["period"]
    wards = {x["group"]: x for x in rows if x["breakdown"] == "ward" and x["period"] == last}
    hidden = {g for g, x in wards.items() if x["suppressed"] == "true"}
    assert hidden, "a 2,500-person place has wards with small numbers"
    for t in shapes:
        x = wards.get(t["meta"]["ward"])
        state = "none" if x is None else "suppressed" if x["suppressed"] == "true" else "value"
        assert t["meta"]["state"] == state
        if state == "suppressed":
            assert t["fillpattern"]["shape"] and t["name"].endswith("suppressed (small numbers)")
            assert "value" not in t["meta"], "a suppressed ward carries no value"
        if state == "value":
            assert t["meta"]["value"] == pytest.approx(float(x["value"]))
    assert any(t.get("name") == "suppressed (small numbers)" and t.get("showlegend") for t in fig["data"])
    assert "approximated from the shipped LSOA centroids" in html.unescape(page), "the caption says so"
    table = html.unescape(page.split('class="data results"')[1])
    names = {r["ward24_code"]: r["ward24_name"] for r in lsoas()}
    assert all(f"<td>{names[code]}</td>" in table for code in wards if code in names), "the table names the wards"


def test_ward_shapes_are_closed_and_tile_the_place():
    from joinedup.reference import lsoas
    from joinedup.web.geo import ring_area, ward_geojson
    g = ward_geojson()
    rows = lsoas()
    assert {f["id"] for f in g["features"]} == {r["ward24_code"] for r in rows}
    assert sum(f["properties"]["lsoas"] for f in g["features"]) == len(rows)
    lons = [r["longitude"] for r in rows]
    lats = [r["latitude"] for r in rows]
    total = 0.0
    for f in g["features"]:
        geo = f["geometry"]
        polygons = [geo["coordinates"]] if geo["type"] == "Polygon" else geo["coordinates"]
        for polygon in polygons:
            assert ring_area(polygon[0]) > 0, "outer rings run anticlockwise (RFC 7946)"
            assert all(ring[0] == ring[-1] and len(ring) >= 4 for ring in polygon)
            assert all(ring_area(h) < 0 for h in polygon[1:]), "holes run clockwise"
            total += sum(ring_area(ring) for ring in polygon)
            for lon, lat in polygon[0]:
                assert min(lons) - 0.03 < lon < max(lons) + 0.03 and min(lats) - 0.03 < lat < max(lats) + 0.03
    hull_box = (max(lons) - min(lons)) * (max(lats) - min(lats))
    assert 0.4 * hull_box < total < 1.2 * hull_box, "the wards cover the place once, without gaps or overlaps"


def test_each_lsoa_centroid_falls_in_its_own_ward_and_no_other():
    from matplotlib.path import Path

    from joinedup.reference import lsoas
    from joinedup.web.geo import ward_geojson

    def paths(geo: dict) -> list[tuple[Path, list[Path]]]:
        polygons = [geo["coordinates"]] if geo["type"] == "Polygon" else geo["coordinates"]
        return [(Path(p[0]), [Path(h) for h in p[1:]]) for p in polygons]
    shapes = {f["id"]: paths(f["geometry"]) for f in ward_geojson()["features"]}

    def within(pt, ward) -> bool:
        return any(o.contains_point(pt) and not any(h.contains_point(pt) for h in holes) for o, holes in shapes[ward])
    for r in lsoas():
        pt = (r["longitude"], r["latitude"])
        assert [w for w in shapes if within(pt, w)] == [r["ward24_code"]], r["lsoa21_code"]
