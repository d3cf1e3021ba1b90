"""`joinedup store init` (a store's key, made on purpose) and `joinedup store rekey` (a new key, on purpose).

Rekey re-pseudonymises store and vault together: the vault's `pseudonym` table holds every
pseudonym with the value it was made from, so each one is recomputed under the new key and every
column of every table (store and vault, undo rows included) that holds it is rewritten, in one
write session published atomically. The vault's values are opened under the old key, in memory, and
sealed again under the new one. Person and family ids are not pseudonyms and are left alone,
so every link is kept. A backup of store, vault and old key is taken first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from joinedup.errors import UserError
from joinedup.ingest.keys import ENV_VAR, PseudonymKey, load_key, new_key_file, read_key_file
from joinedup.store import vaultcrypt
from joinedup.store.admin import backup
from joinedup.store.backends.base import STORE, VAULT
from joinedup.store.keycheck import check_key, hmac_input, record_fingerprint
from joinedup.store.paths import paths_for
from joinedup.store.store import Store

__all__ = ["RekeyResult", "rekey", "init_store"]


@dataclass
class RekeyResult:
    """What a rekey did."""

    backup: Path
    pseudonyms: int
    columns: int
    values: int
    key_note: str


def init_store(db: Path) -> str:
    """Create an empty store and its key file explicitly; returns where the key came from."""
    p = paths_for(db)
    if p.store.exists():
        raise UserError("a store is there already (its key is kept; to change it use joinedup store rekey)",
                        file=str(p.store))
    key = load_key(p.store, create=True)
    with Store.open(p.store, "write", create=True, vault=True) as s:
        from joinedup.store.load import ensure_schema

        ensure_schema(s)
        s.unlock(key)  # the vault records its cipher and key fingerprint from the start
        record_fingerprint(s, key)
    return key.origin


def _new_key(path: Path) -> PseudonymKey:
    return read_key_file(path) if path.exists() else new_key_file(path)


def rekey(db: Path, new_key_path: Path) -> RekeyResult:
    """Re-pseudonymise store and vault under the key in new_key_path (made if absent); backup first."""
    p = paths_for(db)
    if not p.store.exists():
        raise UserError("store not found (build one with joinedup ingest)", file=str(p.store))
    if not p.vault.exists():
        raise UserError("no identity vault beside the store: without it pseudonyms cannot be recomputed",
                        file=str(p.store))
    old = load_key(p.store, create=False)
    new = _new_key(Path(new_key_path))
    if new.fingerprint() == old.fingerprint():
        raise UserError("the new key is the store's key already", file=str(new_key_path))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    saved = p.store.with_name(f"{p.store.name}.before-rekey-{stamp}")
    backup(p.store, saved)
    n_cols = n_values = 0
    with Store.open(p.store, "write", vault=True, key=old) as s:
        check_key(s, old)  # the old key must be this store's, or the recomputed pseudonyms would be nonsense
        b = s.backend
        plain = s.unlock(old)
        rows = b.fetchall(f"SELECT DISTINCT pseudonym, kind, value FROM {plain}.pseudonym")
        olds = [r[0] for r in rows]
        news = [new.pseudonym(*hmac_input(kind, value)) for _p, kind, value in rows]
        b.register_arrow("rekey_map", pa.table({"old": pa.array(olds, pa.string()), "new": pa.array(news, pa.string())}))
        # the vault's values, opened under the old key, are re-pseudonymised in memory and sealed under the new
        vault_tables = [t for t in vaultcrypt.vault_tables() if t in b.table_names(VAULT)]
        for t in vault_tables:
            b.execute(f"CREATE OR REPLACE TEMP TABLE rekey_{t} AS SELECT * FROM {plain}.{t}")
        targets = [(f'{STORE}.main."{t}"', f"{STORE}.{t}") for t in sorted(b.table_names(STORE))]
        targets += [(f"temp.rekey_{t}", f"temp.rekey_{t}") for t in vault_tables]
        for q, rel in targets:
            for col, typ in b.columns(rel):
                if typ.upper() != "VARCHAR":
                    continue
                hits = b.fetchall(f'SELECT count(*) FROM {q} t JOIN temp.rekey_map m ON t."{col}" = m.old')[0][0]
                if hits:
                    b.execute(f'UPDATE {q} AS t SET "{col}" = m.new FROM temp.rekey_map m WHERE t."{col}" = m.old')
                    n_cols += 1
                    n_values += hits
        s.unlock(new, new_key=True)
        b.begin()
        for t in vault_tables:
            cols = [c for c, _t in b.columns(f"{VAULT}.{t}")]
            sealed = vaultcrypt.SEALED[t.removesuffix("_undo")]
            values = ", ".join(vaultcrypt.seal_sql(t, c) if c in sealed else c for c in cols)
            b.execute(f"DELETE FROM {VAULT}.{t}")
            b.execute(f"INSERT INTO {VAULT}.{t} ({', '.join(cols)}) SELECT {values} FROM temp.rekey_{t}")
            b.execute(f"DROP TABLE temp.rekey_{t}")
        b.commit()
        record_fingerprint(s, new)
    if old.origin.startswith("key file"):
        tmp = p.key.with_name(p.key.name + ".new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(new.secret + b"\n")
        os.replace(tmp, p.key)
        note = f"the store's key file {p.key} now holds the new key (the old one is in the backup)"
    else:
        note = f"set {ENV_VAR} to the new key from now on (the old key was not in a file, so not in the backup)"
    return RekeyResult(saved, len(rows), n_cols, n_values, note)
