"""Key discipline: the store records a fingerprint of its pseudonym key, and refuses any other key.

A store's pseudonyms are keyed HMACs: a load made with a different key gives every person a new
pseudonym, so nobody joins anybody already in the store. The fingerprint (an HMAC of a fixed text
under the key; it cannot give the key back) is written in `store_meta` by the first load and
checked by every later one. Changing the key is `joinedup store rekey`, on purpose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from joinedup.errors import UserError
from joinedup.store import schema, vaultcrypt
from joinedup.store.backends.base import STORE

if TYPE_CHECKING:
    from joinedup.ingest.keys import PseudonymKey
    from joinedup.store.store import Store

__all__ = ["recorded_fingerprint", "check_key", "record_fingerprint", "hmac_input", "FINGERPRINT"]

FINGERPRINT = "key_fingerprint"


def recorded_fingerprint(store: "Store") -> str | None:
    """The key fingerprint the store records (None for a new store, or one made before fingerprints)."""
    if not store.backend.has_table(schema.META_TABLE.name, STORE):
        return None
    rows = store.backend.fetchall(f"SELECT value FROM {STORE}.{schema.META_TABLE.name} WHERE key = ?",
                                  [FINGERPRINT])
    return rows[0][0] if rows else None


def record_fingerprint(store: "Store", key: "PseudonymKey") -> None:
    """Write the key's fingerprint into store_meta (write mode), replacing any other."""
    t = f"{STORE}.{schema.META_TABLE.name}"
    store.backend.execute(f"DELETE FROM {t} WHERE key = ?", [FINGERPRINT])
    store.backend.execute(f"INSERT INTO {t} VALUES (?, ?)", [FINGERPRINT, key.fingerprint()])


def check_key(store: "Store", key: "PseudonymKey") -> None:
    """Refuse a key that is not the one the store was made with; record it on a store's first load."""
    found = recorded_fingerprint(store)
    if found is None:
        # a store made before fingerprints were recorded: check the key against one pseudonym in the vault
        if _vault_sample_mismatch(store, key):
            found = "(the vault's pseudonyms)"
        else:
            record_fingerprint(store, key)
            return
    if found != key.fingerprint():
        raise UserError(f"the pseudonym key ({key.origin}) is not this store's key: its pseudonyms would match "
                        "nobody already loaded. Use the store's own key, or change it on purpose with "
                        "`joinedup store rekey`", file=str(store.paths.store))


#: The HMAC kind of each pseudonym kind whose vault value is stored without its kind (see the loader).
_BARE_KINDS = {"nhs_number": "nhs", "upn": "upn", "address_key": "address"}


def hmac_input(kind: str, value: str) -> tuple[str, str]:
    """(kind, value) as the key was applied to them, from a vault `pseudonym` row (kind, value)."""
    if kind in _BARE_KINDS:
        return _BARE_KINDS[kind], value
    head, _, tail = value.partition("|")
    return head, tail


def _vault_sample_mismatch(store: "Store", key: "PseudonymKey") -> bool:
    if not store.has_vault:
        return False
    if store.backend.has_table(vaultcrypt.META_TABLE, "vault"):  # a sealed vault records its key's fingerprint
        rows = store.backend.fetchall(f"SELECT value FROM vault.{vaultcrypt.META_TABLE} WHERE key = 'key_fingerprint'")
        if rows:
            return rows[0][0] != vaultcrypt.VaultCipher(key).fingerprint
    if not store.backend.has_table("pseudonym", "vault"):
        return False
    rows = store.backend.fetchall("SELECT pseudonym, kind, value FROM vault.pseudonym "  # a vault from before sealing
                                  "WHERE NOT starts_with(value, 'jv1:') ORDER BY pseudonym LIMIT 3")
    return any(key.pseudonym(*hmac_input(kind, value)) != p for p, kind, value in rows)
