"""Comparison features built in the engine: Python maps each distinct raw value once, SQL does the rest.

The engine lists the distinct values of each field (given names; family names, postcodes and
addresses with their history values; sexes; dates of birth); Python maps them, a batch at a time,
with the functions of `joinedup.link.features` and `joinedup.link.name_parts` (the one definition of
every key) into dictionaries put back into the engine; the features table is then the records joined
with the dictionaries, the simple columns (digits of the NHS number, other_id, name_set, postcode
sector and district, dates as text, histories folded to sorted distinct lists) computed in SQL (the
rare NHS numbers and other ids that are not printable ASCII are mapped by Python too). The result
equals `person_features` of the same records, row for row, in the records' order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import polars as pl
from sqlglot import exp

from joinedup.link.features import _sex, _swap, nhs_digits, normalise_address, normalise_postcode, other_id_key, parse_date
from joinedup.link.name_parts import family_key, family_parts, given_initial, given_tokens, strip_titles
from joinedup.link.names import canonical_forms, normalise, phonetic, soundex
from joinedup.link.sql import LinkSQL, aliased, as_, asc, case, cast, col, concat, not_null, number, over, ref, sub, text, union_all

__all__ = ["DICTIONARY_ROWS", "features_table", "given_entry", "family_entry", "dob_entry"]

#: Distinct values mapped by Python at a time (each batch is one dictionary slice put into the engine).
DICTIONARY_ROWS = 200_000

_S, _L = pl.Utf8, pl.List(pl.Utf8)
_HISTORY = ("family_name", "postcode", "address")


def given_entry(raw: str) -> dict:
    """The given-name features of one raw given name (titles dropped; the first given name compared)."""
    given = strip_titles(raw)
    first = (given_tokens(given) or [None])[0] if given is not None else None
    return {"given_name": first,
            "given_canon": (canonical_forms(first) or None) if first is not None else None,
            "given_ph": phonetic(first) if first is not None else None,
            "given_sx": soundex(first) if first is not None else None,
            "given_all": (given_tokens(given) or None) if given is not None else None,
            "given_initial": given_initial(given) if given is not None else None}


def family_entry(raw: str) -> dict:
    """The family-name features of one raw family name, and its normalised form as a history value."""
    family = strip_titles(raw)
    key = family_key(family) if family is not None else None
    return {"family_name": family,
            "family_ph": phonetic(key) if key is not None else None,
            "family_sx": soundex(key) if key is not None else None,
            "family_key": key,
            "family_parts": (family_parts(family) or None) if family is not None else None,
            "family_hist": normalise(raw)}


def dob_entry(raw: object) -> dict:
    """A date of birth (a date, or text read by `parse_date`) and its day and month swapped when that is another date."""
    day = parse_date(raw)
    return {"dob_date": day, "dob_swap": _swap(day)}


_GIVEN = {"given_name": _S, "given_canon": _L, "given_ph": _S, "given_sx": _S, "given_all": _L, "given_initial": _S}
_FAMILY = {"family_name": _S, "family_ph": _S, "family_sx": _S, "family_key": _S, "family_parts": _L, "family_hist": _S}


def _dictionary(held: LinkSQL, values: exp.Query, entry: Callable[[object], dict], schema: dict,
                batch: int, key: pl.DataType = _S) -> str:
    """A table (key, columns of `schema`): each distinct non-null value of `values`' column `v`, mapped once by Python."""
    distinct = exp.select(col("v")).distinct().from_(sub(values, "q")).where(not_null(col("v")))
    numbered = held.table("distinct", exp.select(col("v"), as_(over(exp.RowNumber(), order_by=(asc(col("v")),)), "n"))
                          .from_(sub(distinct, "d")))
    total = held.scalar(exp.select(exp.Count(this=exp.Star())).from_(ref(numbered)))
    frame_schema = {"key": key, **schema}

    def frames() -> Iterable[pl.DataFrame]:
        for start in range(0, max(total, 1), batch):
            keys = held.fetch(exp.select(col("v")).from_(ref(numbered)).where(
                exp.and_(exp.GT(this=col("n"), expression=number(start)),
                         exp.LTE(this=col("n"), expression=number(start + batch))))).get_column("v").to_list() if total else []
            rows = [{"key": k, **entry(k)} for k in keys]
            yield pl.DataFrame(rows, schema=frame_schema, orient="row") if rows else pl.DataFrame(schema=frame_schema)

    name = held.put_all("dict", frames())
    held.drop(numbered)
    assert name is not None  # one frame at least, empty when there are no values
    return name


