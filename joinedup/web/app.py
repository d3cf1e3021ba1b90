"""The FastAPI app factory: state, middleware (session, CSRF cookie, security headers, view audit), routes."""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from joinedup.web.config import WebConfig
from joinedup.web.data import StoreData
from joinedup.web.jobs import JobRunner
from joinedup.web.render import page
from joinedup.web.routes.overview import warm_up
from joinedup.web.security import CSRF_COOKIE, SECURITY_HEADERS, SESSION_COOKIE, client_of, new_csrf_cookie
from joinedup.web.state import audit, default_state_url, open_state
from joinedup.web.state.users import session_user

__all__ = ["create_app", "plotly_js"]

_MESSAGES = {
    400: ("That request could not be used", "Something in the request was not right. Go back and check what you entered."),
    401: ("Please sign in", "Sign in to see this page."),
    403: ("Not available to your role", "Your role does not open this page. Ask an administrator if you need it."),
    404: ("Page not found", "There is no page at this address. Check the link, or start from the overview."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    429: ("Too many attempts", "Too many failed sign-ins. Wait 15 minutes, then try again."),
}


def plotly_js() -> Path:
    """Plotly.js as shipped inside the installed plotly package."""
    return Path(str(files("plotly") / "package_data" / "plotly.min.js"))


def create_app(config: WebConfig) -> FastAPI:
    """A ready app for one store and one state database."""
    data = StoreData(config.store)
    data.library()  # parse and check the measure files now, not on the first visitor's time
    state = open_state(config.state_url or default_state_url(config.store))
    runner = JobRunner(state, workers=config.job_workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        runner.shutdown()
        data.close()
        state.close()

    app = FastAPI(title="joinedup", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.config, app.state.data, app.state.state, app.state.jobs = config, data, state, runner
    app.state.secret = state.secret()

    @app.middleware("http")
    async def _session_and_headers(request: Request, call_next) -> Response:
        static = request.url.path.startswith("/static/")
        if config.warm:
            data.warm(warm_up)
        request.state.user = None
        if not static:
            request.state.user = await run_in_threadpool(session_user, state, request.cookies.get(SESSION_COOKIE))
        fresh = None if request.cookies.get(CSRF_COOKIE) else new_csrf_cookie()
        request.state.csrf_cookie = fresh
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if not static:
            response.headers.setdefault("Cache-Control", "no-store")
        if fresh:
            response.set_cookie(CSRF_COOKIE, fresh, httponly=True, secure=config.secure_cookies, samesite="strict")
        user = request.state.user
        polling = request.headers.get("hx-request") and request.url.path.endswith("/progress")
        if (config.audit_views and user is not None and request.method == "GET" and not static and not polling
                and response.status_code == 200 and response.headers.get("content-type", "").startswith("text/html")):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            await run_in_threadpool(audit.record, state, user.name, "view", target, None, client_of(request))
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _error_page(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        title, text = _MESSAGES.get(status, ("Something went wrong", "The request could not be completed."))
        if status == 403 and exc.detail == "csrf":
            title, text = "Form expired", "This form has expired or did not come from this site. Go back, reload the page and try again."
        template = "signin.html" if status == 401 else "error.html"
        return page(request, template, status_code=status, title=title, message=text, status=status,
                    next=request.url.path if request.method == "GET" else "/", error=None)

    static_dir = files("joinedup.web") / "static"

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def _plotly() -> FileResponse:
        return FileResponse(plotly_js(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")

    from joinedup.web.routes import ROUTERS
    if config.warm:
        data.warm(warm_up)
    for router in ROUTERS:
        app.include_router(router)
    return app
