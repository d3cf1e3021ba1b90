"""Funnel-plot control limits (Spiegelhalter 2005, exact binomial and Poisson with interpolation)."""

from __future__ import annotations

from scipy import stats

__all__ = ["COVERAGES", "limits", "band", "z_score", "overdispersion", "adjusted_band"]

#: The two limits of a standard funnel plot: about 2 and 3 standard deviations.
COVERAGES = (0.95, 0.998)


def _interpolated_quantile(dist, args: tuple, p: float) -> float:
    # Spiegelhalter, "Funnel plots for comparing institutional performance", Stat Med 2005,
    # appendix A.1.1: interpolate so the limits are smooth in the denominator.
    # The distribution's methods are called with its parameters rather than on a frozen distribution:
    # freezing costs milliseconds each time, and a page draws hundreds of limits.
    rp = float(dist.ppf(p, *args))
    upper, lower = float(dist.cdf(rp, *args)), float(dist.cdf(rp - 1, *args))
    alpha = (upper - p) / (upper - lower) if upper > lower else 0.0
    return max(rp - alpha, 0.0)


def limits(kind: str, target: float, n: float, coverage: float) -> tuple[float, float]:
    """Lower and upper limits of a proportion (binomial) or a rate per head (poisson) at denominator n."""
    if n <= 0:
        raise ValueError("denominator must be positive")
    tail = (1 - coverage) / 2
    if kind == "binomial":
        size = max(int(round(n)), 1)
        if target <= 0 or target >= 1:
            return (target, target)
        args = (size, target)
        return (_interpolated_quantile(stats.binom, args, tail) / size,
                _interpolated_quantile(stats.binom, args, 1 - tail) / size)
    if kind == "poisson":
        if target <= 0:
            return (0.0, 0.0)
        args = (target * n,)
        return (_interpolated_quantile(stats.poisson, args, tail) / n,
                _interpolated_quantile(stats.poisson, args, 1 - tail) / n)
    raise ValueError(f"unknown funnel kind {kind!r}")


def band(kind: str, target: float, n: float, observed: float) -> str:
    """Where an observed proportion or rate falls: within, or above/below the 95% or 99.8% limits."""
    lo95, hi95 = limits(kind, target, n, COVERAGES[0])
    lo998, hi998 = limits(kind, target, n, COVERAGES[1])
    if observed > hi998:
        return "above_99.8"
    if observed > hi95:
        return "above_95"
    if observed < lo998:
        return "below_99.8"
    if observed < lo95:
        return "below_95"
    return "within"


def z_score(kind: str, target: float, n: float, observed: float) -> float:
    """Standardised difference from the target under the binomial or Poisson variance (normal approximation)."""
    var = target * (1 - target) / n if kind == "binomial" else target / n
    return (observed - target) / var ** 0.5 if var > 0 else 0.0


def overdispersion(zs: list[float]) -> float:
    """Spiegelhalter's multiplicative overdispersion factor: the mean squared z-score of the comparators."""
    return sum(z * z for z in zs) / len(zs)


def adjusted_band(z: float, phi: float) -> str:
    """The band of a z-score once the limits are widened by sqrt(phi) (only ever widened, never narrowed)."""
    scaled = z / max(phi, 1.0) ** 0.5
    lims = [stats.norm.ppf(1 - (1 - c) / 2) for c in COVERAGES]
    side = "above" if scaled > 0 else "below"
    if abs(scaled) > lims[1]:
        return f"{side}_99.8"
    if abs(scaled) > lims[0]:
        return f"{side}_95"
    return "within"


def curves(sig: dict, points: int = 120) -> dict | None:
    """The funnel's limit lines for a comparison's significance block (x: denominators; y in the unit), or None."""
    if not sig.get("points") or sig.get("target") is None or sig.get("denominator") is None:
        return None
    kind = sig["method"].split(" ")[0]
    scale = float(sig["per"])
    target = sig["target"] / scale
    dens = [p["denominator"] for p in sig["points"]] + [sig["denominator"]]
    lo_n, hi_n = max(min(dens) * 0.5, 10), max(dens) * 1.2
    n = [lo_n + (hi_n - lo_n) * i / (points - 1) for i in range(points)]
    lines = {}
    for cov in COVERAGES:
        pairs = [limits(kind, target, k, cov) for k in n]
        lines[f"{cov * 100:g}"] = {"lower": [lo * scale for lo, _ in pairs], "upper": [hi * scale for _, hi in pairs]}
    return {"n": n, "target": sig["target"], "limits": lines}
