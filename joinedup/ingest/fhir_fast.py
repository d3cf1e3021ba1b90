"""A fast structural check of FHIR resources, for the shapes the loader reads; anything else goes to fhir.resources.

Validating every resource with fhir.resources (pydantic) costs about a millisecond each: 85,000
resources of a 100,000-person place took a minute, and a bigger place more in proportion. Most
resources have a plain shape: a few known elements, each a string, code, date or a nested element
of known elements. `check` accepts a resource only when every element it holds is in the table
below with a value of the declared type, at least as strictly as fhir.resources checks it
(fhir_core.types: the same patterns for code, id, date, dateTime and instant, a real calendar
date, required elements present, one value[x] per extension); strings must be non-empty and
untrimmed-free, lists non-empty. A resource it does not accept is validated by fhir.resources
as before, so every rejection, and its reason, comes from there. `View` then reads an accepted
resource with the attribute names and value types of the fhir.resources model (dates as
`date`, dateTimes with a time as `datetime`), so the same row builders serve both.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

__all__ = ["View", "check"]

# fhir_core.types patterns (fullmatch), with the stricter shapes this check accepts: a full date, a
# dateTime that is a full date or has seconds and a zone, at most 6 fractional digits (what datetime holds)
_YEAR = r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
_DATE = re.compile(_YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])")
_DATETIME = re.compile(_YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:"
                       r"[0-5][0-9](\.[0-9]{1,6})?(Z|[+\-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?")
_INSTANT = re.compile(_YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:"
                      r"[0-5][0-9](\.[0-9]{1,6})?(Z|[+\-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))")
_CODE = re.compile(r"[^\s]+(\s[^\s]+)*")
_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_URI = re.compile(r"\S+")


def _string(v: Any) -> bool:
    return type(v) is str and v != "" and v == v.strip()


def _code(v: Any) -> bool:
    return type(v) is str and _CODE.fullmatch(v) is not None


def _id(v: Any) -> bool:
    return type(v) is str and _ID.fullmatch(v) is not None


def _uri(v: Any) -> bool:
    return type(v) is str and _URI.fullmatch(v) is not None


def _date(v: Any) -> bool:
    if type(v) is not str or _DATE.fullmatch(v) is None:
        return False
    try:
        date.fromisoformat(v)
    except ValueError:  # 30 February
        return False
    return True


def _when(v: Any, pattern: re.Pattern) -> bool:
    if type(v) is not str or pattern.fullmatch(v) is None:
        return False
    try:
        (date.fromisoformat if len(v) == 10 else datetime.fromisoformat)(v)
    except ValueError:
        return False
    return True


_PRIMITIVE = {"string": _string, "code": _code, "id": _id, "uri": _uri, "date": _date,
              "dateTime": lambda v: _when(v, _DATETIME), "instant": lambda v: _when(v, _INSTANT)}

#: element -> {json key: (type, is a list)}; a type is a primitive above or another element here.
_ELEMENTS: dict[str, dict[str, tuple[str, bool]]] = {
    "Coding": {"system": ("uri", False), "version": ("string", False), "code": ("code", False),
               "display": ("string", False)},
    "CodeableConcept": {"coding": ("Coding", True), "text": ("string", False)},
    "Period": {"start": ("dateTime", False), "end": ("dateTime", False)},
    "Identifier": {"use": ("code", False), "type": ("CodeableConcept", False), "system": ("uri", False),
                   "value": ("string", False), "period": ("Period", False), "assigner": ("Reference", False),
                   "extension": ("Extension", True)},
    "Reference": {"reference": ("string", False), "type": ("uri", False), "identifier": ("Identifier", False),
                  "display": ("string", False)},
    "Extension": {"url": ("uri", False), "valueCodeableConcept": ("CodeableConcept", False),
                  "valueCode": ("code", False), "valueString": ("string", False), "extension": ("Extension", True)},
    "HumanName": {"use": ("code", False), "text": ("string", False), "family": ("string", False),
                  "given": ("string", True), "prefix": ("string", True), "suffix": ("string", True)},
    "Address": {"use": ("code", False), "type": ("code", False), "text": ("string", False), "line": ("string", True),
                "city": ("string", False), "district": ("string", False), "state": ("string", False),
                "postalCode": ("string", False), "country": ("string", False)},
    "Encounter.hospitalization": {"admitSource": ("CodeableConcept", False),
                                  "dischargeDisposition": ("CodeableConcept", False)},
    "Appointment.participant": {"type": ("CodeableConcept", True), "actor": ("Reference", False),
                                "status": ("code", False)},
    "Patient": {"resourceType": ("code", False), "id": ("id", False), "extension": ("Extension", True),
                "identifier": ("Identifier", True), "name": ("HumanName", True), "gender": ("code", False),
                "birthDate": ("date", False), "address": ("Address", True),
                "generalPractitioner": ("Reference", True)},
    "Encounter": {"resourceType": ("code", False), "id": ("id", False), "extension": ("Extension", True),
                  "identifier": ("Identifier", True), "status": ("code", False), "class": ("Coding", False),
                  "type": ("CodeableConcept", True), "subject": ("Reference", False), "period": ("Period", False),
                  "reasonCode": ("CodeableConcept", True), "hospitalization": ("Encounter.hospitalization", False),
                  "serviceProvider": ("Reference", False)},
    "Appointment": {"resourceType": ("code", False), "id": ("id", False), "extension": ("Extension", True),
                    "identifier": ("Identifier", True), "status": ("code", False),
                    "serviceType": ("CodeableConcept", True), "appointmentType": ("CodeableConcept", False),
                    "start": ("instant", False), "end": ("instant", False),
                    "participant": ("Appointment.participant", True)},
    "EpisodeOfCare": {"resourceType": ("code", False), "id": ("id", False), "extension": ("Extension", True),
                      "identifier": ("Identifier", True), "status": ("code", False),
                      "type": ("CodeableConcept", True), "patient": ("Reference", False),
                      "managingOrganization": ("Reference", False), "period": ("Period", False),
                      "careManager": ("Reference", False)},
}

#: Elements FHIR requires (1..1 or 1..*), as fhir.resources checks them.
_REQUIRED = {"Encounter": ("status", "class"), "Appointment": ("status", "participant"),
             "Appointment.participant": ("status",), "EpisodeOfCare": ("status", "patient"), "Extension": ("url",)}
_VALUES = ("valueCodeableConcept", "valueCode", "valueString")


def _element(obj: Any, kind: str) -> bool:
    if type(obj) is not dict or not obj:
        return False
    spec = _ELEMENTS[kind]
    for key, value in obj.items():
        declared = spec.get(key)
        if declared is None or value is None:
            return False
        typ, many = declared
        items = value if many else (value,)
        if many and (type(value) is not list or not value):
            return False
        test = _PRIMITIVE.get(typ)
        for item in items:
            if not (test(item) if test else _element(item, typ)):
                return False
    if any(r not in obj for r in _REQUIRED.get(kind, ())):
        return False
    return kind != "Extension" or sum(v in obj for v in _VALUES) <= 1


def check(resource: Any) -> bool:
    """True when the resource has a shape the fast path reads and fhir.resources would accept it as it is."""
    rtype = resource.get("resourceType") if type(resource) is dict else None
    return rtype in ("Patient", "Encounter", "Appointment", "EpisodeOfCare") and _element(resource, rtype)


_DATES = {"birthDate"}
_WHENS = {"start", "end"}


class View:
    """A checked resource (or element) read like its fhir.resources model: absent elements are None."""

    __slots__ = ("_d",)

    def __init__(self, data: dict) -> None:
        self._d = data

    def __getattr__(self, name: str) -> Any:
        key = "class" if name == "class_fhir" else name
        value = self._d.get(key)
        if value is None:
            return None
        if type(value) is dict:
            return View(value)
        if type(value) is list:
            return [View(v) if type(v) is dict else v for v in value]
        if key in _DATES:
            return date.fromisoformat(value)
        if key in _WHENS:
            return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        return value
