"""What a link run leaves for the report: the model, the match weight distribution, pairs near the threshold.

Nothing here names a person: examples near the threshold keep only comparison levels and weights.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import numpy as np
import polars as pl

from joinedup.link.engine import Engine
from joinedup.link.model import level_labels, parameters
from joinedup.link.tables import write_table

__all__ = ["write_diagnostics", "EXAMPLES"]

#: How many pairs either side of the threshold the report shows.
EXAMPLES = 12


def write_diagnostics(engine: Engine, run, scored: pl.DataFrame, threshold: float, records: int) -> None:
    """Store link_model, link_parameters, link_weight_histogram and link_examples for the report."""
    model = run.linker.misc.save_model_to_json()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    write_table(engine, "link_model", pl.DataFrame({
        "built_at": [now], "model_json": [json.dumps(model)], "threshold": [threshold],
        "blocking_rules": [json.dumps(run.blocking_rules)], "records": [records], "pairs_scored": [scored.height],
    }), "built_at TIMESTAMP, model_json VARCHAR, threshold DOUBLE, blocking_rules VARCHAR, records BIGINT, "
        "pairs_scored BIGINT")
    params = pl.DataFrame(parameters(run.linker), schema={"comparison": pl.Utf8, "level": pl.Utf8, "m": pl.Float64,
                                                            "u": pl.Float64, "bayes_factor": pl.Float64,
                                                            "match_weight": pl.Float64})
    write_table(engine, "link_parameters", params,
                "comparison VARCHAR, level VARCHAR, m DOUBLE, u DOUBLE, bayes_factor DOUBLE, match_weight DOUBLE")
    weights = scored["match_weight"].drop_nulls().to_numpy() if scored.height else np.array([])
    edges = np.arange(np.floor(weights.min()) if weights.size else -10, (np.ceil(weights.max()) if weights.size else 10) + 1, 1.0)
    counts, _ = np.histogram(weights, bins=edges) if weights.size else (np.zeros(len(edges) - 1), edges)
    write_table(engine, "link_weight_histogram", pl.DataFrame({
        "bin_low": edges[:-1], "bin_high": edges[1:], "pairs": counts.astype(np.int64)}),
        "bin_low DOUBLE, bin_high DOUBLE, pairs BIGINT")
    write_table(engine, "link_examples", _examples(run, scored, threshold),
                "side VARCHAR, match_weight DOUBLE, match_probability DOUBLE, levels VARCHAR")


def _examples(run, scored: pl.DataFrame, threshold: float) -> pl.DataFrame:
    labels = level_labels(run.linker)
    gammas = [c for c in scored.columns if c.startswith("gamma_")]
    rows = []
    for side, frame in (("above", scored.filter(pl.col("match_probability") >= threshold)
                         .sort("match_probability").head(EXAMPLES)),
                        ("below", scored.filter(pl.col("match_probability") < threshold)
                         .sort("match_probability", descending=True).head(EXAMPLES))):
        for r in frame.iter_rows(named=True):
            levels = {g.removeprefix("gamma_"): labels.get(g, {}).get(r[g], str(r[g])) for g in gammas}
            rows.append({"side": side, "match_weight": r["match_weight"], "match_probability": r["match_probability"],
                         "levels": json.dumps(levels)})
    return pl.DataFrame(rows, schema={"side": pl.Utf8, "match_weight": pl.Float64, "match_probability": pl.Float64,
                                      "levels": pl.Utf8})
