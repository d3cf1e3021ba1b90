"""Typing and validation of one staged file, as set-based SQL built from the source spec.

Per field: required, type (dates in the source's format), impossible dates (unparseable or
before 1890), future dates (where `not_future`, and dates of birth), date order (`after`),
code lists, NHS number modulus-11 and postcode shape; then duplicates of the record key.

Row-level problems keep the row out (a problem in a required or key field, a future event
date, dates out of order, a duplicate). Value-level problems (an invalid optional value, an
NHS number failing its check digit, a malformed postcode) keep the row: the value is set aside
in quarantine with row_rejected=false and the field loads empty; an NHS number that fails its
check is kept, marked unverified.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from joinedup.sources import IDENTIFIER_ROLES, Source, SourceField, codes_of
from joinedup.store.sql import ident, lit, select

__all__ = ["FieldSql", "typed_query", "problems_queries", "nhs_check_sql", "postcode_norm_sql",
           "date_sql", "POSTCODE_PATTERN", "pseudo_kind", "EARLIEST_DATE"]

EARLIEST_DATE = "1890-01-01"
#: A full UK postcode (outward and inward code) or an outward code (district) alone.
POSTCODE_PATTERN = r"^[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9][A-Z]{2})?$"
_FORMAT_TEXT = {"%d/%m/%Y": "dd/mm/yyyy", "%Y-%m-%d": "yyyy-mm-dd"}


@dataclass(frozen=True)
class FieldSql:
    """Internal column names of one field in the typed table."""

    index: int
    field: SourceField
    #: whether the field has a row-level (e) / value-level (w) check: only those columns are kept
    row_checks: bool = True
    value_checks: bool = True

    @property
    def v(self) -> str:
        return f"__v{self.index}"

    @property
    def t(self) -> str:
        return f"__t{self.index}"

    @property
    def e(self) -> str:
        return f"__e{self.index}"

    @property
    def w(self) -> str:
        return f"__w{self.index}"


def pseudo_kind(src: Source, f: SourceField) -> str:
    """The HMAC kind used when a value of this identifier field is shown in quarantine."""
    if f.role == "nhs_number":
        return "nhs"
    if f.role == "upn":
        return "upn"
    if f.role == "local_id":
        return src.id_space
    return f"quarantine.{f.role}"


def nhs_check_sql(x: str) -> str:
    """SQL true when x is 10 digits with a valid modulus-11 check digit."""
    # digits by integer arithmetic on the number (one cast) rather than nine substrings cast one by one
    n = f"CAST({x} AS BIGINT)"
    total = " + ".join(f"(({n} // {10 ** (10 - i)}) % 10) * {11 - i}" for i in range(1, 10))
    check = f"(11 - (({total}) % 11)) % 11"
    # ten equal digits pass modulus 11 (0000000000, 1111111111...) but are placeholders, never issued
    placeholders = ", ".join(lit(str(d) * 10) for d in range(10))
    return (f"CASE WHEN regexp_full_match(coalesce({x}, ''), '[0-9]{{10}}') AND {x} NOT IN ({placeholders}) "
            f"THEN {check} <> 10 AND {check} = {n} % 10 ELSE FALSE END")


def postcode_norm_sql(v: str) -> str:
    """Upper case, single space before the inward code (districts alone stay as they are)."""
    p = f"upper(regexp_replace({v}, '\\s+', '', 'g'))"
    return f"CASE WHEN length({p}) >= 5 THEN left({p}, length({p}) - 3) || ' ' || right({p}, 3) ELSE {p} END"


def date_sql(v: str, fmt: str) -> str:
    """Parse text to a DATE in the source's format (NULL when impossible)."""
    return f"CAST(TRY_STRPTIME({v}, {lit(fmt)}) AS DATE)"


def _is_temporal(raw_type: str | None) -> bool:
    return bool(raw_type) and (raw_type.upper() == "DATE" or raw_type.upper().startswith("TIMESTAMP"))


def _raw_text(name: str | None, raw_type: str | None) -> str:
    if name is None:
        return "CAST(NULL AS VARCHAR)"
    col = ident(name)
    if _is_temporal(raw_type):
        return f"strftime(CAST({col} AS DATE), '%Y-%m-%d')"
    return f"NULLIF(TRIM(CAST({col} AS VARCHAR)), '')"


def _parsed(src: Source, fs: FieldSql, raw_type: str | None, present: bool) -> str:
    f, v = fs.field, fs.v
    rt = (raw_type or "VARCHAR").upper()
    if f.type == "date":
        if _is_temporal(rt):
            return f"CAST({ident(f.name)} AS DATE)" if present else "CAST(NULL AS DATE)"
        return date_sql(v, src.date_format)
    if f.type == "int":
        return f"TRY_CAST(TRY_CAST({v} AS DOUBLE) AS BIGINT)" if rt in ("DOUBLE", "FLOAT") else f"TRY_CAST({v} AS BIGINT)"
    if f.type == "decimal":
        return f"TRY_CAST({v} AS DOUBLE)"
    if f.type == "time":
        return f"TRY_CAST({v} AS TIME)"
    if f.type == "datetime":
        return f"TRY_CAST({v} AS TIMESTAMP)"
    if f.type == "bool":
        return (f"CASE WHEN lower({v}) IN ('true', '1', 'y', 'yes') THEN TRUE "
                f"WHEN lower({v}) IN ('false', '0', 'n', 'no') THEN FALSE END")
    if f.role == "nhs_number":
        return f"NULLIF(regexp_replace({v}, '[\\s-]', '', 'g'), '')"
    if f.role == "postcode":
        return postcode_norm_sql(v)
    return v


