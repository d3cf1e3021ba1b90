"""The paradox lens: where a process measure improves while the outcome it serves worsens or stalls.

For each process-outcome pair (declared by `paired_with`) both measures are run for every
financial year the store covers; each gets a test for trend over the years (the chi-square test
for trend in proportions, the score test for trend in Poisson rates, or a weighted least-squares
slope for means; 5% two-sided). A pair is flagged when the process improves significantly and
the outcome does not (it worsens significantly or shows no significant change).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from joinedup.measures.engine import Engine
from joinedup.measures.history import COMPLETE
from joinedup.measures.periods import periods_for
from joinedup.measures.runner import Result, run_measure
from joinedup.measures.spec import Library, Measure
from joinedup.measures.stats import Trend, trend

__all__ = ["Series", "Paradox", "series", "paradoxes", "ALPHA"]

ALPHA = 0.05


@dataclass(frozen=True)
class Series:
    """One measure over the years: released totals and its trend (None when numbers are suppressed)."""

    measure: str
    title: str
    kind: str
    unit: str
    polarity: str
    periods: list[str]
    values: list[float | None]
    trend: Trend | None
    direction: str
    history_missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """JSON-ready form."""
        d = asdict(self)
        d["trend"] = asdict(self.trend) if self.trend else None
        return d


@dataclass(frozen=True)
class Paradox:
    """A process-outcome pair with both trends, the flag and a sentence for a director."""

    process: Series
    outcome: Series
    flagged: bool
    test: str
    sentence: str

    @property
    def trend_tested(self) -> bool:
        """Both trends were tested (neither measure had suppressed numbers)."""
        return self.process.trend is not None and self.outcome.trend is not None

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"process": self.process.as_dict(), "outcome": self.outcome.as_dict(), "flagged": self.flagged,
                "test": self.test, "sentence": self.sentence}


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "suppressed"
    if unit == "percent":
        return f"{v:.1f}%"
    if unit == "days":
        return f"{v:.1f} days"
    if unit.startswith("rate_per_"):
        return f"{v:,.1f} per {int(unit.split('_')[-1]):,}"
    return f"{v:,.0f}"


def series(engine: Engine, m: Measure, years: list[str], threshold: int | None = None) -> Series:
    """The measure's totals over the years, with the trend test for its shape."""
    rows: list[tuple[float, Result]] = []
    for i, fy in enumerate(years):
        periods = periods_for(m.period, fy)
        for j, p in enumerate(periods):
            r = run_measure(engine, m, p, "all", threshold)[0]
            rows.append((i + j / len(periods), r))
    # A period without the history the measure needs would read low (or high) for that reason
    # alone: it is left out of the trend and named, never compared as if complete.
    missing = [r.period for _, r in rows if r.history != COMPLETE]
    rows = [(x, r) for x, r in rows if r.history == COMPLETE]
    labels = [r.period for _, r in rows]
    values = [r.value for _, r in rows]
    usable = [(x, r) for x, r in rows if not r.suppressed and (r.denominator or m.shape == "count")]
    if len(usable) < 2 or len(usable) < len(rows):
        direction = "too little history" if missing and len(rows) < 2 else "too few to judge"
        return Series(m.id, m.title, m.kind, m.unit, m.polarity, labels, values, None, direction, missing)
    t = trend(m.shape, [float(r.numerator or 0) for _, r in usable], [float(r.denominator or 0) for _, r in usable],
              [r.sum_sq for _, r in usable], [x for x, _ in usable])
    return Series(m.id, m.title, m.kind, m.unit, m.polarity, labels, values, t, t.direction(m.polarity, ALPHA), missing)


def _p_text(p: float) -> str:
    return "trend p < 0.001" if p < 0.001 else f"trend p = {p:.2g}"


_VERB = {"improving": "improved", "worsening": "got worse", "stalled": "showed no significant change"}


def _sentence(p: Series, o: Series, flagged: bool) -> str:
    span = f"{p.periods[0]} to {p.periods[-1]}" if p.periods else "the years covered"
    pv = f"{_fmt(p.values[0], p.unit)} to {_fmt(p.values[-1], p.unit)}" if p.values else "-"
    ov = f"{_fmt(o.values[0], o.unit)} to {_fmt(o.values[-1], o.unit)}" if o.values else "-"
    lacking = sorted(set(p.history_missing) | set(o.history_missing))
    left_out = (f" ({', '.join(lacking)} left out: the data do not reach back or forward far enough"
                " for the history these measures need)") if lacking else ""
    if p.trend is None or o.trend is None:
        if "too little history" in (p.direction, o.direction):
            return (f"{p.title} and {o.title.lower()} cannot be compared: fewer than two years have the "
                    f"history the measures need{left_out}.")
        return (f"{p.title} and {o.title.lower()} cannot be compared over {span}: "
                f"numbers are too small to publish in at least one year{left_out}.")
    pp, op = _p_text(p.trend.p_value), _p_text(o.trend.p_value)
    if flagged:
        change = "got worse" if o.direction == "worsening" else "did not improve"
        return (f"{p.title} improved ({pv}, {span}; {pp}) but {o.title.lower()} {change} ({ov}; {op}): "
                f"the process target is being met without the outcome it serves following{left_out}.")
    return (f"{p.title} {_VERB[p.direction]} ({pv}; {pp}) and {o.title.lower()} {_VERB[o.direction]} "
            f"({ov}; {op}) over {span}: no sign of the process improving while its outcome does not{left_out}.")


def paradoxes(engine: Engine, library: Library, years: list[str], threshold: int | None = None) -> list[Paradox]:
    """Every declared process-outcome pair over the years, flagged where they part ways."""
    cache: dict[str, Series] = {}

    def get(m: Measure) -> Series:
        if m.id not in cache:
            cache[m.id] = series(engine, m, years, threshold)
        return cache[m.id]

    out = []
    for proc, outc in library.pairs():
        p, o = get(proc), get(outc)
        flagged = p.direction == "improving" and o.direction in ("worsening", "stalled")
        tests = sorted({s.trend.test for s in (p, o) if s.trend})
        test = "; ".join(tests) + f"; two-sided, {int(ALPHA * 100)}% level" if tests else "not tested (suppressed numbers)"
        out.append(Paradox(p, o, flagged, test, _sentence(p, o, flagged)))
    return out
