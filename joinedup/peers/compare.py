"""`joinedup peers compare`: a council beside its statistical neighbours and England, measure by measure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from joinedup.errors import UserError
from joinedup.peers import sql
from joinedup.peers.areas import Area, resolve_area
from joinedup.peers.funnel import COVERAGES, adjusted_band, band, limits, overdispersion, z_score
from joinedup.peers.specs import Denominator, headline_measures
from joinedup.peers.stats import denominator_for, direction, median, rank_among
from joinedup.store import Store

__all__ = ["SCHEMA_VERSION", "ENGLAND", "PeerStore", "compare", "compare_measure"]

SCHEMA_VERSION = "joinedup.peers.compare/1"
ENGLAND = "E92000001"
_VERDICT = {"high": {"above": "better", "below": "worse"}, "low": {"above": "worse", "below": "better"},
            "none": {"above": "higher", "below": "lower"}}


@dataclass
class PeerStore:
    """An open store with peer tables, and its areas."""

    con: Store
    areas: tuple[Area, ...]
    owned: bool = True

    @classmethod
    def open(cls, store: "Path | Store") -> "PeerStore":
        """Open a store (a path, or a Store already open) for reading; a store without peer tables is a UserError."""
        if isinstance(store, Store):
            con, owned, where = store, False, store.paths.store
        else:
            if not Path(store).is_file():
                raise UserError("no such store: run `joinedup peers import` first", file=str(store))
            con, owned, where = Store.open(store, "analysis"), True, Path(store)
        if not all(con.has_table(t) for t in sql.REQUIRED):
            if owned:
                con.close()
            raise UserError(f"no peer figures: run `joinedup peers import --db {where}` first", file=str(where))
        areas = tuple(Area(code=r[0], la_number=r[1], name=r[2], kind=r[3], region=r[4], former=tuple(r[5] or ()),
                           abolished=r[6]) for r in con.fetchall(sql.AREAS))
        return cls(con, areas, owned)

    def close(self) -> None:
        """Close the store (when this PeerStore opened it)."""
        if self.owned:
            self.con.close()

    def _one(self, query: str, params: list) -> tuple | None:
        rows = self.con.fetchall(query, params)
        return rows[0] if rows else None

    def council(self, text: str) -> Area:
        """The council named by an ONS code, DfE number or name."""
        area = resolve_area(text, self.areas)
        if area.kind != "council":
            raise UserError(f"area {text!r} is {area.name}, not a council: give a council's code")
        return area

    def region_of(self, area: Area) -> Area | None:
        """The region (Inner or Outer London for London boroughs) that LAIT publishes beside the council."""
        name = (area.region or "").lower()
        name = {"inner london": "london (inner)", "outer london": "london (outer)"}.get(name, name)
        return next((a for a in self.areas if a.kind == "region" and a.name.lower() == name), None)

    def measure(self, measure_id: str) -> dict:
        """A measure's metadata; an unknown id is a UserError."""
        row = self._one(sql.MEASURE, [measure_id])
        if row is None:
            ids = [r[0] for r in self.con.fetchall("SELECT id FROM peer_measure")]
            near = [i for i in ids if i.lower() == measure_id.lower()]
            if near:
                row = self._one(sql.MEASURE, [near[0]])
            else:
                raise UserError(f"unknown measure {measure_id!r} (see `joinedup peers measures`)")
        keys = ("id", "title", "topic", "polarity", "unit", "description", "denominator", "scheme", "england_basis", "source")
        return dict(zip(keys, row))

    def neighbours(self, scheme: str, area: Area) -> list[dict]:
        """The area's neighbours in one scheme, closest first where the scheme ranks them."""
        rows = self.con.fetchall(sql.NEIGHBOURS, [scheme, area.code])
        if not rows:
            for former in area.former:
                rows = self.con.fetchall(sql.NEIGHBOURS, [scheme, former])
                if rows:
                    break
        return [{"code": r[0], "name": r[1], "la_number": r[2], "rank": r[3], "closeness": r[4]} for r in rows]

    def values(self, measures: list[str], codes: list[str]) -> dict[tuple[str, str], list[tuple]]:
        """(measure, area) -> [(period, period_end, value, status, reason)] in period order."""
        out: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for m, a, period, end, value, status, reason in self.con.fetchall(sql.VALUES_FOR, [measures, codes]):
            out[(m, a)].append((period, end, value, status, reason))
        return out

    def ofsted(self, area: Area) -> dict | None:
        """The latest Ofsted inspection of the council's children's services, if any."""
        row = self._one(sql.OFSTED, [area.code])
        if row is None:
            return None
        keys = ("area_name", "overall", "impact_of_leaders", "help_and_protection", "in_care", "care_leavers",
                "framework", "inspection_start", "inspection_end", "publication_date", "link")
        return dict(zip(keys, row))


