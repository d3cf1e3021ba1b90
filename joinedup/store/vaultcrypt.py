"""The identity vault encrypted at rest: every identifying value sealed one by one with AES-256-GCM.

DuckDB's own database encryption needs its httpfs extension (OpenSSL) to be secure, which cannot be
installed offline, so the vault encrypts values instead of pages. Each identifying value (NHS number,
names, date of birth, postcode, address, UPN, other id, local id, and the value behind each pseudonym)
is sealed with AES-256-GCM under a key derived from the pseudonym key by HKDF-SHA256, with a fresh
random 96-bit nonce, padded to a multiple of 16 bytes (so lengths show only to 16 bytes), and bound
to its place by associated data (`table.column|row key`): a sealed value moved to another row or
column does not open. The file alone shows pseudonyms, sources, sex, and which values are missing;
nothing else. Equal values give different ciphertexts (no frequency analysis of names).

No SQL needs equality on a sealed value: the loader merges in plaintext (decrypted rows of the
records it touches, in memory) and seals what it writes. SQL sees two functions, `vault_seal(value,
aad)` and `vault_open(value, aad)`, and views that open every sealed column (`plain_view_sql`).
A value without the `jv1:` prefix (a vault written before encryption, or by another tool) is read
as it is and sealed by the next write session that unlocks the vault.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import os
import time
from typing import TYPE_CHECKING, Callable

import pyarrow as pa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from joinedup.store import schema

if TYPE_CHECKING:
    from joinedup.ingest.keys import PseudonymKey

__all__ = ["VaultCipher", "VaultKeyError", "SEALED", "PREFIX", "META_TABLE", "STATS", "aad_sql", "seal_sql",
           "open_sql", "plain_view_sql", "unsealed_count_sql", "seal_in_place_sql"]

PREFIX = "jv1:"
_NONCE = 12
_HKDF_INFO = b"joinedup identity vault v1: AES-256-GCM value key"
_PADS = [b"\x80" + b"\0" * (15 - n) for n in range(16)]  # by the value's length mod 16

#: The sealed columns of each vault table (their undo tables alike).
SEALED: dict[str, tuple[str, ...]] = {
    "identity": ("local_id", "nhs_number", "given_name", "family_name", "date_of_birth", "postcode", "address",
                 "upn", "other_id"),
    "identity_history": ("value",),
    "pseudonym": ("value",),
}

#: The vault's own facts (cipher and key fingerprint); never secret.
META_TABLE = "vault_meta"

#: What the SQL functions did in this process: values sealed and opened, and the seconds they took
#: (the benchmarks print the cost of sealing from these).
STATS = {"sealed": 0, "opened": 0, "seconds": 0.0}


class VaultKeyError(ValueError):
    """A sealed value did not open: another key, or the vault was altered."""


class VaultCipher:
    """Seals and opens vault values under a key derived (HKDF-SHA256) from the pseudonym key."""

    def __init__(self, key: "PseudonymKey") -> None:
        secret = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"joinedup vault", info=_HKDF_INFO).derive(key.secret)
        self._aead = AESGCM(secret)
        self.fingerprint = hmac.new(secret, b"joinedup vault key fingerprint v1", hashlib.sha256).hexdigest()[:16]
        self.origin = key.origin

    def __repr__(self) -> str:  # never the key
        return f"VaultCipher(origin={self.origin!r})"

    def seal(self, value: str, aad: str) -> str:
        """One value sealed (text out: prefix + base64 of nonce, ciphertext and tag)."""
        return self.seal_many([value], [aad])[0]

    def open(self, value: str, aad: str) -> str:
        """One sealed value opened (an unsealed value is returned as it is)."""
        return self.open_many([value], [aad])[0]

    def seal_many(self, values: list[str | None], aads: list[str | None]) -> list[str | None]:
        """Values sealed one by one (None stays None; a sealed value is left as it is)."""
        nonces = os.urandom(_NONCE * len(values))
        out: list[str | None] = []
        enc, b64, pads, append = self._aead.encrypt, binascii.b2a_base64, _PADS, out.append
        for i, (v, a) in enumerate(zip(values, aads)):
            if v is None or v.startswith(PREFIX):
                append(v)
                continue
            data = v.encode()
            data += pads[len(data) % 16]  # ISO/IEC 7816-4 padding: lengths show only to 16 bytes
            nonce = nonces[i * _NONCE:(i + 1) * _NONCE]
            append(PREFIX + b64(nonce + enc(nonce, data, a.encode() if a else b""), newline=False).decode())
        return out

    def open_many(self, values: list[str | None], aads: list[str | None]) -> list[str | None]:
        """Sealed values opened (None stays None; a value without the prefix is returned as it is)."""
        out: list[str | None] = []
        dec, unb64, append = self._aead.decrypt, binascii.a2b_base64, out.append
        skip = len(PREFIX)
        for v, a in zip(values, aads):
            if v is None or not v.startswith(PREFIX):
                append(v)
                continue
            try:
                raw = unb64(v[skip:], strict_mode=True)
                data = dec(raw[:_NONCE], raw[_NONCE:], a.encode() if a else b"")
            except (InvalidTag, ValueError):
                raise VaultKeyError("a vault value does not open under this key (the vault was sealed under "
                                    "another key, or altered)") from None
            append(data[:data.rindex(b"\x80")].decode())
        return out

    def udfs(self) -> dict[str, Callable[[pa.Array, pa.Array], pa.Array]]:
        """The SQL functions vault_seal(value, aad) and vault_open(value, aad), over Arrow batches."""
        def seal(values: pa.Array, aads: pa.Array) -> pa.Array:
            t = time.perf_counter()
            out = pa.array(self.seal_many(values.to_pylist(), aads.to_pylist()), pa.string())
            STATS["sealed"] += len(values) - values.null_count
            STATS["seconds"] += time.perf_counter() - t
            return out

        def open_(values: pa.Array, aads: pa.Array) -> pa.Array:
            t = time.perf_counter()
            out = pa.array(self.open_many(values.to_pylist(), aads.to_pylist()), pa.string())
            STATS["opened"] += len(values) - values.null_count
            STATS["seconds"] += time.perf_counter() - t
            return out
        return {"vault_seal": seal, "vault_open": open_}


def _base(table: str) -> str:
    return table[:-5] if table.endswith("_undo") else table


def aad_sql(table: str, column: str, prefix: str = "") -> str:
    """SQL for a sealed column's associated data: where the value belongs (table, column or field, row key)."""
    base = _base(table)
    if base == "identity":
        return f"'identity.{column}|' || {prefix}record_id"
    if base == "identity_history":
        return f"'identity_history.' || {prefix}field || '|' || {prefix}record_id"
    return f"'pseudonym.' || {prefix}kind || '|' || {prefix}pseudonym"


