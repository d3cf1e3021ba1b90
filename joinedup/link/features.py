"""Comparison features of person records: normalised names, name groups, phonetic keys, dates, postcodes.

The functions here and in `name_parts` are the one definition of every key. A link run applies them
to each distinct value once (`joinedup.link.feature_sql`: the engine lists the values and joins the
records with the mapped dictionaries); `person_features` applies them to a polars frame of records,
for small callers (`joinedup match`, the tests) and as the reference the engine's features equal.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import polars as pl

from joinedup.link.name_parts import family_key, family_parts, given_initial, given_tokens, strip_titles
from joinedup.link.names import canonical_forms, normalise, phonetic, soundex

__all__ = ["FEATURE_COLUMNS", "person_features", "parse_date", "normalise_postcode", "normalise_address", "nhs_digits",
           "other_id_key"]

#: Columns every feature frame has (beside unique_id and any extra columns the caller keeps).
FEATURE_COLUMNS = (
    "given_name", "family_name", "given_canon", "given_ph", "family_ph", "given_sx", "family_sx",
    "family_names", "name_set", "given_all", "given_initial", "family_key", "family_parts", "dob", "dob_swap", "birth_year", "sex", "postcode", "postcode_sector",
    "postcode_district", "postcodes", "address", "addresses", "nhs_number", "other_id",
)

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


def normalise_postcode(value: str | None) -> str | None:
    """Upper case with one space before the inward code; None when it is not a UK-shaped postcode."""
    if value is None:
        return None
    text = re.sub(r"\s+", "", str(value).upper())
    m = _POSTCODE.match(text)
    return f"{m.group(1)} {m.group(2)}" if m else (text or None)


def normalise_address(value: str | None) -> str | None:
    """Lower case, accents folded, punctuation to spaces, digits kept ("58 Holly Bush Lane" is not "2 Holly Bush Lane")."""
    if value is None:
        return None
    folded = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", folded)).strip()
    return text or None


def parse_date(value: object) -> date | None:
    """A date from a date, datetime or a string in one of the usual formats; None when unreadable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def nhs_digits(value: str) -> str | None:
    """The digits of an NHS number as given; None when there are none."""
    return re.sub(r"\D", "", value) or None


def other_id_key(value: str) -> str | None:
    """Another identifier (e.g. a National Insurance number) in upper case, letters and digits only; None when empty."""
    return re.sub(r"[^A-Z0-9]", "", value.upper()) or None


def _mapped(col: pl.Series, fn, dtype: pl.DataType) -> pl.Series:
    values = col.drop_nulls().unique().to_list()
    mapping = {v: fn(v) for v in values}
    return col.replace_strict(mapping, default=None, return_dtype=dtype)


def _swap(d: date | None) -> str | None:
    # A transposed day and month is only a different valid date when the day is 12 or under.
    if d is None or d.day > 12 or d.day == d.month:
        return None
    return f"{d.year:04d}-{d.day:02d}-{d.month:02d}"


