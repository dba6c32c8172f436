"""The review web app: a Starlette application over the store, server-rendered pages swapped in by htmx.

Every write needs the page's CSRF token (a secret made when the app starts, sent by htmx in a header), the
Host header must name the address the app is bound to (no DNS rebinding), and the store is reached only
through ``extractor.review.service``, one call at a time (each call opens and closes the DuckDB file, so a
``yusuan convert`` can write between requests).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from extractor.review.errors import InvalidCorrection, NotFound, ReviewError
from extractor.store import StoreError, StoreLockedError, open_store

CSRF_HEADER = "x-csrf-token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

T = TypeVar("T")


@dataclass(frozen=True)
class ReviewConfig:
    """How the app was started: the store, the page-image dpi, the reviewer's name, where gold is saved."""

    db: Path
    dpi: int = 110
    user: str = "reviewer"
    gold_dir: Path | None = None
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")

    @property
    def gold_folder(self) -> Path:
        return self.gold_dir or self.db.with_name(f"{self.db.stem}-gold")


@dataclass
class ReviewState:
    """What every request shares: the config, the templates, the CSRF token, the lock around store calls."""

    config: ReviewConfig
    templates: Jinja2Templates
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    store_lock: threading.Lock = field(default_factory=threading.Lock)
    images: dict[tuple[str, int, int], Any] = field(default_factory=dict)

    def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one store call (service function) with the DB path first, never two at once in this process."""
        with self.store_lock:
            return function(self.config.db, *args, **kwargs)

    def page_image(self, document_id: str, page: int, dpi: int) -> Any:
        """Return a page's image (or text), remembered in this process while its cached PNG is on disk: a table
        view and the image request after it, and every later view of the page, skip the store."""
        key = (document_id, page, dpi)
        known = self.images.get(key)
        if known is not None and (known.path is None or Path(known.path).is_file()):
            return known
        from extractor.review import service

        image = self.call(service.page_image, document_id, page, dpi)
        self.images[key] = image
        return image

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context = {"config": self.config, "csrf_token": self.csrf_token, **context}
        response = self.templates.TemplateResponse(request, template, context, status_code=status_code)
        assert isinstance(response, HTMLResponse)
        return response


def state(request: Request) -> ReviewState:
    """Return the app's shared state."""
    review: ReviewState = request.app.state.review
    return review


class CsrfMiddleware:
    """Refuse (403) any request other than GET/HEAD/OPTIONS whose X-CSRF-Token header is not the page's token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in _SAFE_METHODS:
            sent = dict(scope["headers"]).get(CSRF_HEADER.encode(), b"")
            if not secrets.compare_digest(sent, self.token):
                response = PlainTextResponse(
                    "403: this request lacks the page's CSRF token (reload the page and try again)", status_code=403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    """Add headers that keep the pages from being framed or sniffed, and scripts to this origin only."""

    HEADERS = (
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"content-security-policy",
         b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


def _error_page(status: int, title: str) -> Callable[[Request, Exception], Any]:
    async def handler(request: Request, exc: Exception) -> Response:
        message = str(exc)
        if request.headers.get("hx-request"):
            return PlainTextResponse(message, status_code=status)
        return state(request).render(request, "error.html", status_code=status, title=title, message=message)

    return handler


def create_app(config: ReviewConfig) -> Starlette:
    """Return the review app over ``config.db``."""
    from extractor.review.web import routes

    package = files("extractor.review.web")
    templates = Jinja2Templates(directory=str(package / "templates"))
    templates.env.globals["status_class"] = lambda status: f"status-{status or 'none'}"
    review = ReviewState(config, templates)
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts)),
        Middleware(SecurityHeadersMiddleware),
        Middleware(CsrfMiddleware, token=review.csrf_token),
    ]
    app = Starlette(
        routes=[*routes.ROUTES, Mount("/static", app=StaticFiles(directory=str(package / "static")), name="static")],
        middleware=middleware,
        exception_handlers={
            NotFound: _error_page(404, "Not found"),
            InvalidCorrection: _error_page(422, "Invalid correction"),
            ReviewError: _error_page(400, "Cannot do that"),
            StoreLockedError: _error_page(503, "The store is busy"),
            StoreError: _error_page(503, "The store cannot be used"),
            404: _error_page(404, "Not found"),
        },
    )
    app.state.review = review
    return app


def prepare_store(db: Path) -> None:
    """Open the store once for writing: apply pending migrations (the corrections table) and fail early, with
    one line naming the file, when another process is writing it."""
    open_store(db).close()
