"""What a link run leaves for the report: the model, the match weight distribution, pairs near the threshold.

Nothing here names a person: examples near the threshold keep only comparison levels and weights.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import polars as pl
from sqlglot import exp

from joinedup.link.engine import Engine
from joinedup.link.model import level_labels, parameters
from joinedup.link.sql import LinkSQL, as_, asc, cast, col, count, desc, number, ref
from joinedup.link.tables import write_table

__all__ = ["write_diagnostics", "gamma_columns", "EXAMPLES"]

#: How many pairs either side of the threshold the report shows.
EXAMPLES = 12


def write_diagnostics(engine: Engine, link: LinkSQL, run, predictions: str, threshold: float, records: int) -> int:
    """Store link_model, link_parameters, link_weight_histogram and link_examples for the report; the pairs scored.

    The scored pairs stay in the link engine: only their count, the histogram's bins and the examples leave it.
    """
    model = run.linker.misc.save_model_to_json()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    pairs_scored = int(link.scalar(exp.select(count()).from_(ref(predictions))) or 0)
    write_table(engine, "link_model", pl.DataFrame({
        "built_at": [now], "model_json": [json.dumps(model)], "threshold": [threshold],
        "blocking_rules": [json.dumps(run.blocking_rules)], "records": [records], "pairs_scored": [pairs_scored],
    }), [("built_at", "TIMESTAMP"), ("model_json", "VARCHAR"), ("threshold", "DOUBLE"), ("blocking_rules", "VARCHAR"), ("records", "BIGINT"), ("pairs_scored", "BIGINT")])
    params = pl.DataFrame(parameters(run.linker), schema={"comparison": pl.Utf8, "level": pl.Utf8, "m": pl.Float64,
                                                            "u": pl.Float64, "bayes_factor": pl.Float64,
                                                            "match_weight": pl.Float64})
    write_table(engine, "link_parameters", params,
                [("comparison", "VARCHAR"), ("level", "VARCHAR"), ("m", "DOUBLE"), ("u", "DOUBLE"), ("bayes_factor", "DOUBLE"), ("match_weight", "DOUBLE")])
    # bins of one unit of weight from the floor of the lowest to the ceiling of the highest (the last bin
    # holds its upper edge, as numpy's histogram does)
    bins = link.fetch(exp.select(as_(cast(exp.Floor(this=col("match_weight")), "bigint"), "bin"), as_(count(), "pairs"))
                      .from_(ref(predictions)).where(exp.LT(this=exp.Abs(this=col("match_weight")), expression=number(1e300)))
                      .group_by(number(1)))
    low, high = (int(bins["bin"].min()), int(bins["bin"].max())) if bins.height else (-10, 9)
    counts = dict(zip(bins["bin"].to_list(), bins["pairs"].to_list()))
    write_table(engine, "link_weight_histogram", pl.DataFrame({
        "bin_low": [float(b) for b in range(low, high + 1)], "bin_high": [float(b + 1) for b in range(low, high + 1)],
        "pairs": [int(counts.get(b, 0)) for b in range(low, high + 1)]},
        schema={"bin_low": pl.Float64, "bin_high": pl.Float64, "pairs": pl.Int64}),
        [("bin_low", "DOUBLE"), ("bin_high", "DOUBLE"), ("pairs", "BIGINT")])
    write_table(engine, "link_examples", _examples(link, run, predictions, threshold),
                [("side", "VARCHAR"), ("match_weight", "DOUBLE"), ("match_probability", "DOUBLE"), ("levels", "VARCHAR")])
    return pairs_scored


def gamma_columns(link: LinkSQL, predictions: str) -> list[str]:
    """The comparison vector (gamma_) columns of the scored pairs."""
    return [c for c, _ in link.backend.columns(predictions) if c.startswith("gamma_")]


def _examples(link: LinkSQL, run, predictions: str, threshold: float) -> pl.DataFrame:
    labels = level_labels(run.linker)
    gammas = gamma_columns(link, predictions)
    cols = [col(c) for c in ("unique_id_l", "unique_id_r", "match_weight", "match_probability", *gammas)]
    p, cut = col("match_probability"), number(threshold)
    ids = (asc(col("unique_id_l")), asc(col("unique_id_r")))
    rows = []
    for side, query in (("above", exp.select(*cols).from_(ref(predictions)).where(exp.GTE(this=p, expression=cut))
                                  .order_by(asc(p.copy()), *ids).limit(EXAMPLES)),
                        ("below", exp.select(*(c.copy() for c in cols)).from_(ref(predictions)).where(exp.LT(this=p.copy(), expression=cut.copy()))
                                  .order_by(desc(p.copy()), *(o.copy() for o in ids)).limit(EXAMPLES))):
        for r in link.fetch(query).iter_rows(named=True):
            levels = {g.removeprefix("gamma_"): labels.get(g, {}).get(r[g], str(r[g])) for g in gammas}
            rows.append({"side": side, "match_weight": r["match_weight"], "match_probability": r["match_probability"],
                         "levels": json.dumps(levels)})
    return pl.DataFrame(rows, schema={"side": pl.Utf8, "match_weight": pl.Float64, "match_probability": pl.Float64,
                                      "levels": pl.Utf8})