def _type_reason(src: Source, f: SourceField) -> str:
    if f.type == "date":
        return f"not a valid date (expected {_FORMAT_TEXT.get(src.date_format, src.date_format)})"
    return {"int": "not a whole number", "decimal": "not a number", "time": "not a valid time (expected hh:mm)",
            "datetime": "not a valid date and time", "bool": "not true or false"}.get(f.type, "invalid value")


def typed_query(src: Source, raw: str, raw_types: dict[str, str], dialect: str) -> tuple[str, list[FieldSql]]:
    """The query that types and checks every field of a staged file (one row per input row)."""
    fields = [FieldSql(i, f) for i, f in enumerate(src.fields)]
    keys = set(src.record_key) | ({src.person_key} if src.person_key else set())
    by_name = {fs.field.name: fs for fs in fields}
    present = {fs.field.name: fs.field.name in raw_types for fs in fields}
    extra = [c for c in raw_types if c.startswith("_") and c != "_row"]

    a = ["_row", *[ident(c) for c in extra]]
    a += [f"{_raw_text(fs.field.name if present[fs.field.name] else None, raw_types.get(fs.field.name))} AS {fs.v}"
          for fs in fields]
    # typed dates in Parquet are used as they are (their text form is only for quarantine)
    a += [ident(fs.field.name) for fs in fields if present[fs.field.name] and fs.field.type == "date"
          and _is_temporal(raw_types.get(fs.field.name))]
    b = ["*", *[f"{_parsed(src, fs, raw_types.get(fs.field.name), present[fs.field.name])} AS {fs.t}" for fs in fields]]

    c = ["*"]
    for fs in fields:
        f = fs.field
        strict = f.required or f.name in keys
        checks: list[tuple[str, str, bool]] = []  # (condition, reason, row-level)
        if f.required:
            checks.append((f"{fs.v} IS NULL", "required field is empty", True))
        checks.append((f"{fs.v} IS NOT NULL AND {fs.t} IS NULL", _type_reason(src, f), strict))
        if f.type == "date":
            checks.append((f"{fs.t} < DATE {lit(EARLIEST_DATE)}", "impossible date (before 1890)", strict))
            if f.not_future:
                checks.append((f"{fs.t} > current_date", "date in the future", True))
            elif f.role == "date_of_birth":
                checks.append((f"{fs.t} > current_date", "date of birth in the future", strict))
        codes = codes_of(src, f.name)
        if codes:
            allowed = ", ".join(lit(k) for k in codes)
            checks.append((f"{fs.t} IS NOT NULL AND {fs.t} NOT IN ({allowed})", f"not in the code list of {f.name}",
                           strict))
        if f.role == "nhs_number":
            checks.append((f"{fs.t} IS NOT NULL AND NOT __nhs_ok",
                           "NHS number fails the modulus-11 check or is a placeholder such as 0000000000 "
                           "(kept, marked unverified)", False))
        if f.role == "postcode":
            checks.append((f"{fs.t} IS NOT NULL AND NOT regexp_full_match({fs.t}, {lit(POSTCODE_PATTERN)})",
                           "not a valid UK postcode", strict))
        if f.after and f.after in by_name:
            other = by_name[f.after]
            checks.append((f"{fs.t} < {other.t}", f"{f.name} is before {f.after}", True))
        row_cases = " ".join(f"WHEN {cond} THEN {lit(reason)}" for cond, reason, lvl in checks if lvl)
        val_cases = " ".join(f"WHEN {cond} THEN {lit(reason)}" for cond, reason, lvl in checks if not lvl)
        c.append(f"CASE {row_cases} END AS {fs.e}" if row_cases else f"CAST(NULL AS VARCHAR) AS {fs.e}")
        c.append(f"CASE {val_cases} END AS {fs.w}" if val_cases else f"CAST(NULL AS VARCHAR) AS {fs.w}")
        fields[fs.index] = replace(fs, row_checks=bool(row_cases), value_checks=bool(val_cases))

    any_error = " OR ".join(f"{fs.e} IS NOT NULL" for fs in fields if fs.row_checks) or "FALSE"
    if "_problem" in extra:  # a resource the FHIR reader could not use (invalid or not held)
        any_error = f"_problem IS NOT NULL OR {any_error}"
    key_fields = [by_name[k] for k in src.record_key]
    key_not_null = " AND ".join(f"{k.t} IS NOT NULL" for k in key_fields)
    part = ", ".join(k.t for k in key_fields)
    d = ["*", f"({any_error}) AS __bad"]
    # duplicates by aggregation and a join to the (few) repeated keys: cheaper than a window over every row
    dup = (f"SELECT {part}, min(_row) AS __first FROM d WHERE NOT __bad AND {key_not_null} "
           f"GROUP BY {part} HAVING count(*) > 1")
    join_on = " AND ".join(f"d.{k.t} = dup.{k.t}" for k in key_fields)
    e = ["d.*", "CASE WHEN NOT d.__bad THEN dup.__first END AS __first"]
    final = ["_row", *[ident(x) for x in extra]]
    for fs in fields:
        keep_bad_nhs = fs.field.role == "nhs_number"
        value = fs.t if keep_bad_nhs or not fs.value_checks else f"CASE WHEN {fs.w} IS NULL THEN {fs.t} END"
        final.append(f"{value} AS {ident(fs.field.name)}")
        # the source text and the reasons are only read for quarantine: the typed table keeps the text
        # where this field has a problem, and no column for a check the field does not have (less memory)
        shown_if = [f"{fs.e} IS NOT NULL"] * fs.row_checks + [f"{fs.w} IS NOT NULL"] * fs.value_checks
        if fs.field.name in src.record_key:
            shown_if.append("__first < _row")
        if shown_if:
            final.append(f"CASE WHEN {' OR '.join(shown_if)} THEN {fs.v} END AS {fs.v}")
        final += [fs.e] * fs.row_checks + [fs.w] * fs.value_checks
    final += ["(__bad OR (__first IS NOT NULL AND __first < _row)) AS __rejected",
              "CASE WHEN __first < _row THEN __first END AS __dup_of"]
    nhs = next((fs for fs in fields if fs.field.role == "nhs_number"), None)
    # the check digit once per row (the loader reads it for nhs_number_verified and the vault)
    b2 = ["*", f"{nhs_check_sql(nhs.t)} AS __nhs_ok" if nhs else "CAST(NULL AS BOOLEAN) AS __nhs_ok"]
    final.append("__nhs_ok")
    q = (f"WITH a AS ({select(a, raw, dialect=dialect)}), b0 AS ({select(b, 'a', dialect=dialect)}), "
         f"b AS ({select(b2, 'b0', dialect=dialect)}), "
         f"c AS ({select(c, 'b', dialect=dialect)}), d AS ({select(d, 'c', dialect=dialect)}), "
         f"dup AS ({dup}), e AS ({select(e, f'd LEFT JOIN dup ON {join_on}', dialect=dialect)}) "
         f"{select(final, 'e', dialect=dialect)}")
    return q, fields


