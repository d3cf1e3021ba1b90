"""The pseudonym key: from JOINEDUP_KEY or a key file made on first use (mode 0600), and HMAC.

Pseudonyms are keyed HMAC-SHA256 (hex, first 32 characters) of `kind|value`, so the same
person gets the same pseudonym in every load made with the same key, and nobody without the
key can recompute one from an identifier. The key is never printed; only where it lives.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from joinedup.errors import UserError

__all__ = ["PseudonymKey", "load_key", "read_key_file", "new_key_file", "key_path_for", "PSEUDONYM_CHARS"]

PSEUDONYM_CHARS = 32
ENV_VAR = "JOINEDUP_KEY"


@dataclass(frozen=True)
class PseudonymKey:
    """A pseudonymisation key and where it came from (never the key itself in messages)."""

    secret: bytes
    origin: str

    def __repr__(self) -> str:  # keep the secret out of logs and tracebacks
        return f"PseudonymKey(origin={self.origin!r})"

    def pseudonym(self, kind: str, value: str) -> str:
        """HMAC-SHA256 of 'kind|value' (hex, 32 characters)."""
        mac = hmac.new(self.secret, f"{kind}|{value}".encode(), hashlib.sha256)
        return mac.hexdigest()[:PSEUDONYM_CHARS]

    def fingerprint(self) -> str:
        """A one-way fingerprint of the key, safe to record in the store (it cannot give the key back)."""
        return hmac.new(self.secret, b"joinedup key fingerprint v1", hashlib.sha256).hexdigest()[:16]

    def pads(self) -> tuple[str, str]:
        """The HMAC inner and outer pads as hex, for engines that compute HMAC in SQL."""
        k = self.secret if len(self.secret) <= 64 else hashlib.sha256(self.secret).digest()
        k = k.ljust(64, b"\0")
        return bytes(b ^ 0x36 for b in k).hex(), bytes(b ^ 0x5C for b in k).hex()


def key_path_for(store: Path) -> Path:
    """The key file used for a store when JOINEDUP_KEY is not set: STORE.key beside it."""
    from joinedup.store.paths import paths_for  # the store's one naming rule
    return paths_for(store).key


def read_key_file(path: Path) -> PseudonymKey:
    """The key in a key file, which must be readable by its owner only and hold at least 32 characters."""
    if path.stat().st_mode & 0o077:
        raise UserError("key file is readable by others; run chmod 600 on it", file=str(path))
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise UserError("key file is too short or empty", file=str(path))
    return PseudonymKey(secret.encode(), f"key file {path}")


def new_key_file(path: Path) -> PseudonymKey:
    """Make a key file with a random key (mode 0600; never replaces an existing file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UserError("a key file is there already; it is never replaced", file=str(path)) from None
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return PseudonymKey(path.read_text().strip().encode(), f"key file {path} (created)")


def load_key(store: Path, *, create: bool = True) -> PseudonymKey:
    """The key from JOINEDUP_KEY, else from the key file beside the store (made if absent and `create`).

    An existing store is never given a new key: its pseudonyms were made with the old one, and a
    new key would split every person in two. Pass create=False for any store that already exists."""
    env = os.environ.get(ENV_VAR)
    if env:
        if len(env) < 16:
            raise UserError(f"{ENV_VAR} is too short (at least 16 characters)")
        return PseudonymKey(env.encode(), f"environment variable {ENV_VAR}")
    path = key_path_for(store)
    if path.exists():
        return read_key_file(path)
    if not create:
        raise UserError(f"key file missing: this store was pseudonymised with its key; restore the key file from "
                        f"a backup or set {ENV_VAR} (a new key would split every person in two)", file=str(path))
    return new_key_file(path)
