"""Expectation maximisation of m that still trains when a comparison level is empty.

Splink's EM refuses an m below 1e-300 ("m_probability value 0 is below the minimum"), which it
reaches when a level is empty among the matches of a training block (a file with no transposed
dates of birth, no names written as initials); skipping the session left every comparison it
trains at its default, quietly. Here Splink still builds the comparison vectors (its blocking
and levels, on any engine), and the iterations run on the counts of each distinct vector, in
numpy, with a half-count prior on every level (an empty level gets a small m, never zero). A
session that does not converge to numbers is handed back to Splink's EM (`merge_m`); any level
still without an m gets M_FLOOR, and the run reports it.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field

import numpy as np
from splink import Linker
from sqlglot import exp

from joinedup.link.sql import as_, asc, col, count, ref

__all__ = ["M_FLOOR", "PSEUDO_COUNT", "EMReport", "train_m", "merge_m"]

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
    linker = Linker(tables, settings, log_level=None, validate_settings=False)
    pairs = linker.inference.predict()
    cols = [col(f"gamma_{n}") for n in names]
    # ordered, so the EM's float sums add in the same order on every run (a GROUP BY's order is the engine's);
    # the query is rendered for the engine Splink runs it on (the model's dialect)
    query = (exp.select(*cols, as_(count(), "n")).from_(ref(pairs.physical_name)).group_by(*(c.copy() for c in cols))
             .order_by(*(asc(c.copy()) for c in cols)))
    counts = linker.misc.query_sql(query.sql(dialect=settings.get("sql_dialect") or "duckdb"), output_type="pandas")
    pairs.drop_table_from_database_and_remove_from_cache()
    return counts[[f"gamma_{n}" for n in names]].to_numpy(dtype=np.int64), counts["n"].to_numpy(dtype=np.float64)


def _em(gamma: np.ndarray, n: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], train: list[bool],
        fixed: list[np.ndarray]) -> tuple[list[np.ndarray], float]:
    lam = 0.1  # the share of matches among the block's pairs, re-estimated each iteration
    for _ in range(_ITERATIONS):
        log_m = np.zeros(len(n))
        log_u = np.zeros(len(n))
        for c, (mc, uc) in enumerate(zip(m, u)):
            if not train[c]:
                # a comparison the block fixes agrees in every pair: its constant Bayes factor is
                # what lam estimates (the share of matches in the block); counted again, lam
                # would grow by it every iteration until the block is all "matches"
                continue
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
    return m, lam


def train_m(tables, model: dict, sessions: list[tuple[object, set[str]]], *,
            u_floor: float = 1e-6) -> tuple[dict, EMReport, list[tuple[object, set[str]]]]:
    """m learnt by EM on each (blocking rule, comparisons it fixes) session, averaged per comparison.

    `model` is a Splink model dictionary with u estimated. Returns the model with the m learnt, the
    report, and the sessions whose EM did not converge to numbers (none on the data sets tried;
    the caller trains those with Splink's EM and merges them with `merge_m`).
    """
    model = copy.deepcopy(model)
    comps = model["comparisons"]
    names = [c["output_column_name"] for c in comps]
    report = EMReport()
    learnt: dict[str, list[np.ndarray]] = {n: [] for n in names}
    degenerate = []
    for rule, fixed in sessions:
        gamma, n = _gamma_counts(tables, model, rule, names)
        if n.sum() == 0:
            continue
        m, u, train, fixed_m = [], [], [], []
        for comp in comps:
            levels = _levels(comp)
            k = len(levels)
            # start where Splink's EM starts: 0.95 on the top level, the rest shared by the others
            start = np.array([0.95 if g == k - 1 else 0.05 / max(k - 1, 1) for g in range(k)])
            mv = np.array([_prob(levels[k - 1 - g].get("m_probability")) or start[g] for g in range(k)])
            fx = np.array([bool(levels[k - 1 - g].get("fix_m_probability")) for g in range(k)])
            mv = np.where(fx, mv, np.maximum(mv, M_FLOOR))
            mv[~fx] = mv[~fx] / mv[~fx].sum() * (1.0 - mv[fx].sum())
            m.append(mv)
            fixed_m.append(fx)
            u.append(np.array([max(_prob(levels[k - 1 - g].get("u_probability")), u_floor) for g in range(k)]))
            train.append(comp["output_column_name"] not in fixed)
        m, lam = _em(gamma, n, m, u, train, fixed_m)
        if not (np.isfinite(lam) and all(np.isfinite(x).all() for x in m)):
            degenerate.append((rule, fixed))
            continue
        report.sessions.append(str(getattr(rule, "blocking_rule_sql", rule)))
        for c, comp in enumerate(comps):
            if train[c]:
                learnt[comp["output_column_name"]].append(m[c])
                levels = _levels(comp)
                k = len(levels)
                seen = np.bincount(gamma[:, c][gamma[:, c] >= 0], weights=n[gamma[:, c] >= 0], minlength=k)
                report.empty_levels += [f"{comp['output_column_name']}: {levels[k - 1 - g].get('label_for_charts')}"
                                        for g in range(k) if seen[g] == 0]
    for comp in comps:
        runs = learnt[comp["output_column_name"]]
        if runs:
            mean = np.mean(runs, axis=0)
            levels = _levels(comp)
            k = len(levels)
            for g in range(k):
                levels[k - 1 - g]["m_probability"] = float(mean[g])
            report.trained.add(comp["output_column_name"])
    return model, report, degenerate


def merge_m(model: dict, splink_model: dict, report: EMReport, *, u_floor: float = 1e-6) -> dict:
    """`model` with Splink's m for comparisons joinedup's EM did not train, and every level given an m and a u.

    A level left without an m (Splink marks it "not observed") gets M_FLOOR, the rest of its
    comparison rescaled, and is named in the report: never a silent default.
    """
    model = copy.deepcopy(model)
    theirs = {c["output_column_name"]: c for c in splink_model["comparisons"]}
    for comp in model["comparisons"]:
        name = comp["output_column_name"]
        levels = _levels(comp)
        if name not in report.trained and name in theirs:
            for mine, other in zip(levels, _levels(theirs[name])):
                mine["m_probability"] = other.get("m_probability")
            if any(_prob(lvl.get("m_probability")) > 0 for lvl in levels):
                report.trained.add(name)
        empty = [lvl for lvl in levels if not _prob(lvl.get("m_probability")) > 0 and not lvl.get("fix_m_probability")]
        if empty and len(empty) < len(levels) and name in report.trained:
            report.empty_levels += [f"{name}: {lvl.get('label_for_charts')}" for lvl in empty]
            rest = sum(_prob(lvl.get("m_probability")) for lvl in levels if lvl not in empty)
            for lvl in levels:
                if lvl in empty:
                    lvl["m_probability"] = M_FLOOR
                elif not lvl.get("fix_m_probability"):
                    lvl["m_probability"] = _prob(lvl.get("m_probability")) * (1 - M_FLOOR * len(empty)) / rest
        for lvl in levels:
            if 0 < _prob(lvl.get("m_probability")) < M_FLOOR and not lvl.get("fix_m_probability"):
                lvl["m_probability"] = M_FLOOR
            if _prob(lvl.get("u_probability")) < u_floor and not lvl.get("fix_u_probability"):
                lvl["u_probability"] = u_floor
    report.empty_levels = sorted(set(report.empty_levels))
    return model
