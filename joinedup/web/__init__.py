"""The web app for the joint table: FastAPI, server-rendered Jinja2 pages, htmx and Plotly.js from the package.

    from joinedup.web import WebConfig, create_app
    app = create_app(WebConfig(store=Path("store.duckdb")))
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from joinedup.web.app import create_app
    from joinedup.web.config import OidcConfig, WebConfig

__all__ = ["create_app", "WebConfig", "OidcConfig"]

#: Where each public name lives: imported on first use, so that `joinedup <any command>` does not load
#: FastAPI and SQLAlchemy (PEP 562).
_HOME = {"create_app": "joinedup.web.app", "WebConfig": "joinedup.web.config", "OidcConfig": "joinedup.web.config"}


def __getattr__(name: str) -> Any:
    """The public name from its module, imported on first use."""
    if name in _HOME:
        return getattr(import_module(_HOME[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
