"""What every route shares: one JSON error shape, strict query parameters, content negotiation,
the language of the page, and running blocking work off the event loop."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from inovasi_kg.core.errors import Cancelled, InovasiKGError, LimitExceeded, QueryError, StoreError, ValidationFailed
from inovasi_kg.core.formats import FORMATS, Format
from inovasi_kg.core.settings import LANGUAGES

__all__ = ["CSP", "STATIC_DIR", "HTTPError", "blocking", "error_response", "first", "language", "light", "negotiate", "params",
           "status_of"]

STATIC_DIR = Path(__file__).resolve().parent / "static"  # the site's own files, served at /static
# Nothing from other origins, no inline script (a page that needs one allows it by hash: pages.script_policy).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; form-action 'self'")

T = TypeVar("T")


class HTTPError(Exception):
    """A request that cannot be answered: an HTTP status and a message for the JSON error body."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def status_of(err: Exception) -> int:
    """The HTTP status of an error: the edge decides, not the error class."""
    if isinstance(err, HTTPError):
        return err.status
    if isinstance(err, LimitExceeded):
        return 503
    if isinstance(err, Cancelled):
        return 499  # nginx's "client closed request": nobody is there to read it
    if isinstance(err, StoreError):
        return 503
    if isinstance(err, QueryError):
        return 404 if err.message.startswith("no named query") or "no node" in err.message else 400
    if isinstance(err, ValidationFailed):
        return 500
    if isinstance(err, InovasiKGError):
        return 400
    return 500


def error_response(err: Exception) -> JSONResponse:
    """`{"error": {"status", "title", "message", ...}}` for every failure; never a traceback or a path."""
    status = status_of(err)
    titles = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
              406: "Not Acceptable", 413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
              429: "Too Many Requests", 431: "Request Header Fields Too Large", 499: "Client Closed Request",
              500: "Internal Error", 503: "Service Unavailable"}
    body: dict[str, Any] = {"status": status, "title": titles.get(status, "Error")}
    if isinstance(err, HTTPError):
        body["message"] = err.message
        body.update(err.extra)
    elif isinstance(err, StoreError):  # its text names paths on the server: say what it means instead
        body["message"] = "the store is not available (not built yet, being replaced, or damaged); try again later"
    elif isinstance(err, InovasiKGError):
        body["message"] = str(err)
        if isinstance(err, QueryError) and err.line is not None:
            body["line"], body["column"] = err.line, err.column
    else:
        body["message"] = "the server failed to answer; the error was logged"
    headers: dict[str, str] = {}
    if status in (429, 503):
        headers["Retry-After"] = str(err.extra.get("retry_after", 5) if isinstance(err, HTTPError) else 5)
    if status == 405 and isinstance(err, HTTPError) and "allow" in err.extra:
        headers["Allow"] = err.extra["allow"]
    return JSONResponse({"error": body}, status_code=status, headers=headers or None)


def params(request: Request, allowed: Iterable[str], *, repeatable: Iterable[str] = ()) -> dict[str, list[str]]:
    """The query string's parameters, strictly: UTF-8, only `allowed` names, each once unless repeatable."""
    try:
        pairs = parse_qsl(request.url.query, keep_blank_values=True, strict_parsing=False, encoding="utf-8",
                          errors="strict")
    except UnicodeDecodeError:
        raise HTTPError(400, "the query string is not valid UTF-8") from None
    return collect(pairs, allowed, repeatable=repeatable, where="query string")


def collect(pairs: list[tuple[str, str]], allowed: Iterable[str], *, repeatable: Iterable[str] = (),
            where: str) -> dict[str, list[str]]:
    allowed, repeatable = set(allowed), set(repeatable)
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        if key not in allowed:
            raise HTTPError(400, f"unknown parameter {key!r} in the {where}; expected: {', '.join(sorted(allowed))}")
        out.setdefault(key, []).append(value)
    for key, values in out.items():
        if len(values) > 1 and key not in repeatable:
            raise HTTPError(400, f"parameter {key!r} given {len(values)} times; give it once")
    return out


def first(given: dict[str, list[str]], key: str) -> str | None:
    """The one value of parameter `key`, or None."""
    values = given.get(key)
    return values[0] if values else None


def _accepted(header: str) -> list[tuple[str, float]]:
    ranked = []
    for index, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        q = 1.0
        for p in pieces[1:]:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        ranked.append((pieces[0].lower(), q - index * 1e-6))
    return sorted(ranked, key=lambda item: -item[1])


def negotiate(request: Request, kinds: Iterable[str], default: str, *, extra: dict[str, str] | None = None) -> str:
    """The best format name for the request's Accept header among formats of `kinds` (plus `extra`
    media type -> name), `default` for `*/*` or no header; HTTPError 406 when none fits."""
    kinds = set(kinds)
    offered = {f.media_type: f.name for f in FORMATS if f.kind in kinds}
    offered.update(extra or {})
    header = request.headers.get("accept", "")
    if not header.strip():
        return default
    for media, q in _accepted(header):
        if q <= 0:
            continue
        if media in offered:
            return offered[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    raise HTTPError(406, f"none of the accepted media types can be served; offered: {', '.join(sorted(offered))}")


def by_name(name: str, kinds: Iterable[str]) -> Format:
    kinds = set(kinds)
    for f in FORMATS:
        if f.name == name and f.kind in kinds:
            return f
    names = [f.name for f in FORMATS if f.kind in kinds]
    raise HTTPError(400, f"unknown format {name!r}; expected one of: {', '.join(names)}")


def language(request: Request, chosen: str | None = None) -> str:
    """The page language: ?lang=, else the cookie, else Accept-Language on a first visit, else Indonesian."""
    if chosen in LANGUAGES:
        return chosen  # type: ignore[return-value]
    cookie = request.cookies.get("lang")
    if cookie in LANGUAGES:
        return cookie  # type: ignore[return-value]
    for media, q in _accepted(request.headers.get("accept-language", "")):
        tag = media.split("-")[0]
        if q > 0 and tag in LANGUAGES:
            return tag
    return LANGUAGES[0]


async def blocking(request: Request, func: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    """Run work that reads the store (a query, a store read) once the admission gate lets it in, on the
    query threads, never on the event loop; with its time in ms. 503/429 at once when the gate is full
    (web/admission.py); cancelled when the client disconnects."""
    return await request.app.state.admission.run(request, func, *args, **kwargs)


async def light(func: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    """Run brief blocking work that needs no query worker (a file, a store-free query) in a thread of
    the shared pool, past the admission gate; with its time in ms."""
    started = time.perf_counter()
    result = await run_in_threadpool(func, *args, **kwargs)
    return result, (time.perf_counter() - started) * 1000


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def timing(response: Response, ms: float) -> Response:
    response.headers["Server-Timing"] = f"query;dur={ms:.1f}"
    return response
