"""The engine's memory limit for a stage: from the stage's environment variable, else a default.

Beyond the limit DuckDB spills intermediate results to the store's temp folder (STORE.tmp), so a
stage's engine memory stays flat as the place grows; the limit says nothing of memory a stage holds
in Python frames of its own.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_MEMORY_MB", "engine_memory_limit"]

#: Default limit: 4 GB (or half the machine's memory if less).
DEFAULT_MEMORY_MB = 4096


def engine_memory_limit(env: str, given: str | None = None) -> str:
    """`given` if set, else the variable `env`, else 4 GB or half the machine's memory, whichever is less."""
    if given and given.strip():
        return given.strip()
    if os.environ.get(env, "").strip():
        return os.environ[env].strip()
    try:
        total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (AttributeError, ValueError, OSError):
        return f"{DEFAULT_MEMORY_MB}MB"
    return f"{max(512, min(DEFAULT_MEMORY_MB, total_mb // 2))}MB"
