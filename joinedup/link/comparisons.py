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

__all__ = ["NAME_SHAPES", "evidence", "home", "given_name", "family_name", "date_of_birth", "postcode", "address", "sex", "nhs_number",
           "other_id", "person_comparisons", "blocking_rules", "training_blocking_rules"]


#: Name shapes a file can show (see `name_shapes`); each adds the comparison level that reads it.
NAME_SHAPES = ("initials", "middle_names", "multipart_family")


def given_name(shapes: frozenset[str] = frozenset()) -> ComparisonCreator:
    """Given name: exact, near spelling, nickname or variant, phonetic, looser spelling, swapped with surname.

    Where the data has them: an initial against a name it begins (`initials`), and a given name
    in common among first and middle names (`middle_names`).
    """
    levels = [
        cll.NullLevel("given_name"),
        cll.ExactMatchLevel("given_name").configure(tf_adjustment_column="given_name"),
        cll.JaroWinklerLevel("given_name", 0.92),
        cll.ArrayIntersectLevel("given_canon", 1).configure(label_for_charts="nickname or variant"),
        cll.ExactMatchLevel("given_ph").configure(label_for_charts="phonetic (NYSIIS)"),
    ]
    if "middle_names" in shapes:
        levels.append(cll.ArrayIntersectLevel("given_all", 1).configure(label_for_charts="a given name in common"))
    levels.append(cll.CustomLevel("given_name_l = family_name_r AND family_name_l = given_name_r",
                                  label_for_charts="given and family names swapped"))
    levels.append(_swapped_near().configure(label_for_charts="names swapped, near spelling"))
    # one name written in the other's field ("Smith John" against "John Brown"): the given name
    # weighs it, as it weighs a full swap; the family name comparison sees its own field disagree
    levels.append(cll.CustomLevel("given_name_l = family_name_r OR family_name_l = given_name_r",
                                  label_for_charts="a name in the other name's field"))
    if "initials" in shapes:
        levels.append(cll.CustomLevel(
            "given_initial_l = given_initial_r AND (LENGTH(given_name_l) = 1 OR LENGTH(given_name_r) = 1)",
            label_for_charts="an initial agrees with the name"))
    levels += [cll.JaroWinklerLevel("given_name", 0.8), cll.ElseLevel()]
    return cl.CustomComparison(output_column_name="given_name", comparison_levels=levels)


