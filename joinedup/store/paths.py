"""The naming rule: every file that belongs to a store is named from the store's own path, here only.

Any file name works. `place/store.db` gives `place/store.vault.db` (the identity vault),
`place/store.db.key` (the pseudonym key when JOINEDUP_KEY is not set), `place/store.state.sqlite`
(the web app's own state), `place/store.audit.sqlite` (who re-identified whom, when and why) and
`place/store.db.lock` (held by the one writer). A store named `*.duckdb` keeps the names it always
had: `store.duckdb` -> `store.vault.duckdb`, `store.key`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["StorePaths", "paths_for"]


@dataclass(frozen=True)
class StorePaths:
    """Where a store's files live (none of them need exist)."""

    store: Path
    vault: Path
    key: Path
    state: Path
    audit: Path
    lock: Path

    @property
    def working_store(self) -> Path:
        """The private copy a writer changes before publishing it over `store`."""
        return self.store.with_name(self.store.name + ".writing")

    @property
    def working_vault(self) -> Path:
        """The private copy of the vault a writer changes before publishing it over `vault`."""
        return self.vault.with_name(self.vault.name + ".writing")

    @property
    def temp_dir(self) -> Path:
        """Where the engine spills intermediate results that do not fit in memory."""
        return self.store.with_name(self.store.name + ".tmp")


def paths_for(store: str | Path) -> StorePaths:
    """The files of the store at `store` (the one naming rule)."""
    store = Path(store)
    stem = store.stem if store.suffix else store.name
    vault = store.with_name(stem + ".vault" + (store.suffix or ".duckdb"))
    key = store.with_suffix(".key") if store.suffix == ".duckdb" else store.with_name(store.name + ".key")
    return StorePaths(store=store, vault=vault, key=key, state=store.with_name(stem + ".state.sqlite"),
                      audit=store.with_name(stem + ".audit.sqlite"), lock=store.with_name(store.name + ".lock"))