def seal_sql(table: str, column: str, prefix: str = "") -> str:
    """SQL sealing a plaintext column (of any type: cast to text first)."""
    return f"vault_seal(CAST({prefix}{column} AS VARCHAR), {aad_sql(table, column, prefix)})"


def open_sql(table: str, column: str, prefix: str = "") -> str:
    """SQL opening a sealed column, typed as the schema declares it (date of birth as DATE)."""
    opened = (f"CASE WHEN starts_with({prefix}{column}, '{PREFIX}') "
              f"THEN vault_open({prefix}{column}, {aad_sql(table, column, prefix)}) ELSE CAST({prefix}{column} AS VARCHAR) END")
    return f"TRY_CAST({opened} AS DATE)" if column == "date_of_birth" else opened


def plain_view_sql(table: str, columns: list[str], source: str) -> str:
    """SELECT of a vault table (or its undo table) with every sealed column opened."""
    sealed = SEALED.get(_base(table), ())
    cols = [f"{open_sql(table, c)} AS {c}" if c in sealed else c for c in columns]
    return f"SELECT {', '.join(cols)} FROM {source}"


def unsealed_count_sql(table: str, qualified: str) -> str:
    """Rows of a vault table holding a value not yet sealed."""
    cond = " OR ".join(f"(CAST({c} AS VARCHAR) IS NOT NULL AND NOT starts_with(CAST({c} AS VARCHAR), '{PREFIX}'))"
                       for c in SEALED[_base(table)])
    return f"SELECT count(*) FROM {qualified} WHERE {cond}"


def seal_in_place_sql(table: str, qualified: str) -> str:
    """UPDATE sealing every value of a vault table that is not sealed yet."""
    sets = ", ".join(f"{c} = CASE WHEN {c} IS NULL OR starts_with({c}, '{PREFIX}') THEN {c} "
                     f"ELSE {seal_sql(table, c)} END" for c in SEALED[_base(table)])
    return f"UPDATE {qualified} SET {sets}"


def vault_tables() -> list[str]:
    """Every vault table name, undo tables included."""
    return [n for t in schema.VAULT_TABLES for n in (t.name, t.name + "_undo")]