def _values(records: str, field: str, history: exp.Table | None) -> exp.Query:
    """The raw values of a field: the records' current values and, for folded fields, their history values."""
    current = exp.select(as_(col(field), "v")).from_(ref(records))
    if history is None or field not in _HISTORY:
        return current
    past = (exp.select(as_(col("value", "h"), "v")).from_(aliased(history, "h"))
            .join(ref(records, "r"), on=col("record_id", "r").eq(col("record_id", "h")))
            .where(col("field", "h").eq(text(field))))
    return union_all(current, past)


def _fold(records: str, field: str, current: exp.Expression, past: str, history: exp.Table | None,
          dictionary: str, name: str) -> exp.Query:
    """(record_id, name): each record's distinct mapped values of a field, current and past, sorted; none is no row."""
    now = (exp.select(col("record_id", "r"), as_(current, "v")).from_(ref(records, "r"))
           .join(ref(dictionary, "d"), on=col("key", "d").eq(col(field, "r"))))
    both: exp.Query = now
    if history is not None:
        then = (exp.select(col("record_id", "h"), as_(col(past, "d"), "v"))
                .from_(aliased(history, "h"))
                .join(ref(dictionary, "d"), on=col("key", "d").eq(col("value", "h")))
                .where(col("field", "h").eq(text(field))))
        both = union_all(now, then)
    values = exp.ArrayAgg(this=exp.Distinct(expressions=[col("v")]))
    return (exp.select(col("record_id"), as_(exp.ArraySort(this=values), name)).from_(sub(both, "b"))
            .where(not_null(col("v"))).group_by(col("record_id")))


#: Text of printable ASCII only: there SQL's [^0-9] and UPPER mean what Python's \D and str.upper do.
_PLAIN = "^[ -~]*$"


def _cleaned(field: str, pattern: str, upper: bool, dictionary: str) -> exp.Expression:
    """A field with `pattern` removed (upper-cased first), NULL when empty: SQL on printable ASCII, else the dictionary's."""
    value = exp.Upper(this=col(field, "r")) if upper else col(field, "r")
    cleaned = exp.RegexpReplace(this=value, expression=text(pattern), replacement=text(""), modifiers=text("g"))
    plain = exp.RegexpLike(this=col(field, "r"), expression=text(_PLAIN))
    return case([(plain, exp.Nullif(this=cleaned, expression=text("")))], col("clean", dictionary))


def _unusual(records: str, field: str) -> exp.Query:
    """The values of a field that are not printable ASCII (rare: Python maps them)."""
    return (exp.select(as_(col(field), "v")).from_(ref(records))
            .where(exp.Not(this=exp.RegexpLike(this=col(field), expression=text(_PLAIN)))))


def _postcode_parts(p: exp.Expression) -> tuple[exp.Expression, exp.Expression]:
    # the sector drops the last two characters (a postcode of one character is kept whole); the
    # district is what comes before the first space (the whole when there is none)
    length = exp.Length(this=p.copy())
    sector = case([(exp.GTE(this=length, expression=number(2)),
                    exp.Substring(this=p.copy(), start=number(1), length=exp.Sub(this=length.copy(), expression=number(2))))],
                  p.copy())
    space = exp.StrPosition(this=p.copy(), substr=text(" "))
    district = case([(exp.GT(this=space, expression=number(0)),
                      exp.Substring(this=p.copy(), start=number(1), length=exp.Sub(this=space.copy(), expression=number(1))))],
                    p.copy())
    return sector, district


