"""The person and family view: find a person through the identity vault, and one timeline across sectors.

Every read goes through a `Store` opened in `identify` mode for the one request (the store's own
audit records each vault read with who and why) and closed at once: nothing identifying is kept in
the app's caches. Queries are sqlglot trees with `?` parameters; identifiers never enter SQL text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlglot import exp

from joinedup.errors import UserError

__all__ = ["Found", "Event", "PersonView", "find", "view", "check_nhs_number"]

_NHS = re.compile(r"^\d{10}$")


def check_nhs_number(raw: str) -> str:
    """Ten digits with a valid modulus-11 check digit (spaces removed); else a UserError."""
    n = re.sub(r"\s+", "", raw or "")
    if not _NHS.match(n):
        raise UserError("an NHS number is 10 digits", field="nhs_number")
    total = sum(int(d) * w for d, w in zip(n[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(n[9]):
        raise UserError("that NHS number's check digit is not valid", field="nhs_number")
    return n


@dataclass(frozen=True)
class Found:
    """A person a search found: pseudonymous id, birth year, sex, sectors and how many records matched."""

    person_id: str
    birth_year: int | None
    sex: str | None
    sectors: str
    records: int


@dataclass(frozen=True)
class Event:
    """One contact on the timeline."""

    day: date
    sector: str
    what: str
    detail: str


@dataclass(frozen=True)
class PersonView:
    """What the person view shows: identity, timeline and family, with the sections named for the audit."""

    person_id: str
    names: list[str]
    dates_of_birth: list[str]
    nhs_numbers: list[str]
    sectors: str
    timeline: list[Event]
    family: list[dict]
    sections: tuple[str, ...]


def _open(store: Path, user: str, purpose: str):
    from joinedup.store import Store
    return Store.open(store, "identify", user=user, purpose=purpose)


def _persons(s, record_ids: list[str]) -> list[Found]:
    if not record_ids:
        return []
    marks = [exp.Placeholder() for _ in record_ids]
    q = (exp.select("p.person_id", "p.birth_year", "p.sex", "p.sectors", exp.func("count", exp.column("record_id", "l")).as_("n"))
         .from_("person_source_link AS l").join("person AS p", on="p.person_id = l.person_id")
         .where(exp.column("record_id", "l").isin(*marks))
         .group_by("p.person_id", "p.birth_year", "p.sex", "p.sectors").order_by("p.person_id"))
    return [Found(r[0], r[1], r[2], r[3] or "", r[4]) for r in s.fetchall(q, record_ids)]


def find(store: Path, user: str, purpose: str, nhs_number: str = "", family_name: str = "", given_name: str = "",
         date_of_birth: str = "") -> list[Found]:
    """People whose records match an NHS number, or a family name, given name and date of birth (vault read, audited)."""
    if nhs_number.strip():
        params: list = [check_nhs_number(nhs_number)]
        where = "nhs_number = ?"
    else:
        if not family_name.strip() or not date_of_birth.strip():
            raise UserError("give an NHS number, or a family name and a date of birth", field="family_name")
        try:
            dob = date.fromisoformat(date_of_birth.strip())
        except ValueError:
            raise UserError("a date of birth such as 1950-01-31", field="date_of_birth") from None
        params = [family_name.strip().lower(), dob]
        where = "lower(family_name) = ? AND date_of_birth = ?"
        if given_name.strip():
            params.append(given_name.strip().lower())
            where += " AND lower(given_name) = ?"
    with _open(store, user, purpose) as s:
        rows = s.query(exp.select("record_id").from_("vault.identity").where(where), params).column("record_id").to_pylist()
        return _persons(s, rows)


#: The timeline's sources: (table, date column, sector, label, detail columns).
_TIMELINE = (
    ("encounter", "start_ts", "NHS", "Hospital: {kind}", ("provider_code", "primary_diagnosis", "discharge_destination")),
    ("appointment", "appt_date", "NHS", "Appointment ({sector})", ("mode", "hcp_type", "status")),
    ("asc_event", "start_date", "Adult social care", "Adult social care: {event_type}", ("service_type", "event_outcome")),
    ("csc_referral", "referral_date", "Children's services", "Referral (children in need)", ("primary_need", "reason_for_closure")),
    ("csc_assessment", "start_date", "Children's services", "Children and family assessment", ()),
    ("csc_s47", "start_date", "Children's services", "Section 47 enquiry", ()),
    ("csc_cp_plan", "start_date", "Children's services", "Child protection plan", ("end_date",)),
    ("cla_episode", "start_date", "Children's services", "Looked after: placement", ("placement_type", "legal_status")),
    ("school_census", "census_date", "Education", "School census", ("school_urn", "nc_year", "sen_provision")),
    ("school_exclusion", "start_date", "Education", "Exclusion: {category}", ("reason", "sessions")),
)


def _timeline(s, record_ids: list[str]) -> list[Event]:
    events: list[Event] = []
    tables = set(s.tables())
    for table, day, sector, label, details in _TIMELINE:
        if table not in tables or not record_ids:
            continue
        names = set(s.query(exp.select("*").from_(table).limit(0)).schema.names)
        needed = sorted({day, *details, *re.findall(r"{(\w+)}", label)} & names)
        q = (exp.select(*needed).from_(table).where(exp.column("record_id").isin(*[exp.Placeholder() for _ in record_ids])))
        for row in s.query(q, record_ids).to_pylist():
            when = row.get(day)
            if when is None:
                continue
            when = when.date() if hasattr(when, "date") and callable(when.date) else when
            what = label.format(**{k: row.get(k) or "-" for k in re.findall(r"{(\w+)}", label)})
            detail = "; ".join(f"{c.replace('_', ' ')}: {row[c]}" for c in details if c in row and row[c] not in (None, ""))
            events.append(Event(when, sector, what, detail))
    return sorted(events, key=lambda e: (e.day, e.sector, e.what), reverse=True)


def _family(s, person_id: str) -> list[dict]:
    q = (exp.select("m.family_id", "f.kind", "o.person_id", "o.role", "p.birth_year", "p.sex", "p.sectors")
         .from_("family_member AS m").join("family AS f", on="f.family_id = m.family_id")
         .join("family_member AS o", on="o.family_id = m.family_id")
         .join("person AS p", on="p.person_id = o.person_id")
         .where("m.person_id = ? AND o.person_id <> ?").order_by("m.family_id", "o.role", "o.person_id"))
    return [dict(zip(("family_id", "kind", "person_id", "role", "birth_year", "sex", "sectors"), r))
            for r in s.fetchall(q, [person_id, person_id])]


def view(store: Path, user: str, purpose: str, person_id: str) -> PersonView:
    """One person's identifiers, timeline across sectors, and family members with their services."""
    with _open(store, user, purpose) as s:
        rec = s.fetchall(exp.select("l.record_id").from_("person_source_link AS l").where("l.person_id = ?")
                         .order_by("l.record_id"), [person_id])
        record_ids = [r[0] for r in rec]
        if not record_ids:
            raise UserError("no such person", field="person_id")
        ident = s.identify(record_ids).to_pylist()
        person = s.fetchall(exp.select("sectors").from_("person").where("person_id = ?"), [person_id])
        names = sorted({f"{r['given_name'] or ''} {r['family_name'] or ''}".strip() for r in ident} - {""})
        dobs = sorted({r["date_of_birth"].isoformat() for r in ident if r["date_of_birth"]})
        nhs = sorted({r["nhs_number"] for r in ident if r["nhs_number"]})
        return PersonView(person_id, names, dobs, nhs, person[0][0] if person else "", _timeline(s, record_ids),
                          _family(s, person_id), ("identity", "timeline", "family"))