def person_features(df: pl.DataFrame) -> pl.DataFrame:
    """Add the comparison features to a frame with role columns (given_name, family_name, date_of_birth...).

    Optional list columns `family_names_all`, `postcodes_all`, `addresses_all` carry the history
    of a record (every value it has held); the features fold the current value into them.
    """
    n = df.height
    def col(name: str, dtype: pl.DataType = pl.Utf8) -> pl.Series:
        return df[name].cast(dtype) if name in df.columns else pl.Series(name, [None] * n, dtype=dtype)

    # titles and honorifics go first ("Mrs J Smith"); the first given name is the one compared, the
    # others (middle names) and the parts of a double-barrelled family name are kept beside it
    given, family = _mapped(col("given_name"), strip_titles, pl.Utf8), _mapped(col("family_name"), strip_titles, pl.Utf8)
    first = _mapped(given, lambda v: (given_tokens(v) or [None])[0], pl.Utf8)
    fkey = _mapped(family, family_key, pl.Utf8)
    dob_raw = df["date_of_birth"] if "date_of_birth" in df.columns else pl.Series([None] * n, dtype=pl.Date)
    dob = dob_raw if dob_raw.dtype == pl.Date else _mapped(dob_raw.cast(pl.Utf8), parse_date, pl.Date)
    postcode = _mapped(col("postcode"), normalise_postcode, pl.Utf8)
    address = _mapped(col("address"), normalise_address, pl.Utf8)
    feats = pl.DataFrame({
        "given_name": first,
        "family_name": family,
        "given_canon": _mapped(first, lambda v: canonical_forms(v) or None, pl.List(pl.Utf8)),
        "given_ph": _mapped(first, phonetic, pl.Utf8),
        "family_ph": _mapped(fkey, phonetic, pl.Utf8),
        "given_sx": _mapped(first, soundex, pl.Utf8),
        "family_sx": _mapped(fkey, soundex, pl.Utf8),
        "given_all": _mapped(given, lambda v: given_tokens(v) or None, pl.List(pl.Utf8)),
        "given_initial": _mapped(given, given_initial, pl.Utf8),
        "family_key": fkey,
        "family_parts": _mapped(family, lambda v: family_parts(v) or None, pl.List(pl.Utf8)),
        "dob": dob.dt.strftime("%Y-%m-%d"),
        "dob_swap": _mapped(dob, _swap, pl.Utf8),
        "birth_year": dob.dt.year().cast(pl.Utf8),
        "sex": _mapped(col("sex"), _sex, pl.Utf8),
        "postcode": postcode,
        "address": address,
        "nhs_number": _mapped(col("nhs_number"), nhs_digits, pl.Utf8),
        "other_id": _mapped(col("other_id"), other_id_key, pl.Utf8),
    })
    feats = feats.with_columns(
        # both names in alphabetical order: "chloe ryan" for Chloe Ryan and for "Ryna, Chloe" typed
        # the wrong way round, so a swap with a typo is a near spelling of one value
        name_set=pl.when(pl.col("given_name").is_not_null() & pl.col("family_name").is_not_null()).then(
            pl.concat_list("given_name", "family_name").list.sort().list.join(" ")),
        postcode_sector=pl.col("postcode").str.slice(0, pl.col("postcode").str.len_chars() - 2),
        postcode_district=pl.col("postcode").str.split(" ").list.first(),
        family_names=_fold(feats["family_name"], df, "family_names_all", normalise),
        postcodes=_fold(postcode, df, "postcodes_all", normalise_postcode),
        addresses=_fold(address, df, "addresses_all", normalise_address),
    )
    keep = [c for c in df.columns if c not in FEATURE_COLUMNS and c not in
            ("date_of_birth", "family_names_all", "postcodes_all", "addresses_all")]
    return pl.concat([df.select(keep), feats], how="horizontal")


def _fold(current: pl.Series, df: pl.DataFrame, history: str, fn) -> pl.Series:
    # the distinct values a record has held, current included, normalised like the current value
    if history in df.columns:
        hist = df.select(pl.col(history).cast(pl.List(pl.Utf8))).with_row_index("_i").explode(history)
        values = hist[history]
        hist = hist.with_columns(_mapped(values, fn, pl.Utf8).alias(history))
    else:
        hist = pl.DataFrame(schema={"_i": pl.UInt32, history: pl.Utf8})
    cur = pl.DataFrame({"_i": pl.int_range(0, len(current), dtype=pl.UInt32, eager=True), history: current})
    both = pl.concat([cur, hist]).drop_nulls().unique().sort("_i", history)
    folded = both.group_by("_i").agg(pl.col(history))
    out = pl.DataFrame({"_i": pl.int_range(0, len(current), dtype=pl.UInt32, eager=True)}).join(
        folded, on="_i", how="left", maintain_order="left")
    return out[history]


def _sex(value: str) -> str | None:
    v = value.strip().upper()[:1]
    return {"M": "M", "F": "F", "1": "M", "2": "F"}.get(v)
