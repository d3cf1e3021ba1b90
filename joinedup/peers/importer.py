"""`joinedup peers import`: the published figures into tidy tables of the store, in one transaction."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from joinedup.errors import UserError
from joinedup.peers import sql
from joinedup.peers.areas import Area, data_dir, load_areas
from joinedup.peers.specs import headline_measures, oflog_measures
from joinedup.peers.values import parse_value, period_end
from joinedup.store import Store
from joinedup.store.schema import table as declared

__all__ = ["ImportSummary", "import_published"]

DFE_SCHEME = "dfe_children_2025"
ASC_SCHEME = "asc_nearest_15"

#: The shipped copy is trimmed and renamed; ../shared/reference/peers holds the originals.
_FILES = {
    "lait": ("children_lait.parquet",),
    "dictionary": ("children_lait_dictionary.csv",),
    "asc": ("adult_social_care_oflog.parquet", "adult_social_care_oflog.csv"),
    "asc_nn": ("adult_social_care_nearest_neighbours.json",),
    "sn": ("children_statistical_neighbours_2025.csv",),
    "codes": ("children_la_codes.csv",),
    "ofsted": ("ofsted_ilacs_latest.csv",),
}
_DICT_RENAME = {"Measure_short": "measure_code", "Topic": "topic", "Chart_title": "title", "Polarity": "polarity",
                "y_axis_name": "unit", "Description": "description", "Year_Type": "year_type"}
_ASC_RENAME = {"Financial year": "financial_year", "Local authority code": "area_code",
               "Local authority name": "area_name", "Code": "measure_code", "Measure": "measure",
               "Value": "value", "MEDIAN": "median"}


@dataclass(frozen=True)
class ImportSummary:
    """What one import wrote: rows read and written per source file, and values by status."""

    store: Path
    files: dict[str, tuple[str, int, int]]
    statuses: dict[str, int]


def _find(source: Path, key: str) -> Path:
    for name in _FILES[key]:
        if (source / name).is_file():
            return source / name
    raise UserError(f"missing {' or '.join(_FILES[key])}", file=str(source))


def _polarity(text: str | None) -> str:
    t = (text or "").strip().lower()
    return {"high": "high", "low": "low", "desc": "high", "asc": "low"}.get(t, "none")


def _dictionary(path: Path) -> tuple[int, list[dict]]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = [{_DICT_RENAME.get(k, k): v for k, v in r.items()} for r in csv.DictReader(f)]
    seen: dict[str, dict] = {}
    for r in rows:
        code = r.get("measure_code")
        if not code:
            raise UserError("a measure without a code", file=str(path), field="measure_code")
        seen.setdefault(code, {"id": code, "title": r.get("title") or code, "topic": r.get("topic"),
                               "polarity": _polarity(r.get("polarity")), "unit": r.get("unit"),
                               "description": r.get("description"), "year_type": r.get("year_type")})
    return len(rows), list(seen.values())


def _asc_table(con: Store, path: Path) -> pa.Table:
    quoted = "'" + str(path).replace("'", "''") + "'"
    if path.suffix == ".parquet":
        return con.query(f"SELECT * FROM read_parquet({quoted})")
    cols = ", ".join(f'"{k}" AS {v}' for k, v in _ASC_RENAME.items())
    return con.query(f"SELECT {cols}, rank_order FROM read_csv({quoted}, types = {{'Value': 'DOUBLE', 'MEDIAN': 'DOUBLE'}})")


def _asc_measures(asc: pa.Table) -> list[dict]:
    meta = oflog_measures()
    direction: dict[str, str] = {}
    for code, order in zip(asc.column("measure_code").to_pylist(), asc.column("rank_order").to_pylist()):
        if order:
            direction.setdefault(code, _polarity(order))
    out = []
    for code in sorted(set(asc.column("measure_code").to_pylist())):
        if code not in meta:
            raise UserError(f"measure {code!r} has no entry in oflog_measures.yaml", field="Code")
        out.append({"id": code, "polarity": direction.get(code, "none"), **meta[code].model_dump()})
    return out


def _neighbour_rows(source: Path, areas: tuple[Area, ...]) -> list[tuple]:
    by_number = {a.la_number: a for a in areas}
    by_code = {a.code: a for a in areas} | {f: a for a in areas for f in a.former}
    rows = []
    path = _find(source, "sn")
    with open(path, newline="") as f:
        for i, r in enumerate(csv.DictReader(f), start=2):
            place = by_number.get(int(float(r["la_number"])))
            if place is None:
                raise UserError(f"LA number {r['la_number']} has no ONS code", file=path.name, row=i, field="la_number")
            for k in range(1, 11):
                raw = r.get(f"sn{k}")
                if not raw:
                    continue
                nb = by_number.get(int(float(raw)))
                if nb is None:
                    raise UserError(f"neighbour LA number {raw} has no ONS code", file=path.name, row=i, field=f"sn{k}")
                rows.append((DFE_SCHEME, place.code, place.la_number, nb.code, nb.la_number, k, r.get(f"sn{k}_closeness")))
    with open(_find(source, "asc_nn")) as f:
        nn = json.load(f)
    for code, members in sorted(nn.items()):
        if not code.startswith(("E06", "E08", "E09", "E10")):
            continue  # districts and combined authorities run no adult social care
        place = by_code.get(code)
        for other in members:
            if other == code:
                continue
            nb = by_code.get(other)
            # The file lists neighbours without an order or closeness, so rank stays empty.
            rows.append((ASC_SCHEME, code, place.la_number if place else None, other,
                         nb.la_number if nb else None, None, None))
    return rows


def _iso(text: str | None) -> str | None:
    """Ofsted's dates (31/01/2023 or 31/01/23) as ISO 8601; anything else is kept as published."""
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text or "", pattern).date().isoformat()
        except ValueError:
            continue
    return text or None


