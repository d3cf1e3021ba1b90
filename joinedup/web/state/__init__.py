"""The web app's own state (users, sessions, sign-in attempts, the audit log) through SQLAlchemy 2.

SQLite beside the store by default, PostgreSQL with a postgresql:// URL; the schema is made and
upgraded only by the Alembic migrations in `migrations/`.
"""

from joinedup.web.state.db import State, open_state, default_state_url

__all__ = ["State", "open_state", "default_state_url"]
