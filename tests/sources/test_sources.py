"""The source specs: every return's fields load, keys resolve, identity roles are where expected."""

from __future__ import annotations

import pytest

from joinedup.errors import UserError
from joinedup.sources import IDENTIFIER_ROLES, codes_of, source, sources


def test_every_sector_is_covered():
    sectors = {s.sector for s in sources().values()}
    assert {"nhs", "asc", "csc", "education", "workforce", "ons"} <= sectors
    assert len(sources()) >= 25


def test_person_sources_have_a_local_id_and_record_key_fields():
    for s in sources().values():
        assert all(k in s.columns for k in s.record_key)
        if s.person_key:
            assert s.field(s.person_key).role in {"local_id", "upn"}, s.id


def test_national_field_names_are_kept():
    assert source("csc.ssda903_episodes").columns[:5] == ["CHILD", "DECOM", "RNE", "LS", "CIN"]
    assert "CINreferralDate" in source("csc.cin_episodes").columns
    assert codes_of(source("csc.ssda903_episodes"), "PLACE")["U1"].startswith("foster")
    assert codes_of(source("nhs.inpatient_spells"), "NHS_Number_Status_Indicator_Code")["01"] == "verified"
    assert "Short Term Support: ST-Max" in codes_of(source("asc.client_level_data"), "Service_Type")


def test_identifier_roles_are_direct_identifiers():
    assert {"nhs_number", "given_name", "family_name", "date_of_birth", "postcode", "upn", "local_id"} <= IDENTIFIER_ROLES
    assert "sex" not in IDENTIFIER_ROLES and "ethnicity" not in IDENTIFIER_ROLES


def test_sources_of_one_case_system_share_an_id_space():
    assert source("csc.cin_children").id_space == source("csc.ssda903_header").id_space == "csc"


def test_unknown_source_is_a_user_error():
    with pytest.raises(UserError, match="unknown source 'nhs.nope'"):
        source("nhs.nope")
