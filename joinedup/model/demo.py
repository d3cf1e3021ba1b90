"""The model stage's step of `joinedup demo`: calibrate from the store, run a scenario, chart it."""

from __future__ import annotations

import json

from joinedup.console import err

__all__ = ["run", "DEMO_SCENARIO", "DEMO_RUNS"]

DEMO_SCENARIO = "care-worker-pay-rise"
DEMO_RUNS = 500


def run(ctx) -> None:
    """Calibrate from ctx.store when it exists (else defaults), simulate one shipped scenario, write chart and JSON."""
    from joinedup.model.calibrate import calibrate, write_params
    from joinedup.model.catalogue import flat_model
    from joinedup.model.report import fan_chart
    from joinedup.model.scenarios import load_params, load_scenario, shipped_scenarios
    from joinedup.model.simulate import simulate

    out_dir = ctx.workspace / "model"
    out_dir.mkdir(parents=True, exist_ok=True)
    flat = flat_model("system")
    values = None
    if ctx.store.exists():
        rows = calibrate(ctx.store)
        params = write_params(rows, out_dir / "params.yaml", ctx.store)
        values = load_params(params, flat)
        n = sum(r.source == "data" for r in rows)
        err.print(f"calibrated {n} of {len(rows)} parameters from {ctx.store} (the rest scaled or default)")
        ctx.made["model parameters"] = params
    else:
        err.print("no store yet: the model runs on its default parameters")
    result = simulate(load_scenario(shipped_scenarios()[DEMO_SCENARIO]), runs=DEMO_RUNS, years=5,
                      seed=ctx.seed, params=values, flat=flat)
    chart = fan_chart(result, out_dir / f"{DEMO_SCENARIO}.png")
    data = out_dir / f"{DEMO_SCENARIO}.json"
    data.write_text(json.dumps(result.to_json()))
    ctx.made["model fan chart"] = chart
    ctx.made["model scenario results"] = data
