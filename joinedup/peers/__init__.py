"""Peers: the place beside its statistical neighbours and England, from published figures.

`import_published` loads the shipped copy of DfE LAIT, Oflog and Ofsted figures into tidy
tables of a DuckDB store; `compare` puts a council beside its neighbours and England;
`peer_context` gives the web app the published context of one of the place's own measures.
See docs/peers.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from joinedup.peers.compare import compare
    from joinedup.peers.context import peer_context
    from joinedup.peers.importer import import_published

__all__ = ["compare", "import_published", "peer_context"]

#: Where each public name lives: imported on first use, so that `joinedup <any command>` does not load
#: SciPy's statistics (PEP 562).
_HOME = {"compare": "compare", "peer_context": "context", "import_published": "importer"}


def __getattr__(name: str) -> Any:
    """The public name from its module, imported on first use."""
    if name in _HOME:
        return getattr(import_module(f"joinedup.peers.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
