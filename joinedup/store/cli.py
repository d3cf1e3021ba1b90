"""`joinedup store info|backup|restore|migrate`: look after a store."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from joinedup.console import out
from joinedup.options import DB

__all__ = ["register", "store_app"]

store_app = typer.Typer(help="Look after a store: what it holds, backup, restore, schema migration.",
                        no_args_is_help=True)


@store_app.command("info")
def info_cmd(db: Path = DB, as_json: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """Schema version, tables and rows, loads, and where the vault, key and audit log are."""
    from joinedup.store.admin import info

    i = info(db)
    if as_json:
        out.print(json.dumps(i.as_dict(), indent=1), markup=False, highlight=False, soft_wrap=True)
        return
    lines = [f"store: {i.store}", f"schema version: {i.schema_version} (this joinedup: {i.joinedup_schema_version})",
             f"version token: {i.version}",
             f"loads: {i.loads}" + (f" (last finished {i.last_load})" if i.last_load else ""),
             f"vault: {i.vault}" + ("" if i.vault_exists else " (none)"), f"key: {i.key}",
             f"audit log: {i.audit_entries} re-identification(s)", f"web app state: {i.state}"]
    for line in lines:
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    table = Table(title=f"{len(i.tables)} tables")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in i.tables.items():
        table.add_row(name + (" (undeclared)" if name in i.undeclared else ""), f"{n:,}")
    out.print(table)


@store_app.command("backup")
def backup_cmd(db: Path = DB, out_dir: Path = typer.Option(..., "--out", help="A new folder for the backup.")) -> None:
    """Copy the store, its vault and key file into a folder, with a manifest (sha256 of each file)."""
    from joinedup.store.admin import backup

    m = backup(db, out_dir)
    out.print(f"backed up {db} (schema version {m['schema_version']}) to {out_dir}: "
              + ", ".join(f"{role} {f['bytes']:,} bytes" for role, f in m["files"].items()), markup=False, soft_wrap=True)


@store_app.command("restore")
def restore_cmd(db: Path = DB, source: Path = typer.Option(..., "--from", help="A folder written by store backup.")) -> None:
    """Restore a backup as a new store at --db (its vault and key beside it, named from it)."""
    from joinedup.store.admin import restore

    m = restore(db, source)
    out.print(f"restored {source} to {db} (schema version {m['schema_version']}; {', '.join(m['files'])})",
              markup=False, soft_wrap=True)


@store_app.command("migrate")
def migrate_cmd(db: Path = DB, backup_dir: Path = typer.Option(None, "--backup", help="Where to back up first "
                                                              "(default: STORE.backup-TIMESTAMP beside it).")) -> None:
    """Bring the store to this joinedup's schema version (a backup is taken first)."""
    from joinedup.store.admin import migrate

    before, after, where = migrate(db, backup_dir)
    what = "already at" if before == after else f"migrated from {before} to"
    out.print(f"{db}: {what} schema version {after} (backup in {where})", markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add `joinedup store ...` to the front door."""
    app.add_typer(store_app, name="store")


@store_app.command("init")
def init_cmd(db: Path = DB) -> None:
    """Create an empty store and its pseudonym key (a key file beside it, mode 0600, unless JOINEDUP_KEY is set)."""
    from joinedup.store.rekey import init_store

    origin = init_store(db)
    out.print(f"created store {db}; pseudonym key: {origin}. Back the key up apart from the store: "
              "without it no new load joins anybody already loaded.", markup=False, highlight=False, soft_wrap=True)


@store_app.command("rekey")
def rekey_cmd(db: Path = DB, new_key_file: Path = typer.Option(
        ..., "--new-key-file", help="The new key (made, mode 0600, if the file does not exist).")) -> None:
    """Change the store's pseudonym key on purpose: backup first, then store and vault re-pseudonymised together."""
    from joinedup.store.rekey import rekey

    r = rekey(db, new_key_file)
    out.print(f"backup: {r.backup}", markup=False, highlight=False, soft_wrap=True)
    out.print(f"rekeyed {r.pseudonyms:,} pseudonyms: {r.values:,} values in {r.columns} columns of store and vault; "
              "person and family links kept", markup=False, highlight=False, soft_wrap=True)
    out.print(r.key_note, markup=False, highlight=False, soft_wrap=True)
