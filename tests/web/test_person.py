"""The person and family view in process: search, working relationship, break glass, review, refusals, audit."""

from __future__ import annotations

import json

import pytest

from joinedup.errors import UserError
from joinedup.web.person import check_nhs_number
from joinedup.web.state import audit
from joinedup.web.state.access import add_relationship, open_flags
from tests.web.conftest import USERS, client_for, csrf_of


@pytest.fixture(scope="module")
def someone(place_store):
    """An NHS number in the place's vault and the person it belongs to (read here as test set-up)."""
    from joinedup.store import Store
    with Store.open(place_store, "identify", user="tests", purpose="test set-up") as s:
        nhs, pid = s.fetchall("SELECT i.nhs_number, l.person_id FROM vault.identity i JOIN person_source_link l "
                              "USING (record_id) WHERE i.nhs_number_valid ORDER BY i.record_id LIMIT 1")[0]
    return nhs, pid


def test_nhs_numbers_are_checked():
    assert check_nhs_number("943 476 5919") == "9434765919"
    for bad in ("9434765918", "12345", "abcdefghij"):
        with pytest.raises(UserError):
            check_nhs_number(bad)


def _search(c, nhs: str):
    token = csrf_of(c.get("/person").text)
    return c.post("/person/search", data={"csrf": token, "nhs_number": nhs}), token


def test_a_practitioner_with_a_relationship_opens_the_person_and_it_is_audited(app, someone):
    nhs, pid = someone
    add_relationship(app.state.state, USERS["practitioner"], pid, "allocated social worker", "admin-user")
    c = client_for(app, "practitioner")
    r, token = _search(c, nhs)
    assert r.status_code == 200 and f"Person {pid}" in r.text and "working relationship with this person" in r.text
    r = c.post("/person/open", data={"csrf": token, "person_id": pid})
    assert r.status_code == 200 and "Timeline" in r.text and nhs in r.text
    assert r.headers["cache-control"] == "no-store"
    opened = audit.entries(app.state.state, action="person.open")[0]
    detail = json.loads(opened.detail)
    assert opened.actor == USERS["practitioner"] and opened.target == pid
    assert detail == {"person": pid, "basis": "working relationship", "sections": ["identity", "timeline", "family"]}
    searched = audit.entries(app.state.state, action="person.search")[0]
    assert json.loads(searched.detail) == {"by": "nhs_number", "found": [pid]}
    every = " ".join(e.target + e.detail for e in audit.entries(app.state.state))
    assert nhs not in every, "no identifier reaches the audit log"
    assert not open_flags(app.state.state)


def test_break_glass_needs_a_reason_is_flagged_and_reviewed_by_another_admin(app, someone):
    nhs, pid = someone
    c = client_for(app, "practitioner")
    _, token = _search(c, nhs)
    refused = c.post("/person/open", data={"csrf": token, "person_id": pid, "reason": "need"})
    assert refused.status_code == 403 and "A reason is needed" in refused.text and nhs not in refused.text
    assert audit.entries(app.state.state, action="person.refused")
    reason = "Safeguarding concern raised by the emergency department out of hours"
    r = c.post("/person/open", data={"csrf": token, "person_id": pid, "reason": reason})
    assert r.status_code == 200 and "Opened by break glass" in r.text and nhs in r.text
    flags = open_flags(app.state.state)
    assert [(f.user_name, f.person_id, f.reason) for f in flags] == [(USERS["practitioner"], pid, reason)]
    entry = audit.entries(app.state.state, action="person.open")[0]
    assert entry.seq == flags[0].audit_seq and json.loads(entry.detail)["reason"] == reason
    admin = client_for(app, "admin")
    page = admin.get("/person/reviews")
    assert page.status_code == 200 and reason in page.text
    r = admin.post(f"/person/reviews/{flags[0].id}", data={"csrf": csrf_of(page.text), "note": "Checked with the team"},
                   follow_redirects=False)
    assert r.status_code == 303 and not open_flags(app.state.state)
    assert audit.entries(app.state.state, action="person.review")


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_analysts_and_viewers_are_refused_the_person_view(app, someone, role):
    nhs, pid = someone
    c = client_for(app, role)
    assert c.get("/person").status_code == 403
    token = csrf_of(c.get("/").text)
    assert c.post("/person/search", data={"csrf": token, "nhs_number": nhs}).status_code == 403
    assert c.post("/person/open", data={"csrf": token, "person_id": pid, "reason": "x" * 40}).status_code == 403
    assert not audit.entries(app.state.state, action="person.open")
