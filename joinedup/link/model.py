"""The Fellegi-Sunter model: Splink settings, parameter estimation (u by sampling, m by EM) and scoring.

Engine-neutral: it takes a Splink database API (DuckDB now, Spark at scale) and tables already
registered in it; the only SQL it writes is ANSI (blocking rules and levels in comparisons.py).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from splink import Linker, SettingsCreator, block_on

from joinedup.link.comparisons import blocking_rules, person_comparisons, training_blocking_rules
from joinedup.link.training import M_FLOOR, EMReport, merge_m, train_m

__all__ = ["ModelRun", "fit_and_score", "score_with", "parameters", "level_labels", "floored", "FLOOR_PROBABILITY",
           "M_FLOOR"]

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
    # Splink checks the settings' columns against the tables here, once: every later Linker of the
    # run has the same comparisons and tables, so it skips the check (a second of parsing SQL each)
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
    model = floored(merge_m(model, trainer.misc.save_model_to_json(), report, u_floor=0.5 / max_pairs))
    linker = Linker(_one(tables), model, log_level=None, validate_settings=False)
    lambda_rules = deterministic or [block_on(*[c for c in ("given_name", "family_name", "dob") if c in present])]
    if not _estimate_prior(linker, lambda_rules, recall):
        linker = Linker(_one(tables), model, log_level=None, validate_settings=False)  # the prior Splink starts from
    predictions = linker.inference.predict(threshold_match_probability=floor)
    rendered = [r["blocking_rule"] for r in linker.misc.save_model_to_json()["blocking_rules_to_generate_predictions"]]
    return ModelRun(linker, predictions, rendered, report)



def _estimate_prior(linker: Linker, rules: list, recall: float) -> bool:
    """Estimate the prior (probability that two random records match) from `rules`; True when it is usable.

    Usable means strictly between 0 and 1: a prior of 0 (no pair meets the rules) or 1 (every pair
    does, e.g. a tiny store whose records all share a verified NHS number with their duplicates)
    makes every match weight infinite or undefined (Splink's predict takes log2(p / (1 - p))),
    and a store of one record has no pair to count at all. The caller then keeps the start value.
    """
    try:
        linker.training.estimate_probability_two_random_records_match(rules, recall=recall)
    except ZeroDivisionError:
        return False  # fewer than two records: no pair to count, and none to score
    except ValueError as e:
        # more pairs met the rules than the recall allows
        logging.getLogger(__name__).warning("match prior kept: %s", str(e).split(".")[0])
        return False
    prior = linker.misc.save_model_to_json()["probability_two_random_records_match"]
    return 0 < prior < 1


def floored(model: dict) -> dict:
    """The saved model with any learnt m below M_FLOOR raised to it (a pseudo-count, so no single level vetoes a link)."""
    for comparison in model["comparisons"]:
        for value, level in _numbered(comparison["comparison_levels"]):
            if value >= 0 and _prob(level, "m", value, comparison["comparison_levels"]) < M_FLOOR:
                level["m_probability"] = M_FLOOR
    return model


#: What Splink saves for a level that never occurred in training (its own constant; it reads it as 1e-6).
_NOT_OBSERVED = "level not observed in training dataset"


def _numbered(levels: list[dict]) -> list[tuple[int, dict]]:
    """Levels with Splink's comparison vector values: n-1 down to 0 from the top, -1 for the null level."""
    k = sum(1 for lvl in levels if not lvl.get("is_null_level")) - 1
    out = []
    for lvl in levels:
        if lvl.get("is_null_level"):
            out.append((-1, lvl))
        else:
            out.append((k, lvl))
            k -= 1
    return out


def _defaults(n: int) -> tuple[list[float], list[float]]:
    """Splink's starting m and u of a comparison with n non-null levels (index = comparison vector value)."""
    m = [0.05 / (n - 1)] * (n - 1) + [0.95] if n > 1 else [0.95]
    weights = ([-5.0] if n == 2 else [-5 + 8 * i / (n - 2) for i in range(n - 1)]) + [10.0] if n > 1 else [10.0]
    return m, [mv / 2 ** w for mv, w in zip(m, weights)]


def _prob(level: dict, which: str, value: int, levels: list[dict]) -> float:
    """A level's m or u as Splink reads it: trained, or 1e-6 when never observed, or its starting value."""
    raw = level.get(f"{which}_probability")
    if raw == _NOT_OBSERVED:
        return 1e-6
    if raw is None:
        m, u = _defaults(sum(1 for lvl in levels if not lvl.get("is_null_level")))
        return (m if which == "m" else u)[value]
    return float(raw)


def _levels(linker: Linker) -> list[tuple[str, list[tuple[int, dict]]]]:
    """(output column, [(comparison vector value, level with m and u as Splink reads them)]), from the
    model as Splink saves it (its public form) rather than its private settings object."""
    out = []
    for comparison in linker.misc.save_model_to_json()["comparisons"]:
        levels = comparison["comparison_levels"]
        values = []
        for value, lvl in _numbered(levels):
            if value >= 0:
                lvl = {**lvl, "m_probability": _prob(lvl, "m", value, levels),
                       "u_probability": _prob(lvl, "u", value, levels)}
            values.append((value, lvl))
        out.append((comparison["output_column_name"], values))
    return out


def _bayes_factor(level: dict) -> float:
    if level.get("is_null_level"):
        return 1.0
    m, u = level["m_probability"], level["u_probability"]
    return math.inf if u == 0 else m / u


def _weight(level: dict) -> float:
    bf = _bayes_factor(level)
    return math.inf if bf == math.inf else -math.inf if bf == 0 else math.log2(bf)


def _one(tables: list):
    return tables if len(tables) > 1 else tables[0]


def score_with(tables: list, model: dict, *, floor: float = FLOOR_PROBABILITY) -> ModelRun:
    """Score blocked pairs with a model trained before (an incremental run keeps the parameters)."""
    linker = Linker(tables if len(tables) > 1 else tables[0], model, log_level=None, validate_settings=False)
    predictions = linker.inference.predict(threshold_match_probability=floor)
    rules = [r["blocking_rule"] for r in model.get("blocking_rules_to_generate_predictions", [])]
    return ModelRun(linker, predictions, rules)


def level_labels(linker: Linker) -> dict[str, dict[int, str]]:
    """gamma column -> comparison vector value -> label of the level with its match weight (for examples)."""
    out: dict[str, dict[int, str]] = {}
    for column, levels in _levels(linker):
        labels = {}
        for value, lvl in levels:
            weight = "" if lvl.get("is_null_level") else f" ({_weight(lvl):+.1f})"
            labels[value] = f"{lvl.get('label_for_charts', lvl['sql_condition'])}{weight}"
        out[f"gamma_{column}"] = labels
    return out


def parameters(linker: Linker) -> list[dict]:
    """The learnt m and u of every comparison level, with its Bayes factor (for the report)."""
    rows = []
    for column, levels in _levels(linker):
        for _, level in levels:
            if level.get("is_null_level"):
                continue
            rows.append({"comparison": column, "level": level.get("label_for_charts", level["sql_condition"]),
                         "m": level.get("m_probability"), "u": level.get("u_probability"),
                         "bayes_factor": _bayes_factor(level), "match_weight": _weight(level)})
    return rows