def family_name(shapes: frozenset[str] = frozenset()) -> ComparisonCreator:
    """Family name: exact, near spelling, any name held over time (marriage), phonetic, looser spelling.

    Where the data has double-barrelled, hyphenated or particle names (`multipart_family`): the
    name written without spaces agrees ("Van der Berg", "Vanderberg"), or one part agrees ("Smith-Jones", "Jones").
    """
    levels = [
        cll.NullLevel("family_name"),
        cll.ExactMatchLevel("family_name").configure(tf_adjustment_column="family_name"),
    ]
    if "multipart_family" in shapes:
        levels.append(cll.ExactMatchLevel("family_key").configure(label_for_charts="same name without spaces"))
    levels += [
        cll.JaroWinklerLevel("family_name", 0.92),
        cll.ArrayIntersectLevel("family_names", 1).configure(label_for_charts="a family name held over time"),
    ]
    if "multipart_family" in shapes:
        levels.append(cll.ArrayIntersectLevel("family_parts", 1).configure(
            label_for_charts="one part of a double-barrelled name"))
    levels += [
        cll.ExactMatchLevel("family_ph").configure(label_for_charts="phonetic (NYSIIS)"),
        # names swapped is evidence once: the given-name comparison weighs it, this level is neutral
        cll.Or(cll.CustomLevel("given_name_l = family_name_r AND family_name_l = given_name_r"),
               _swapped_near()).configure(
            label_for_charts="names swapped (weighed under given name)", m_probability=0.5, u_probability=0.5,
            fix_m_probability=True, fix_u_probability=True),
        cll.JaroWinklerLevel("family_name", 0.8),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(output_column_name="family_name", comparison_levels=levels)


def _swapped_near():
    # both names differ side to side, but the two names in alphabetical order are a near spelling
    return cll.And(cll.CustomLevel("given_name_l <> given_name_r AND family_name_l <> family_name_r"),
                   cll.JaroWinklerLevel("name_set", 0.9))


def evidence(column: str) -> ComparisonCreator:
    """A column a user maps as evidence (email, birthplace, occupation): exact (tf adjusted), near spelling, else."""
    return cl.CustomComparison(output_column_name=column, comparison_levels=[
        cll.NullLevel(column),
        cll.ExactMatchLevel(column).configure(tf_adjustment_column=column),
        cll.JaroWinklerLevel(column, 0.88),
        cll.ElseLevel(),
    ])


def date_of_birth() -> ComparisonCreator:
    """Date of birth: exact, day and month transposed, two of year/month/day agree, same year, else.

    Dates are ISO text (YYYY-MM-DD), so the parts are fixed substrings: cheaper than an edit distance
    on every pair and the same on every engine.
    """
    return cl.CustomComparison(output_column_name="dob", comparison_levels=[
        cll.NullLevel("dob"),
        cll.ExactMatchLevel("dob"),
        cll.CustomLevel("dob_l = dob_swap_r", label_for_charts="day and month transposed"),
        cll.CustomLevel("SUBSTR(dob_l, 1, 7) = SUBSTR(dob_r, 1, 7) OR SUBSTR(dob_l, 6, 5) = SUBSTR(dob_r, 6, 5) "
                        "OR (SUBSTR(dob_l, 1, 4) = SUBSTR(dob_r, 1, 4) AND SUBSTR(dob_l, 9, 2) = SUBSTR(dob_r, 9, 2))",
                        label_for_charts="two of year, month and day agree"),
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


def home() -> ComparisonCreator:
    """Where a person lives, postcode and address line as one comparison (two would count one home twice).

    Same postcode and address line, an address held over time in common, same postcode (tf
    adjusted), a postcode held over time, the address line near spelling under another postcode
    (a mistyped postcode), same sector, same district, else.
    """
    return cl.CustomComparison(output_column_name="home", comparison_levels=[
        cll.NullLevel("postcode"),
        cll.CustomLevel("postcode_l = postcode_r AND address_l = address_r",
                        label_for_charts="same postcode and address line"),
        cll.And(cll.CustomLevel("postcode_l = postcode_r"), cll.JaroWinklerLevel("address", 0.9)).configure(
            label_for_charts="same postcode, address line near spelling"),
        cll.ArrayIntersectLevel("addresses", 1).configure(label_for_charts="an address held over time"),
        cll.ExactMatchLevel("postcode").configure(tf_adjustment_column="postcode"),
        cll.ArrayIntersectLevel("postcodes", 1).configure(label_for_charts="a postcode held over time"),
        # the same home under a mistyped postcode (digits transposed), the line written a little differently
        cll.JaroWinklerLevel("address", 0.8).configure(label_for_charts="address line near spelling, postcode differs"),
        cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="same sector"),
        cll.ExactMatchLevel("postcode_district").configure(label_for_charts="same district"),
        cll.ElseLevel(),
    ])


def sex() -> ComparisonCreator:
    """Sex: same or different."""
    return cl.CustomComparison(output_column_name="sex", comparison_levels=[
        cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()])


def nhs_number() -> ComparisonCreator:
    """NHS number (verified or not): same or different; a mistyped number fails its check digit."""
    return cl.CustomComparison(output_column_name="nhs_number", comparison_levels=[
        cll.NullLevel("nhs_number"), cll.ExactMatchLevel("nhs_number"), cll.ElseLevel()])


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


def person_comparisons(present: set[str], evidence_columns: tuple[str, ...] = ()) -> list[ComparisonCreator]:
    """The comparisons whose feature columns carry any value (a column that is always empty teaches nothing).

    `present` may also name the NAME_SHAPES the data shows; `evidence_columns` are compared as evidence.
    """
    shapes = frozenset(present) & frozenset(NAME_SHAPES)
    out = []
    for name, make in _ALL.items():
        if name == "postcode" and "address" in present:
            out.append(home())
        elif name == "address" and "postcode" in present:
            continue
        elif name in present:
            out.append(make(shapes) if name in ("given_name", "family_name") else make())
    return out + [evidence(c) for c in evidence_columns]


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
        (("given_name", "family_name", "dob"),
         "l.given_sx = r.family_sx AND l.family_sx = r.given_sx AND l.birth_year = r.birth_year"),
        (("nhs_number",), block_on("nhs_number")),
        (("other_id",), block_on("other_id")),
        (("postcode", "family_name"), block_on("postcode", "family_sx")),
        (("given_name", "family_name", "postcode"), block_on("given_name", "family_name", "postcode_district")),
    ]
    for need, rule in candidates:
        if all(n in present for n in need):
            rule = CustomRule(rule) if isinstance(rule, str) else rule
            rules.append(And(rule, CustomRule(f"l.{exclude_same} <> r.{exclude_same}")) if exclude_same else rule)
    return rules


def training_blocking_rules(present: set[str]) -> list[tuple[object, set[str]]]:
    """EM sessions as (blocking rule, comparisons it fixes), each leaving out what the other fixes."""
    rules: list[tuple[object, set[str]]] = []
    if "dob" in present:
        rules.append((block_on("dob"), {"dob"}))
    if "family_name" in present and "given_name" in present:
        rules.append((block_on("family_name", "given_name"), {"given_name", "family_name"}))
    if "postcode" in present and len(rules) < 2:
        rules.append((block_on("postcode"), {"postcode", "home"}))
    return rules