def _den_measures(den: Denominator | None) -> list[str]:
    if den is None:
        return []
    if den.population_from:
        return [den.population_from.count, den.population_from.rate]
    return [m for m in (den.base, den.numerator, den.count) if m]


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(float(x), digits)


def _at(series: list[tuple], end: int | None) -> tuple | None:
    for row in series:
        if row[1] == end:
            return row
    return None


def _significance(meta: dict, den: Denominator | None, place: Area, latest: tuple | None, neighbours: list[dict],
                  vals: dict, end: int | None) -> dict:
    base = {"method": None, "per": None, "denominator": None, "denominator_rule": None, "target": None, "limits": None,
            "band": None, "verdict": None, "overdispersion": None, "note": None, "points": []}
    if den is None:
        return base | {"note": "no denominator"}
    if latest is None:
        return base | {"method": f"{den.kind} funnel", "note": "no published value for the council"}
    scale = 100.0 if den.kind == "binomial" else float(den.per)

    def n_of(code: str, value: float | None) -> float | None:
        related = {m: (row[2] if (row := _at(vals.get((m, code), []), end)) else None) for m in _den_measures(den)}
        return denominator_for(den, value, related)

    points = []
    for nb in neighbours:
        row = _at(vals.get((meta["id"], nb["code"]), []), end)
        value = row[2] if row else None
        n = n_of(nb["code"], value)
        if value is not None and n:
            points.append({"code": nb["code"], "name": nb["name"], "value": value, "denominator": _r(n, 1)})
    n_place = n_of(place.code, latest[2])
    out = base | {"method": f"{den.kind} funnel", "per": int(scale), "denominator_rule": den.describe(),
                  "denominator": _r(n_place, 1)}
    if n_place is None:
        return out | {"note": "no denominator published for the council in this period"}
    if len(points) < 3:
        return out | {"note": "fewer than 3 neighbours with a denominator"}
    # The target is the neighbours' pooled figure (sum of numerators over sum of denominators).
    target = sum(p["value"] / scale * p["denominator"] for p in points) / sum(p["denominator"] for p in points)
    lims = {f"{c * 100:g}": [_r(x * scale) for x in limits(den.kind, target, n_place, c)] for c in COVERAGES}
    where = band(den.kind, target, n_place, latest[2] / scale)
    for p in points:
        p["band"] = band(den.kind, target, p["denominator"], p["value"] / scale)
    verdict = _verdict(where, meta["polarity"])
    # Councils differ by more than binomial or Poisson chance; phi says by how much, and the
    # adjusted band widens the limits by sqrt(phi) (Spiegelhalter 2005, section 6).
    phi = overdispersion([z_score(den.kind, target, p["denominator"], p["value"] / scale) for p in points])
    adjusted = adjusted_band(z_score(den.kind, target, n_place, latest[2] / scale), phi)
    over = {"phi": _r(phi, 2), "band": adjusted, "verdict": _verdict(adjusted, meta["polarity"])}
    return out | {"target": _r(target * scale), "limits": lims, "band": where, "verdict": verdict,
                  "overdispersion": over, "points": points}


def _verdict(where: str, polarity: str) -> str:
    return "not different" if where == "within" else _VERDICT[polarity][where.split("_")[0]]


