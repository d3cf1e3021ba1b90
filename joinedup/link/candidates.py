"""Candidate pairs chosen from the data: blocking rules kept by their measured comparison counts.

A fixed list of blocking rules assumes what the data holds (clean dates of birth, postcodes). Here
every rule the file's columns allow is counted first (Splink's blocking analysis,
`count_comparisons_from_blocking_rules`); a rule is kept when the pairs it creates fit the
budget, from the most specific to the broadest, so a file without dates of birth still gets
candidates from names, and a large file does not drown in pairs. After scoring, each rule's
recall is measured on the links the model found (`rule_recall`), so a user sees which rules carry
the linkage and how many links only one rule found.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from splink import block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.blocking_rule_library import CustomRule

__all__ = ["RuleChoice", "candidate_rules", "choose_rules", "rule_recall", "budget"]


@dataclass
class RuleChoice:
    """One candidate blocking rule: its keys, the comparisons it creates, whether it was kept and why not."""

    name: str
    keys: tuple[tuple[str, str], ...]
    comparisons: int
    kept: bool
    reason: str = ""


def candidate_rules(present: set[str], evidence: tuple[str, ...] = ()) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Every blocking rule the features allow, as (name, ((left column, right column), ...)), most specific first."""
    same = lambda *cols: tuple((c, c) for c in cols)  # noqa: E731
    rules: list[tuple[str, tuple, set[str]]] = [
        ("nhs_number", same("nhs_number"), {"nhs_number"}),
        ("other_id", same("other_id"), {"other_id"}),
        *[(f"{c}", same(c), set()) for c in evidence],
        ("given_name+family_name", same("given_name", "family_name"), {"given_name", "family_name"}),
        ("dob+given_sx", same("dob", "given_sx"), {"dob", "given_name"}),
        ("dob+family_sx", same("dob", "family_sx"), {"dob", "family_name"}),
        ("dob_swapped+family_sx", (("dob", "dob_swap"), ("family_sx", "family_sx")), {"dob", "family_name"}),
        ("given_sx+family_sx+birth_year", same("given_sx", "family_sx", "birth_year"),
         {"given_name", "family_name", "dob"}),
        ("names_swapped", (("given_sx", "family_sx"), ("family_sx", "given_sx")), {"given_name", "family_name"}),
        ("postcode+given_sx", same("postcode", "given_sx"), {"postcode", "given_name"}),
        ("postcode+family_sx", same("postcode", "family_sx"), {"postcode", "family_name"}),
        ("address+family_sx", same("address", "family_sx"), {"address", "family_name"}),
        ("address+given_sx", same("address", "given_sx"), {"address", "given_name"}),
        ("dob+postcode", same("dob", "postcode"), {"dob", "postcode"}),
        ("dob+address", same("dob", "address"), {"dob", "address"}),
        ("family_key+given_initial", same("family_key", "given_initial"), {"family_name", "given_name"}),
        ("given_sx+family_sx", same("given_sx", "family_sx"), {"given_name", "family_name"}),
        *[(f"{c}+given_initial", (*same(c), ("given_initial", "given_initial")), {"given_name"}) for c in evidence],
        ("dob", same("dob"), {"dob"}),
        ("family_sx+birth_year", same("family_sx", "birth_year"), {"family_name", "dob"}),
        ("given_sx+birth_year", same("given_sx", "birth_year"), {"given_name", "dob"}),
        ("postcode", same("postcode"), {"postcode"}),
        ("address", same("address"), {"address"}),
    ]
    return [(name, keys) for name, keys, need in rules if need <= present]


def _creator(keys: tuple[tuple[str, str], ...]):
    if all(left == right for left, right in keys):
        return block_on(*[left for left, _ in keys])
    return CustomRule(" AND ".join(f"l.{left} = r.{right}" for left, right in keys))


def budget(records: int) -> int:
    """Comparisons one rule may create: 40 per record, at least 250,000 (a few seconds' scoring)."""
    return max(250_000, 40 * records)


def choose_rules(tables: list, link_type: str, present: set[str], evidence: tuple[str, ...],
                 records: int) -> tuple[list, list[RuleChoice]]:
    """Blocking rules kept within the budget, from most specific to broadest, with every candidate's count."""
    cap, total_cap = budget(records), 6 * budget(records)
    sample = 1.0 if records <= 40_000 else 0.2
    choices: list[RuleChoice] = []
    kept, total = [], 0
    for name, keys in candidate_rules(present, evidence):
        counted = count_comparisons_from_blocking_rules(
            tables if len(tables) > 1 else tables[0], blocking_rules=_creator(keys), link_type=link_type,
            record_sample_proportion=sample)
        n = int(counted[0]["marginal_comparison_count"])
        if n == 0:
            choices.append(RuleChoice(name, keys, n, False, "finds no pairs"))
        elif n > cap:
            choices.append(RuleChoice(name, keys, n, False, f"over the budget of {cap:,} comparisons"))
        elif total + n > total_cap:
            choices.append(RuleChoice(name, keys, n, False, f"the total would pass {total_cap:,}"))
        else:
            choices.append(RuleChoice(name, keys, n, True))
            kept.append(_creator(keys))
            total += n
    return kept, choices


def rule_recall(links: pl.DataFrame, choices: list[RuleChoice]) -> dict[str, float | int]:
    """Share of the model's links each kept rule finds, and how many links only one rule found.

    `links` holds the features of both records of each link, suffixed `_l` and `_r`.
    """
    out: dict[str, float | int] = {}
    found = []
    for c in choices:
        if not c.kept:
            continue
        hit = pl.lit(True)
        for left, right in c.keys:
            hit = hit & (pl.col(f"{left}_l") == pl.col(f"{right}_r")).fill_null(False)
        if c.name == "names_swapped" or any(left != right for left, right in c.keys):
            alt = pl.lit(True)
            for left, right in c.keys:
                alt = alt & (pl.col(f"{right}_l") == pl.col(f"{left}_r")).fill_null(False)
            hit = hit | alt
        col = links.select(hit.alias("h"))["h"] if links.height else pl.Series("h", [], dtype=pl.Boolean)
        found.append(col)
        out[c.name] = float(col.mean()) if links.height else 0.0
    if found and links.height:
        count = pl.DataFrame({str(i): f.cast(pl.Int32) for i, f in enumerate(found)}).sum_horizontal()
        out["links_found_by_one_rule_only"] = int((count == 1).sum())
    return out
