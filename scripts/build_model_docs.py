"""Write docs/models.md and the diagrams in docs/models/ from the shipped models (so the docs cannot drift).

    python scripts/build_model_docs.py

The narrative is below; the structure, links, levers and every default parameter with its source
come from the model files. tests/model/test_docs.py fails when docs/models.md is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from joinedup.model.catalogue import flat_model, links, model_names, model_spec  # noqa: E402
from joinedup.model.diagram import write_diagram  # noqa: E402
from joinedup.model.scenarios import load_scenario, shipped_scenarios  # noqa: E402

INTRO = """\
# Models: the whole system as linked stock-and-flow models

joinedup simulates how a change in one sector moves the others. Four models of the place are
declared as data (`joinedup/model/models/*.yaml`) and linked (`models/links.yaml`), so
`joinedup simulate` always runs all four together: the care workforce sets the home care hours,
reablement places and care home staffing that hospital discharge depends on, and the social
workers that children's caseloads depend on; caseloads push social workers to leave; home care,
reablement and statutory visits to children become car trips in the travel model.

```
joinedup model list                                   # the models, levers, links, shipped scenarios
joinedup model show discharge                         # stocks, flows, equations, parameters and sources
joinedup model diagram discharge --out discharge.svg  # the stock-and-flow diagram
joinedup model calibrate --db store.duckdb --out params.yaml
joinedup simulate scenarios/care-worker-pay-rise.yaml --runs 1000 --years 5 --json --plot fan.png
joinedup simulate scenarios/remote-appointments.yaml --params params.yaml
joinedup model export discharge --format xmile --out discharge.xmile
python benchmarks/model.py                            # 10,000 runs against PySD on the exported model
```

## How the engine works

- **Models as data.** A model file lists parameters (value, units, plausible range, optional
  distribution: uniform, triangular, PERT, normal, lognormal or beta; a source; `lever: true` when
  scenarios may move it; `scale` when it is a count that grows with the place), inputs (values
  another model provides, with a default for running alone), stocks (initial value, inflows,
  outflows), flows, auxiliaries, lookups (graphical functions) and the indicators to report. Files
  are validated into frozen pydantic models; an undefined name, an unknown unit, a unit mismatch or a
  value outside its range fails at load with one line naming the file and field.
- **Equations** are parsed once with Python's `ast` into a small language (arithmetic,
  comparisons, `MIN`, `MAX`, `ABS`, `EXP`, `LN`, `SQRT`, `IF_THEN_ELSE`, `DELAY1`, `DELAY3`, lookups
  called by name, `TIME`) and checked for units with pint, every unit being its own dimension (as in
  Vensim: no silent conversions; `person/week + person` is refused). Capacity limits are `MIN`/`MAX`.
- **Delays** (`DELAY1`, `DELAY3`) are expanded into explicit stocks and flows before anything
  runs, so the engine and the XMILE export see the same structure.
- **Ensembles.** The flat model is compiled to numpy code once: equations of parameters alone are
  computed once per run, the rest each step, in dependency order, over arrays of shape (runs,).
  Euler (the default, as in Vensim and PySD) or RK4, weekly steps (a year is 52 weeks). Parameters
  are drawn once per run from their distributions (seeded: the same seed gives the same answer);
  the baseline and the scenario share the draws, so the difference is paired.
- **Scenarios** move levers to a new value (`to`) or by a relative change (`by`), from `start_year`
  over `ramp_years`, with an optional distribution for the size of the change. A lever that does not
  exist or a value outside the lever's range is refused naming the file and field.
- **Calibration** (`joinedup model calibrate --db STORE`) runs one small query per parameter over a
  canonical table of the store (joinedup/store/schema.py), reports each value as `data`, `scaled`
  (a count such as beds or posts, scaled by the store's population table against Dudley's 323,500
  residents) or `default` with the reason (table absent or empty, fewer than 8 records behind the
  value, or an estimate outside the range). `--out params.yaml` feeds `joinedup simulate --params`.
- **XMILE export** writes XMILE 1.0 (stocks, flows, auxiliaries, graphical functions as `<gf>` with
  `<xpts>`/`<ypts>`); each lookup call becomes an auxiliary with the lookup embedded. PySD runs every
  exported model and matches joinedup's deterministic Euler run to 1e-6 relative on every stock at
  every step (tests/model/test_xmile_pysd.py; in practice to about 1e-15). `joinedup model export
  system` writes the four linked models as one file.

## Correctness

tests/model/ checks conservation (in every model and the linked system, total stock changes only by
flows that cross the boundary; staff in the workforce model change only by recruits and leavers),
steady states known analytically (a first-order stock settles at inflow x lifetime; acute beds at
admissions / (1 - readmitted share) x length of stay; foster households where approvals match
deregistrations), Euler's exact discrete solution, convergence order (error falls 2x for Euler and
16x for RK4 when the step halves), a third-order delay passing a constant through and spreading a
step, seeded determinism, ensemble runs equal to single runs, a hypothesis test that the generated
numpy agrees with a plain reading of random equations, and the PySD parity above.

## Speed

`python benchmarks/model.py` runs 10,000 ensemble runs of the linked system (43 stocks, 84 flows,
70 auxiliaries, 146 parameters) over 5 years in weekly steps, then PySD on the exported XMILE of the
same system (a few runs timed, runs/s extrapolated), and prints both and the ratio. On the shared
2-core development machine under heavy load from other work (load average 7-10) four runs measured
10,000 runs in 1.9-3.8 s and 660-1,100x PySD's runs/s (PySD 4-6 runs/s, so 10,000 PySD runs would
take about half an hour); both figures are pessimistic and move with the load.

