"""The store tests reuse the ingest tests' small place and fixed key."""

from __future__ import annotations

from tests.ingest.conftest import _key, small_place  # noqa: F401 - fixtures shared with the ingest tests
