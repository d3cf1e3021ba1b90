"""Expectation maximisation of m that still trains when a comparison level is empty.

Splink's own EM refuses an m below 1e-300 ("m_probability value 0 is below the minimum"), which
it reaches whenever a level never occurs among the matches of a training block: a data set with
no transposed dates of birth, a file where no name is written as an initial. Skipping the session
then leaves every comparison it would have trained at its default. Here Splink still builds the
comparison vectors (its blocking and levels, on any engine), but the iterations run on the
counts of each distinct vector, in numpy, with a half-count prior on every level (a Bayesian
estimate: an empty level gets a small m, never zero) and a floor of M_FLOOR.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field

import numpy as np
from splink import Linker

__all__ = ["M_FLOOR", "PSEUDO_COUNT", "EMReport", "train_m"]

#: No level's m is learnt below this: a level never seen among a sample's matches (names swapped,
#: sex recorded differently) is rare evidence, not proof of a non-match.
M_FLOOR = 1e-4
#: Added to every level's expected count among matches (Jeffreys' prior for a proportion).
PSEUDO_COUNT = 0.5
_ITERATIONS = 25
_log = logging.getLogger(__name__)


@dataclass
class EMReport:
    """What training did: sessions run, comparisons trained, and levels that no pair reached."""

    sessions: list[str] = field(default_factory=list)
    trained: set[str] = field(default_factory=set)
    empty_levels: list[str] = field(default_factory=list)


def _levels(comparison: dict) -> list[dict]:
    # non-null levels in settings order; the first has the highest comparison vector value
    return [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]


def _prob(value: object) -> float:
    # Splink writes "level not observed in training dataset" where it has no estimate
    return float(value) if isinstance(value, (int, float)) else 0.0


def _gamma_counts(tables, model: dict, rule, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    settings = copy.deepcopy(model)
    settings["blocking_rules_to_generate_predictions"] = [rule]
    # Splink keeps the comparison vector (gamma_) columns with the matching columns
    settings["retain_intermediate_calculation_columns"] = False
    settings["retain_matching_columns"] = True
    linker = Linker(tables, settings, log_level=None)
    pairs = linker.inference.predict()
    cols = ", ".join(f"gamma_{n}" for n in names)
    counts = linker.misc.query_sql(f"SELECT {cols}, COUNT(*) AS n FROM {pairs.physical_name} GROUP BY {cols}",
                                   output_type="pandas")
    pairs.drop_table_from_database_and_remove_from_cache()
    return counts[[f"gamma_{n}" for n in names]].to_numpy(dtype=np.int64), counts["n"].to_numpy(dtype=np.float64)


def _em(gamma: np.ndarray, n: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], train: list[bool],
        fixed: list[np.ndarray]) -> list[np.ndarray]:
    lam = 0.5
    for _ in range(_ITERATIONS):
        log_m = np.zeros(len(n))
        log_u = np.zeros(len(n))
        for c, (mc, uc) in enumerate(zip(m, u)):
            g = gamma[:, c]
            seen = g >= 0
            log_m[seen] += np.log(mc[g[seen]])
            log_u[seen] += np.log(uc[g[seen]])
        # posterior that each vector is a match, computed in log space so no weight underflows
        a = np.log(lam) + log_m
        b = np.log1p(-lam) + log_u
        w = np.exp(a - np.logaddexp(a, b))
        lam = float(np.clip((w * n).sum() / n.sum(), 1e-9, 1 - 1e-9))
        for c in range(len(m)):
            if not train[c]:
                continue
            g = gamma[:, c]
            seen = g >= 0
            expected = np.bincount(g[seen], weights=(w * n)[seen], minlength=len(m[c])) + PSEUDO_COUNT
            free = ~fixed[c]
            share = 1.0 - m[c][~free].sum()  # levels with a fixed m keep it; the others share the rest
            new = np.maximum(expected[free] / expected[free].sum(), M_FLOOR)
            m[c][free] = share * new / new.sum()
    return m


def train_m(tables, model: dict, sessions: list[tuple[object, set[str]]], *,
            u_floor: float = 1e-6) -> tuple[dict, EMReport]:
    """m of every comparison learnt by EM on each (blocking rule, comparisons it fixes) session, averaged.

    `model` is a Splink model dictionary with u already estimated; the returned copy carries the m.
    A u that random sampling never observed is set to `u_floor` (half a pair in the sample).
    """
    model = copy.deepcopy(model)
    comps = model["comparisons"]
    names = [c["output_column_name"] for c in comps]
    learnt: dict[str, list[np.ndarray]] = {n: [] for n in names}
    report = EMReport()
    for rule, fixed in sessions:
        gamma, n = _gamma_counts(tables, model, rule, names)
        if n.sum() == 0:
            continue
        m, u, train, fixed_m = [], [], [], []
        for comp in comps:
            levels = _levels(comp)
            k = len(levels)
            # vector value k-1 is the first non-null level, 0 the last (else)
            mv = np.array([_prob(levels[k - 1 - g].get("m_probability")) or 1.0 / k for g in range(k)])
            uv = np.array([max(_prob(levels[k - 1 - g].get("u_probability")), u_floor) for g in range(k)])
            fx = np.array([bool(levels[k - 1 - g].get("fix_m_probability")) for g in range(k)])
            mv = np.where(fx, mv, np.maximum(mv, M_FLOOR))
            mv[~fx] = mv[~fx] / mv[~fx].sum() * (1.0 - mv[fx].sum())
            m.append(mv)
            fixed_m.append(fx)
            u.append(uv)
            train.append(comp["output_column_name"] not in fixed)
        m = _em(gamma, n, m, u, train, fixed_m)
        report.sessions.append(str(getattr(rule, "blocking_rule_sql", rule)))
        for c, comp in enumerate(comps):
            if train[c]:
                learnt[comp["output_column_name"]].append(m[c])
                report.trained.add(comp["output_column_name"])
                levels = _levels(comp)
                k = len(levels)
                seen = np.bincount(gamma[:, c][gamma[:, c] >= 0], weights=n[gamma[:, c] >= 0], minlength=k)
                report.empty_levels += [f"{comp['output_column_name']}: {levels[k - 1 - g].get('label_for_charts')}"
                                        for g in range(k) if seen[g] == 0]
    for comp in comps:
        runs = learnt[comp["output_column_name"]]
        if not runs:
            _log.warning("comparison %s not trained by EM (every session fixes it); its m stays at the default",
                         comp["output_column_name"])
            continue
        mean = np.mean(runs, axis=0)
        levels = _levels(comp)
        k = len(levels)
        for g in range(k):
            levels[k - 1 - g]["m_probability"] = float(mean[g])
    for comp in comps:
        for lvl in _levels(comp):
            if _prob(lvl.get("u_probability")) < u_floor and not lvl.get("fix_u_probability"):
                lvl["u_probability"] = u_floor
    report.empty_levels = sorted(set(report.empty_levels))
    return model, report
