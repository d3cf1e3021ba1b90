"""Parquet snapshots of a published store: what the Spark engine reads.

The published store is one DuckDB file; Spark reads Parquet. A snapshot is the analysis store's
tables as Parquet folders (one per table) under `STORE.parquet/<version>/`, written by the DuckDB
backend in its memory limit and made visible by one rename, so a reader sees a whole snapshot or
none. It is made once per published version and reused until the next write publishes; older
versions are removed. The identity vault is never exported.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from joinedup.errors import UserError
from joinedup.store.backends import backend_for
from joinedup.store.backends.base import STORE
from joinedup.store.memory import engine_memory_limit
from joinedup.store.paths import StorePaths

__all__ = ["parquet_snapshot", "snapshot_root"]

#: Written last inside a snapshot: its presence says the snapshot is whole.
_DONE = "_SNAPSHOT_DONE"


def snapshot_root(paths: StorePaths) -> Path:
    """The folder that holds a store's Parquet snapshots."""
    return paths.store.with_name(paths.store.name + ".parquet")


def parquet_snapshot(paths: StorePaths, memory_limit: str | None = None) -> tuple[Path, str]:
    """The Parquet snapshot of the store as published now (made if missing), and the version it holds."""
    from joinedup.store.store import version_of  # the store module imports this one

    root = snapshot_root(paths)
    for _ in range(5):  # a publish while exporting: export the new version
        version = version_of(paths.store)
        target = root / version
        if (target / _DONE).exists():
            return target, version
        work = root / f".{version}.{os.getpid()}.writing"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        duck = backend_for("duckdb")
        try:
            duck.connect(memory_limit=engine_memory_limit(None, memory_limit), temp_dir=paths.temp_dir)
            duck.attach(STORE, paths.store, read_only=True)
            if version_of(paths.store) != version:
                shutil.rmtree(work, ignore_errors=True)
                continue
            duck.export_parquet(STORE, work)
        except duck.errors as e:
            shutil.rmtree(work, ignore_errors=True)
            raise UserError(f"cannot export the store to Parquet for Spark: {' '.join(str(e).split())}",
                            file=str(paths.store)) from None
        finally:
            duck.close()
        (work / _DONE).write_text(version + "\n", encoding="utf-8")
        try:
            work.rename(target)
        except OSError:  # another reader made the same snapshot first: use theirs
            shutil.rmtree(work, ignore_errors=True)
        for old in root.iterdir():
            if old.name != version and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
        return target, version
    raise UserError("the store kept changing while it was exported for Spark; try again", file=str(paths.store))
