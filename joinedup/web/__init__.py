"""The web app for the joint table: FastAPI, server-rendered Jinja2 pages, htmx and Plotly.js from the package.

    from joinedup.web import WebConfig, create_app
    app = create_app(WebConfig(store=Path("store.duckdb")))
"""

from joinedup.web.app import create_app
from joinedup.web.config import OidcConfig, WebConfig

__all__ = ["create_app", "WebConfig", "OidcConfig"]
