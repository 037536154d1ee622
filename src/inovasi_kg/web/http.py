"""HTTP semantics every route shares: HEAD without a body, OPTIONS from the routes' own methods,
request targets and headers within their limits (414, 431), and status errors in the one error shape.

    OPTIONS /sparql           204, Allow: GET, HEAD, OPTIONS, POST
    a CORS preflight          204 with the route's methods (and the headers we take), else 403 in the error shape
    HEAD /anything            the GET answer's status and headers, no body
    a target over max_url_bytes / headers over max_header_bytes   414 / 431, JSON (HTML for a browser)
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inovasi_kg.web.common import HTTPError

__all__ = ["CORS_HEADERS", "HttpSemantics", "allowed_methods", "preflight", "status_error"]


def allowed_methods(app: Any, scope: Scope) -> list[str] | None:
    """The methods the route matching `scope`'s path answers (OPTIONS included), or None if none matches."""
    for route in app.router.routes:
        match, _ = route.matches({**scope, "method": "GET"})
        if match == Match.NONE:
            match, _ = route.matches({**scope, "method": "POST"})
        if match != Match.NONE:
            methods = set(getattr(route, "methods", None) or {"GET", "HEAD"})
            if "GET" in methods:
                methods.add("HEAD")
            return sorted(methods - {"PUT", "DELETE", "PATCH"} | {"OPTIONS"})
    return None


class HttpSemantics:
    """ASGI middleware: limits on the request target and headers, OPTIONS, HEAD."""

    def __init__(self, app: ASGIApp, *, max_url_bytes: int, max_header_bytes: int) -> None:
        self.app, self.max_url, self.max_headers = app, max_url_bytes, max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
        if target > self.max_url:
            response = error_page(request, HTTPError(414, f"the request target is {target} bytes; at most "
                                                          f"{self.max_url} are accepted (send a long query by POST)"))
            await response(scope, receive, send)
            return
        size = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", []))
        if size > self.max_headers:
            response = error_page(request, HTTPError(431, f"the request headers are {size} bytes; at most "
                                                          f"{self.max_headers} are accepted"))
            await response(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        if scope["method"] == "OPTIONS":
            methods = allowed_methods(scope["app"], scope)
            if methods is None:
                response = error_page(request, HTTPError(404, f"nothing is published at {scope['path']}"))
            elif b"origin" in headers and b"access-control-request-method" in headers:
                response = preflight(request, methods)
            else:
                response = Response(status_code=204, headers={"Allow": ", ".join(methods)})
            await response(scope, receive, send)
            return
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def bodiless(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, bodiless)


# Request headers a cross-origin script may send beyond the CORS-safelisted ones (Fetch standard).
CORS_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type", "If-None-Match", "If-Modified-Since")


def preflight(request: Request, methods: list[str]) -> Response:
    """A CORS preflight (Fetch standard, CORS protocol): 204 with the route's own methods and the headers
    we take when the method and headers asked for are allowed; otherwise 403 in the error shape without
    Access-Control-Allow-Origin, which fails the preflight in the browser and says why to anyone else."""
    method = request.headers["access-control-request-method"].strip()
    cross = [m for m in methods if m != "OPTIONS"]
    asked = [h.strip() for h in request.headers.get("access-control-request-headers", "").split(",") if h.strip()]
    allowed = {h.lower() for h in CORS_HEADERS}
    if method not in cross:
        return error_page(request, HTTPError(403, f"a cross-origin {method} is not answered at {request.url.path}; "
                                                  f"use {', '.join(cross)}", allow=", ".join(methods)))
    refused = [h for h in asked if h.lower() not in allowed]
    if refused:
        return error_page(request, HTTPError(403, f"cross-origin requests may not send {', '.join(refused)}; "
                                                  f"they may send {', '.join(CORS_HEADERS)}"))
    return Response(status_code=204, headers={
        "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": ", ".join(cross),
        "Access-Control-Allow-Headers": ", ".join(CORS_HEADERS), "Access-Control-Max-Age": "600",
        "Allow": ", ".join(methods), "Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"})


def error_page(request: Request, err: Exception) -> Response:
    """The error as the one JSON shape, or as a small HTML page for a browser that asks for one."""
    from inovasi_kg.web.common import error_response

    response = error_response(err)
    accept = request.headers.get("accept", "")
    if "text/html" in accept.split(",")[0]:
        from inovasi_kg.web.pages import error_html

        return error_html(request, response)
    return response


async def status_error(request: Request, exc: Exception) -> Response:
    """Starlette's own status errors (405, and any other) in our shape; a 405's Allow lists what the
    route answers, OPTIONS included."""
    assert isinstance(exc, HTTPException)
    extra: dict[str, Any] = {}
    if exc.status_code == 405:
        # inside a Mount the root path is the mount's: match from the app's own root
        whole = {**request.scope, "root_path": request.scope.get("app_root_path", "")}
        methods = allowed_methods(request.app, whole) or ["OPTIONS"]
        extra["allow"] = ", ".join(methods)
        message = f"{request.method} is not answered here; use {', '.join(methods)}"
    else:
        message = str(exc.detail)
    return error_page(request, HTTPError(exc.status_code, message, **extra))
