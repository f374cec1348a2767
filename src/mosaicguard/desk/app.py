"""The desk's web application: `create_app(settings)`.

Login is required everywhere except the login page, the static assets it needs and `GET /healthz`
(checked once here, in a middleware, so that no route can be forgotten). Every response carries a
strict Content-Security-Policy and the usual security headers. CSRF is checked on every
state-changing request made with the session cookie (a router-level dependency, see `auth.py`).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Awaitable, Callable

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.middleware.base import BaseHTTPMiddleware

from .. import __version__
from . import auth
from .service import DeskService, ServiceError
from .settings import DeskSettings

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cache-Control": "no-store",
}

# Paths reachable without login: the login page and what it needs, and the health check.
PUBLIC_PATHS = frozenset({"/login", "/healthz"})
PUBLIC_PREFIXES = ("/static/",)


def is_public(method: str, path: str) -> bool:
    """Whether a request may be served without a logged-in user."""
    if path == "/healthz":
        return method in ("GET", "HEAD")
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


class _AuthMiddleware(BaseHTTPMiddleware):
    """Resolves the actor (session cookie or bearer token) and refuses anonymous requests."""

    def __init__(self, app: object, service: DeskService) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.service = service

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        auth.resolve(request, self.service)
        path = request.url.path
        too_big = _body_refusal(request, self.service.settings)
        if too_big is not None and request.state.actor is not None:
            response: Response = too_big
        elif request.state.actor is None and not is_public(request.method, path):
            if path.startswith("/api/"):
                response = JSONResponse({"detail": "login required (session or bearer token)"},
                                                  status_code=401, headers={"WWW-Authenticate": "Bearer"})
            elif request.method in ("GET", "HEAD"):
                response = RedirectResponse("/login", status_code=303)
            else:
                response = PlainTextResponse("login required", status_code=401)
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def _body_refusal(request: Request, settings: DeskSettings) -> Response | None:
    """Refuse a body larger than any submission may be before reading it (the per-file limit is
    checked again on each file), and a body of unknown length."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    length = request.headers.get("content-length")
    if length is None:
        if request.headers.get("transfer-encoding"):
            return PlainTextResponse("a request body needs a Content-Length", status_code=411)
        return None
    ceiling = settings.max_upload_bytes * settings.max_files_per_submit + 1_000_000
    if not length.isdigit() or int(length) > ceiling:
        return JSONResponse({"detail": f"request body over the limit ({settings.max_upload_bytes} bytes per file, "
                                       f"{settings.max_files_per_submit} files)"}, status_code=413)
    return None


def _service_error(request: Request, exc: Exception) -> Response:
    """A ServiceError as an answer: JSON for the API, plain text elsewhere."""
    status = getattr(exc, "status_code", 400)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": str(exc)}, status_code=status)
    return PlainTextResponse(str(exc), status_code=status)


def create_app(settings: DeskSettings, service: DeskService | None = None) -> FastAPI:
    """The desk application for `settings` (database migrated by the caller: `db.migrate`)."""
    service = service or DeskService(settings)
    settings.ensure_dirs()
    app = FastAPI(title="mosaicguard review desk", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.settings = settings
    app.state.service = service
    app.add_exception_handler(ServiceError, _service_error)

    @app.api_route("/healthz", methods=["GET", "HEAD"], include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    from . import api

    app.include_router(api.router, dependencies=[Depends(auth.require_csrf)])
    if importlib.util.find_spec(f"{__package__}.web") is not None:
        web = importlib.import_module(f"{__package__}.web")
        app.include_router(web.router, dependencies=[Depends(auth.require_csrf)])
        static = getattr(web, "mount_static", None)
        if callable(static):
            static(app)
    app.add_middleware(_AuthMiddleware, service=service)
    return app
