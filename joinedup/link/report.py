"""`joinedup link report`: a self-contained offline HTML report on the person index and its quality.

For the information governance lead and the analyst: how records were linked (by method), the
match weight distribution, the parameters learnt (m and u per comparison level), examples near
the threshold shown as comparison levels and weights only (never names or identifiers), and the
quality figures when a truth folder is given. Counts pass the store's disclosure policy.
"""

from __future__ import annotations

import base64
import io
import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import polars as pl
from jinja2 import Environment, select_autoescape

from joinedup.errors import UserError
from joinedup.link.engine import Engine
from joinedup.link.tables import read_table
from joinedup.store.disclosure import policy

__all__ = ["write_report"]

_TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>joinedup linkage report</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}.note{color:#555}</style></head><body>
<h1>Linkage report</h1>
<p class="note">Built {{ built_at }}. {{ records }} person records, {{ persons }} persons, {{ pairs }} record pairs
scored by the model; links called at match probability &ge; {{ threshold }}. No names or identifiers appear in this
report; counts from 1 to {{ threshold_k }} are suppressed, with any count that would reveal one.</p>
<h2>How records were linked</h2>
<table><tr><th>method</th><th>records</th></tr>{% for m, n in methods %}<tr><td>{{ m }}</td><td class="n">{{ n }}</td></tr>{% endfor %}</table>
{% if quality %}<h2>Quality against the truth</h2>
<table><tr><th>figure</th><th>value</th></tr>{% for k, v in quality %}<tr><td>{{ k }}</td><td class="n">{{ v }}</td></tr>{% endfor %}</table>{% endif %}
<h2>Match weight distribution</h2>
<p>Every scored pair by match weight (log2 Bayes factor); the line is the threshold.</p>
<img alt="histogram of match weights" src="data:image/png;base64,{{ histogram }}">
<h2>Parameters learnt</h2>
<p>m: the chance of the level among true matches (EM); u: among non-matches (random sampling).</p>
<table><tr><th>comparison</th><th>level</th><th>m</th><th>u</th><th>match weight</th></tr>
{% for r in params %}<tr><td>{{ r.comparison }}</td><td>{{ r.level }}</td><td class="n">{{ r.m }}</td><td class="n">{{ r.u }}</td><td class="n">{{ r.w }}</td></tr>{% endfor %}</table>
<h2>Examples near the threshold</h2>
<p>The scored pairs closest to the threshold on either side, as the level each comparison reached.</p>
<table><tr><th>side</th><th>probability</th><th>weight</th>{% for c in example_cols %}<th>{{ c }}</th>{% endfor %}</tr>
{% for e in examples %}<tr><td>{{ e.side }}</td><td class="n">{{ e.p }}</td><td class="n">{{ e.w }}</td>{% for c in example_cols %}<td>{{ e.levels.get(c, '') }}</td>{% endfor %}</tr>{% endfor %}</table>
<h2>Blocking rules</h2><ul>{% for r in rules %}<li><code>{{ r }}</code></li>{% endfor %}</ul>
</body></html>"""


def _histogram(hist: pl.DataFrame, threshold_weight: float) -> str:
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.bar(hist["bin_low"].to_list(), hist["pairs"].to_list(), width=1.0, align="edge", color="#3b6ea5")
    ax.axvline(threshold_weight, color="#c0392b")
    ax.set_xlabel("match weight")
    ax.set_ylabel("pairs")
    ax.set_yscale("symlog")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _fmt(x: float | None, digits: int = 4) -> str:
    return "" if x is None else f"{x:.{digits}g}"


def write_report(store: Path, out: Path, truth: Path | None = None) -> None:
    """Write the HTML report for the person index in a store."""
    if not store.exists():
        raise UserError("no such store", file=str(store))
    engine = Engine(store, store_read_only=True)
    try:
        model, links = read_table(engine, "link_model"), read_table(engine, "person_source_link")
        params, hist = read_table(engine, "link_parameters"), read_table(engine, "link_weight_histogram")
        examples = read_table(engine, "link_examples")
    finally:
        engine.close()
    if model is None or links is None or model.height == 0:
        raise UserError("the store has no person index yet (run `joinedup link --db STORE` first)", file=str(store))
    threshold = float(model["threshold"][0])
    threshold_weight = math.log2(threshold / (1 - threshold)) if 0 < threshold < 1 else 0.0
    methods = links.group_by("method").len().sort("method")
    # The methods add up to the records shown above them: suppressed together, so none is recoverable.
    _, shown_methods = policy().protect_counts(links.height, dict(methods.iter_rows()))
    quality = None
    if truth is not None:
        from joinedup.link.evaluate import evaluate_store

        from joinedup.link.blocking import blocking_recall

        f = evaluate_store(store, truth)
        f["blocking"] = blocking_recall(store, truth)
        quality = [(f"{group} {k}", _fmt(v) if isinstance(v, float) else ("n/a" if v is None else v))
                   for group in ("pairwise", "clusters", "families", "blocking") for k, v in f[group].items()]
    ex_rows = [{"side": r["side"], "p": _fmt(r["match_probability"]), "w": _fmt(r["match_weight"], 3),
                "levels": json.loads(r["levels"])} for r in examples.iter_rows(named=True)] if examples is not None else []
    cols = sorted({c for e in ex_rows for c in e["levels"]})
    html = Environment(autoescape=select_autoescape(default=True)).from_string(_TEMPLATE).render(
        built_at=str(model["built_at"][0])[:19], threshold_k=policy().threshold, records=links.height, persons=links["person_id"].n_unique(),
        pairs=int(model["pairs_scored"][0]), threshold=threshold,
        methods=list(shown_methods.items()), quality=quality,
        histogram=_histogram(hist, threshold_weight) if hist is not None else "",
        params=[{"comparison": r["comparison"], "level": r["level"], "m": _fmt(r["m"]), "u": _fmt(r["u"]),
                 "w": _fmt(r["match_weight"], 3)} for r in params.iter_rows(named=True)] if params is not None else [],
        example_cols=cols, examples=ex_rows, rules=json.loads(model["blocking_rules"][0]))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
