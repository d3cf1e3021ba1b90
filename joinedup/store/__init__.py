"""The store: one way into a place's data (`Store`), its naming rule, schema and backends."""

from __future__ import annotations

from joinedup.store.paths import StorePaths, paths_for
from joinedup.store.store import MODES, Store, version_of

__all__ = ["MODES", "Store", "StorePaths", "paths_for", "version_of"]
