"""`joinedup match`: link any two files that describe people, writing scored candidate pairs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from joinedup.errors import UserError
from joinedup.inputs import MAX_MATCH_BYTES, regular_file, utf16_bom
from joinedup.link.engine import Engine
from joinedup.link.features import person_features
from joinedup.link.model import fit_and_score
from joinedup.link.roles import recognise

__all__ = ["MatchResult", "match_files", "read_people_file", "DEFAULT_THRESHOLD", "MAX_INPUT_BYTES"]

#: The largest input file (stated in `joinedup match --help`).
MAX_INPUT_BYTES = MAX_MATCH_BYTES

#: Probability at or above which a pair is called a link (justified in docs/linkage.md).
DEFAULT_THRESHOLD = 0.5


@dataclass
class MatchResult:
    """What a match run found: pairs written, links called, and quality when a truth column was named."""

    pairs: int
    links: int
    threshold: float
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None


def read_people_file(path: Path) -> pl.DataFrame:
    """A CSV (or Parquet) file as text columns; a one-line error when it cannot be read."""
    regular_file(path, limit=MAX_INPUT_BYTES, what="file to match")
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if utf16_bom(head):
        raise UserError("UTF-16 text; save the file as UTF-8", file=str(path))
    if not head.strip():
        raise UserError("empty file", file=str(path))
    try:
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path).cast(pl.Utf8)
        return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError) as e:
        raise UserError(f"cannot read as CSV or Parquet ({type(e).__name__})", file=str(path)) from None


def _role_frame(df: pl.DataFrame, roles: dict[str, list[str]], prefix: str) -> pl.DataFrame:
    cols: dict[str, pl.Expr] = {"unique_id": pl.lit(prefix) + pl.int_range(1, pl.len() + 1).cast(pl.Utf8)}
    for role, names in roles.items():
        if role == "address" or len(names) > 1:
            cols[role] = pl.concat_str([pl.col(n).fill_null("") for n in names], separator=" ").str.strip_chars()
        else:
            cols[role] = pl.col(names[0])
    frame = df.select(**cols)
    if "full_name" in frame.columns:
        parts = pl.col("full_name").str.strip_chars().str.split(" ")
        if "given_name" not in frame.columns:
            frame = frame.with_columns(given_name=parts.list.first())
        if "family_name" not in frame.columns:
            frame = frame.with_columns(family_name=pl.when(parts.list.len() > 1).then(parts.list.last()))
        frame = frame.drop("full_name")
    return frame


_FEATURES_FOR_ROLE = {"given_name": "given_name", "family_name": "family_name", "date_of_birth": "dob",
                      "sex": "sex", "postcode": "postcode", "address": "address", "nhs_number": "nhs_number",
                      "other_id": "other_id"}


def match_files(a: Path, b: Path, out: Path, maps: dict[str, str], truth_column: str | None = None,
                threshold: float = DEFAULT_THRESHOLD) -> MatchResult:
    """Link file A to file B and write every candidate pair above the floor with its probability."""
    frames, roles_seen = [], []
    for path, prefix in ((a, "a"), (b, "b")):
        df = read_people_file(path)
        if truth_column and truth_column not in df.columns:
            raise UserError(f"no column '{truth_column}' for --truth-column", file=str(path))
        roles = recognise(df.columns, maps, file=str(path), exclude=(truth_column,) if truth_column else ())
        roles_seen.append(roles)
        frame = _role_frame(df, roles, prefix)
        if truth_column:
            frame = frame.with_columns(df[truth_column].alias("_truth"))
        frames.append(frame)
    if frames[0].height == 0 or frames[1].height == 0:
        raise UserError("nothing to match: a file has no data rows", file=str(a if frames[0].height == 0 else b))
    common = set(roles_seen[0]) & set(roles_seen[1])
    if "full_name" in common:
        common |= {"given_name", "family_name"}
    present = {_FEATURES_FOR_ROLE[r] for r in common if r in _FEATURES_FOR_ROLE}
    if not present & {"given_name", "family_name", "dob", "nhs_number", "other_id"}:
        raise UserError("the two files share no person column (name, date of birth or identifier) to compare")
    feats = [person_features(f.drop("_truth") if "_truth" in f.columns else f) for f in frames]
    engine = Engine()
    try:
        tables = [engine.register(f, n) for f, n in zip(feats, ("file_a", "file_b"))]
        run = fit_and_score(tables, present, "link_only")
        pairs = engine.query(
            f"SELECT unique_id_l, unique_id_r, match_weight, match_probability FROM {run.predictions.physical_name}")
    finally:
        engine.close()
    pairs = pairs.with_columns(
        a_row=pl.col("unique_id_l").str.slice(1).cast(pl.Int64),
        b_row=pl.col("unique_id_r").str.slice(1).cast(pl.Int64),
    ).select("a_row", "b_row", "match_weight", "match_probability",
             is_link=pl.col("match_probability") >= threshold).sort("a_row", "b_row")
    result = MatchResult(pairs=pairs.height, links=int(pairs["is_link"].sum()), threshold=threshold)
    if truth_column:
        ta = frames[0].select(a_row=pl.int_range(1, pl.len() + 1), ta=pl.col("_truth"))
        tb = frames[1].select(b_row=pl.int_range(1, pl.len() + 1), tb=pl.col("_truth"))
        pairs = pairs.join(ta, on="a_row", how="left").join(tb, on="b_row", how="left").with_columns(
            truth_match=(pl.col("ta") == pl.col("tb")).fill_null(False)).drop("ta", "tb")
        true_pairs = ta.drop_nulls().join(tb.drop_nulls(), left_on="ta", right_on="tb").height
        tp = int(pairs.filter(pl.col("is_link") & pl.col("truth_match")).height)
        precision = tp / result.links if result.links else 0.0
        recall = tp / true_pairs if true_pairs else 0.0
        result.precision, result.recall = precision, recall
        result.f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out.parent.mkdir(parents=True, exist_ok=True)
    pairs.write_csv(out)
    return result