def _shown(src: Source, fs: FieldSql) -> str:
    if fs.field.role in IDENTIFIER_ROLES:
        return f"pseudo({lit(pseudo_kind(src, fs.field))}, {fs.v})"
    return f"left({fs.v}, 200)"


def _and(a: str, b: str | None) -> str:
    return f"{a} AND {b}" if b else a


def problems_queries(src: Source, typed: str, fields: list[FieldSql], prov: dict[str, str],
                     dialect: str, has_problem: bool = False) -> list[str]:
    """Queries giving the quarantine rows of a typed file: one per field problem and duplicates."""
    head = [f"{lit(prov['load_id'])} AS load_id", f"{lit(prov['path'])} AS path", f"{lit(prov['source'])} AS source",
            f"{lit(prov['file_sha256'])} AS file_sha256", "_row AS row_number"]
    out = []
    only = None
    if has_problem:
        only = "_problem IS NULL"
        out.append(select(head + ["'resourceType' AS field", "CAST(NULL AS VARCHAR) AS value", "_problem AS reason",
                                  "TRUE AS row_rejected"], typed, where="_problem IS NOT NULL", dialect=dialect))
    for fs in fields:
        name = lit(fs.field.name)
        if fs.row_checks:
            out.append(select(head + [f"{name} AS field", f"{_shown(src, fs)} AS value", f"{fs.e} AS reason",
                                      "TRUE AS row_rejected"], typed, where=_and(f"{fs.e} IS NOT NULL", only),
                              dialect=dialect))
        if fs.value_checks:
            out.append(select(head + [f"{name} AS field", f"{_shown(src, fs)} AS value", f"{fs.w} AS reason",
                                      "__rejected AS row_rejected"], typed, where=_and(f"{fs.w} IS NOT NULL", only),
                              dialect=dialect))
    by_name = {fs.field.name: fs for fs in fields}
    keys = [by_name[k] for k in src.record_key]
    shown = " || '|' || ".join(f"coalesce({_shown(src, k)}, '')" for k in keys)
    out.append(select(head + [f"{lit('+'.join(src.record_key))} AS field", f"{shown} AS value",
                              f"'duplicate of row ' || CAST(__dup_of AS VARCHAR) || ' (same ' || "
                              f"{lit(', '.join(src.record_key))} || ')' AS reason", "TRUE AS row_rejected"],
                      typed, where="__dup_of IS NOT NULL", dialect=dialect))
    return out