def compare_measure(ps: PeerStore, place: Area, measure_id: str, den: Denominator | None = None,
                    short: str | None = None) -> dict:
    """One measure's comparison block (see docs/peers.md for every field)."""
    meta = ps.measure(measure_id)
    neighbours = ps.neighbours(meta["scheme"], place)
    region = ps.region_of(place)
    codes = [place.code, ENGLAND, *(n["code"] for n in neighbours), *([region.code] if region else [])]
    vals = ps.values([meta["id"], *_den_measures(den)], codes)
    own = vals.get((meta["id"], place.code), [])
    published = [r for r in own if r[3] == "value" and r[1] is not None]
    latest = published[-1] if published else None
    if latest:
        end = latest[1]
    else:  # no value for the place: show the neighbours' latest period
        ends = [r[1] for n in neighbours for r in vals.get((meta["id"], n["code"]), []) if r[3] == "value" and r[1]]
        end = max(ends) if ends else None
    nb_rows = []
    for nb in neighbours:
        row = _at(vals.get((meta["id"], nb["code"]), []), end)
        nb_rows.append(nb | {"value": row[2] if row else None, "status": row[3] if row else "missing",
                             "reason": row[4] if row else "no row in the source"})
    nb_values = [r["value"] for r in nb_rows if r["value"] is not None]
    england_row = _at(vals.get((meta["id"], ENGLAND), []), end)
    region_row = _at(vals.get((meta["id"], region.code), []), end) if region else None
    series = []
    all_ends = sorted({r[1] for (m, _), rows in vals.items() if m == meta["id"] for r in rows
                       if r[1] is not None and r[3] == "value"})
    for e in all_ends:
        mine = _at(own, e)
        around = [row[2] for nb in neighbours if (row := _at(vals.get((meta["id"], nb["code"]), []), e)) and row[2] is not None]
        eng = _at(vals.get((meta["id"], ENGLAND), []), e)
        label = mine[0] if mine else next(r[0] for (m, _), rows in vals.items() if m == meta["id"] for r in rows if r[1] == e)
        series.append({"period": label, "value": mine[2] if mine else None,
                       "status": mine[3] if mine else "missing", "reason": mine[4] if mine else "no row in the source",
                       "neighbour_median": _r(median(around)), "neighbour_min": min(around) if around else None,
                       "neighbour_max": max(around) if around else None, "england": eng[2] if eng else None})
    rank = None
    if latest and nb_values:
        position, of = rank_among(latest[2], nb_values, meta["polarity"])
        order = {"high": "1 = best (higher is better)", "low": "1 = best (lower is better)",
                 "none": "1 = highest (no better direction)"}[meta["polarity"]]
        rank = {"position": position, "of": of, "order": order}
    return {
        "id": meta["id"], "short": short or meta["title"], "title": meta["title"], "topic": meta["topic"],
        "unit": meta["unit"], "polarity": meta["polarity"], "source": meta["source"], "scheme": meta["scheme"],
        "latest": ({"period": latest[0], "value": latest[2]} if latest else None),
        "period_compared": (latest[0] if latest else (series[-1]["period"] if series else None)),
        "series": series,
        "neighbours": nb_rows,
        "neighbour_summary": {"with_value": len(nb_values), "of": len(neighbours), "median": _r(median(nb_values)),
                              "min": min(nb_values) if nb_values else None, "max": max(nb_values) if nb_values else None},
        "england": {"value": england_row[2] if england_row else None, "period": england_row[0] if england_row else None,
                    "basis": meta["england_basis"]},
        "region": ({"code": region.code, "name": region.name, "value": region_row[2], "period": region_row[0]}
                   if region_row and region_row[3] == "value" else None),
        "rank": rank,
        "direction": direction([(r[0], r[2]) for r in published], meta["polarity"]),
        "significance": _significance(meta, den, place, latest, neighbours, vals, end),
    }


def compare(store: "Path | Store", area: str, measures: list[str] | None = None) -> dict:
    """The comparison document for one council: the headline set, or the measures named."""
    ps = PeerStore.open(store)
    try:
        place = ps.council(area)
        headline = {m.id: m for m in headline_measures()}
        ids = measures or list(headline)
        for mid in ids:
            ps.measure(mid)  # fail on the first unknown id before any work
        blocks = [compare_measure(ps, place, ps.measure(mid)["id"], headline.get(mid).denominator if mid in headline else None,
                                  headline[mid].short if mid in headline else None) for mid in ids]
        return {
            "schema": SCHEMA_VERSION,
            "area": {"code": place.code, "la_number": place.la_number, "name": place.name, "region": place.region},
            "ofsted": ps.ofsted(place),
            "measures": blocks,
        }
    finally:
        ps.close()
