"""The exact rules: one verified NHS number (or pupil number), guarded; one system's own local id."""

from __future__ import annotations

import polars as pl

__all__ = ["exact_edges", "MAX_GROUP"]

#: An identifier shared by more records than this is a placeholder or a data error, not one person.
MAX_GROUP = 40


def _guard() -> pl.Expr:
    # Date of birth agreeing (allowing a transposed day and month) or the names agreeing phonetically
    # or as nickname variants: a shared number with neither is left for the probabilistic stage.
    same_dob = (pl.col("dob") == pl.col("dob_r")) | (pl.col("dob") == pl.col("dob_swap_r"))
    same_given = (pl.col("given_ph") == pl.col("given_ph_r")) | (
        pl.col("given_canon").list.set_intersection(pl.col("given_canon_r")).list.len() > 0)
    same_family = pl.col("family_names").list.set_intersection(pl.col("family_names_r")).list.len() > 0
    return same_dob.fill_null(False) | (same_given.fill_null(False) & same_family.fill_null(False))


def _pairs(feats: pl.DataFrame, key: str, method: str, guarded: bool) -> pl.DataFrame:
    cols = ["unique_id", key, "dob", "dob_swap", "given_ph", "given_canon", "family_names"]
    g = feats.select(cols).filter(pl.col(key).is_not_null())
    g = g.filter(pl.len().over(key).is_between(2, MAX_GROUP))
    pairs = g.join(g, on=key, suffix="_r").filter(pl.col("unique_id") < pl.col("unique_id_r"))
    if guarded:
        pairs = pairs.filter(_guard())
    return pairs.select(uid_l="unique_id", uid_r="unique_id_r", probability=pl.lit(1.0), method=pl.lit(method))


def exact_edges(feats: pl.DataFrame) -> pl.DataFrame:
    """Edges (uid_l, uid_r, probability 1, method) from the exact rules."""
    with_verified = feats.with_columns(
        nhs_key=pl.when(pl.col("nhs_number_verified").fill_null(False)).then(pl.col("nhs_number_pseudo")))
    parts = [
        _pairs(with_verified, "nhs_key", "nhs_number", guarded=True),
        _pairs(feats, "upn_pseudo", "upn", guarded=True),
        _pairs(feats, "local_id_pseudo", "local_id", guarded=False),
    ]
    return pl.concat(parts)
