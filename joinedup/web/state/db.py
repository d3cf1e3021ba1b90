"""Open the state database, bring its schema up to date with Alembic, hand out sessions."""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from joinedup.errors import UserError
from joinedup.web.state.models import Setting

__all__ = ["State", "open_state", "default_state_url", "migrate", "HEAD"]

#: The newest migration; a state database at another head is upgraded on open.
HEAD = "0003"


def default_state_url(store: Path) -> str:
    """SQLite beside the store, named by the store's naming rule (`store.duckdb` -> `store.state.sqlite`)."""
    from joinedup.store.paths import paths_for
    return f"sqlite:///{paths_for(Path(store).resolve()).state}"


def _normalise(url: str) -> str:
    # postgresql:// means psycopg 3 here (the only driver the project installs).
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con, _record) -> None:
        cur = dbapi_con.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def migrate(engine: Engine) -> None:
    """Upgrade the schema to HEAD with the package's Alembic migrations."""
    from alembic import command
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(files("joinedup.web.state") / "migrations"))
    with engine.begin() as con:
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "head")


@dataclass
class State:
    """An open state database."""

    engine: Engine
    url: str

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[OrmSession]:
        """A unit of work: committed when the block ends, rolled back on error."""
        s = self._sessions()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def secret(self) -> str:
        """The app's signing secret, made on first use and kept in the state."""
        with self.session() as s:
            row = s.get(Setting, "secret")
            if row is None:
                row = Setting(name="secret", value=secrets.token_urlsafe(48))
                s.add(row)
            return row.value

    def revision(self) -> str | None:
        """The migration the database is at."""
        from alembic.runtime.migration import MigrationContext
        with self.engine.connect() as con:
            return MigrationContext.configure(con).get_current_revision()

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()


def open_state(url: str) -> State:
    """Open (creating and migrating when needed) the state database at url."""
    try:
        parsed = make_url(_normalise(url))
    except ArgumentError:
        raise UserError(f"not a database URL: {url!r} (expected sqlite:///PATH or postgresql://...)", field="state-url") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise UserError(f"unsupported state database {parsed.get_backend_name()!r} (sqlite or postgresql)", field="state-url")
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, pool_pre_ping=True)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_pragmas(engine)
    try:
        migrate(engine)
        with engine.connect() as con:
            con.execute(select(1))
    except OperationalError as e:
        engine.dispose()
        detail = " ".join(str(e.orig).split()) if e.orig else "cannot connect"
        raise UserError(f"cannot open the state database: {detail}", field="state-url") from None
    return State(engine, parsed.render_as_string(hide_password=True))
