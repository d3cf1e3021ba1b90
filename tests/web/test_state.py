"""The web app's state on SQLite and on a real PostgreSQL: migrations, users, sessions, rate limits, the audit chain."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from joinedup.errors import UserError
from joinedup.web.state import audit, open_state
from joinedup.web.state.db import HEAD
from joinedup.web.state.users import (MAX_FAILURES_PER_NAME, add_user, check_password, disable_user, end_session,
                                      list_users, new_session, note_failure, rate_limited, session_user, set_role)


@pytest.fixture(params=["sqlite", "postgresql"])
def state(request, tmp_path):
    """A fresh state database on each engine (PostgreSQL: a new database in the session's server)."""
    if request.param == "sqlite":
        st = open_state(f"sqlite:///{tmp_path / 'state.sqlite'}")
    else:
        import uuid

        import psycopg
        base = request.getfixturevalue("postgres_url")
        name = "t" + uuid.uuid4().hex[:12]
        with psycopg.connect(base.replace("postgresql://", "postgresql://", 1), autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name}")
        st = open_state(base.rsplit("/", 1)[0] + "/" + name)
    yield st
    st.close()


def test_migrations_bring_a_new_database_to_head_and_are_idempotent(state):
    assert state.revision() == HEAD
    again = open_state(state.engine.url.render_as_string(hide_password=False))
    assert again.revision() == HEAD
    again.close()


def test_users_passwords_roles_and_disable(state):
    add_user(state, "ada", "admin", "a long enough password")
    with pytest.raises(UserError, match="exists already"):
        add_user(state, "ada", "viewer", "another long password")
    with pytest.raises(UserError, match="unknown role"):
        add_user(state, "bob", "boss", "a long enough password")
    with pytest.raises(UserError, match="too short"):
        add_user(state, "bob", "viewer", "short")
    assert check_password(state, "ada", "a long enough password").role == "admin"
    assert check_password(state, "ada", "a wrong password") is None
    assert check_password(state, "nobody", "a long enough password") is None
    row = state.engine.connect().execute(text("SELECT password_hash FROM app_user WHERE name = 'ada'")).scalar()
    assert row.startswith("$argon2id$") and "a long enough password" not in row
    assert set_role(state, "ada", "analyst")[0] == "admin"
    token = new_session(state, check_password(state, "ada", "a long enough password"))
    assert session_user(state, token).role == "analyst"
    disable_user(state, "ada")
    assert session_user(state, token) is None, "disabling ends the user's sessions"
    assert check_password(state, "ada", "a long enough password") is None
    assert [u.disabled for u in list_users(state)] == [True]


def test_sessions_store_only_a_hash_of_the_token(state):
    add_user(state, "ada", "admin", "a long enough password")
    token = new_session(state, list_users(state)[0])
    stored = state.engine.connect().execute(text("SELECT token_hash FROM app_session")).scalar()
    assert stored != token and len(stored) == 64
    end_session(state, token)
    assert session_user(state, token) is None


def test_rate_limit_after_repeated_failures(state):
    for _ in range(MAX_FAILURES_PER_NAME - 1):
        note_failure(state, "ada", "10.0.0.1")
    assert not rate_limited(state, "ada", "10.0.0.2")
    note_failure(state, "ada", "10.0.0.1")
    assert rate_limited(state, "ada", "10.0.0.2"), "the limit is per name, whatever the address"
    assert not rate_limited(state, "bob", "10.0.0.2")


def test_audit_chain_verifies_and_refuses_edits_and_deletions(state):
    for i in range(5):
        audit.record(state, "ada", "view", f"/page/{i}", {"i": i}, "127.0.0.1")
    assert audit.verify(state).ok and audit.verify(state).entries == 5
    assert [e.seq for e in audit.entries(state, action="view")] == [5, 4, 3, 2, 1]
    assert [e.seq for e in audit.entries(state, text="/page/3")] == [4]
    for statement in ("UPDATE audit_entry SET actor = 'eve' WHERE seq = 2", "DELETE FROM audit_entry WHERE seq = 5"):
        with pytest.raises(Exception, match="append-only"):
            with state.engine.begin() as con:
                con.execute(text(statement))
    assert audit.verify(state).ok


def _without_triggers(state, statement: str) -> None:
    with state.engine.begin() as con:
        if state.engine.dialect.name == "postgresql":
            con.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER ALL"))
            con.execute(text(statement))
            con.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER ALL"))
        else:
            con.execute(text("DROP TRIGGER audit_entry_no_update"))
            con.execute(text("DROP TRIGGER audit_entry_no_delete"))
            con.execute(text(statement))


@pytest.mark.parametrize("statement, problem", [
    ("UPDATE audit_entry SET target = '/other' WHERE seq = 2", "entry 2 was changed"),
    ("DELETE FROM audit_entry WHERE seq = 3", "entry 3 is missing"),
    ("DELETE FROM audit_entry WHERE seq = 4", "removed from the end"),
])
def test_audit_verify_finds_a_change_made_behind_the_triggers(state, statement, problem):
    for i in range(4):
        audit.record(state, "ada", "export", f"/x/{i}", None, "127.0.0.1")
    _without_triggers(state, statement)
    verdict = audit.verify(state)
    assert not verdict.ok and problem in verdict.problem


def test_concurrent_appends_keep_one_unbroken_chain(state):
    def work(n: int) -> None:
        for i in range(10):
            audit.record(state, f"user{n}", "view", f"/{i}", None, "127.0.0.1")
    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    verdict = audit.verify(state)
    assert verdict.ok and verdict.entries == 40
