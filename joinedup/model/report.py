"""Show a simulation result: a table for the terminal and fan charts as PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rich.table import Table

from joinedup.model.engine import WEEKS_PER_YEAR
from joinedup.model.simulate import Result

__all__ = ["result_table", "fan_chart", "fmt"]


def fmt(x: float) -> str:
    """A number with sensible precision for a table (three significant figures below 100)."""
    a = abs(x)
    if a >= 1e6:
        return f"{x / 1e6:,.2f}m"
    if a >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def _band(a: np.ndarray, j: int) -> str:
    return f"{fmt(a[1, j])} [{fmt(a[0, j])}, {fmt(a[2, j])}]"


def result_table(r: Result) -> Table:
    """Each indicator at the end of the run: median [5th, 95th percentile] for baseline, scenario, difference."""
    years = r.weeks[-1] / WEEKS_PER_YEAR
    t = Table(title=f"{r.scenario.title}: after {years:g} years, {r.runs:,} runs, median [5th, 95th percentile]",
              title_justify="left", caption="* answers the scenario's question", caption_justify="left")
    t.add_column("indicator", overflow="fold")
    t.add_column("units", overflow="fold")
    for col in ("baseline", "scenario", "difference"):
        t.add_column(col, justify="right")
    first = [a.replace(".", "__", 1) for a in r.scenario.answer]
    for n in first + [n for n in r.bands if n not in first]:
        b = r.bands[n]
        t.add_row(("* " if n in first else "") + r.flat.display(n), r.flat.units_of(n), _band(b["baseline"], -1),
                  _band(b["scenario"], -1), _band(b["difference"], -1))
    return t


def fan_chart(r: Result, path: Path) -> Path:
    """Fan charts (5th-95th percentile bands and medians) of every indicator, baseline against scenario."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(r.bands)
    cols = 4
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.6 * rows), squeeze=False)
    x = r.weeks / WEEKS_PER_YEAR
    for ax, n in zip(axes.flat, names):
        for key, colour in (("baseline", "#7f7f7f"), ("scenario", "#1f77b4")):
            a = r.bands[n][key]
            ax.fill_between(x, a[0], a[2], color=colour, alpha=0.25, linewidth=0)
            ax.plot(x, a[1], color=colour, linewidth=1.5, label=key)
        model, _ = r.flat.origin[n]
        ax.set_title(f"{model}: {r.flat.indicators[n].title}", fontsize=8, loc="left")
        ax.tick_params(labelsize=7)
        ax.set_xlabel("years", fontsize=7)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="best")
    fig.suptitle(f"{r.scenario.title} ({r.runs:,} runs; bands: 5th-95th percentile)", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
