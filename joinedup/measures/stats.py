"""Confidence intervals and tests for trend, by the methods the national definitions use.

Proportions: Wilson score interval (as NHS Digital and OHID publish). Rates and counts: Byar's
approximation to the exact Poisson interval (the PHOF and DfE method for rates). Means: the
t interval. Trends: the chi-square test for trend in proportions (Cochran-Armitage), the
score test for trend in Poisson rates, and weighted least squares for means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Z95", "wilson", "byar", "mean_ci", "Trend", "trend"]

# scipy.stats is imported only for the t quantile, so that every run that stores measure results (each load and
# link) does not pay its ~2 s import: the normal quantile is the constant scipy.stats.norm.ppf(0.975) gives (tested
# against it), and the normal tail is math.erfc.
Z95 = 1.959963984540054


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for the proportion k/n (as fractions)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def byar(o: float, z: float = Z95) -> tuple[float, float]:
    """Byar's interval for a Poisson count o (divide by the denominator for a rate)."""
    lower = 0.0 if o <= 0 else o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    o1 = o + 1
    upper = o1 * (1 - 1 / (9 * o1) + z / (3 * math.sqrt(o1))) ** 3
    return (max(0.0, lower), upper)


def mean_ci(total: float, n: float, sum_sq: float) -> tuple[float, float]:
    """t interval for a mean from its sum, count and sum of squares."""
    if n < 2:
        return (math.nan, math.nan)
    mean = total / n
    var = max(0.0, (sum_sq - n * mean * mean) / (n - 1))
    # stdtrit is the function scipy.stats.t.ppf evaluates, without scipy.stats' import (~2 s here)
    from scipy.special import stdtrit
    half = float(stdtrit(n - 1, 0.975)) * math.sqrt(var / n)
    return (mean - half, mean + half)


@dataclass(frozen=True)
class Trend:
    """A trend over periods: slope per year with its 95% CI, the p-value and the test used."""

    slope: float
    ci_low: float
    ci_high: float
    p_value: float
    test: str
    slope_unit: str

    def direction(self, polarity: str, alpha: float = 0.05) -> str:
        """improving | worsening | stalled, by the measure's polarity and the test's p-value."""
        if not (self.p_value < alpha):
            return "stalled"
        up = self.slope > 0
        return "improving" if up == (polarity == "higher_is_better") else "worsening"


def _p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))  # two-sided normal tail, 2 * (1 - Phi(|z|)), exact in the far tail


def _proportion_trend(num: list[float], den: list[float], x: list[float]) -> Trend:
    big_n, big_r = sum(den), sum(num)
    pbar = big_r / big_n
    xbar = sum(n * xi for n, xi in zip(den, x)) / big_n
    sxx = sum(n * (xi - xbar) ** 2 for n, xi in zip(den, x))
    t = sum(xi * (r - n * pbar) for xi, r, n in zip(x, num, den))
    var = pbar * (1 - pbar) * sxx
    if var <= 0:
        return Trend(0.0, 0.0, 0.0, 1.0, "chi-square test for trend in proportions (Cochran-Armitage)", "percentage points a year")
    z = t / math.sqrt(var)
    b, se = t / sxx * 100, math.sqrt(pbar * (1 - pbar) / sxx) * 100
    return Trend(b, b - Z95 * se, b + Z95 * se, _p(z),
                 "chi-square test for trend in proportions (Cochran-Armitage)", "percentage points a year")


def _rate_trend(num: list[float], den: list[float], x: list[float]) -> Trend:
    total_o, total_d = sum(num), sum(den)
    expected = [d * total_o / total_d for d in den]
    if total_o <= 0:
        return Trend(0.0, 0.0, 0.0, 1.0, "score test for trend in Poisson rates", "% a year")
    xbar = sum(e * xi for e, xi in zip(expected, x)) / total_o
    var = sum(e * (xi - xbar) ** 2 for e, xi in zip(expected, x))
    t = sum(xi * (o - e) for xi, o, e in zip(x, num, expected))
    if var <= 0:
        return Trend(0.0, 0.0, 0.0, 1.0, "score test for trend in Poisson rates", "% a year")
    z = t / math.sqrt(var)
    # One-step score estimate of the log rate ratio per year, shown as a percentage change.
    b, se = t / var, 1 / math.sqrt(var)
    pct = lambda v: (math.exp(v) - 1) * 100  # noqa: E731
    return Trend(pct(b), pct(b - Z95 * se), pct(b + Z95 * se), _p(z), "score test for trend in Poisson rates", "% a year")


def _mean_trend(num: list[float], den: list[float], sum_sq: list[float], x: list[float]) -> Trend:
    means = [s / n for s, n in zip(num, den)]
    variances = [max((q - n * m * m) / (n - 1), 1e-9) / n if n > 1 else math.inf for q, n, m in zip(sum_sq, den, means)]
    w = [0.0 if math.isinf(v) else 1 / v for v in variances]
    sw = sum(w)
    if sw <= 0:
        return Trend(0.0, 0.0, 0.0, 1.0, "weighted least-squares slope of the mean", "days a year")
    xbar = sum(wi * xi for wi, xi in zip(w, x)) / sw
    ybar = sum(wi * yi for wi, yi in zip(w, means)) / sw
    sxx = sum(wi * (xi - xbar) ** 2 for wi, xi in zip(w, x))
    if sxx <= 0:
        return Trend(0.0, 0.0, 0.0, 1.0, "weighted least-squares slope of the mean", "days a year")
    b = sum(wi * (xi - xbar) * (yi - ybar) for wi, xi, yi in zip(w, x, means)) / sxx
    se = math.sqrt(1 / sxx)
    return Trend(b, b - Z95 * se, b + Z95 * se, _p(b / se), "weighted least-squares slope of the mean", "days a year")


def trend(shape: str, num: list[float], den: list[float], sum_sq: list[float] | None = None,
          x: list[float] | None = None) -> Trend:
    """The trend of one measure over periods (x in years; default 0, 1, 2...), by the test for its shape."""
    x = list(x) if x is not None else [float(i) for i in range(len(num))]
    if shape == "proportion":
        return _proportion_trend(num, den, x)
    if shape == "mean":
        return _mean_trend(num, den, sum_sq or [0.0] * len(num), x)
    if shape == "count":
        return _rate_trend(num, [1.0] * len(num), x)
    return _rate_trend(num, den, x)
