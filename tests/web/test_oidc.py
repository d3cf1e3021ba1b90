"""OpenID Connect sign-in against a local provider that the test starts (oidc-provider-mock)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from joinedup.web.config import OidcConfig
from joinedup.web.oidc import role_from_claims
from joinedup.web.state import audit
from tests.web.conftest import make_app


@pytest.fixture(scope="module")
def provider():
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
    users = [oidc_provider_mock.User(sub="entra-ada", claims={"email": "ada@council.example", "roles": ["JoinedUp.Analyst"]}),
             oidc_provider_mock.User(sub="entra-bob", claims={"email": "bob@council.example", "roles": ["Other.App"]})]
    with oidc_provider_mock.run_server_in_thread(user_claims=users, require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc_app(place_store, tmp_path, provider):
    cfg = OidcConfig(issuer=provider, client_id="joinedup", client_secret="s3cret", role_claim="roles",
                     role_map={"JoinedUp.Analyst": "analyst", "JoinedUp.Admin": "admin"})
    return make_app(place_store, f"sqlite:///{tmp_path / 's.sqlite'}", oidc=cfg)


def _sign_in(app, sub: str):
    from fastapi.testclient import TestClient
    c = TestClient(app, base_url="https://testserver")
    assert "Sign in with your organisation" in c.get("/signin").text
    r = c.get("/auth/oidc/login", params={"next": "/measures"}, follow_redirects=False)
    assert r.status_code == 303
    authorize = r.headers["location"]
    assert parse_qs(urlparse(authorize).query)["code_challenge_method"] == ["S256"]
    back = httpx.post(authorize, data={"sub": sub}, follow_redirects=False)
    assert back.status_code == 302 and back.headers["location"].startswith("https://testserver/auth/oidc/callback")
    return c, c.get(back.headers["location"], follow_redirects=False)


def test_sign_in_with_the_provider_maps_the_role_from_the_claim(oidc_app):
    c, r = _sign_in(oidc_app, "entra-ada")
    assert r.status_code == 303 and r.headers["location"] == "/measures"
    page = c.get("/measures")
    assert page.status_code == 200 and "ada@council.example" in page.text and "analyst" in page.text
    (entry,) = audit.entries(oidc_app.state.state, action="signin")
    assert entry.actor == "ada@council.example" and '"method": "oidc"' in entry.detail


def test_a_user_without_a_mapped_role_is_refused_and_audited(oidc_app):
    c, r = _sign_in(oidc_app, "entra-bob")
    assert r.status_code == 401 and "no joinedup role" in r.text
    assert c.get("/").status_code == 401
    (entry,) = audit.entries(oidc_app.state.state, action="signin.failed")
    assert entry.actor == "bob@council.example"


def test_a_forged_state_is_refused(oidc_app):
    from fastapi.testclient import TestClient
    c = TestClient(oidc_app, base_url="https://testserver")
    c.get("/auth/oidc/login", follow_redirects=False)
    r = c.get("/auth/oidc/callback", params={"code": "x", "state": "forged"})
    assert r.status_code == 401 and "did not match" in r.text


def test_role_from_claims_takes_the_most_powerful_mapped_role():
    cfg = OidcConfig("https://issuer", "id", "secret", role_map={"A": "viewer", "B": "admin"})
    assert role_from_claims({"roles": ["A", "B"]}, cfg) == "admin"
    assert role_from_claims({"roles": "analyst"}, cfg) == "analyst"
    assert role_from_claims({"roles": ["nothing"]}, cfg) is None
    assert role_from_claims({}, cfg) is None
