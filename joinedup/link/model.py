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
from joinedup.link.training import M_FLOOR, EMReport, merge_m, train_m

__all__ = ["ModelRun", "fit_and_score", "score_with", "parameters", "level_labels", "FLOOR_PROBABILITY", "M_FLOOR"]

#: Pairs below this probability are not kept at all (they can never be links).
FLOOR_PROBABILITY = 0.01

logging.getLogger("splink").setLevel(logging.ERROR)


@dataclass
class ModelRun:
    """A trained linker and its scored pairs (a Splink dataframe in the engine)."""

    linker: Linker
    predictions: Any
    blocking_rules: list[str]
    training: EMReport | None = None


def fit_and_score(tables: list, present: set[str], link_type: str, *, deterministic: list | None = None,
                  recall: float = 0.8, max_pairs: float = 5e5, seed: int = 1,
                  floor: float = FLOOR_PROBABILITY, exclude_same: str | None = None,
                  training_tables: list | None = None, rules: list | None = None,
                  evidence_columns: tuple[str, ...] = ()) -> ModelRun:
    """Train the model (u by random sampling, m by EM) and score blocked pairs.

    With `training_tables` (a random sample of the records), u and m are learnt on the sample:
    both are proportions within non-matching and matching pairs, which a uniform sample keeps,
    at a fraction of the cost. The prior (probability that two records match) is not kept by a
    sample, so it is always estimated on the full tables. `rules` replaces the default blocking
    rules for prediction (`joinedup match` chooses its own from measured counts).
    """
    rules = rules if rules is not None else blocking_rules(present, exclude_same)
    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=person_comparisons(present, evidence_columns),
        blocking_rules_to_generate_predictions=rules,
        # the comparison level of each pair (gamma_ columns, kept with the matching columns, which
        # stay in the engine's memory) feeds the report's examples near the threshold
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
        # m settles within a dozen EM iterations on these comparisons; Splink's default allows 25
        max_iterations=12,
    )
    train_on = _one(training_tables or tables)
    trainer = Linker(train_on, settings, log_level=None)
    # one chunk: the rare levels (names swapped) never reach Splink's early-stopping count anyway
    trainer.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed, num_chunks=1)
    sessions = training_blocking_rules(present)
    model, report, degenerate = train_m(train_on, trainer.misc.save_model_to_json(), sessions, u_floor=0.5 / max_pairs)
    for rule, _fixed in degenerate:
        try:
            trainer.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True)
            report.sessions.append(f"{rule} (Splink's EM)")
        except ValueError:
            # Splink refuses an m below 1e-300 (a level empty among the block's matches): the
            # comparisons that session trains keep their start values, floored, and are reported
            report.sessions.append(f"{rule} (refused by both EMs)")
    model = merge_m(model, trainer.misc.save_model_to_json(), report, u_floor=0.5 / max_pairs)
    linker = Linker(_one(tables), model, log_level=None)
    lambda_rules = deterministic or [block_on(*[c for c in ("given_name", "family_name", "dob") if c in present])]
    try:
        linker.training.estimate_probability_two_random_records_match(lambda_rules, recall=recall)
    except Exception:  # noqa: BLE001 - too few exact pairs to estimate: keep Splink's prior
        pass
    predictions = linker.inference.predict(threshold_match_probability=floor)
    rendered = [r["blocking_rule"] for r in model.get("blocking_rules_to_generate_predictions", [])]
    return ModelRun(linker, predictions, rendered, report)


def _one(tables: list):  # noqa: ANN202 - a Splink dataframe or a list of them
    return tables if len(tables) > 1 else tables[0]


def score_with(tables: list, model: dict, *, floor: float = FLOOR_PROBABILITY) -> ModelRun:
    """Score blocked pairs with a model trained before (an incremental run keeps the parameters)."""
    linker = Linker(tables if len(tables) > 1 else tables[0], model, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=floor)
    rules = [r["blocking_rule"] for r in model.get("blocking_rules_to_generate_predictions", [])]
    return ModelRun(linker, predictions, rules)


def level_labels(linker: Linker) -> dict[str, dict[int, str]]:
    """gamma column -> comparison vector value -> label of the level with its match weight (for examples)."""
    out: dict[str, dict[int, str]] = {}
    for comparison in linker._settings_obj.comparisons:
        levels = {}
        for lvl in comparison.comparison_levels:
            weight = "" if lvl.is_null_level else f" ({lvl._log2_bayes_factor:+.1f})"
            levels[lvl.comparison_vector_value] = f"{lvl.label_for_charts}{weight}"
        out[f"gamma_{comparison.output_column_name}"] = levels
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
