"""The Fellegi-Sunter model: Splink settings, parameter estimation (u by sampling, m by EM) and scoring.

Engine-neutral: it takes a Splink database API (DuckDB now, Spark at scale) and tables already
registered in it; the only SQL it writes is ANSI (blocking rules and levels in comparisons.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from splink import Linker, SettingsCreator, block_on

from joinedup.link.comparisons import blocking_rules, person_comparisons, training_blocking_rules

__all__ = ["ModelRun", "fit_and_score", "score_with", "parameters", "level_labels", "FLOOR_PROBABILITY"]

#: Pairs below this probability are not kept at all (they can never be links).
FLOOR_PROBABILITY = 0.01

logging.getLogger("splink").setLevel(logging.ERROR)


@dataclass
class ModelRun:
    """A trained linker and its scored pairs (a Splink dataframe in the engine)."""

    linker: Linker
    predictions: Any
    blocking_rules: list[str]


def fit_and_score(tables: list, present: set[str], link_type: str, *, deterministic: list | None = None,
                  recall: float = 0.8, max_pairs: float = 1e6, seed: int = 1,
                  floor: float = FLOOR_PROBABILITY, exclude_same: str | None = None) -> ModelRun:
    """Train the model on the registered tables (u by random sampling, m by EM) and score blocked pairs."""
    rules = blocking_rules(present, exclude_same)
    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=person_comparisons(present),
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)
    lambda_rules = deterministic or [block_on(*[c for c in ("given_name", "family_name", "dob") if c in present])]
    try:
        linker.training.estimate_probability_two_random_records_match(lambda_rules, recall=recall)
    except Exception:  # noqa: BLE001 - too few exact pairs to estimate: keep Splink's prior
        pass
    # one chunk: the rare levels (names swapped) never reach Splink's early-stopping count anyway
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed, num_chunks=1)
    for rule in training_blocking_rules(present):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
    predictions = linker.inference.predict(threshold_match_probability=floor)
    rendered = [r.get_blocking_rule(linker._sql_dialect_str).blocking_rule_sql for r in rules]
    return ModelRun(linker, predictions, rendered)


def score_with(tables: list, model: dict, *, floor: float = FLOOR_PROBABILITY) -> ModelRun:
    """Score blocked pairs with a model trained before (an incremental run keeps the parameters)."""
    linker = Linker(tables if len(tables) > 1 else tables[0], model, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=floor)
    rules = [r["blocking_rule"] for r in model.get("blocking_rules_to_generate_predictions", [])]
    return ModelRun(linker, predictions, rules)


def level_labels(linker: Linker) -> dict[str, dict[int, str]]:
    """gamma column -> comparison vector value -> label of the level (for readable examples)."""
    out: dict[str, dict[int, str]] = {}
    for comparison in linker._settings_obj.comparisons:
        out[f"gamma_{comparison.output_column_name}"] = {
            lvl.comparison_vector_value: lvl.label_for_charts for lvl in comparison.comparison_levels}
    return out


def parameters(linker: Linker) -> list[dict]:
    """The learnt m and u of every comparison level, with its Bayes factor (for the report)."""
    rows = []
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            rows.append({"comparison": comparison.output_column_name, "level": level.label_for_charts,
                         "m": level.m_probability, "u": level.u_probability,
                         "bayes_factor": level._bayes_factor, "match_weight": level._log2_bayes_factor})
    return rows
