"""Tables of the web app's state (the Alembic migrations create them; these map them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "User", "Session", "SigninAttempt", "AuditEntry", "Setting", "ROLES"]

#: Roles, most powerful first: admin (everything, audit), analyst (aggregates, linkage),
#: practitioner (person-level pages in part 2; overview and glossary here), viewer (overview only).
ROLES = ("admin", "analyst", "practitioner", "viewer")


class Base(DeclarativeBase):
    """Declarative base of the state tables."""


class User(Base):
    """A person who signs in: a local password (argon2) or an OpenID Connect subject."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    oidc_subject: Mapped[str | None] = mapped_column(String(300), nullable=True, unique=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Session(Base):
    """A signed-in browser: the cookie holds a random token, the table its SHA-256 only."""

    __tablename__ = "app_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class SigninAttempt(Base):
    """A failed sign-in, kept for rate limiting (by name and by client address)."""

    __tablename__ = "signin_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    client: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """One line of the append-only audit log; `hash` covers this entry and the previous hash."""

    __tablename__ = "audit_entry"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)
    client: Mapped[str] = mapped_column(String(100))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    """Small named values the app keeps (the secret that signs CSRF tokens)."""

    __tablename__ = "app_setting"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
