"""Run a compiled model: sample parameters for an ensemble, integrate by Euler or RK4, record outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from joinedup.model.compile import Compiled
from joinedup.model.flatten import FlatModel
from joinedup.model.spec import Distribution, Parameter

__all__ = ["WEEKS_PER_YEAR", "Run", "sample", "draw", "integrate"]

#: The models step in weeks; a year is taken as 52 of them.
WEEKS_PER_YEAR = 52


@dataclass
class Run:
    """Recorded outputs of an ensemble: each name maps to an array (saved times, runs)."""

    times: np.ndarray
    values: dict[str, np.ndarray]
    runs: int


def draw(dist: Distribution, n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws from a declared distribution."""
    k = dist.kind
    if k == "uniform":
        return rng.uniform(dist.low, dist.high, n)
    if k == "triangular":
        if dist.low == dist.high:
            return np.full(n, dist.low)
        return rng.triangular(dist.low, dist.mode, dist.high, n)
    if k == "pert":
        span = dist.high - dist.low
        if span == 0:
            return np.full(n, dist.low)
        a = 1 + 4 * (dist.mode - dist.low) / span
        b = 1 + 4 * (dist.high - dist.mode) / span
        return dist.low + span * rng.beta(a, b, n)
    if k == "normal":
        x = rng.normal(dist.mean, dist.sd, n)
        lo = -np.inf if dist.low is None else dist.low
        hi = np.inf if dist.high is None else dist.high
        return np.clip(x, lo, hi)
    if k == "lognormal":
        sigma2 = np.log1p((dist.sd / dist.mean) ** 2)
        return rng.lognormal(np.log(dist.mean) - sigma2 / 2, np.sqrt(sigma2), n)
    common = dist.mean * (1 - dist.mean) / dist.sd ** 2 - 1  # beta by mean and sd
    return rng.beta(dist.mean * common, (1 - dist.mean) * common, n)


def sample(flat: FlatModel, runs: int, seed: int | None, overrides: dict[str, float] | None = None,
           *, uncertain: bool = True) -> dict[str, np.ndarray | float]:
    """Parameter values for each run: fixed ones as floats, uncertain ones as arrays of shape (runs,).

    A value overridden (from calibration) keeps its relative uncertainty: draws are scaled by
    new/default. Draws are clipped to the parameter's range. The same seed gives the same draws.
    """
    rng = np.random.default_rng(seed)
    overrides = overrides or {}
    out: dict[str, np.ndarray | float] = {}
    for name in sorted(flat.params):
        p: Parameter = flat.params[name]
        value = float(overrides.get(name, p.value))
        if not uncertain or p.distribution is None or runs == 1:
            out[name] = value
            continue
        x = draw(p.distribution, runs, rng)
        if name in overrides and p.value:
            x = x * (value / p.value)
        if p.range is not None:
            x = np.clip(x, *p.range)
        out[name] = x
    return out


#: runs advanced together in one block: small enough that a step's arrays stay in the CPU cache
CHUNK = 2048


def integrate(c: Compiled, P: dict, L: dict, *, runs: int, weeks: float, dt: float = 1.0,
              method: str = "euler", save_every: int = 1, dtype=np.float64, chunk: int = CHUNK,
              progress: Callable[[float], None] | None = None) -> Run:
    """Advance all runs from time 0 to `weeks` in blocks of `chunk` runs, recording the observations.

    `progress`, when given, is called with the share done (0 to 1) at each saved time; an exception
    it raises (a cancelled job) stops the run.
    """
    if runs <= chunk:
        return _integrate(c, P, L, runs=runs, weeks=weeks, dt=dt, method=method, save_every=save_every, dtype=dtype,
                          progress=progress)

    def part(d: dict, lo: int, hi: int) -> dict:
        return {k: (v[lo:hi] if isinstance(v, np.ndarray) and v.shape == (runs,) else v) for k, v in d.items()}

    pieces = []
    for lo in range(0, runs, chunk):
        hi = min(runs, lo + chunk)
        Lp = {k: (np.asarray(d)[lo:hi] if np.ndim(d) else d, s, r) for k, (d, s, r) in L.items()}
        tick = None if progress is None else (lambda f, lo=lo, hi=hi: progress((lo + f * (hi - lo)) / runs))
        pieces.append(_integrate(c, part(P, lo, hi), Lp, runs=hi - lo, weeks=weeks, dt=dt, method=method,
                                 save_every=save_every, dtype=dtype, progress=tick))
    return Run(pieces[0].times, {n: np.concatenate([p.values[n] for p in pieces], axis=1) for n in c.observed}, runs)


def _integrate(c: Compiled, P: dict, L: dict, *, runs: int, weeks: float, dt: float,
               method: str, save_every: int, dtype, progress: Callable[[float], None] | None = None) -> Run:
    steps = int(round(weeks / dt))
    ns = len(c.stocks)
    S = np.zeros((ns, runs))
    c.init(P, L, S)
    P = {**P, **c.prepare(P)}
    saves = steps // save_every + 1
    rec = [np.empty((saves, runs), dtype=dtype) for _ in c.observed]
    times = np.empty(saves)

    def record(j: int, t: float) -> None:
        times[j] = t
        for arr, val in zip(rec, c.observe(t, S, P, L)):
            arr[j] = val
        if progress is not None and steps:
            progress(min(1.0, j * save_every / steps))

    record(0, 0.0)
    D = np.empty_like(S)
    if method == "euler":
        for k in range(steps):
            c.deriv(k * dt, S, P, L, D)
            D *= dt
            S += D
            if (k + 1) % save_every == 0:
                record((k + 1) // save_every, (k + 1) * dt)
    elif method == "rk4":
        k1, k2, k3, k4 = (np.empty_like(S) for _ in range(4))
        tmp = np.empty_like(S)
        for k in range(steps):
            t = k * dt
            c.deriv(t, S, P, L, k1)
            np.multiply(k1, dt / 2, out=tmp); tmp += S
            c.deriv(t + dt / 2, tmp, P, L, k2)
            np.multiply(k2, dt / 2, out=tmp); tmp += S
            c.deriv(t + dt / 2, tmp, P, L, k3)
            np.multiply(k3, dt, out=tmp); tmp += S
            c.deriv(t + dt, tmp, P, L, k4)
            k2 += k3; k2 *= 2; k2 += k1; k2 += k4; k2 *= dt / 6
            S += k2
            if (k + 1) % save_every == 0:
                record((k + 1) // save_every, (k + 1) * dt)
    else:
        raise ValueError(f"unknown method {method!r} (euler or rk4)")
    if progress is not None:
        progress(1.0)
    return Run(times, {n: a for n, a in zip(c.observed, rec)}, runs)