def features_table(held: LinkSQL, records: str, history: exp.Table | None, keep: Sequence[str],
                   batch: int | None = None, order: str = "rowid") -> str:
    """A table of every record's comparison features, in the order of `records` (its first row of each record id).

    `records` is a table with record_id, the `keep` columns (first in the result), the raw identity fields and `order`
    (DuckDB's own row number, rowid, by default); `history` the opened identity_history (record_id,
    field, value), or None. Every step is SQL that DuckDB and Spark both run.
    """
    step = batch or DICTIONARY_ROWS
    hist = history
    # a record the vault holds twice comes once: its first row
    first = over(exp.RowNumber(), partition_by=(col("record_id"),), order_by=(asc(col(order)),))
    ordered = exp.select(exp.Star(), as_(col(order), "_row"), as_(first, "_nth")).from_(ref(records))
    records = held.table("records", exp.select(exp.Star()).from_(sub(ordered, "o")).where(col("_nth").eq(number(1))))
    given = _dictionary(held, _values(records, "given_name", None), given_entry, _GIVEN, step)
    family = _dictionary(held, _values(records, "family_name", hist), family_entry, _FAMILY, step)
    postcode = _dictionary(held, _values(records, "postcode", hist), lambda v: {"norm": normalise_postcode(v)},
                           {"norm": _S}, step)
    address = _dictionary(held, _values(records, "address", hist), lambda v: {"norm": normalise_address(v)},
                          {"norm": _S}, step)
    sex = _dictionary(held, _values(records, "sex", None), lambda v: {"sex": _sex(v)}, {"sex": _S}, step)
    nhs = _dictionary(held, _unusual(records, "nhs_number"), lambda v: {"clean": nhs_digits(v)}, {"clean": _S}, step)
    other = _dictionary(held, _unusual(records, "other_id"), lambda v: {"clean": other_id_key(v)}, {"clean": _S}, step)
    # dates of birth opened as dates (identify mode), or as text each distinct text read once
    dated = dict(held.backend.columns(records)).get("date_of_birth", "DATE").upper() == "DATE"
    born = _dictionary(held, exp.select(as_(col("date_of_birth"), "v")).from_(ref(records)), dob_entry,
                       {"dob_date": pl.Date, "dob_swap": _S}, step, pl.Date if dated else _S)
    folds = {
        "family_names": held.table("fold", _fold(records, "family_name", col("family_name", "d"), "family_hist", hist,
                                                 family, "family_names")),
        "postcodes": held.table("fold", _fold(records, "postcode", col("norm", "d"), "norm", hist, postcode, "postcodes")),
        "addresses": held.table("fold", _fold(records, "address", col("norm", "d"), "norm", hist, address, "addresses")),
    }
    dob = col("dob_date", "b")
    g, f = col("given_name", "g"), col("family_name", "f")
    postcode_now = col("norm", "p")
    sector, district = _postcode_parts(postcode_now)
    name_set = case([(exp.and_(not_null(g.copy()), not_null(f.copy())),
                      case([(exp.LTE(this=g.copy(), expression=f.copy()), concat(g.copy(), text(" "), f.copy()))],
                           concat(f.copy(), text(" "), g.copy())))])
    columns = [
        *(col(c, "r") for c in keep), as_(col("record_id", "r"), "unique_id"),
        as_(g, "given_name"), as_(f, "family_name"), *(col(c, "g") for c in ("given_canon", "given_ph")),
        col("family_ph", "f"), col("given_sx", "g"), col("family_sx", "f"), col("given_all", "g"),
        col("given_initial", "g"), col("family_key", "f"), col("family_parts", "f"),
        as_(exp.TimeToStr(this=dob.copy(), format=text("%Y-%m-%d")), "dob"), col("dob_swap", "b"),
        as_(cast(exp.Year(this=dob.copy()), "varchar"), "birth_year"), col("sex", "s"),
        as_(postcode_now, "postcode"), as_(col("norm", "a"), "address"),
        as_(_cleaned("nhs_number", "[^0-9]", False, "n"), "nhs_number"),
        as_(_cleaned("other_id", "[^A-Z0-9]", True, "o"), "other_id"),
        as_(name_set, "name_set"), as_(sector, "postcode_sector"), as_(district, "postcode_district"),
        *(col(c, c) for c in folds),
    ]
    query = (exp.select(*columns).from_(ref(records, "r"))
             .join(ref(given, "g"), on=col("key", "g").eq(col("given_name", "r")), join_type="left")
             .join(ref(family, "f"), on=col("key", "f").eq(col("family_name", "r")), join_type="left")
             .join(ref(postcode, "p"), on=col("key", "p").eq(col("postcode", "r")), join_type="left")
             .join(ref(address, "a"), on=col("key", "a").eq(col("address", "r")), join_type="left")
             .join(ref(sex, "s"), on=col("key", "s").eq(col("sex", "r")), join_type="left")
             .join(ref(nhs, "n"), on=col("key", "n").eq(col("nhs_number", "r")), join_type="left")
             .join(ref(other, "o"), on=col("key", "o").eq(col("other_id", "r")), join_type="left"))
    query = query.join(ref(born, "b"), on=col("key", "b").eq(col("date_of_birth", "r")), join_type="left")
    for name, table in folds.items():
        query = query.join(ref(table, name), on=col("record_id", name).eq(col("record_id", "r")), join_type="left")
    out = held.table("features", query.order_by(asc(col("_row", "r"))))
    held.drop(records, given, family, postcode, address, sex, nhs, other, born, *folds.values())
    return out
