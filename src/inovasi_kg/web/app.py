"""The web app: `create_app(settings)` (Starlette); `inovasi-kg serve` runs it on uvicorn.

Blocking work never runs on the event loop: queries go to the pool of read-only worker processes
(time limit, memory cap, killed and replaced when over) from a thread, store reads run in threads.
A rebuild while serving is picked up at the next request (workers and readers follow the store's
current generation). Every response carries a content security policy that allows nothing from
other origins; errors are one JSON shape, never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inovasi_kg.core.settings import Settings
from inovasi_kg.kg import KnowledgeGraph
from inovasi_kg.store.base import Backend
from inovasi_kg.web.common import CSP, STATIC_DIR, HTTPError, error_response

__all__ = ["create_app"]

log = logging.getLogger("inovasi_kg.web")


class SecurityHeaders:
    """CSP, no sniffing and no framing on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for key, value in ((b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                                   (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")):
                    if key not in names:
                        headers.append((key, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


async def _http_error(request: Request, exc: Exception) -> Response:
    from inovasi_kg.web.http import error_page

    return error_page(request, exc)  # the JSON shape, or HTML for a browser that asks for it


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path)
    return error_response(exc)


async def _gone(request: Request, exc: Exception) -> Response:
    """The client closed the connection while sending its request: nobody reads the answer, nothing is logged."""
    from inovasi_kg.core.errors import Cancelled

    return error_response(Cancelled("the client went away while sending its request"))


async def _not_found(request: Request, exc: Exception) -> Response:
    from inovasi_kg.web.pages import not_found

    return await not_found(request)


def create_app(settings: Settings | None = None, *, backend: Backend | None = None) -> Starlette:
    """The web app over the graph the settings name (or `backend`); nothing is loaded before it starts."""
    from inovasi_kg.web import pages, portal, protocol
    from inovasi_kg.web.admission import Admission
    from inovasi_kg.web.cache import ResponseCache
    from inovasi_kg.web.http import HttpSemantics, status_error

    settings = settings or Settings.load()
    kg = KnowledgeGraph(settings, backend, workers=settings.workers, light=settings.light_workers, page_copy=True)
    admission = Admission(settings.slots, settings.client_share)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        threading.Thread(target=_warm, args=(kg,), name="inovasi-kg-warm", daemon=True).start()
        yield
        admission.close()
        kg.close()
        if backend is not None:
            backend.close()

    cache_stats: dict[str, int] = {}
    base = settings.base_path
    routes = [
        Route("/", pages.home),
        Route("/healthz", health),
        Route("/static", lambda request: RedirectResponse("/static/", status_code=308)),  # relative: never from Host
        Route("/sparql", protocol.sparql_endpoint, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/sparql/", protocol.sparql_endpoint, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/editor", pages.editor_page),
        Route("/bahasa/{lang}", pages.choose_language),
        Route("/queries", pages.query_list),
        Route("/queries.json", portal.queries_json),
        Route("/queries.ttl", portal.queries_rdf),
        Route("/queries/{name}", pages.query_page),
        Route("/openapi.json", portal.openapi),
        Route("/docs", portal.docs_page),
        Route("/search", pages.search),
        Route("/graph", pages.graph_page),
        Route("/map", pages.map_page),
        Route("/catalog", portal.catalog_negotiated),
        Route("/catalog.{ext}", portal.catalog),
        Route("/.well-known/void", portal.void),
        Route("/sitemap.xml", portal.sitemap),
        Route("/dump/{file}", portal.dump),
        Route("/ontology", pages.ontology_page),
        Route("/ontology.{ext}", pages.ontology_page),
        Route("/kode/{path:path}", pages.code_page),
        Route("/class/{name}", pages.class_page),
        Route(f"{base}id/{{path:path}}", pages.resource),
        Route(f"{base}eli/{{path:path}}", pages.resource),
        Mount("/static", app=StaticFiles(directory=str(STATIC_DIR), check_dir=False), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(HttpSemantics, max_url_bytes=settings.max_url_bytes, max_header_bytes=settings.max_header_bytes),
            Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["Accept", "Content-Type"], allow_credentials=False,
                       expose_headers=["Server-Timing", "X-SPARQL-Truncated", "X-SPARQL-Rows", "Content-Location",
                                       "Link", "ETag", "X-Cache"]),
            Middleware(ResponseCache, max_bytes=settings.cache_bytes, fingerprint=kg.backend.fingerprint,
                       wait_limit=settings.query_timeout + 5, stats=cache_stats,
                       quick=getattr(kg.backend, "quick_fingerprint", False)),
        ],
        exception_handlers={HTTPError: _http_error, 404: _not_found, HTTPException: status_error,
                            Exception: _server_error},
        lifespan=lifespan,
    )
    from inovasi_kg.core.errors import InovasiKGError

    app.add_exception_handler(InovasiKGError, _http_error)
    app.add_exception_handler(ClientDisconnect, _gone)
    app.router.redirect_slashes = False  # its redirects are built from the Host header
    app.state.settings = settings
    app.state.kg = kg
    app.state.admission = admission
    app.state.cache = cache_stats
    app.state.home = {}  # the home page's figures by (generation, language, city)
    return app


def _warm(kg: KnowledgeGraph) -> None:
    """At start, the per-generation views that walk the whole graph (the catalog, the ontology's terms),
    so the first visitor of /catalog.ttl or /ontology does not wait on the walk."""
    try:
        kg.catalog()
        kg.ontology_terms()
    except Exception:  # a missing or damaged store is reported by the requests that need it
        log.debug("warming the catalog failed", exc_info=True)


async def health(request: Request) -> Response:
    """`/healthz`: the server answers, with its query slots and workers; never waits on a query."""
    state = request.app.state
    gate = state.admission
    busy = getattr(state.kg.backend, "busy", None)
    body = {"status": "ok", "admission": {"slots": gate.slots, "active": gate.active, "per_client": gate.per_client,
                                          "refused": gate.refused, "cancelled": gate.cancelled},
            "workers": {"size": state.settings.workers, "light": state.settings.light_workers,
                        "busy": busy() if busy else 0}, "cache": state.cache}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