def _ofsted_rows(path: Path, areas: tuple[Area, ...]) -> list[tuple]:
    by_number = {a.la_number: a for a in areas}
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            a = by_number.get(int(r["la_code"]))
            if a is None:
                continue
            rows.append((a.code, a.la_number, a.name, r["overall_effectiveness_grade"] or None,
                         r["impact_of_leaders_grade"] or None, r["help_and_protection_grade"] or None,
                         r["in_care_grade"] or None, r["care_leavers_grade"] or None,
                         r["inspection_framework"] or None, _iso(r["inspection_start_date"]),
                         _iso(r["inspection_end_date"]), _iso(r["publication_date"]), r["inspection_link"] or None))
    return rows


def _insert(con: Store, table: str, rows: list[tuple]) -> None:
    # One Arrow batch rather than a statement per row; columns in the order store/schema.py declares.
    if rows:
        con.backend.register_arrow("_batch", pa.table({n: [r[i] for r in rows]
                                                       for i, n in enumerate(declared(table).column_names)}))
        con.execute(f"INSERT INTO {table} SELECT * FROM _batch")


def import_published(store: Path, source: Path | None = None) -> ImportSummary:
    """Load the published figures (the shipped copy by default) into the store's peer tables."""
    src = Path(source) if source else data_dir()
    if not src.is_dir():
        raise UserError("not a folder", file=str(src))
    paths = {k: _find(src, k) for k in _FILES}
    areas = load_areas(src)
    store.parent.mkdir(parents=True, exist_ok=True)
    # A failure anywhere publishes nothing (the write session is abandoned), so the store is as it was.
    with Store.open(store, "write", create=True) as con:
        lait_path = str(paths["lait"])
        texts = [r[0] for r in con.fetchall("SELECT DISTINCT value FROM read_parquet(?)", [lait_path])]
        asc = _asc_table(con, paths["asc"])
        periods = {r[0] for r in con.fetchall("SELECT DISTINCT period FROM read_parquet(?)", [lait_path])}
        periods |= set(asc.column("financial_year").to_pylist())
        parsed = [parse_value(t) for t in texts]
        con.backend.register_arrow("_vmap", pa.table({"text": texts, "value": [p.value for p in parsed],
                                        "status": [p.status for p in parsed], "reason": [p.reason for p in parsed]}))
        con.backend.register_arrow("_pmap", pa.table({"period": sorted(periods), "period_end": [period_end(p) for p in sorted(periods)]}))
        con.backend.register_arrow("_areas", pa.table({"la_number": [a.la_number for a in areas], "area_code": [a.code for a in areas],
                                         "area_name": [a.name for a in areas]}))
        codes = [(a.code, a) for a in areas] + [(f, a) for a in areas for f in a.former]
        con.backend.register_arrow("_codes", pa.table({"code": [c for c, _ in codes], "la_number": [a.la_number for _, a in codes],
                                         "area_name": [a.name for _, a in codes]}))
        dict_read, dictionary = _dictionary(paths["dictionary"])
        con.backend.register_arrow("_dict", pa.Table.from_pylist(dictionary))
        con.backend.register_arrow("_asc", asc)
        con.backend.register_arrow("_ascm", pa.Table.from_pylist(_asc_measures(asc)))
        unknown = con.fetchall("SELECT DISTINCT la_number FROM read_parquet(?) WHERE la_number NOT IN "
                               "(SELECT la_number FROM _areas)", [lait_path])
        if unknown:
            raise UserError(f"LA number {int(unknown[0][0])} is not in children_la_codes.csv with an ONS code",
                            file=paths["lait"].name, field="la_number")
        con.backend.begin()
        con.execute(sql.SCHEMA)
        _insert(con, "peer_area", [(a.code, a.la_number, a.name, a.kind, a.region, list(a.former), a.abolished) for a in areas])
        con.execute(sql.LAIT_VALUES, [lait_path])
        con.execute(sql.LAIT_MEASURES)
        con.execute(sql.ASC_VALUES)
        con.execute(sql.ASC_MEDIANS)
        con.execute(sql.ASC_MEASURES)
        for m in headline_measures():
            if m.denominator:
                con.execute("UPDATE peer_measure SET denominator = ? WHERE id = ?", [m.denominator.describe(), m.id])
        nb_rows = _neighbour_rows(src, areas)
        _insert(con, "peer_neighbours", nb_rows)
        of_rows = _ofsted_rows(paths["ofsted"], areas)
        _insert(con, "peer_ofsted", of_rows)
        def count(q: str, *a: object) -> int:
            return con.fetchall(q, list(a))[0][0]

        asc_median_rows = count("SELECT count(*) FROM peer_value WHERE source = 'Oflog ASC' AND area_code = 'E92000001'")
        files = {
            paths["lait"].name: ("peer_value", count("SELECT count(*) FROM read_parquet(?)", lait_path),
                                 count("SELECT count(*) FROM peer_value WHERE source = 'DfE LAIT'")),
            paths["dictionary"].name: ("peer_measure", dict_read,
                                       count("SELECT count(*) FROM peer_measure WHERE source = 'DfE LAIT'")),
            paths["asc"].name: ("peer_value", asc.num_rows,
                                count("SELECT count(*) FROM peer_value WHERE source = 'Oflog ASC'") - asc_median_rows),
            paths["sn"].name: ("peer_neighbours", count("SELECT count(*) FROM read_csv(?)", str(paths["sn"])),
                               count("SELECT count(*) FROM peer_neighbours WHERE scheme = ?", DFE_SCHEME)),
            paths["asc_nn"].name: ("peer_neighbours", len(json.loads(paths["asc_nn"].read_text())),
                                   count("SELECT count(*) FROM peer_neighbours WHERE scheme = ?", ASC_SCHEME)),
            paths["codes"].name: ("peer_area", count("SELECT count(*) FROM read_csv(?)", str(paths["codes"])),
                                  count("SELECT count(*) FROM peer_area")),
            paths["ofsted"].name: ("peer_ofsted", count("SELECT count(*) FROM read_csv(?)", str(paths["ofsted"])),
                                   count("SELECT count(*) FROM peer_ofsted")),
        }
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        _insert(con, "peer_import", [(name, t, r, w, now) for name, (t, r, w) in files.items()])
        statuses = dict(con.fetchall("SELECT status, count(*) FROM peer_value GROUP BY 1 ORDER BY 1"))
        con.backend.commit()
    return ImportSummary(store=store, files=files, statuses=statuses)
