"""Looking after a store: what it holds (`info`), backup and restore, and schema migrations.

A backup is a folder holding copies of the store, its vault and its key file (when the key is a
file) and `manifest.json` (schema version, joinedup version, each file's role, size and sha256).
It is taken under the writer lock, so store and vault come from the same publish; readers carry on.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from joinedup import __version__
from joinedup.errors import UserError
from joinedup.inputs import sha256_of
from joinedup.store import schema
from joinedup.store.audit import entries
from joinedup.store.paths import paths_for
from joinedup.store.store import Store, writer_lock

__all__ = ["StoreInfo", "backup", "info", "migrate", "restore", "MANIFEST", "MIGRATIONS"]

MANIFEST = "manifest.json"
_KEY_ENV = "JOINEDUP_KEY"

#: Steps from one schema version to the next: version -> SQL statements run by `migrate` (none yet:
#: version 1 is the first recorded; a store made before versions were recorded is version 1).
MIGRATIONS: dict[int, tuple[str, ...]] = {}


@dataclass(frozen=True)
class StoreInfo:
    """What `joinedup store info` prints."""

    store: str
    schema_version: int
    joinedup_schema_version: int
    version: str
    tables: dict[str, int]
    undeclared: list[str]
    loads: int
    last_load: str | None
    vault: str
    vault_exists: bool
    key: str
    audit_entries: int
    state: str
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


def info(path: Path) -> StoreInfo:
    """Schema version, tables and their rows, loads, and where the vault, key, audit log and web state live."""
    with Store.open(path, "analysis") as s:
        names = s.tables()
        tables = {t: s.fetchall(f'SELECT count(*) FROM "{t}"')[0][0] for t in names}
        declared = {t.name for t in schema.STORE_TABLES}
        loads, last = (s.fetchall("SELECT count(*), CAST(max(finished_at) AS VARCHAR) FROM load")[0]
                       if "load" in tables else (0, None))
        version, schema_version = s.version, s.schema_version
    p = paths_for(path)
    key = (f"environment variable {_KEY_ENV}" if os.environ.get(_KEY_ENV)
           else f"{p.key}" + ("" if p.key.exists() else " (missing)"))
    return StoreInfo(str(p.store), schema_version, schema.SCHEMA_VERSION, version, tables,
                     sorted(set(names) - declared), int(loads), last and last[:19], str(p.vault), p.vault.exists(),
                     key, len(entries(p.audit)), str(p.state))


def backup(path: Path, out: Path) -> dict:
    """Copy store, vault and key file into the folder `out` with a manifest; returns the manifest."""
    p = paths_for(path)
    if not p.store.exists():
        raise UserError("store not found (build one with joinedup ingest)", file=str(p.store))
    out = Path(out)
    if (out / MANIFEST).exists():
        raise UserError("that folder already holds a backup; give a new one", file=str(out))
    out.mkdir(parents=True, exist_ok=True)
    with Store.open(path, "analysis") as s:
        schema_version = s.schema_version
    files = {}
    with writer_lock(p):  # no publish mid-copy: store and vault from one moment
        for role, src in (("store", p.store), ("vault", p.vault), ("key", p.key)):
            if src.exists():
                dst = out / src.name
                shutil.copy2(src, dst)
                if role == "key":
                    dst.chmod(0o600)
                files[role] = {"file": src.name, "bytes": dst.stat().st_size, "sha256": sha256_of(dst)}
    manifest = {"format": "joinedup.store.backup/1", "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "joinedup": __version__, "schema_version": schema_version, "source": str(p.store), "files": files,
                "key": "file" if "key" in files else f"not in the backup (from {_KEY_ENV} or absent)"}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def restore(path: Path, source: Path) -> dict:
    """Restore a backup folder as the store at `path` (which must not exist yet); returns the manifest."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
        files = manifest["files"]
        version = int(manifest["schema_version"])
    except FileNotFoundError:
        raise UserError(f"no {MANIFEST}: not a joinedup backup folder", file=str(source)) from None
    except (ValueError, KeyError, TypeError) as e:
        raise UserError(f"the manifest is not readable ({e})", file=str(source / MANIFEST)) from None
    if version > schema.SCHEMA_VERSION:
        raise UserError(f"the backup has schema version {version}, newer than this joinedup understands "
                        f"({schema.SCHEMA_VERSION}); upgrade joinedup", file=str(source / MANIFEST))
    if "store" not in files:
        raise UserError("the manifest lists no store file", file=str(source / MANIFEST), field="files")
    for role, f in files.items():
        src = source / f["file"]
        if not src.exists() or sha256_of(src) != f["sha256"]:
            raise UserError(f"the {role} file is missing or differs from the manifest (sha256)", file=str(src))
    p = paths_for(path)
    taken = [t for t in (p.store, p.vault, p.key) if t.exists()]
    if taken:
        raise UserError("a store is already there; restore into a new path (or move the old one away)",
                        file=str(taken[0]))
    p.store.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(p):
        for role, dst in (("vault", p.vault), ("key", p.key), ("store", p.store)):  # the store last: it is the commit
            if role in files:
                tmp = dst.with_name(dst.name + ".restoring")
                shutil.copy2(source / files[role]["file"], tmp)
                if role == "key":
                    tmp.chmod(0o600)
                os.replace(tmp, dst)
    return manifest


def migrate(path: Path, backup_dir: Path | None = None) -> tuple[int, int, Path]:
    """Bring the store to this joinedup's schema version, after a backup; returns (from, to, backup folder)."""
    p = paths_for(path)
    with Store.open(path, "analysis") as s:
        before = s.schema_version
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    where = Path(backup_dir) if backup_dir else p.store.with_name(f"{p.store.name}.backup-{stamp}")
    backup(path, where)
    with Store.open(path, "write") as s:
        for v in range(before, schema.SCHEMA_VERSION):
            for statement in MIGRATIONS.get(v, ()):
                s.execute(statement)
        s.record_schema_version(schema.SCHEMA_VERSION)
    return before, schema.SCHEMA_VERSION, where

