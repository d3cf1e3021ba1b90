"""The web step of `joinedup demo`: one user per role on the demo store, then (unless --no-serve) the app."""

from __future__ import annotations

import secrets

from joinedup.console import err, out
from joinedup.demo import DemoContext

__all__ = ["run", "serve_demo", "DEMO_USERS"]

#: One demo user per role.
DEMO_USERS = (("ada", "admin"), ("alan", "analyst"), ("pat", "practitioner"), ("vic", "viewer"))


def run(ctx: DemoContext) -> None:
    """Create (or reset) the demo users with fresh passwords and keep their sign-ins for the final message."""
    from joinedup.web.state import audit, default_state_url, open_state
    from joinedup.web.state.users import add_user, list_users, set_password, set_role
    state = open_state(default_state_url(ctx.store))
    try:
        existing = {u.name for u in list_users(state)}
        signins = []
        for name, role in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            if name in existing:
                set_password(state, name, password)
                old, _ = set_role(state, name, role)
                audit.record(state, "demo", "user.password", name, {"role": role, "was": old}, "cli")
            else:
                add_user(state, name, role, password)
                audit.record(state, "demo", "user.add", name, {"role": role}, "cli")
            signins.append((name, role, password))
        seeded = _seed_joint_table(state, ctx)
        audit.record(state, "demo", "demo.seed", "/actions", {"actions": seeded[0], "meetings": seeded[1], "relationships": seeded[2]}, "cli")
        from joinedup.web.demo_content import DEMO_SCENARIO, seed_scenario_run
        err.print(f"web: running the {DEMO_SCENARIO[0]} scenario ({DEMO_SCENARIO[1]} runs) as a saved demo run")
        saved = seed_scenario_run(state, "alan")
        if saved is not None:
            audit.record(state, "demo", "scenario.save", f"/scenarios/jobs/{saved[0]}",
                         {"scenario": DEMO_SCENARIO[0], "action_id": saved[1], "demo": True}, "cli")
            err.print(f"web: saved scenario run {saved[0]}" + (f", attached to action {saved[1]}" if saved[1] else ""))
    finally:
        state.close()
    ctx.signins = signins  # type: ignore[attr-defined]
    err.print(f"web: {len(signins)} demo users (one per role) in the state beside {ctx.store}")
    err.print(f"web: {seeded[0]} demo actions, {seeded[1]} demo meetings and {seeded[2]} working relationships "
              "of pat (marked as demo content)")
    for name, role, password in signins:
        out.print(f"  sign in as {name} ({role}) with password {password}", markup=False, highlight=False)


def _seed_joint_table(state, ctx: DemoContext) -> tuple[int, int, int]:
    from joinedup.measures import api
    from joinedup.store import Store
    from joinedup.web.demo_content import seed, seed_relationships
    with Store.open(ctx.store, "analysis") as store:
        years = api.coverage(store)
        # The demo practitioner works with three people known to three or more sectors (the first by id).
        people = [r[0] for r in store.fetchall("SELECT person_id FROM person WHERE length(sectors) - "
                                               "length(replace(sectors, ',', '')) >= 2 ORDER BY person_id LIMIT 3")]
    related = seed_relationships(state, "pat", people)
    return (*seed(state, years, {m.id for m in api.library()}), related)


def serve_demo(ctx: DemoContext, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the app on the demo store and print the address and a sign-in for each role."""
    from joinedup.web.cli import serve_app
    from joinedup.web.config import WebConfig
    out.print(f"[bold]joinedup is serving the demo place at http://{host}:{port}/[/] (Ctrl+C stops)")
    for name, role, password in getattr(ctx, "signins", []):
        out.print(f"  {role:<13} name {name:<5} password {password}", markup=False, highlight=False)
    serve_app(WebConfig(store=ctx.store), host, port)