## Travel distances

The travel model's distances come from the real 2021 LSOA centroids shipped in
`joinedup.reference` (ONS, via drkane/geo-lookups; see docs/reference.md): for each kind of site,
`n` sites are placed where people live (k-means on Dudley's 203 LSOA centroids, seeded), and the
distance is the mean straight-line km from each LSOA centroid to its nearest site (each 2021 LSOA
holds roughly 1,000-3,000 residents, so each counts once; whether the centroids are population
weighted is not confirmed by the source). A road factor (1.3, an assumption) turns straight-line
into road distance. Where a service really is (the acute hospital, team bases) is an assumption
stated as the number of sites; replace it with real site coordinates when you have them.

## Sources of the default parameters

Figures from /work/shared/reference/facts.md are cited by section (s1 ASCOF, s2 children's social
care, s3 NHS process and discharge, s4 public health and Dudley, s6 workforce, s7 carbon and travel)
with the publication they come from. Values marked "assumption" are not in facts.md: they are stated
so that a council can replace them (many are calibrated from the store). Derived values show the
arithmetic.
"""


def _table(name: str) -> str:
    spec = model_spec(name)
    rows = ["| parameter | value | units | range | uncertainty | lever | source |", "|---|---|---|---|---|---|---|"]
    for n, p in spec.parameters.items():
        d = p.distribution
        unc = "" if d is None else f"{d.kind} " + ", ".join(
            f"{k} {v:g}" for k, v in d.model_dump(exclude_none=True).items() if k != "kind")
        rng = "" if p.range is None else f"{p.range[0]:g} to {p.range[1]:g}"
        src = " ".join(p.source.split()).replace("|", "/")
        rows.append(f"| `{n}` | {p.value:g} | {p.units} | {rng} | {unc} | {'yes' if p.lever else ''} | {src} |")
    for n, lk in spec.lookups.items():
        pts = ", ".join(f"({x:g}, {y:g})" for x, y in zip(lk.x, lk.y))
        rows.append(f"| lookup `{n}` | {pts} | {lk.x_units} -> {lk.y_units} | | | | {' '.join(lk.source.split())} |")
    return "\n".join(rows)


def build(write_diagrams: bool = True) -> str:
    """The text of docs/models.md (and, when asked, the diagrams in docs/models/)."""
    parts = [INTRO]
    for name in model_names():
        spec, flat = model_spec(name), flat_model(name)
        if write_diagrams:
            write_diagram(flat, ROOT / "docs" / "models" / f"{name}.svg")
        inputs = "; ".join(f"`{n}` ({i.units}): {i.source}" for n, i in spec.inputs.items()) or "none"
        indicators = ", ".join(f"{ind.title} (`{n}`)" for n, ind in spec.indicators.items())
        parts.append(f"""
## {spec.title} (`{name}`)

{" ".join(spec.description.split())}

![{spec.title}](models/{name}.svg)

`joinedup model diagram {name} --out docs/models/{name}.svg` draws it. {len(flat.stocks)} stocks (delays
expanded), {len(flat.flows)} flows, {len(flat.auxes)} auxiliaries. Inputs from the other models: {inputs}.
Indicators: {indicators}.

{_table(name)}
""")
    parts.append("\n## Links between the models\n\n| from | to | why |\n|---|---|---|\n" + "\n".join(
        f"| `{ln.source}` | `{ln.to}` | {ln.why} |" for ln in links()) + "\n")
    parts.append("\n## Shipped scenarios\n\nEach answers a question a joint board would ask "
                 "(`scenarios/` and, for an installed joinedup, `joinedup/model/scenarios/`; "
                 "`joinedup simulate NAME` finds a shipped one by name).\n\n| scenario | question | levers |\n|---|---|---|\n"
                 + "\n".join(f"| `{n}` | {' '.join(s.question.split())} | "
                             + ", ".join(f"`{c.lever}`" for c in s.changes) + " |"
                             for n, s in ((n, load_scenario(p)) for n, p in shipped_scenarios().items())) + "\n")
    parts.append(_results())
    return "".join(parts)


RESULT_RUNS = 200


def _results() -> str:
    """What each shipped scenario says about the indicators that answer its question."""
    from joinedup.model.report import fmt
    from joinedup.model.simulate import simulate
    flat = flat_model("system")
    rows = []
    for name, path in shipped_scenarios().items():
        sc = load_scenario(path)
        r = simulate(sc, runs=RESULT_RUNS, years=5, seed=1, flat=flat)
        for ind in sc.answer:
            b = r.bands[ind.replace(".", "__", 1)]
            d = b["difference"]
            rows.append(f"| `{name}` | {flat.indicators[ind.replace('.', '__', 1)].title} | {fmt(b['baseline'][1, -1])} "
                        f"| {fmt(b['scenario'][1, -1])} | {fmt(d[1, -1])} [{fmt(d[0, -1])}, {fmt(d[2, -1])}] |")
    return (f"\n## What the shipped scenarios say\n\nAfter 5 years, default parameters, {RESULT_RUNS} runs, seed 1: "
            "medians of baseline and scenario, and the median [5th, 95th percentile] of the paired difference. "
            "Reproduce one with `joinedup simulate scenarios/NAME.yaml --runs 200 --seed 1` (more runs narrow the "
            "percentiles' own noise). These are model outputs on stated assumptions, not forecasts.\n\n"
            "| scenario | indicator | baseline | scenario | difference |\n|---|---|---|---|---|\n"
            + "\n".join(rows) + "\n")


if __name__ == "__main__":
    (ROOT / "docs" / "models.md").write_text(build())
    print("wrote docs/models.md and docs/models/*.svg")
