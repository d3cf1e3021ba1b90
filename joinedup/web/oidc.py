"""OpenID Connect sign-in (authorisation code flow with PKCE, state and nonce), roles from a claim."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from functools import lru_cache

import httpx
import jwt
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from joinedup.web.config import OidcConfig
from joinedup.web.render import page
from joinedup.web.security import client_of
from joinedup.web.state import audit
from joinedup.web.state.models import ROLES
from joinedup.web.state.users import oidc_user

__all__ = ["router", "discover", "role_from_claims"]

router = APIRouter()
_FLOW_COOKIE = "jp_oidc"
_FLOW_SECONDS = 600


@lru_cache(maxsize=8)
def discover(issuer: str) -> dict:
    """The provider's discovery document (authorization, token and JWKS endpoints)."""
    r = httpx.get(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=10)
    r.raise_for_status()
    return r.json()


@lru_cache(maxsize=8)
def _jwks(uri: str) -> jwt.PyJWKSet:
    r = httpx.get(uri, timeout=10)
    r.raise_for_status()
    return jwt.PyJWKSet.from_dict(r.json())


def signing_key(uri: str, token: str):
    """The provider's key for the token: by its kid, or the only signing key when the token names none."""
    kid = jwt.get_unverified_header(token).get("kid")
    keys = [k for k in _jwks(uri).keys if k.public_key_use in (None, "sig")]
    found = [k for k in keys if k.key_id == kid] if kid else keys
    if kid and not found:
        _jwks.cache_clear()  # the provider may have rotated its keys: fetch them once more
        found = [k for k in _jwks(uri).keys if k.key_id == kid]
    if len(found) != 1:
        raise jwt.InvalidTokenError("no single signing key matches the token")
    return found[0]


def role_from_claims(claims: dict, cfg: OidcConfig) -> str | None:
    """The most powerful joinedup role the claim grants (via role_map, or a value that is a role name)."""
    raw = claims.get(cfg.role_claim)
    values = raw if isinstance(raw, list) else [raw] if raw else []
    granted = {cfg.role_map.get(str(v), str(v)) for v in values}
    return next((r for r in ROLES if r in granted), None)


def _config(request: Request) -> OidcConfig:
    cfg = request.app.state.config.oidc
    if cfg is None:
        raise HTTPException(status_code=404)
    return cfg


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret, salt="joinedup-oidc")


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@router.get("/auth/oidc/login")
def oidc_login(request: Request, next: str = "/") -> Response:
    """Send the browser to the provider, remembering state, nonce and the PKCE verifier in a signed cookie."""
    from joinedup.web.routes.signin import safe_next
    cfg = _config(request)
    meta = discover(cfg.issuer)
    flow = {"state": secrets.token_urlsafe(24), "nonce": secrets.token_urlsafe(24),
            "verifier": secrets.token_urlsafe(48), "next": safe_next(next)}
    params = {"response_type": "code", "client_id": cfg.client_id, "redirect_uri": str(request.url_for("oidc_callback")),
              "scope": "openid profile email", "state": flow["state"], "nonce": flow["nonce"],
              "code_challenge": _challenge(flow["verifier"]), "code_challenge_method": "S256"}
    url = str(httpx.URL(meta["authorization_endpoint"], params=params))
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(_FLOW_COOKIE, _serializer(request).dumps(flow), max_age=_FLOW_SECONDS, httponly=True,
                        secure=request.app.state.config.secure_cookies, samesite="lax")
    return response


def _refuse(request: Request, reason: str, who: str = "-") -> Response:
    audit.record(request.app.state.state, who, "signin.failed", "", {"method": "oidc", "reason": reason}, client_of(request))
    return page(request, "error.html", status_code=401, title="Sign-in did not complete", status=401,
                message=f"Your organisation's sign-in did not complete: {reason}.")


@router.get("/auth/oidc/callback", name="oidc_callback")
def oidc_callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
    """Exchange the code, check the ID token (signature, issuer, audience, expiry, nonce), map the role, sign in."""
    from joinedup.web.routes.signin import start_session
    cfg = _config(request)
    try:
        flow = _serializer(request).loads(request.cookies.get("jp_oidc", ""), max_age=_FLOW_SECONDS)
    except BadSignature:
        return _refuse(request, "the sign-in took too long or did not start here")
    if error or not code or not secrets.compare_digest(state, flow["state"]):
        return _refuse(request, error or "the provider's answer did not match this sign-in")
    meta = discover(cfg.issuer)
    r = httpx.post(meta["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": str(request.url_for("oidc_callback")),
        "client_id": cfg.client_id, "client_secret": cfg.client_secret, "code_verifier": flow["verifier"]})
    if r.status_code != 200 or "id_token" not in r.json():
        return _refuse(request, "the provider refused the code")
    token = r.json()["id_token"]
    try:
        key = signing_key(meta["jwks_uri"], token)
        claims = jwt.decode(token, key.key, algorithms=["RS256", "ES256", "PS256"], audience=cfg.client_id,
                            issuer=meta.get("issuer", cfg.issuer), leeway=60)
    except (jwt.PyJWTError, httpx.HTTPError) as e:
        return _refuse(request, f"the ID token is not valid ({type(e).__name__})")
    if claims.get("nonce") != flow["nonce"] or claims.get("exp", 0) < time.time() - 60:
        return _refuse(request, "the ID token was not issued for this sign-in")
    name = str(claims.get(cfg.name_claim) or claims.get("preferred_username") or claims["sub"])
    role = role_from_claims(claims, cfg)
    if role is None:
        return _refuse(request, f"your account has no joinedup role (claim {cfg.role_claim!r})", name)
    account, old = oidc_user(request.app.state.state, f"{meta.get('issuer', cfg.issuer)}|{claims['sub']}", name, role)
    if account.disabled:
        return _refuse(request, "your joinedup account is disabled", account.name)
    st, client = request.app.state.state, client_of(request)
    if old is not None:
        audit.record(st, "oidc", "role.change", account.name, {"from": old, "to": role, "by": "identity provider"}, client)
    audit.record(st, account.name, "signin", "", {"method": "oidc", "role": role}, client)
    response = start_session(request, account, flow["next"])
    response.delete_cookie(_FLOW_COOKIE)
    return response
