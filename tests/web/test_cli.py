"""`joinedup users`, `joinedup audit verify` and `joinedup serve`, as users run them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import text

from joinedup.web.state import default_state_url, open_state


def _run(*args: str, stdin: str = "", cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "joinedup", *args], input=stdin, capture_output=True, text=True, cwd=cwd)


def test_users_add_list_role_disable_and_audit_verify(store_copy):
    db = str(store_copy)
    r = _run("users", "add", "ada", "--role", "admin", "--db", db, stdin="a very long password\n")
    assert r.returncode == 0, r.stderr
    assert "added ada (admin)" in r.stderr
    r = _run("users", "add", "ada", "--role", "admin", "--db", db, stdin="a very long password\n")
    assert r.returncode == 2 and r.stderr.strip().splitlines() == ["error: field name: user 'ada' exists already"]
    r = _run("users", "add", "bob", "--role", "boss", "--db", db, stdin="a very long password\n")
    assert r.returncode == 2 and "unknown role 'boss'" in r.stderr and "Traceback" not in r.stderr
    r = _run("users", "add", "bob", "--role", "viewer", "--db", db, stdin="")
    assert r.returncode == 2 and "no password on stdin" in r.stderr
    assert _run("users", "add", "bob", "--role", "viewer", "--db", db, stdin="another long password\n").returncode == 0
    assert _run("users", "role", "bob", "analyst", "--db", db).returncode == 0
    assert _run("users", "disable", "bob", "--db", db).returncode == 0
    r = _run("users", "list", "--db", db, "--json")
    import json
    rows = {u["name"]: u for u in json.loads(r.stdout)}
    assert rows["ada"]["role"] == "admin" and rows["bob"] == {**rows["bob"], "role": "analyst", "status": "disabled"}
    r = _run("audit", "verify", "--db", db)
    assert r.returncode == 0 and r.stdout.strip() == "audit log intact: 4 entries, chain and head verified"
    state = open_state(default_state_url(store_copy))
    with state.engine.begin() as con:
        con.execute(text("DROP TRIGGER audit_entry_no_update"))
        con.execute(text("UPDATE audit_entry SET actor = 'someone else' WHERE seq = 2"))
    r = _run("audit", "verify", "--db", db)
    assert r.returncode == 1 and r.stderr.strip() == "error: audit log broken: entry 2 was changed after it was written (hash differs)"


def test_users_and_audit_act_on_the_store_in_the_current_folder_by_default(store_copy):
    # The acceptance: `joinedup users add ada --role admin < password.txt`, then serve --db store.duckdb.
    assert store_copy.name == "store.duckdb"
    r = _run("users", "add", "ada", "--role", "admin", stdin="a very long password\n", cwd=store_copy.parent)
    assert r.returncode == 0 and "added ada (admin)" in r.stderr, r.stderr
    state = open_state(default_state_url(store_copy))
    from joinedup.web.state.users import check_password
    assert check_password(state, "ada", "a very long password").role == "admin"
    r = _run("audit", "verify", cwd=store_copy.parent)
    assert r.returncode == 0 and r.stdout.startswith("audit log intact: 1 entries")
    r = _run("users", "list", cwd=store_copy.parent.parent)
    assert r.returncode == 2 and r.stderr.strip() == "error: store.duckdb: store not found (build one with joinedup ingest, or run joinedup demo)"


def test_missing_store_is_one_line(tmp_path):
    r = _run("audit", "verify", "--db", str(tmp_path / "none.duckdb"))
    assert r.returncode == 2 and r.stderr.strip().startswith("error: ") and len(r.stderr.strip().splitlines()) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_with_the_sign_in_page(store_copy):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "joinedup", "serve", "--db", str(store_copy), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        deadline = time.time() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                if time.time() > deadline or proc.poll() is not None:
                    pytest.fail(f"serve did not answer: {proc.stderr.read() if proc.poll() is not None else 'timeout'}")
                time.sleep(0.3)
        assert r.status_code == 401 and "Sign in to joinedup" in r.text
        assert httpx.get(f"http://127.0.0.1:{port}/static/htmx.min.js").status_code == 200
        plotly = httpx.get(f"http://127.0.0.1:{port}/static/vendor/plotly.min.js")
        assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_demo_step_makes_one_user_per_role_and_resets_them_on_a_second_run(store_copy, capsys):
    from joinedup.demo import DemoContext
    from joinedup.web import demo
    from joinedup.web.state import audit
    from joinedup.web.state.users import check_password, list_users
    ctx = DemoContext(workspace=store_copy.parent, people=2500)
    demo.run(ctx)
    demo.run(ctx)
    out = capsys.readouterr().out
    state = open_state(default_state_url(store_copy))
    assert sorted(u.role for u in list_users(state)) == ["admin", "analyst", "practitioner", "viewer"]
    for name, role, password in ctx.signins:
        assert f"sign in as {name} ({role}) with password {password}" in out
        assert check_password(state, name, password).role == role, "the printed password is the one that works"
    assert audit.verify(state).ok
