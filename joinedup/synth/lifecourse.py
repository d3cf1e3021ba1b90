"""Life events over the period: deaths, births, moves within the area and out of it, arrivals.

Rates are annual and applied over each person's exposure (days in the place during the period).
"""

from __future__ import annotations

import numpy as np

from joinedup.synth.households import _by_age

__all__ = ["death_days", "birth_days", "household_moves", "OUT_MIGRATION", "IN_MIGRATION", "MOVE_WITHIN"]

YEAR = 365.25
# Mortality: Gompertz through England's ONS National life tables 2020-22 (q(40) ~ 0.0012,
# q(80) ~ 0.05; infants 0.0035), men x1.2 and women x0.85 of the average; the ratio between the most
# and least deprived deciles ~1.9 (ONS, Health state life expectancies by IMD 2018-20: a 9.7 year
# gap for men). Calibrated to Dudley's ~3,400 deaths a year for 323,500 people (~1.05%; ONS deaths
# registered 2023, assumption ~).
_GOMPERTZ_B = np.log(0.05 / 0.0012) / 40
_GOMPERTZ_A = np.log(0.0012) - 40 * _GOMPERTZ_B
_INFANT_Q = 0.0035
# Age-specific fertility per woman a year (ONS Births in England and Wales 2022: TFR 1.49).
_ASFR = ((15, 0.008), (20, 0.042), (25, 0.082), (30, 0.097), (35, 0.057), (40, 0.013), (45, 0.0))
# Migration (ONS internal and international migration, mid-2023 components for Dudley: ~3.4% of
# residents leave and about as many arrive each year; English Housing Survey 2022-23: ~9% of
# households moved in the last year, about two-thirds within the same authority -> 6% within).
OUT_MIGRATION = 0.033
IN_MIGRATION = 0.033
MOVE_WITHIN = 0.06


def annual_death_risk(age: np.ndarray, female: np.ndarray, dep: np.ndarray, frailty: np.ndarray) -> np.ndarray:
    """Annual probability of death for each person."""
    q = np.where(age < 1, _INFANT_Q, np.exp(_GOMPERTZ_A + _GOMPERTZ_B * np.maximum(age, 15)))
    q = q * np.where(female, 0.85, 1.2) * np.exp(0.65 * (dep - 0.5))
    q = q * np.exp(1.2 * (frailty - 0.25)).clip(0.6, 4.0) * 0.93  # 0.93: calibration to ~1.05% a year
    return np.clip(q, 0, 0.7)


def death_days(rng: np.random.Generator, q: np.ndarray, entry: np.ndarray, exit_: np.ndarray) -> np.ndarray:
    """Day of death within [entry, exit) or -1, for annual risks q over each exposure."""
    rate = -np.log1p(-q) / YEAR
    t = rng.exponential(1 / np.maximum(rate, 1e-12))
    day = entry + t.astype(np.int64)
    return np.where(day < exit_, day, -1)


def birth_days(rng: np.random.Generator, age: np.ndarray, female: np.ndarray, eligible: np.ndarray,
               entry: np.ndarray, exit_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mothers (positions) and birth days over their exposure (at most one birth a year each)."""
    rate = np.where(female & eligible, _by_age(_ASFR, age), 0.0) * 1.08  # 1.08: age rises over the period
    span = np.maximum(exit_ - entry, 0)
    births = rng.poisson(rate * span / YEAR)
    births = np.minimum(births, np.maximum(span // 365, 1) * (span > 0))
    mothers = np.repeat(np.arange(len(age)), births)
    day = entry[mothers] + (rng.random(len(mothers)) * span[mothers]).astype(np.int64)
    return mothers, day


def household_moves(rng: np.random.Generator, n_hh: int, start: np.ndarray, end: int,
                    movable: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per household: day it moves within the area (-1), day it leaves the area (-1)."""
    span = np.maximum(end - start, 0) / YEAR
    u = rng.random(n_hh)
    p_out = 1 - np.exp(-OUT_MIGRATION * span)
    p_in = 1 - np.exp(-MOVE_WITHIN * span)
    leave = movable & (u < p_out)
    move = movable & ~leave & (u < p_out + p_in)
    when = start + (rng.random(n_hh) * (end - start)).astype(np.int64)
    return np.where(move, when, -1), np.where(leave, when, -1), move
