"""Reading the files `joinedup match` is given: the file's own id column, role columns, full names split."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from joinedup.errors import UserError
from joinedup.inputs import MAX_MATCH_BYTES, regular_file, utf16_bom
from joinedup.link.name_parts import split_full_name

__all__ = ["ID_COLUMNS", "read_people_file", "id_column", "role_frame", "evidence_name"]

#: Column names (normalised) taken as a file's own record id, in this order of preference.
ID_COLUMNS = ("unique_id", "record_id", "rec_id", "recid", "id", "row_id", "uid", "person_record_id")


def _key(column: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", column.strip().lower()).strip("_")


def read_people_file(path: Path) -> pl.DataFrame:
    """A CSV (or Parquet) file as text columns; a one-line error when it cannot be read."""
    regular_file(path, limit=MAX_MATCH_BYTES, what="file to match")
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


def id_column(df: pl.DataFrame, given: str | None, *, file: str) -> str | None:
    """The file's own id column (named by --id-column, or recognised by name); None when it has none.

    An id must name one row: an empty or repeated value is a one-line error with its row.
    """
    if given is not None:
        if given not in df.columns:
            raise UserError(f"no column '{given}' for --id-column", file=file)
        column = given
    else:
        by_key = {_key(c): c for c in df.columns}
        column = next((by_key[k] for k in ID_COLUMNS if k in by_key), None)
        if column is None:
            return None
    ids = df[column]
    if ids.null_count():
        row = int(ids.is_null().arg_max()) + 2  # +1 for the header, +1 to count from 1
        raise UserError("empty record id", file=file, row=row, field=column)
    dup = ~ids.is_first_distinct()
    if dup.any():
        row = int(dup.arg_max()) + 2
        raise UserError("record id repeated (an id must name one row; use --id-column to choose another)",
                        file=file, row=row, field=column)
    return column


def evidence_name(column: str) -> str:
    """The feature name of a column used as evidence (email -> ev_email)."""
    return "ev_" + _key(column)


def role_frame(df: pl.DataFrame, roles: dict[str, list[str]], prefix: str) -> pl.DataFrame:
    """unique_id (prefix + row number) and one column per role; several columns of one role are joined.

    A full-name column fills the given and family names where those are absent or empty; each
    evidence column becomes its own feature (ev_ + its name).
    """
    cols: dict[str, pl.Expr] = {"unique_id": pl.lit(prefix) + pl.int_range(1, pl.len() + 1).cast(pl.Utf8)}
    for role, names in roles.items():
        if role == "evidence":
            for n in names:
                cols[evidence_name(n)] = pl.col(n).str.strip_chars().str.to_lowercase()
        elif role == "address" or len(names) > 1:
            cols[role] = pl.concat_str([pl.col(n).fill_null("") for n in names], separator=" ").str.strip_chars()
        else:
            cols[role] = pl.col(names[0])
    frame = df.select(**cols)
    if "full_name" in frame.columns:
        split = {v: split_full_name(v) for v in frame["full_name"].drop_nulls().unique().to_list()}
        given = frame["full_name"].replace_strict({k: v[0] for k, v in split.items()}, default=None,
                                                  return_dtype=pl.Utf8)
        family = frame["full_name"].replace_strict({k: v[1] for k, v in split.items()}, default=None,
                                                   return_dtype=pl.Utf8)
        for role, parsed in (("given_name", given), ("family_name", family)):
            current = frame[role] if role in frame.columns else pl.Series([None] * frame.height, dtype=pl.Utf8)
            empty = current.is_null() | (current.str.strip_chars() == "")
            frame = frame.with_columns(pl.when(empty).then(parsed).otherwise(current).alias(role))
        frame = frame.drop("full_name")
    return frame
