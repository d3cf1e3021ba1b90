"""`joinedup peers report`: a short self-contained HTML report of where a council stands out among its neighbours."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import jinja2

import pyarrow.parquet as pq

from joinedup import __version__
from joinedup.errors import UserError
from joinedup.peers.chart import svg_text
from joinedup.peers.compare import PeerStore, compare
from joinedup.peers.stats import DIRECTION_RULE
from joinedup.peers.text import fmt, ofsted_sentence, ordinal, sentence, stands_out
from joinedup.reference import data_path

__all__ = ["render_report", "write_report"]

_SCHEMES = {"dfe_children_2025": "children", "asc_nearest_15": "adult"}


def _row(block: dict) -> dict:
    s, unit, latest, sig = block["neighbour_summary"], block["unit"], block["latest"], block["significance"]
    num = lambda v: fmt(v, unit, bare=True) if v is not None else "-"  # noqa: E731
    flag = stands_out(block)
    verdict = sig["verdict"] or sig["note"] or "-"
    if sig["method"] is None and flag in ("better", "worse"):
        verdict = f"{'best' if flag == 'better' else 'worst'} of {block['rank']['of']} (no denominator)"
    return {"id": block["id"], "short": block["short"], "source": block["source"], "period": block["period_compared"] or "-",
            "value": fmt(latest["value"], unit) if latest else "not published",
            "neighbours": f"{num(s['median'])} ({num(s['min'])} to {num(s['max'])})" if s["median"] is not None else "-",
            "england": num(block["england"]["value"]),
            "region": num(block["region"]["value"]) if block["region"] else "-",
            "rank": f"{block['rank']['position']} of {block['rank']['of']}" if block["rank"] else "-",
            "direction": block["direction"]["label"], "verdict": verdict,
            "flag": flag if flag in ("better", "worse") else None}


def _deprivation(name: str, code: str, neighbour_codes: list[str]) -> str | None:
    """The council's IMD 2025 rank beside its neighbours' (districts and unitaries only: counties have none)."""
    rows = {r["ltla24_code"]: r for r in pq.read_table(data_path("ltla24_imd.parquet")).to_pylist()}
    if code not in rows:
        return None
    me = rows[code]
    text = (f"On the English Indices of Deprivation 2025, {name}'s average score ranks "
            f"{ordinal(int(me['imd_rank_of_average_score']))} most deprived of {len(rows)} local authority districts, "
            f"with {me['imd_share_most_deprived_decile']:.0%} of its neighbourhoods in England's most deprived tenth.")
    ranks = sorted(int(rows[c]["imd_rank_of_average_score"]) for c in neighbour_codes if c in rows)
    if len(ranks) >= 2:
        text += (f" Its children's services neighbours that are single districts ({len(ranks)} of {len(neighbour_codes)}) "
                 f"rank from {ordinal(ranks[0])} to {ordinal(ranks[-1])}.")
    return text


def render_report(store: Path, area: str) -> tuple[str, int]:
    """The report's HTML and the number of measures where the council stands out."""
    doc = compare(store, area)
    ps = PeerStore.open(store)
    try:
        place = ps.council(area)
        neighbours = {s: ps.neighbours(s, place) for s in _SCHEMES}
        names = {s: [n["name"] for n in v] for s, v in neighbours.items()}
        imported = ps.con.fetchall("SELECT max(imported_at) FROM peer_import")[0][0]
    finally:
        ps.close()
    name = doc["area"]["name"]
    deprivation = _deprivation(name, place.code, [n["code"] for n in neighbours["dfe_children_2025"]])
    abolished = (f"{name} was abolished in {place.abolished}; its figures run to then and its successors "
                 "are separate councils.") if place.abolished else None
    groups: dict[str, list[dict]] = {"better": [], "worse": [], "different": []}
    charts = []
    for block in doc["measures"]:
        flag = stands_out(block)
        if flag:
            groups[flag].append({"id": block["id"], "text": sentence(name, block)})
            if block["series"]:
                charts.append(svg_text(name, block))
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string((files("joinedup.peers") / "report.html").read_text(encoding="utf-8"))
    html = template.render(area=doc["area"], children_neighbours=names["dfe_children_2025"],
                           adult_neighbours=names["asc_nearest_15"], ofsted_text=ofsted_sentence(name, doc["ofsted"]),
                           better=groups["better"], worse=groups["worse"], different=groups["different"],
                           rows=[_row(b) for b in doc["measures"]], charts=charts, direction_rule=DIRECTION_RULE,
                           deprivation=deprivation, abolished=abolished, version=__version__, imported=f"{imported:%d %B %Y}" if imported else "an unknown date")
    return html, sum(len(v) for v in groups.values())


def write_report(store: Path, area: str, out: Path) -> int:
    """Write the report to an HTML file; returns the number of measures where the council stands out."""
    try:  # fail on an unwritable folder before the work of rendering
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot write report: {e.strerror}", file=str(out)) from None
    html, count = render_report(store, area)
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot write report: {e.strerror}", file=str(out)) from None
    return count
