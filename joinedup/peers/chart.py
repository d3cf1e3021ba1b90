"""Charts of one measure: the council's trend beside its neighbours and England, and a funnel plot."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: charts are files and inline SVG

import matplotlib.pyplot as plt
import numpy as np

from joinedup.errors import UserError
from joinedup.peers.funnel import COVERAGES, limits

__all__ = ["figure", "write_chart", "svg_text"]

PLACE, NEIGHBOUR, ENGLAND = "#b5179e", "#7a7a7a", "#1d3557"


def _trend(ax, name: str, block: dict) -> None:
    series = block["series"]
    x = np.arange(len(series))
    val = lambda k: np.array([np.nan if s[k] is None else s[k] for s in series], dtype=float)  # noqa: E731
    ax.fill_between(x, val("neighbour_min"), val("neighbour_max"), color=NEIGHBOUR, alpha=0.18, label="neighbours' range")
    ax.plot(x, val("neighbour_median"), color=NEIGHBOUR, ls="--", lw=1.5, label="neighbours' median")
    basis = "England" if block["england"]["basis"] == "England" else "England (median of councils)"
    ax.plot(x, val("england"), color=ENGLAND, ls=":", lw=1.5, label=basis)
    ax.plot(x, val("value"), color=PLACE, marker="o", lw=2.2, label=name)
    ax.set_xticks(x, [s["period"] for s in series], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(block["unit"] or "")
    ax.set_title(f"{block['short']}: trend", fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    ax.grid(axis="y", alpha=0.3)


def _funnel(ax, name: str, block: dict) -> None:
    sig = block["significance"]
    kind = sig["method"].split(" ")[0]
    scale = float(sig["per"])
    target = sig["target"] / scale
    dens = [p["denominator"] for p in sig["points"]] + [sig["denominator"]]
    n = np.linspace(max(min(dens) * 0.5, 10), max(dens) * 1.2, 120)
    for cov, style in zip(COVERAGES, ("--", "-")):
        lo, hi = zip(*(limits(kind, target, k, cov) for k in n))
        label = f"{cov * 100:g}% limits"
        ax.plot(n, np.array(lo) * scale, color=ENGLAND, ls=style, lw=1, label=label)
        ax.plot(n, np.array(hi) * scale, color=ENGLAND, ls=style, lw=1)
    phi = (sig.get("overdispersion") or {}).get("phi") or 0
    if phi > 1:  # Spiegelhalter's over-dispersed 99.8% limits, normal approximation
        var = target * (1 - target) / n if kind == "binomial" else target / n
        half = 3.090232 * np.sqrt(phi * var)
        upper_bound = 1.0 if kind == "binomial" else np.inf
        ax.plot(n, np.clip(target - half, 0, None) * scale, color=PLACE, ls=":", lw=1, alpha=0.7, label=f"99.8% allowing for spread (phi {phi:.1f})")
        ax.plot(n, np.clip(target + half, None, upper_bound) * scale, color=PLACE, ls=":", lw=1, alpha=0.7)
    ax.axhline(sig["target"], color=NEIGHBOUR, lw=1, label="neighbours' pooled figure")
    ax.scatter([p["denominator"] for p in sig["points"]], [p["value"] for p in sig["points"]], color=NEIGHBOUR,
               s=22, label="neighbours", zorder=3)
    ax.scatter([sig["denominator"]], [block["latest"]["value"]], color=PLACE, s=60, label=name, zorder=4)
    ax.set_xlabel("denominator: " + sig["denominator_rule"].split("; ")[1].replace("denominator is ", ""), fontsize=7)
    ax.set_ylabel(block["unit"] or "")
    ax.set_title(f"funnel plot, {block['period_compared']}", fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    ax.grid(alpha=0.3)


def figure(name: str, block: dict) -> "plt.Figure":
    """A matplotlib figure: the trend, and beside it the funnel plot where there are funnel limits."""
    if not block["series"]:
        raise UserError(f"no published figures to chart for {block['id']!r}")
    has_funnel = block["significance"]["limits"] is not None
    fig, axes = plt.subplots(1, 2 if has_funnel else 1, figsize=(11 if has_funnel else 6.5, 4.2), squeeze=False)
    _trend(axes[0][0], name, block)
    if has_funnel:
        _funnel(axes[0][1], name, block)
    fig.suptitle(f"{name}: {block['title']}", fontsize=10)
    fig.tight_layout()
    return fig


def write_chart(name: str, block: dict, out: Path) -> list[str]:
    """Write the chart to a .png or .svg file; returns the panels drawn."""
    fig = figure(name, block)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, format=out.suffix.lower().lstrip("."), dpi=110, metadata={"Date": None} if out.suffix.lower() == ".svg" else None)
    except OSError as e:
        raise UserError(f"cannot write chart: {e.strerror}", file=str(out)) from None
    finally:
        plt.close(fig)
    return ["trend", "funnel"] if block["significance"]["limits"] is not None else ["trend"]


def svg_text(name: str, block: dict) -> str:
    """The chart as an inline <svg> element (for the self-contained report)."""
    fig = figure(name, block)
    buf = io.StringIO()
    try:
        fig.savefig(buf, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]
