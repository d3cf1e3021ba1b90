"""Fixtures for the web tests: one small linked place per session, apps over it, users of every role, PostgreSQL.

The place is built once through the CLI (synth, ingest, link, peers import), as a user would.
Each test that signs in gets its own state database, so audit and sessions never leak between tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from joinedup.web.state.models import ROLES

PEOPLE = 2500
PASSWORD = "correct horse battery staple"
USERS = {role: f"{role}-user" for role in ROLES}


KEY = "web-tests-key-0123456789abcdef"


@pytest.fixture(scope="package", autouse=True)
def _store_key():
    """The place's key for every web test (the person view opens its vault), undone when tests/web ends."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JOINEDUP_KEY", KEY)
        yield


def _cli(*args: str, cwd: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "joinedup", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "JOINEDUP_KEY": KEY})
    assert proc.returncode == 0, f"joinedup {' '.join(args)} failed:\n{proc.stderr[-3000:]}"


@pytest.fixture(scope="session")
def place_store(tmp_path_factory) -> Path:
    """A linked synthetic place of 2,500 people with the published peer figures, built once."""
    root = tmp_path_factory.mktemp("webplace")
    _cli("synth", "--people", str(PEOPLE), "--seed", "5", "--out", "place", cwd=root)
    _cli("ingest", "place", "--db", "store.duckdb", cwd=root)
    _cli("link", "--db", "store.duckdb", cwd=root)
    _cli("peers", "import", "--db", "store.duckdb", cwd=root)
    return root / "store.duckdb"


@pytest.fixture
def store_copy(place_store, tmp_path) -> Path:
    """A private copy of the place's store (for tests that write to it)."""
    out = tmp_path / "store.duckdb"
    shutil.copy(place_store, out)
    return out


def make_app(store: Path, state_url: str, **kw):
    """An app over store with a user of every role (password PASSWORD)."""
    from joinedup.web import WebConfig, create_app
    from joinedup.web.state import open_state
    from joinedup.web.state.users import add_user
    state = open_state(state_url)
    for role, name in USERS.items():
        add_user(state, name, role, PASSWORD)
    state.close()
    return create_app(WebConfig(store=store, state_url=state_url, **{"warm": False, **kw}))


@pytest.fixture
def app(place_store, tmp_path):
    """The app over the shared place, with a fresh SQLite state."""
    return make_app(place_store, f"sqlite:///{tmp_path / 'state.sqlite'}")


def csrf_of(html: str) -> str:
    """The CSRF token a rendered page carries."""
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def client_for(app, role: str | None):
    """An in-process HTTPS client, signed in as the user of role (None: anonymous)."""
    from fastapi.testclient import TestClient
    c = TestClient(app, base_url="https://testserver")
    page = c.get("/signin")
    if role is not None:
        r = c.post("/signin", data={"name": USERS[role], "password": PASSWORD, "csrf": csrf_of(page.text), "next": "/"},
                   follow_redirects=False)
        assert r.status_code == 303, r.text[:500]
    return c


# PostgreSQL ------------------------------------------------------------------------------------

def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (d / name).exists():
            return str(d / name)
    return None


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A real PostgreSQL started in a temporary folder for the session (as an unprivileged user when root)."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries not found (.ci/run installs postgresql)")
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found")
    import tempfile
    base = Path(tempfile.mkdtemp(prefix="joinedup-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: run it as the postgres user (or nobody) and give it the folder.
        import pwd
        user = next((u for u in ("postgres", "nobody") if _has_user(u, pwd)), None)
        assert user, "no unprivileged user to run PostgreSQL as"
        for p in (base, sock):
            shutil.chown(p, user)
        prefix = ["runuser", "-u", user, "--"]
    port = _free_port()
    subprocess.run([*prefix, initdb, "-D", str(data), "-U", "joinedup", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    subprocess.run([*prefix, pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                    f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql://joinedup@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _has_user(name: str, pwd) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
