"""The app's routers, one module per page family."""

from joinedup.web import oidc
from joinedup.web.routes import (actions, audit, glossary, linkage, measures, meetings, overview, peers, person, report,
                                 segments, signin)
from joinedup.web.routes import careers, scenarios, ways_of_working

__all__ = ["ROUTERS"]

ROUTERS = (signin.router, oidc.router, overview.router, measures.router, segments.router, peers.router, glossary.router,
           linkage.router, audit.router, actions.router, meetings.router,
           person.router, report.router, scenarios.router, ways_of_working.router, careers.router)
