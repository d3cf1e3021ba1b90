"""Users, passwords (argon2), sessions and sign-in rate limiting."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from joinedup.errors import UserError
from joinedup.web.state.db import State
from joinedup.web.state.models import ROLES, Session, SigninAttempt, User

__all__ = ["Account", "add_user", "list_users", "disable_user", "set_role", "check_password", "rate_limited",
           "note_failure", "new_session", "session_user", "end_session", "oidc_user", "SESSION_HOURS",
           "MAX_FAILURES_PER_NAME", "set_password", "MIN_PASSWORD", "MAX_FAILURES_PER_CLIENT", "WINDOW_MINUTES", "check_name", "check_role"]

SESSION_HOURS = 8
MIN_PASSWORD = 12
#: Failed sign-ins allowed per name, and per client address, in the window before sign-in is refused.
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_CLIENT = 20
WINDOW_MINUTES = 15

_hasher = PasswordHasher()
# A hash to verify against when the name is unknown, so timing does not tell which names exist.
_DUMMY = _hasher.hash("joinedup-not-a-user")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Account:
    """A user as pages and the CLI see it (never the password hash)."""

    id: int
    name: str
    role: str
    disabled: bool
    created_at: datetime
    oidc: bool


def _account(u: User) -> Account:
    return Account(u.id, u.name, u.role, u.disabled, u.created_at, u.oidc_subject is not None)


def check_name(name: str) -> str:
    """A user name: 1-200 printable characters without surrounding spaces."""
    clean = name.strip()
    if not clean or len(clean) > 200 or not clean.isprintable():
        raise UserError(f"invalid user name {name!r} (1-200 printable characters)", field="name")
    return clean


def check_role(role: str) -> str:
    """One of ROLES."""
    if role not in ROLES:
        raise UserError(f"unknown role {role!r} (choose from {', '.join(ROLES)})", field="role")
    return role


def add_user(state: State, name: str, role: str, password: str) -> Account:
    """Create a local user with an argon2 password hash."""
    name, role = check_name(name), check_role(role)
    _check_password(password)
    with state.session() as s:
        if s.scalar(select(User).where(User.name == name)) is not None:
            raise UserError(f"user {name!r} exists already", field="name")
        u = User(name=name, role=role, password_hash=_hasher.hash(password), disabled=False, created_at=_now())
        s.add(u)
        s.flush()
        return _account(u)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password too short: at least {MIN_PASSWORD} characters", field="password")


def set_password(state: State, name: str, password: str) -> Account:
    """Replace a local user's password (and enable the account)."""
    _check_password(password)
    with state.session() as s:
        u = _get(s, name)
        u.password_hash, u.disabled = _hasher.hash(password), False
        return _account(u)


def list_users(state: State) -> list[Account]:
    """Every user, by name."""
    with state.session() as s:
        return [_account(u) for u in s.scalars(select(User).order_by(User.name))]


def _get(s, name: str) -> User:
    u = s.scalar(select(User).where(User.name == name))
    if u is None:
        raise UserError(f"no user named {name!r}", field="name")
    return u


def disable_user(state: State, name: str) -> Account:
    """Disable a user and end their sessions."""
    with state.session() as s:
        u = _get(s, name)
        u.disabled = True
        s.execute(delete(Session).where(Session.user_id == u.id))
        return _account(u)


def set_role(state: State, name: str, role: str) -> tuple[str, Account]:
    """Change a user's role; returns the old role and the account."""
    role = check_role(role)
    with state.session() as s:
        u = _get(s, name)
        old, u.role = u.role, role
        return old, _account(u)


def check_password(state: State, name: str, password: str) -> Account | None:
    """The account when the name and password match an enabled local user, else None."""
    with state.session() as s:
        u = s.scalar(select(User).where(User.name == name.strip()))
        stored = u.password_hash if u is not None and u.password_hash else _DUMMY
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if u is None or u.disabled or not u.password_hash:
            return None
        if _hasher.check_needs_rehash(u.password_hash):
            u.password_hash = _hasher.hash(password)
        return _account(u)


def rate_limited(state: State, name: str, client: str) -> bool:
    """True when the name or the client has had too many failed sign-ins in the window."""
    since = _now() - timedelta(minutes=WINDOW_MINUTES)
    with state.session() as s:
        s.execute(delete(SigninAttempt).where(SigninAttempt.at < since))
        by_name = s.scalar(select(func.count()).select_from(SigninAttempt).where(SigninAttempt.name == name.strip()))
        by_client = s.scalar(select(func.count()).select_from(SigninAttempt).where(SigninAttempt.client == client))
    return by_name >= MAX_FAILURES_PER_NAME or by_client >= MAX_FAILURES_PER_CLIENT


def note_failure(state: State, name: str, client: str) -> None:
    """Count one failed sign-in."""
    with state.session() as s:
        s.add(SigninAttempt(name=name.strip()[:200], client=client[:100], at=_now()))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(state: State, account: Account) -> str:
    """Start a session; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with state.session() as s:
        s.add(Session(token_hash=_hash(token), user_id=account.id, created_at=now,
                      expires_at=now + timedelta(hours=SESSION_HOURS)))
    return token


def session_user(state: State, token: str | None) -> Account | None:
    """The enabled user of a live session, else None."""
    if not token:
        return None
    with state.session() as s:
        row = s.execute(select(Session, User).join(User, User.id == Session.user_id)
                        .where(Session.token_hash == _hash(token))).first()
        if row is None:
            return None
        sess, u = row
        if sess.expires_at < _now() or u.disabled:
            s.delete(sess)
            return None
        return _account(u)


def end_session(state: State, token: str | None) -> None:
    """Forget a session."""
    if token:
        with state.session() as s:
            s.execute(delete(Session).where(Session.token_hash == _hash(token)))


def oidc_user(state: State, subject: str, name: str, role: str) -> tuple[Account, str | None]:
    """The user of an OpenID Connect subject, created or updated; returns it and the old role when it changed."""
    role = check_role(role)
    with state.session() as s:
        u = s.scalar(select(User).where(User.oidc_subject == subject))
        if u is None:
            taken = s.scalar(select(User).where(User.name == name)) is not None
            u = User(name=f"{name} ({subject[:12]})" if taken else name, role=role, password_hash=None,
                     oidc_subject=subject, disabled=False, created_at=_now())
            s.add(u)
            s.flush()
            return _account(u), None
        old = u.role if u.role != role else None
        u.role = role
        return _account(u), old
