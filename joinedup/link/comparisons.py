"""The comparison library: Splink comparisons over the features (no SQL dialect until Splink renders them).

Every level is built from Splink's level creators or from plain ANSI conditions, so the same
settings run on DuckDB and on Spark.
"""

from __future__ import annotations

import splink.comparison_level_library as cll
from splink import block_on
from splink.blocking_rule_library import And, CustomRule
from splink.internals.comparison_creator import ComparisonCreator

from splink import comparison_library as cl

__all__ = ["given_name", "family_name", "date_of_birth", "postcode", "address", "sex", "nhs_number",
           "other_id", "person_comparisons", "blocking_rules", "training_blocking_rules"]


def given_name() -> ComparisonCreator:
    """Given name: exact, near spelling, nickname or variant, phonetic, looser spelling, swapped with surname."""
    return cl.CustomComparison(output_column_name="given_name", comparison_levels=[
        cll.NullLevel("given_name"),
        cll.ExactMatchLevel("given_name").configure(tf_adjustment_column="given_name"),
        cll.JaroWinklerLevel("given_name", 0.92),
        cll.ArrayIntersectLevel("given_canon", 1).configure(label_for_charts="nickname or variant"),
        cll.ExactMatchLevel("given_ph").configure(label_for_charts="phonetic (NYSIIS)"),
        cll.CustomLevel("given_name_l = family_name_r AND family_name_l = given_name_r",
                        label_for_charts="given and family names swapped"),
        cll.JaroWinklerLevel("given_name", 0.8),
        cll.ElseLevel(),
    ])


def family_name() -> ComparisonCreator:
    """Family name: exact, near spelling, any name held over time (marriage), phonetic, looser spelling."""
    return cl.CustomComparison(output_column_name="family_name", comparison_levels=[
        cll.NullLevel("family_name"),
        cll.ExactMatchLevel("family_name").configure(tf_adjustment_column="family_name"),
        cll.JaroWinklerLevel("family_name", 0.92),
        cll.ArrayIntersectLevel("family_names", 1).configure(label_for_charts="a family name held over time"),
        cll.ExactMatchLevel("family_ph").configure(label_for_charts="phonetic (NYSIIS)"),
        cll.CustomLevel("given_name_l = family_name_r AND family_name_l = given_name_r",
                        label_for_charts="given and family names swapped"),
        cll.JaroWinklerLevel("family_name", 0.8),
        cll.ElseLevel(),
    ])


def date_of_birth() -> ComparisonCreator:
    """Date of birth: exact, day and month transposed, one digit apart, same year, else."""
    return cl.CustomComparison(output_column_name="dob", comparison_levels=[
        cll.NullLevel("dob"),
        cll.ExactMatchLevel("dob"),
        cll.CustomLevel("dob_l = dob_swap_r", label_for_charts="day and month transposed"),
        cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="one character apart"),
        cll.ExactMatchLevel("birth_year").configure(label_for_charts="same year of birth"),
        cll.ElseLevel(),
    ])


def postcode() -> ComparisonCreator:
    """Postcode: exact, any postcode held over time in common, same sector, same district, else."""
    return cl.CustomComparison(output_column_name="postcode", comparison_levels=[
        cll.NullLevel("postcode"),
        cll.ExactMatchLevel("postcode").configure(tf_adjustment_column="postcode"),
        cll.ArrayIntersectLevel("postcodes", 1).configure(label_for_charts="a postcode held over time"),
        cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="same sector"),
        cll.ExactMatchLevel("postcode_district").configure(label_for_charts="same district"),
        cll.ElseLevel(),
    ])


def address() -> ComparisonCreator:
    """Address line: exact, any address held over time, near spelling, else."""
    return cl.CustomComparison(output_column_name="address", comparison_levels=[
        cll.NullLevel("address"),
        cll.ExactMatchLevel("address"),
        cll.ArrayIntersectLevel("addresses", 1).configure(label_for_charts="an address held over time"),
        cll.JaroWinklerLevel("address", 0.9),
        cll.ElseLevel(),
    ])


def sex() -> ComparisonCreator:
    """Sex: same or different."""
    return cl.CustomComparison(output_column_name="sex", comparison_levels=[
        cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()])


def nhs_number() -> ComparisonCreator:
    """NHS number (where not already used exactly): same, one keying error apart, different."""
    return cl.CustomComparison(output_column_name="nhs_number", comparison_levels=[
        cll.NullLevel("nhs_number"),
        cll.ExactMatchLevel("nhs_number"),
        cll.DamerauLevenshteinLevel("nhs_number", 1).configure(label_for_charts="one keying error apart"),
        cll.ElseLevel(),
    ])


def other_id() -> ComparisonCreator:
    """Another identifier both sides carry (e.g. National Insurance number): same, one apart, different."""
    return cl.CustomComparison(output_column_name="other_id", comparison_levels=[
        cll.NullLevel("other_id"),
        cll.ExactMatchLevel("other_id"),
        cll.DamerauLevenshteinLevel("other_id", 1).configure(label_for_charts="one keying error apart"),
        cll.ElseLevel(),
    ])


_ALL = {"given_name": given_name, "family_name": family_name, "dob": date_of_birth,
        "postcode": postcode, "address": address, "sex": sex, "nhs_number": nhs_number,
        "other_id": other_id}


def person_comparisons(present: set[str]) -> list[ComparisonCreator]:
    """The comparisons whose feature columns carry any value (a column that is always empty teaches nothing)."""
    return [make() for name, make in _ALL.items() if name in present]


def blocking_rules(present: set[str], exclude_same: str | None = None) -> list:
    """Blocking rules for prediction: several independent keys, so a pair with one defect still meets.

    With `exclude_same`, pairs agreeing on that column (records already joined by an exact rule)
    are not compared again.
    """
    rules = []
    candidates = [
        (("dob",), block_on("dob", "given_sx")),
        (("dob",), block_on("dob", "family_sx")),
        (("family_name", "given_name"), block_on("family_sx", "given_sx", "birth_year")),
        (("postcode", "given_name"), block_on("postcode", "given_sx")),
        # dob_swap is an involution, so one direction of the equality finds both orders of a pair
        (("dob", "family_name"), "l.dob = r.dob_swap AND l.family_sx = r.family_sx"),
        (("dob", "postcode"), "l.dob = r.dob_swap AND l.postcode = r.postcode"),
        (("dob", "postcode"), block_on("dob", "postcode")),
        (("given_name", "family_name"), "l.given_sx = r.family_sx AND l.family_sx = r.given_sx"),
        (("nhs_number",), block_on("nhs_number")),
        (("other_id",), block_on("other_id")),
        (("postcode", "family_name"), block_on("postcode", "family_sx")),
        (("given_name", "family_name"), block_on("given_name", "family_name")),
    ]
    for need, rule in candidates:
        if all(n in present for n in need):
            rule = CustomRule(rule) if isinstance(rule, str) else rule
            rules.append(And(rule, CustomRule(f"l.{exclude_same} <> r.{exclude_same}")) if exclude_same else rule)
    return rules


def training_blocking_rules(present: set[str]) -> list:
    """Two blocking rules for EM, each leaving out what the other fixes, so every comparison is learnt."""
    rules = []
    if "dob" in present:
        rules.append(block_on("dob"))
    if "family_name" in present and "given_name" in present:
        rules.append(block_on("family_name", "given_name"))
    if "postcode" in present and len(rules) < 2:
        rules.append(block_on("postcode"))
    return rules
