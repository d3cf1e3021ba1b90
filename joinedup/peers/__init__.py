"""Peers: the place beside its statistical neighbours and England, from published figures.

`import_published` loads the shipped copy of DfE LAIT, Oflog and Ofsted figures into tidy
tables of a DuckDB store; `compare` puts a council beside its neighbours and England;
`peer_context` gives the web app the published context of one of the place's own measures.
See docs/peers.md.
"""

from __future__ import annotations

from joinedup.peers.compare import compare
from joinedup.peers.context import peer_context
from joinedup.peers.importer import import_published

__all__ = ["compare", "import_published", "peer_context"]
