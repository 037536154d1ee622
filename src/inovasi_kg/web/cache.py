"""The response cache: every answer of ours depends only on the store's generation and the request, so
a GET is answered from memory when the same request was answered for the same generation.

    key        (path, query parameters in order of name, Accept, Accept-Language, the lang cookie, host)
    kept       200 answers without Set-Cookie or `no-store`, up to an eighth of `cache_bytes` each; the
               least recently used go first when the total passes `cache_bytes`
    validators ETag (a hash of the body), Last-Modified (when this server first saw the generation),
               Cache-Control: no-cache (clients revalidate); If-None-Match / If-Modified-Since give 304
    staleness  the generation is the store's fingerprint, read before and after each answer: an answer
               is kept only when both agree, and a new generation empties the cache, so a rebuild never
               serves an answer of the old contents
    herd       while one request computes an answer, the same requests wait for it instead of taking
               query slots of their own

Not cached: /healthz, /static (files with their own validators), /dump (streamed files), anything
but GET and HEAD. `X-Cache: hit|miss` says which it was (miss also for what is not kept).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ResponseCache"]

_SKIP = ("/healthz", "/static", "/dump/")
_VARY = ("Accept", "Accept-Language", "Cookie")
Key = tuple[str, ...]


@dataclass
class _Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str
    size: int


class ResponseCache:
    """ASGI middleware: GET answers from memory per store generation (see the module's docstring)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, fingerprint: Callable[[], str | None],
                 wait_limit: float = 60.0, stats: dict[str, int] | None = None, quick: bool = False) -> None:
        self.app, self.max_bytes, self._fingerprint = app, max_bytes, fingerprint
        self.quick = quick  # the fingerprint is read in microseconds (a stat): no thread hop for it
        self.stats = stats if stats is not None else {}
        self.stats.update(entries=0, bytes=0, hits=0, misses=0, limit=max_bytes)
        self.entry_limit = max_bytes // 8
        self.wait_limit = wait_limit
        self.entries: OrderedDict[Key, _Entry] = OrderedDict()
        self.size = 0
        self.generation: str | None = None
        self.seen = time.time()  # when this generation was first seen: Last-Modified
        self._modified = (0.0, b"")  # (seen, its HTTP date), formatted once per generation
        self.inflight: dict[tuple[str | None, Key], asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or self.max_bytes <= 0 or scope["method"] not in ("GET", "HEAD")
                or scope["path"].startswith(_SKIP)):
            await self.app(scope, receive, send)
            return
        key = _key(scope)
        before = await self.fingerprint()
        if before is None:
            await self.app(scope, receive, send)
            return
        self._follow(before)
        entry = self.entries.get(key)
        flight = (before, key)
        if entry is None and flight in self.inflight:  # the same request is being answered: wait for it
            try:
                await asyncio.wait_for(self.inflight[flight].wait(), self.wait_limit)
            except TimeoutError:
                pass
            entry = self.entries.get(key) if self.generation == before else None
        if entry is not None:
            self.entries.move_to_end(key)
            self.stats["hits"] += 1
            await self._send(entry, scope, send, "hit")
            return
        self.stats["misses"] += 1
        done = self.inflight.setdefault(flight, asyncio.Event())
        try:
            await self._compute(scope, receive, send, key, before)
        finally:
            if self.inflight.get(flight) is done:
                del self.inflight[flight]
            done.set()

    async def _compute(self, scope: Scope, receive: Receive, send: Send, key: Key, before: str) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing = False  # too large or not cacheable: the rest goes straight through

        async def capture(message: Message) -> None:
            nonlocal start, size, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = {**message, "headers": [*message.get("headers", []), (b"x-cache", b"miss")]}
                if not _cacheable(message):
                    passing = True
                    await send(start)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.entry_limit:  # give up keeping it; flush what was held
                passing = True
                assert start is not None
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            if not message.get("more_body", False):
                assert start is not None
                body = b"".join(chunks)
                entry = _entry(_without_x_cache(start), body)
                after = await self.fingerprint()
                if after == before:
                    self._follow(after)
                    self._keep(key, entry)
                await self._send(entry, scope, send, "miss")

        await self.app(scope, receive, capture)

    async def fingerprint(self) -> str | None:
        return self._fingerprint() if self.quick else await run_in_threadpool(self._fingerprint)

    def _follow(self, generation: str) -> None:
        if generation != self.generation:
            self.generation, self.seen = generation, time.time()
            self.entries.clear()
            self.size = 0
            self.stats.update(entries=0, bytes=0)

    def _keep(self, key: Key, entry: _Entry) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= old.size
        self.entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes and self.entries:
            _, dropped = self.entries.popitem(last=False)
            self.size -= dropped.size
        self.stats.update(entries=len(self.entries), bytes=self.size)

    async def _send(self, entry: _Entry, scope: Scope, send: Send, how: str) -> None:
        if self._modified[0] != self.seen:
            self._modified = (self.seen, formatdate(self.seen, usegmt=True).encode())
        headers = [*entry.headers, (b"etag", entry.etag.encode()), (b"last-modified", self._modified[1]),
                   (b"x-cache", how.encode())]
        if how == "hit":
            headers = [(k, v) for k, v in headers if k != b"server-timing"] + [(b"server-timing", b'cache;desc="hit"')]
        if _not_modified(scope, entry.etag, self.seen):
            kept = {b"cache-control", b"content-location", b"etag", b"last-modified", b"vary", b"x-cache", b"link"}
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(k, v) for k, v in headers if k in kept]})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body, "more_body": False})


