"""The exact rules: one verified NHS number (or pupil number), guarded; one system's own local id.

The rules run as SQL in the link engine (DuckDB or Spark) over the features table, so the pairs of
records sharing an identifier (every pair of a group, up to `MAX_GROUP` records) are made, guarded
and kept by the engine, which spills them to disk beyond its memory limit: they never come into
Python (at 1,000,000 people the same join in polars held ~12 GB).
"""

from __future__ import annotations

from sqlglot import exp

from joinedup.link.sql import LinkSQL, as_, cast, col, count, not_null, number, over, ref, sub, text, union_all

__all__ = ["exact_edges", "nhs_key", "MAX_GROUP"]

#: An identifier shared by more records than this is a placeholder or a data error, not one person.
MAX_GROUP = 40

#: What each rule joins on (a column of the features table, or nhs_key) and whether the guard applies.
_RULES = (("nhs_key", "nhs_number", True), ("upn_pseudo", "upn", True), ("local_id_pseudo", "local_id", False))

_SIDES = ("unique_id", "dob", "dob_swap", "given_ph", "given_canon", "family_names")


def nhs_key(table: str | None = None) -> exp.Expression:
    """The NHS number pseudonym where the number is verified, else NULL (the exact rule's and the guard's key)."""
    verified = exp.Coalesce(this=col("nhs_number_verified", table), expressions=[exp.false()])
    return exp.Case(ifs=[exp.If(this=verified, true=col("nhs_number_pseudo", table))])


def _overlap(left: exp.Expression, right: exp.Expression) -> exp.Expression:
    # two lists share a value (NULL when either is NULL; Spark's SIZE says -1 for NULL, which is not > 0 either)
    return exp.GT(this=exp.ArraySize(this=exp.ArrayIntersect(expressions=[left, right])), expression=number(0))


def _guard() -> exp.Expression:
    # Date of birth agreeing (allowing a transposed day and month) or the names agreeing phonetically
    # or as nickname variants: a shared number with neither is left for the probabilistic stage.
    def agrees(e: exp.Expression) -> exp.Expression:
        return exp.Coalesce(this=exp.Paren(this=e), expressions=[exp.false()])

    same_dob = exp.or_(col("dob", "l").eq(col("dob", "r")), col("dob", "l").eq(col("dob_swap", "r")))
    same_given = exp.or_(col("given_ph", "l").eq(col("given_ph", "r")),
                         _overlap(col("given_canon", "l"), col("given_canon", "r")))
    same_family = _overlap(col("family_names", "l"), col("family_names", "r"))
    return exp.or_(agrees(same_dob), exp.and_(agrees(same_given), agrees(same_family)))


def _rule(features: str, key: str, method: str, guarded: bool) -> exp.Select:
    key_expr = nhs_key() if key == "nhs_key" else col(key)
    keyed = (exp.select(*map(col, _SIDES), as_(key_expr, "key")).from_(ref(features)))
    sized = exp.select(exp.Star(), as_(over(count(), partition_by=(col("key"),)), "n")).from_(sub(keyed, "k")).where(
        not_null(col("key")))
    group = exp.select(*map(col, _SIDES), col("key")).from_(sub(sized, "s")).where(
        exp.Between(this=col("n"), low=number(2), high=number(MAX_GROUP)))
    on = exp.and_(col("key", "l").eq(col("key", "r")), exp.LT(this=col("unique_id", "l"), expression=col("unique_id", "r")))
    pairs = (exp.select(as_(col("unique_id", "l"), "uid_l"), as_(col("unique_id", "r"), "uid_r"),
                        as_(cast(number(1.0), "double"), "probability"), as_(text(method), "method"))
             .from_(sub(group, "l")).join(sub(group.copy(), "r"), on=on))
    return pairs.where(_guard()) if guarded else pairs


def exact_edges(link: LinkSQL, features: str) -> str:
    """A table (uid_l, uid_r, probability 1, method) in the link engine: the exact rules' edges over `features`.

    `features` is a table of the link engine with unique_id, nhs_number_pseudo, nhs_number_verified,
    upn_pseudo, local_id_pseudo and the guard's columns (dob, dob_swap, given_ph, given_canon, family_names).
    """
    return link.table("exact_edges", union_all(*(_rule(features, *rule) for rule in _RULES)))
