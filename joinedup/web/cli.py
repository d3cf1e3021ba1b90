"""`joinedup serve`, `joinedup users add|list|disable|role` and `joinedup audit verify`."""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from joinedup.console import err, out
from joinedup.errors import UserError
from joinedup.options import DB as _DB
from joinedup.options import DB_HELP

__all__ = ["register", "serve_app", "read_password"]

#: `users` and `audit` act on the store in the current folder unless told otherwise (`joinedup users add ada --role admin`).
_HERE_DB = typer.Option(Path("store.duckdb"), "--db", help=DB_HELP + " Default: store.duckdb in the current folder.")
_STATE = typer.Option(None, "--state-url", help="State database URL (default: SQLite beside the store; or postgresql://...).")

users_app = typer.Typer(help="Users of the web app and their roles (admin, analyst, practitioner, viewer).", no_args_is_help=True)
audit_app = typer.Typer(help="The web app's append-only, hash-chained audit log.", no_args_is_help=True)


def _state(db: Path, state_url: Optional[str]):
    from joinedup.web.state import default_state_url, open_state
    if not db.is_file():
        raise UserError("store not found (build one with joinedup ingest, or run joinedup demo)", file=str(db))
    return open_state(state_url or default_state_url(db))


def read_password(prompt: str = "Password") -> str:
    """The password: prompted twice on a terminal, else the first line of stdin."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(f"{prompt}: ")
        if getpass.getpass(f"{prompt} (again): ") != first:
            raise UserError("the two passwords differ", field="password")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        raise UserError("no password on stdin (give it as the first line)", field="password")
    return line.rstrip("\r\n")


@users_app.command("add")
def users_add(name: str = typer.Argument(..., help="The user's name (what they type to sign in)."),
              role: str = typer.Option(..., "--role", help="admin, analyst, practitioner or viewer."),
              db: Path = _HERE_DB, state_url: Optional[str] = _STATE) -> None:
    """Add a user; the password is prompted for (or read from stdin when it is not a terminal)."""
    from joinedup.web.state import audit
    from joinedup.web.state.users import add_user, check_name, check_role
    check_name(name), check_role(role)
    state = _state(db, state_url)
    account = add_user(state, name, role, read_password())
    audit.record(state, f"cli:{_whoami()}", "user.add", account.name, {"role": role}, "cli")
    err.print(f"added {account.name} ({account.role})", markup=False)


@users_app.command("list")
def users_list(db: Path = _HERE_DB, state_url: Optional[str] = _STATE,
               as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List users: name, role, sign-in, status."""
    from joinedup.web.state.users import list_users
    rows = [{"name": u.name, "role": u.role, "signin": "oidc" if u.oidc else "password",
             "status": "disabled" if u.disabled else "active", "created": u.created_at.isoformat(timespec="seconds")}
            for u in list_users(_state(db, state_url))]
    if as_json:
        out.print(json.dumps(rows, indent=1), markup=False)
        return
    table = Table()
    for c in ("name", "role", "signin", "status", "created"):
        table.add_column(c)
    for r in rows:
        table.add_row(*(r[c] for c in ("name", "role", "signin", "status", "created")))
    out.print(table)


@users_app.command("disable")
def users_disable(name: str = typer.Argument(..., help="The user to disable."), db: Path = _HERE_DB,
                  state_url: Optional[str] = _STATE) -> None:
    """Disable a user and end their sessions."""
    from joinedup.web.state import audit
    from joinedup.web.state.users import disable_user
    state = _state(db, state_url)
    account = disable_user(state, name)
    audit.record(state, f"cli:{_whoami()}", "user.disable", account.name, None, "cli")
    err.print(f"disabled {account.name}", markup=False)


@users_app.command("role")
def users_role(name: str = typer.Argument(..., help="The user."),
               role: str = typer.Argument(..., help="The new role: admin, analyst, practitioner or viewer."),
               db: Path = _HERE_DB, state_url: Optional[str] = _STATE) -> None:
    """Change a user's role (audited)."""
    from joinedup.web.state import audit
    from joinedup.web.state.users import set_role
    state = _state(db, state_url)
    old, account = set_role(state, name, role)
    if old != role:
        audit.record(state, f"cli:{_whoami()}", "role.change", account.name, {"from": old, "to": role}, "cli")
    err.print(f"{account.name}: {old} -> {role}", markup=False)


@audit_app.command("verify")
def audit_verify(db: Path = _HERE_DB, state_url: Optional[str] = _STATE) -> None:
    """Check the audit chain: every entry's hash, its link to the one before, and the recorded head."""
    from joinedup.web.state import audit
    verdict = audit.verify(_state(db, state_url))
    if not verdict.ok:
        err.print(f"error: audit log broken: {verdict.problem}", markup=False)
        raise typer.Exit(1)
    out.print(f"audit log intact: {verdict.entries} entries, chain and head verified", markup=False)


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def serve_app(config, host: str, port: int) -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn
    from joinedup.web.app import create_app
    app = create_app(config)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, proxy_headers=False)


def serve(db: Path = _DB,
          host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
          state_url: Optional[str] = _STATE,
          oidc_issuer: Optional[str] = typer.Option(None, "--oidc-issuer", help="OpenID Connect issuer URL (turns on organisation sign-in)."),
          oidc_client_id: Optional[str] = typer.Option(None, "--oidc-client-id", help="OpenID Connect client id."),
          oidc_role_claim: str = typer.Option("roles", "--oidc-role-claim", help="The ID token claim that holds the role."),
          oidc_role: Optional[list[str]] = typer.Option(None, "--oidc-role", help="Map a claim value to a role, VALUE=ROLE (repeatable).")) -> None:
    """Serve the web app on a store (sign-in page at http://HOST:PORT/). The OIDC client secret is read from JOINEDUP_OIDC_CLIENT_SECRET."""
    from joinedup.web.config import OidcConfig, WebConfig
    from joinedup.web.state.users import check_role
    oidc = None
    if oidc_issuer:
        secret = os.environ.get("JOINEDUP_OIDC_CLIENT_SECRET", "")
        if not oidc_client_id or not secret:
            raise UserError("OpenID Connect needs --oidc-client-id and JOINEDUP_OIDC_CLIENT_SECRET", field="oidc-issuer")
        mapping = {}
        for item in oidc_role or []:
            value, sep, role = item.partition("=")
            if not sep:
                raise UserError(f"--oidc-role {item!r}: expected VALUE=ROLE", field="oidc-role")
            mapping[value] = check_role(role)
        oidc = OidcConfig(oidc_issuer, oidc_client_id, secret, oidc_role_claim, mapping)
    config = WebConfig(store=db, state_url=state_url, oidc=oidc)
    err.print(f"joinedup: serving {db} at http://{host}:{port}/ (Ctrl+C stops)", markup=False)
    serve_app(config, host, port)


def register(app: typer.Typer) -> None:
    """Add `joinedup serve`, `joinedup users`, `joinedup audit` and `joinedup report`."""
    from joinedup.web.report_cli import report_app
    app.command("serve")(serve)
    app.add_typer(report_app, name="report")
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")