def _key(scope: Scope) -> Key:
    headers: dict[bytes, bytes] = {}
    for name, value in scope.get("headers", []):
        headers.setdefault(name.lower(), value)
    query, cookie = scope.get("query_string", b""), headers.get(b"cookie", b"")
    return (scope["path"], (_query_seen if len(query) <= _REMEMBERED else _query_key)(query),
            headers.get(b"accept", b"").decode("latin-1"), headers.get(b"accept-language", b"").decode("latin-1"),
            (_cookie_seen if len(cookie) <= _REMEMBERED else _cookie_lang)(cookie),
            headers.get(b"host", b"").decode("latin-1"), scope.get("scheme", "http"))


_REMEMBERED = 2048  # bytes of a query string or Cookie header whose reading is remembered (1,024 of each)


def _query_key(raw: bytes) -> str:
    """The query parameters in order of name: the same request however its parameters are ordered."""
    return repr(sorted(parse_qsl(raw.decode("latin-1"), keep_blank_values=True)))


def _cookie_lang(raw: bytes) -> str:
    """The language chosen by the `lang` cookie of a Cookie header ("" for none)."""
    if not raw:
        return ""
    cookie = SimpleCookie()
    try:
        cookie.load(raw.decode("latin-1"))
    except Exception:  # a malformed cookie header is no language choice
        return ""
    return cookie["lang"].value if "lang" in cookie else ""


_query_seen = functools.lru_cache(maxsize=1024)(_query_key)  # the same requests come again and again
_cookie_seen = functools.lru_cache(maxsize=1024)(_cookie_lang)


def _without_x_cache(start: Message) -> Message:
    return {**start, "headers": [(k, v) for k, v in start.get("headers", []) if k != b"x-cache"]}


def _cacheable(start: Message) -> bool:
    if start["status"] != 200:
        return False
    for name, value in start.get("headers", []):
        if name.lower() == b"set-cookie" or (name.lower() == b"cache-control" and b"no-store" in value.lower()):
            return False
    return True


def _entry(start: Message, body: bytes) -> _Entry:
    headers = [(k.lower(), v) for k, v in start.get("headers", []) if k.lower() not in (b"etag", b"last-modified")]
    names = {k for k, _ in headers}
    if b"cache-control" not in names:
        headers.append((b"cache-control", b"no-cache"))
    vary = [v.strip() for k, v in headers if k == b"vary" for v in v.decode("latin-1").split(",") if v.strip()]
    headers = [(k, v) for k, v in headers if k != b"vary"]
    for name in _VARY:
        if name.lower() not in {v.lower() for v in vary}:
            vary.append(name)
    headers.append((b"vary", ", ".join(vary).encode("latin-1")))
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    size = len(body) + sum(len(k) + len(v) for k, v in headers) + 256
    return _Entry(start["status"], headers, body, etag, size)


def _not_modified(scope: Scope, etag: str, seen: float) -> bool:
    headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower().startswith(b"if-")}
    match = headers.get(b"if-none-match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or etag in tags
    since = headers.get(b"if-modified-since")
    if since is not None:
        try:
            return int(seen) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False
