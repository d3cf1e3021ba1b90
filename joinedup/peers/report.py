"""`joinedup peers report`: a short self-contained HTML report of where a council stands out among its neighbours."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import jinja2

from joinedup import __version__
from joinedup.errors import UserError
from joinedup.peers.chart import svg_text
from joinedup.peers.compare import PeerStore, compare
from joinedup.peers.stats import DIRECTION_RULE
from joinedup.peers.text import fmt, ofsted_sentence, sentence, stands_out

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
            "rank": f"{block['rank']['position']} of {block['rank']['of']}" if block["rank"] else "-",
            "direction": block["direction"]["label"], "verdict": verdict,
            "flag": flag if flag in ("better", "worse") else None}


def render_report(store: Path, area: str) -> tuple[str, int]:
    """The report's HTML and the number of measures where the council stands out."""
    doc = compare(store, area)
    ps = PeerStore.open(store)
    try:
        place = ps.council(area)
        names = {s: [n["name"] for n in ps.neighbours(s, place)] for s in _SCHEMES}
        imported = ps.con.execute("SELECT max(imported_at) FROM peer_import").fetchone()[0]
    finally:
        ps.close()
    name = doc["area"]["name"]
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
                           version=__version__, imported=f"{imported:%d %B %Y}" if imported else "an unknown date")
    return html, sum(len(v) for v in groups.values())


def write_report(store: Path, area: str, out: Path) -> int:
    """Write the report to an HTML file; returns the number of measures where the council stands out."""
    html, count = render_report(store, area)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot write report: {e.strerror}", file=str(out)) from None
    return count
