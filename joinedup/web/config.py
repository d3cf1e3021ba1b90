"""What `joinedup serve` is told: the store, the state database, and optional OpenID Connect sign-in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["WebConfig", "OidcConfig"]


@dataclass(frozen=True)
class OidcConfig:
    """An OpenID Connect provider (Entra ID, or any other): issuer, client and where the role is in the ID token.

    role_map maps a claim value to a joinedup role; a value that is itself a role name maps to it.
    """

    issuer: str
    client_id: str
    client_secret: str
    role_claim: str = "roles"
    role_map: dict[str, str] = field(default_factory=dict)
    name_claim: str = "email"
    label: str = "Sign in with your organisation"


@dataclass(frozen=True)
class WebConfig:
    """Settings of one running app."""

    store: Path
    state_url: str | None = None
    oidc: OidcConfig | None = None
    #: Session cookies are Secure (sent over HTTPS, or to localhost); tests over plain http turn it off.
    secure_cookies: bool = True
    #: Record a `view` audit entry for every page a signed-in user opens.
    audit_views: bool = True
    #: Compute the overview's figures in the background when the app starts and after each new store version.
    warm: bool = True
    #: Background jobs (scenario ensembles) run at once in this process; each user has at most one.
    job_workers: int = 2
