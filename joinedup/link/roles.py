"""Recognising what each column of a file about people holds (its role), from its name or from --map."""

from __future__ import annotations

import re

from joinedup.errors import UserError

__all__ = ["ROLES", "recognise", "parse_maps"]

#: Roles a column can play, and the column names (normalised) that say so.
ROLES: dict[str, tuple[str, ...]] = {
    "given_name": ("given_name", "givenname", "forename", "forenames", "first_name", "firstname", "fname",
                   "given", "person_given_name", "first"),
    "family_name": ("surname", "family_name", "familyname", "last_name", "lastname", "lname",
                    "person_family_name", "last"),
    "full_name": ("name", "full_name", "fullname", "person_name", "patient_name", "client_name"),
    "date_of_birth": ("dob", "date_of_birth", "dateofbirth", "birth_date", "birthdate", "person_birth_date",
                      "personbirthdate", "birth_dt"),
    "sex": ("sex", "gender", "person_stated_gender_code", "gendercurrent", "gender_code", "sex_code"),
    "postcode": ("postcode", "post_code", "postal_code", "zip", "zipcode", "postcode_usual_address", "pcode"),
    "address": ("address", "address_1", "address_2", "address_3", "address_line_1", "address_line_2",
                "addressline1", "addressline2", "street", "street_number", "street_address", "house_number",
                "house", "suburb", "town", "city", "locality"),
    "nhs_number": ("nhs_number", "nhsnumber", "nhs_no", "nhsno", "nhs"),
    "other_id": ("other_id", "ni_number", "ninumber", "national_insurance_number", "nino", "soc_sec_id",
                 "ssn", "social_security_number", "upn", "pupil_number"),
    # any other column that says something about the person (mapped with --map COLUMN=evidence):
    # each is its own comparison, exact or near spelling
    "evidence": ("email", "email_address", "e_mail", "occupation", "birthplace", "place_of_birth",
                 "birth_place", "mobile", "phone", "telephone"),
}
_BY_NAME = {alias: role for role, aliases in ROLES.items() for alias in aliases}
_PERSON_ROLES = {"given_name", "family_name", "full_name", "date_of_birth", "nhs_number", "other_id"}


def _key(column: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", column.strip().lower()).strip("_")


def parse_maps(maps: list[str]) -> dict[str, str]:
    """COLUMN=ROLE options -> {column: role}; role 'ignore' drops a column."""
    out: dict[str, str] = {}
    for item in maps:
        column, sep, role = item.partition("=")
        role = role.strip().lower().replace(" ", "_")
        if not sep or not column.strip():
            raise UserError(f"--map expects COLUMN=ROLE, got '{item}'")
        if role not in ROLES and role != "ignore":
            raise UserError(f"--map {item}: unknown role '{role}' (known: {', '.join(sorted(ROLES))}, ignore)")
        out[column.strip()] = role
    return out


def recognise(columns: list[str], maps: dict[str, str], *, file: str, exclude: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Role -> the file's columns that play it (in file order); an error when no column describes a person."""
    roles: dict[str, list[str]] = {}
    for column in columns:
        if column in exclude:
            continue
        role = maps.get(column) or _BY_NAME.get(_key(column))
        if role and role != "ignore":
            roles.setdefault(role, []).append(column)
    if not _PERSON_ROLES & roles.keys():
        raise UserError("no column describes a person (a name, date of birth or identifier); "
                        "name them with --map COLUMN=ROLE", file=file)
    return roles
