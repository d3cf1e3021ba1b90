"""The peers stage's service API (plain functions over a `Store`): published figures beside the place's own."""

from __future__ import annotations

from joinedup.peers.areas import Area
from joinedup.peers.compare import PeerStore
from joinedup.peers.compare import compare as _compare
from joinedup.peers.context import peer_context
from joinedup.peers.sql import MEASURES
from joinedup.store import Store

__all__ = ["areas", "compare", "context", "measures"]


def compare(store: Store, area: str, measures: list[str] | None = None) -> dict:
    """A council beside its statistical neighbours and England (schema joinedup.peers.compare/1)."""
    return _compare(store, area, measures)


def context(store: Store, area: str, local_measure_id: str) -> dict | None:
    """Neighbours and England beside one of the place's own measures; None when nothing published corresponds."""
    return peer_context(store, area, local_measure_id)


def areas(store: Store) -> tuple[Area, ...]:
    """Councils, regions and England as the peer tables hold them."""
    return PeerStore.open(store).areas


def measures(store: Store) -> list[dict]:
    """The published measures (id, title, topic, polarity, unit, scheme, source)."""
    keys = ("id", "title", "topic", "polarity", "unit", "scheme", "source")
    return [dict(zip(keys, r)) for r in PeerStore.open(store).con.fetchall(MEASURES)]
