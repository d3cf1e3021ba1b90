"""`peer_context`: the published neighbours and England beside one of the place's own measures."""

from __future__ import annotations

from pathlib import Path

from joinedup.peers.compare import PeerStore, compare_measure
from joinedup.peers.specs import headline_measures, measure_map
from joinedup.peers.text import fmt
from joinedup.store import Store

__all__ = ["peer_context"]


def peer_context(store: "Path | str | Store", area: str, local_measure_id: str) -> dict | None:
    """Place value, neighbour range and England for a local measure; None when nothing published corresponds."""
    entry = measure_map().get(local_measure_id)
    if entry is None or entry.published is None:
        return None
    ps = PeerStore.open(store if isinstance(store, Store) else Path(store))
    try:
        place = ps.council(area)
        headline = {m.id: m for m in headline_measures()}
        spec = headline.get(entry.published)
        block = compare_measure(ps, place, entry.published, spec.denominator if spec else None,
                                spec.short if spec else None)
    finally:
        ps.close()
    if block["latest"] is None and block["neighbour_summary"]["with_value"] == 0:
        return None
    s, unit, value = block["neighbour_summary"], block["unit"], block["latest"]
    text = f"{place.name} {fmt(value['value'], unit) if value else 'not published'}"
    if s["min"] is not None:
        text += f", neighbours {fmt(s['min'], unit).split(' ')[0].rstrip('%')}-{fmt(s['max'], unit)}"
    if block["england"]["value"] is not None:
        label = "England" if block["england"]["basis"] == "England" else "median English council"
        text += f", {label} {fmt(block['england']['value'], unit)}"
    return {
        "local_measure_id": local_measure_id, "published_id": entry.published, "comparability": entry.comparability,
        "note": entry.note, "title": block["title"], "unit": unit, "polarity": block["polarity"],
        "area": {"code": place.code, "la_number": place.la_number, "name": place.name},
        "period": value["period"] if value else block["period_compared"], "value": value["value"] if value else None,
        "neighbours": {"count": s["with_value"], "min": s["min"], "max": s["max"], "median": s["median"],
                       "scheme": block["scheme"]},
        "england": block["england"], "region": block["region"], "rank": block["rank"], "direction": block["direction"]["label"],
        "versus_neighbours": block["significance"]["verdict"], "text": f"{text} ({block['period_compared']})",
    }
