"""The person index's quality summary as data (what `link report` shows, for the web app and the API).

Counts of records per method go through the same small-number rule as the report; no record
ids, names or identifiers appear.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from joinedup.errors import UserError
from joinedup.link.engine import Engine
from joinedup.link.report import suppress
from joinedup.link.tables import read_table

__all__ = ["quality_summary"]


def quality_summary(store: Path) -> dict:
    """Records, persons, methods, threshold, parameters, the match weight histogram and decisions of the last run."""
    if not Path(store).exists():
        raise UserError("no such store", file=str(store))
    engine = Engine(Path(store), store_read_only=True)
    try:
        model, links = read_table(engine, "link_model"), read_table(engine, "person_source_link")
        params, hist = read_table(engine, "link_parameters"), read_table(engine, "link_weight_histogram")
        decisions = read_table(engine, "link_decision")
    finally:
        engine.close()
    if model is None or links is None or model.height == 0:
        raise UserError("the store has no person index yet (run `joinedup link --db STORE` first)", file=str(store))
    threshold = float(model["threshold"][0])
    methods = links.group_by("method").len().sort("method")
    decided = {"match": 0, "no-match": 0}
    if decisions is not None and decisions.height:
        latest = decisions.sort("decided_at").unique(["record_id_a", "record_id_b"], keep="last")
        for d, n in latest.group_by("decision").len().iter_rows():
            decided[d] = n
    return {
        "built_at": str(model["built_at"][0])[:19],
        "records": links.height,
        "persons": links["person_id"].n_unique(),
        "pairs_scored": int(model["pairs_scored"][0]),
        "threshold": threshold,
        "threshold_weight": math.log2(threshold / (1 - threshold)) if 0 < threshold < 1 else 0.0,
        "methods": [{"method": m, "records": suppress(n)} for m, n in methods.iter_rows()],
        "parameters": params.to_dicts() if params is not None else [],
        "histogram": hist.to_dicts() if hist is not None else [],
        "blocking_rules": json.loads(model["blocking_rules"][0]),
        "decisions": decided,
    }
