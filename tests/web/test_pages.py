"""The app in process (httpx over ASGI): sign-in, headers, pages, CSV, explain, review decisions, audit, cache."""

from __future__ import annotations

import csv
import io
import re

import pytest

from joinedup.web.state import audit
from tests.glossary.test_cli import _pdf
from tests.web.conftest import PASSWORD, USERS, client_for, csrf_of, make_app

M = "ae_4_hour_performance"


def _entries(app, **kw):
    return audit.entries(app.state.state, **kw)


def test_anonymous_sees_a_sign_in_page_with_401(app):
    c = client_for(app, None)
    r = c.get("/")
    assert r.status_code == 401 and 'action="/signin"' in r.text and "Please sign in" in r.text


def test_sign_in_sets_a_secure_httponly_samesite_cookie_and_is_audited(app):
    c = client_for(app, None)
    r = c.post("/signin", data={"name": USERS["analyst"], "password": PASSWORD, "csrf": csrf_of(c.get("/signin").text),
                                "next": "/measures"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/measures"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("jp_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert [e.actor for e in _entries(app, action="signin")] == [USERS["analyst"]]


def test_sign_in_never_goes_to_another_site(app):
    c = client_for(app, None)
    r = c.post("/signin", data={"name": USERS["viewer"], "password": PASSWORD, "csrf": csrf_of(c.get("/signin").text),
                                "next": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_failed_sign_ins_are_audited_then_rate_limited(app):
    c = client_for(app, None)
    token = csrf_of(c.get("/signin").text)
    for _ in range(5):
        r = c.post("/signin", data={"name": USERS["admin"], "password": "not the password", "csrf": token})
        assert r.status_code == 401 and "not right" in r.text
    r = c.post("/signin", data={"name": USERS["admin"], "password": PASSWORD, "csrf": token})
    assert r.status_code == 429 and "Too many" in r.text, "even the right password waits once the limit is reached"
    assert len(_entries(app, action="signin.failed")) == 5
    assert len(_entries(app, action="signin.refused")) == 1


def test_security_headers_and_no_inline_script_on_any_page(app):
    c = client_for(app, "admin")
    for path in ("/", "/measures", f"/measures/{M}?by=sex", "/segments", "/peers", "/glossary?q=cla", "/linkage",
                 "/audit", "/users", "/nope"):
        r = c.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert r.headers["referrer-policy"] == "same-origin" and r.headers["x-frame-options"] == "DENY"
        assert r.headers["cache-control"] == "no-store"
        for tag in re.findall(r"<script\b[^>]*>", r.text):
            assert "src=" in tag, f"inline script on {path}: {tag}"
        assert " on" not in " ".join(re.findall(r"<[a-z]+\s[^>]*\son[a-z]+=", r.text)), f"event handler attribute on {path}"


def test_error_pages_are_clear(app):
    viewer = client_for(app, "viewer")
    r = viewer.get("/measures")
    assert r.status_code == 403 and "Not available to your role" in r.text
    r = viewer.get("/no/such/page")
    assert r.status_code == 404 and "Page not found" in r.text
    nav = re.findall(r'<nav aria-label="Main">(.*?)</nav>', viewer.get("/").text, re.S)[0]
    assert "Overview" in nav and "Measures" not in nav, "a viewer's navigation offers the overview only"


def test_overview_shows_each_sector_with_outcomes_processes_and_flags(app):
    import html
    r = client_for(app, "viewer").get("/")
    assert r.status_code == 200
    text = html.unescape(r.text)
    for heading in ("Adult social care", "Children's services", "NHS", "Where a process improves"):
        assert heading in text
    assert "Managed on" in text and 'class="spark"' in text


def test_measure_csv_is_what_the_service_api_returns_and_is_audited(app):
    from joinedup.measures import api
    from joinedup.store import Store
    c = client_for(app, "analyst")
    r = c.get(f"/measures/{M}/csv", params={"by": "deprivation_quintile"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    with Store.open(app.state.data.store, "analysis") as store:
        fy = api.coverage(store)[-1]
        expected = api.by_breakdown(store, M, "deprivation_quintile", period=fy).rows()
    assert [(x["group"], x["numerator"], x["value"]) for x in rows] == [
        (e["group"], "" if e["numerator"] is None else str(e["numerator"]), "" if e["value"] is None else str(e["value"]))
        for e in expected]
    assert {x["breakdown"] for x in rows} == {"all", "deprivation_quintile"}
    (entry,) = _entries(app, action="export")
    assert entry.actor == USERS["analyst"] and M in entry.target


def test_suppressed_cells_are_shown_as_suppressed(app):
    c = client_for(app, "analyst")
    page = c.get(f"/measures/{M}", params={"by": "ward"})
    rows = list(csv.DictReader(io.StringIO(c.get(f"/measures/{M}/csv", params={"by": "ward"}).text)))
    hidden = [x for x in rows if x["suppressed"] == "true"]
    assert hidden, "a 2,500-person place has wards with small numbers"
    assert all(x["numerator"] == "" and x["value"] == "" for x in hidden)
    assert page.text.count('data-suppressed="true"') == len(hidden)
    assert "suppressed (small numbers)" in page.text
    import html
    assert '"state": "suppressed"' in html.unescape(page.text), "the ward map marks suppressed wards"


def test_breakdown_change_by_htmx_returns_only_the_results(app):
    c = client_for(app, "analyst")
    r = c.get(f"/measures/{M}", params={"by": "deprivation_quintile"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text and "bar-plot" in r.text and "Download CSV" in r.text


def test_unknown_measure_or_breakdown_is_404(app):
    c = client_for(app, "analyst")
    assert c.get("/measures/no_such_measure").status_code == 404
    assert c.get(f"/measures/{M}", params={"by": "shoe_size"}).status_code == 404
    assert c.get(f"/measures/{M}", params={"period": "1999-00"}).status_code == 404


@pytest.mark.parametrize("name, body, content_type", [
    ("paper.txt", "The MDT agreed a DToC plan; CLA numbers rose.".encode(), "text/plain"),
    ("paper.md", "# Board\n\nReablement after discharge (ASCOF 2B) and the EHCP backlog.".encode(), "text/markdown"),
    ("paper.pdf", _pdf(["Children looked after: 571 CLA.", "Section 47 enquiries rose by 12%."]), "application/pdf"),
])
def test_explain_an_uploaded_paper(app, name, body, content_type):
    c = client_for(app, "practitioner")
    token = csrf_of(c.get("/glossary").text)
    r = c.post("/glossary/explain", data={"csrf": token, "sector": "nhs"}, files={"paper": (name, body, content_type)})
    assert r.status_code == 200 and 'class="term' in r.text and "/glossary/term/" in r.text
    (entry,) = _entries(app, action="glossary.explain")
    assert entry.target == name


def test_explain_a_docx_and_refuse_other_files(app, tmp_path):
    import docx
    d = docx.Document()
    d.add_paragraph("The CHC panel met; delayed transfers of care fell.")
    path = tmp_path / "p.docx"
    d.save(path)
    c = client_for(app, "analyst")
    token = csrf_of(c.get("/glossary").text)
    r = c.post("/glossary/explain", data={"csrf": token}, files={"paper": ("p.docx", path.read_bytes(), "application/octet-stream")})
    assert r.status_code == 200 and "NHS continuing healthcare" in r.text
    r = c.post("/glossary/explain", data={"csrf": token}, files={"paper": ("p.exe", b"MZ", "application/octet-stream")})
    assert r.status_code == 400 and "upload .md, .txt, .docx or .pdf" in r.text


def test_decide_a_review_pair_records_what_link_decide_records(store_copy, tmp_path):
    from joinedup.store import Store
    app = make_app(store_copy, f"sqlite:///{tmp_path / 's.sqlite'}")
    c = client_for(app, "analyst")
    page = c.get("/linkage")
    assert page.status_code == 200 and "Clerical review" in page.text
    a, b = re.findall(r'name="record_a" value="([^"]+)".*?name="record_b" value="([^"]+)"', page.text, re.S)[0]
    version = app.state.data.version()
    before = app.state.data.review_pairs(20)
    r = c.post("/linkage/decide", data={"csrf": csrf_of(page.text), "record_a": a, "record_b": b, "decision": "no-match",
                                        "note": "different people"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "Recorded no-match" in r.text
    with Store.open(store_copy, "analysis") as store:
        rows = store.fetchall("SELECT record_id_a, record_id_b, decision, note, decided_by FROM link_decision")
    assert rows == [(min(a, b), max(a, b), "no-match", "different people", USERS["analyst"])]
    assert app.state.data.version() != version, "the decision published a new store version"
    after = app.state.data.review_pairs(20)
    assert after is not before and (a, b) not in {(p["record_id_a"], p["record_id_b"]) for p in after}
    (entry,) = _entries(app, action="link.decide")
    assert entry.target == f"{min(a, b)} {max(a, b)}"


def test_the_overview_reads_the_results_the_link_run_stored(app):
    # The first page of a store version computes no measure: the writer stored the results with it.
    from joinedup.measures import api
    assert client_for(app, "viewer").get("/").status_code == 200
    engine = api.engine_for(app.state.data.reader())
    assert engine.stored is not None and engine.stored.years() == app.state.data.years()
    assert not engine._ready, "the overview built the measures' person views: it computed what was stored"


def test_segments_page_heads_every_group_with_its_name(app):
    import re
    r = client_for(app, "analyst").get("/segments")
    assert r.status_code == 200
    headings = re.findall(r'<h2 id="g-[^"]+">([^<]*)</h2>', r.text)
    assert len(headings) >= 3 and all(h.strip() and h != "None" for h in headings), headings


def test_results_are_cached_per_store_version(app):
    data = app.state.data
    fy = data.years()[-1]
    first = data.results(M, fy, "sex")
    assert data.results(M, fy, "sex") is first


def test_audit_page_filters_and_export_is_itself_audited(app):
    admin = client_for(app, "admin")
    client_for(app, "analyst").get(f"/measures/{M}/csv")
    r = admin.get("/audit", params={"action": "export"})
    assert r.status_code == 200 and "chain of" in r.text and f"/measures/{M}/csv" in r.text
    assert USERS["viewer"] not in r.text.split("<tbody>")[1]
    export = admin.get("/audit/export.csv", params={"action": "export"})
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [x["action"] for x in rows] == ["export"] and rows[0]["hash"]
    assert len(_entries(app, action="export")) == 2


def test_role_change_and_disable_from_the_users_page_are_audited(app):
    admin = client_for(app, "admin")
    token = csrf_of(admin.get("/users").text)
    assert admin.post("/users/role", data={"csrf": token, "name": USERS["viewer"], "role": "analyst"},
                      follow_redirects=False).status_code == 303
    (change,) = _entries(app, action="role.change")
    assert change.target == USERS["viewer"] and '"to": "analyst"' in change.detail
    assert client_for(app, "viewer").get("/measures").status_code == 200, "the new role applies at once"
    admin.post("/users/disable", data={"csrf": token, "name": USERS["viewer"]})
    assert len(_entries(app, action="user.disable")) == 1
    c = client_for(app, None)
    r = c.post("/signin", data={"name": USERS["viewer"], "password": PASSWORD, "csrf": csrf_of(c.get("/signin").text)})
    assert r.status_code == 401


def test_every_page_view_is_audited(app):
    c = client_for(app, "analyst")
    c.get("/segments")
    c.get("/peers")
    assert {e.target for e in _entries(app, action="view")} >= {"/segments", "/peers"}
