"""The engine's memory limit: from the stage's environment variable, else JOINEDUP_MEMORY, else a default.

Every store DuckDB opens (`Store.open`, `Store.memory`) works within a limit, so no stage takes the
machine's memory by default. Beyond the limit DuckDB spills intermediate results to the store's temp
folder (STORE.tmp), so a stage's engine memory stays flat as the place grows; the limit says nothing
of memory a stage holds in Python frames of its own.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_MEMORY_MB", "MEMORY_ENV", "engine_memory_limit", "env_value", "limit_origin"]

#: Default limit: 3 GB (or half the machine's memory if less).
DEFAULT_MEMORY_MB = 3072

#: The limit for every stage that has no variable of its own set (e.g. "6GB", "512MB").
MEMORY_ENV = "JOINEDUP_MEMORY"


def env_value(*names: str | None) -> tuple[str, str] | None:
    """The first of the named environment variables that is set and not blank: (its name, its value stripped).

    Every stage reads its size settings this way (the memory limits here, synth's batch size), so a
    variable set to spaces counts as unset everywhere alike.
    """
    for name in names:
        if name and os.environ.get(name, "").strip():
            return name, os.environ[name].strip()
    return None


def _from_env(env: str | None) -> str | None:
    found = env_value(env, MEMORY_ENV)
    return found[1] if found else None


def engine_memory_limit(env: str | None = None, given: str | None = None) -> str:
    """`given` if set, else the variable `env`, else JOINEDUP_MEMORY, else 3 GB or half the machine's memory."""
    if given and given.strip():
        return given.strip()
    chosen = _from_env(env)
    if chosen:
        return chosen
    try:
        total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (AttributeError, ValueError, OSError):
        return f"{DEFAULT_MEMORY_MB}MB"
    return f"{max(512, min(DEFAULT_MEMORY_MB, total_mb // 2))}MB"


def limit_origin(env: str | None = None, given: str | None = None) -> str:
    """Where `engine_memory_limit` took its value from, for an error message ("--memory-limit", a variable, "default")."""
    if given and given.strip():
        return "the memory limit given"
    found = env_value(env, MEMORY_ENV)
    return found[0] if found else "default"
