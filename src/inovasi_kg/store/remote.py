"""The remote backend: a SPARQL 1.1 server (Virtuoso, Fuseki, QLever, Oxigraph server, ...).

    store = http(s)://host/sparql        the server's query endpoint (SPARQL 1.1 protocol)
    remote_graph                         the named graph there that holds the graph (`push` writes it)
    remote_update                        its update endpoint (default: the query endpoint)
    remote_user / remote_password        credentials, sent as the server asks (Basic or Digest)

The graph lives in one named graph G on the server; the folded search labels in a companion graph
(`search_graph(G)`) and the fingerprint of the build in the graph urn:inovasi-kg:build (subject G).
A query runs with the protocol's dataset set to G as the default graph and the companion as the
only named graph, so every named query runs unchanged: its text names the search graph by its
embedded IRI (urn:inovasi-kg:cari), which is rewritten to the companion's before it is sent.

Every request has a time limit (the query timeout setting): a server that is down, slow or refuses
the credentials gives a StoreError or QueryError within it, never a hang. Reading is all this
backend does; `push` (push.py) writes the graph.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import AbstractContextManager
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from inovasi_kg.core import iris
from inovasi_kg.core.cancel import CANCEL
from inovasi_kg.core.errors import Cancelled, LimitExceeded, QueryError, StoreError, UsageError
from inovasi_kg.core.terms import Term
from inovasi_kg.sparql.result import QueryResult, from_reply
from inovasi_kg.store.base import Capabilities, Dataset

__all__ = ["MAX_BYTES", "RemoteBackend", "ServerRefused", "mask", "search_graph", "staging_graph"]

DEFAULT_TIMEOUT = 30.0
MAX_BYTES = 268_435_456  # the largest answer read from a server (remote_max_bytes): memory stays bounded
_ERROR_BYTES = 65536  # of an error answer, only its start is read (for the message)
_MAX_REDIRECTS = 5
T = TypeVar("T")
PAGE = 10000  # rows a pattern read asks for at once (below the usual server caps, e.g. Virtuoso's 10,000)
_SEARCH_TOKEN = f"<{iris.SEARCH_GRAPH}>"
_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
_STAGING = "urn:inovasi-kg:staging"  # <graph> <urn:inovasi-kg:staging> <staging graph>, in urn:inovasi-kg:build
_SMALLEST_CHUNK = 100
_RETRY_PAUSES = (1.0, 3.0, 9.0)  # seconds before each new try of a request the server was too busy for
_BUSY = re.compile(r"\bS1T00\b|\b40001\b|Transaction timed out|deadlock", re.IGNORECASE)
_REPLACING = "urn:inovasi-kg:replacing"  # <graph> <urn:inovasi-kg:replacing> "fingerprint phase", while in chunks


class ServerRefused(QueryError):
    """The server answered a request with an error about it (HTTP 400, or 500 naming SPARQL): its syntax,
    a feature it lacks, or a size it will not take in one request or transaction."""


def _digest(graph: str) -> str:
    return hashlib.sha256(graph.encode()).hexdigest()[:16]


def search_graph(graph: str) -> str:
    """The companion graph of `graph` that holds its folded search labels."""
    return f"urn:inovasi-kg:cari:{_digest(graph)}"


def staging_graph(graph: str, fingerprint: str) -> str:
    """Where `push` gathers a build (fingerprint) for `graph` before it replaces it; {…}:cari for its labels."""
    return f"urn:inovasi-kg:staging:{_digest(graph)}:{_digest(fingerprint)}"


def query_form(text: str) -> str:
    """select, ask or graph: the form of a complete query (its first form keyword outside strings, IRIs, comments)."""
    from inovasi_kg.sparql.text import mask_comments_and_strings

    found = _FORM.search(mask_comments_and_strings(text))
    if found is None:
        raise QueryError("the query has no SELECT, ASK, CONSTRUCT or DESCRIBE")
    word = found.group(1).upper()
    return "select" if word == "SELECT" else "ask" if word == "ASK" else "graph"


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """The URL without user:password@, and the user and password it carried."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    from urllib.parse import unquote

    return (urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)),
            unquote(parts.username) if parts.username else None, unquote(parts.password) if parts.password else None)


class _EitherAuth(httpx.Auth):
    """Credentials sent the way the server's challenge asks: Basic or Digest (Virtuoso's /sparql-auth)."""

    def __init__(self, user: str, password: str) -> None:
        self.digest = httpx.DigestAuth(user, password)
        self.basic = httpx.BasicAuth(user, password)
        self.scheme: str | None = None  # learnt from the first challenge

    def auth_flow(self, request: httpx.Request) -> Any:
        if self.scheme == "basic":
            yield from self.basic.auth_flow(request)
            return
        if self.scheme == "digest":
            yield from self.digest.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        if challenge.startswith("digest"):
            self.scheme = "digest"
            flow = self.digest.auth_flow(request)
            next(flow)  # the digest flow's first, unauthenticated request: already answered above
            try:
                yield flow.send(response)
            except StopIteration:
                return
        elif challenge.startswith("basic"):
            self.scheme = "basic"
            yield from self.basic.auth_flow(request)


class RemoteBackend:
    """The graph `graph` on the SPARQL server at `endpoint` (read-only; `push` writes it)."""

    capabilities = Capabilities(substitutions=False, custom_functions=False, limits=True, persistent=True)

    def __init__(self, endpoint: str, *, graph: str, update: str | None = None, user: str | None = None,
                 password: str | None = None, timeout: float = DEFAULT_TIMEOUT, page: int = PAGE,
                 max_bytes: int = MAX_BYTES) -> None:
        self.endpoint, url_user, url_password = split_credentials(endpoint)
        self.update_endpoint, update_user, update_password = split_credentials(update) if update else (self.endpoint, None, None)
        self.location = self.endpoint
        self.graph, self.search = graph, search_graph(graph)
        self.timeout, self.page = timeout, page
        user, password = user or url_user or update_user, password or url_password or update_password
        if (user is None) != (password is None):
            raise UsageError("give both a user and a password for the SPARQL server, or neither")
        self.max_bytes = max_bytes
        self._client = httpx.Client(auth=_EitherAuth(user, password) if user and password else None,
                                    timeout=httpx.Timeout(timeout), follow_redirects=False,
                                    headers={"User-Agent": "inovasi-kg"})
        self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="sparql-remote")

    # --- requests ----------------------------------------------------------------------------------

    def _post(self, url: str, data: dict[str, Any], accept: str, timeout: float | None,
              read: Callable[[_Body, httpx.Response], T] | None = None) -> T:
        return self._send(url, timeout, read, data=data, headers={"Accept": accept})

    def _send(self, url: str, timeout: float | None, read: Callable[[_Body, httpx.Response], T] | None = None,
              **request: Any) -> T:
        """One request, its answer read by `read` (default: the whole body), all within one deadline: the
        time limit counts from the first byte sent to the last byte read, however slowly they come."""
        limit = timeout or self.timeout
        deadline = time.monotonic() + limit
        reader: Callable[[_Body, httpx.Response], Any] = read if read is not None else _whole
        exchange = _Exchange()
        future = self._pool.submit(self._exchange, exchange, url, deadline, limit, reader, request)
        cancel = CANCEL.get()
        while True:
            left = deadline - time.monotonic()
            try:
                return future.result(timeout=max(0.0, min(left, 0.1)))  # type: ignore[no-any-return]
            except FutureTimeout:
                if cancel is not None and cancel.is_set():
                    exchange.abort()
                    raise Cancelled("the caller went away; the request to the SPARQL server was stopped") from None
                if left <= 0:
                    exchange.abort()
                    raise LimitExceeded(f"the SPARQL server at {self.location_of(url)} did not answer within "
                                        f"{limit:g} s (raise the query timeout, or ask the server's operator)") from None

    def location_of(self, url: str) -> str:
        """`url` as messages show it: never with credentials."""
        return mask(url)

    def _exchange(self, exchange: _Exchange, url: str, deadline: float, limit: float,
                  read: Callable[[_Body, httpx.Response], T], request: dict[str, Any]) -> T:
        shown = self.location_of(url)
        for pause in (*_RETRY_PAUSES, None):  # a server busy for a moment (503, a lock wait or deadlock): a few tries
            response = self._open(exchange, url, deadline, request)
            try:
                status = response.status_code
                if status < 400 and status not in (206,) and "x-sparql-anytime" not in response.headers:
                    return read(_Body(response, self.max_bytes, exchange, shown), response)
                text = _Body(response, _ERROR_BYTES, exchange, shown).read_capped()
            finally:
                response.close()
            busy = status == 503 or (status >= 500 and _BUSY.search(text) is not None)
            if not busy or pause is None or time.monotonic() + pause >= deadline:
                _raise_for(status, text, shown, response)
            time.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _open(self, exchange: _Exchange, url: str, deadline: float, request: dict[str, Any]) -> httpx.Response:
        """The response's head, following redirects only within the endpoint's origin (credentials are
        never sent to another host)."""
        shown = self.location_of(url)
        target = url
        for _ in range(_MAX_REDIRECTS + 1):
            left = max(0.001, deadline - time.monotonic())
            try:
                req = self._client.build_request("POST", target, timeout=httpx.Timeout(left), **request)
                response = self._client.send(req, stream=True, follow_redirects=False)
            except httpx.TimeoutException:
                raise LimitExceeded(f"the SPARQL server at {shown} did not answer in time") from None
            except httpx.HTTPError as err:
                if exchange.aborted:
                    raise LimitExceeded(f"the SPARQL server at {shown} did not answer in time") from None
                raise StoreError(f"cannot reach the SPARQL server at {shown}: {mask(str(err)) or type(err).__name__}") \
                    from None
            exchange.hold(response)
            if response.status_code not in (301, 302, 303, 307, 308) or "location" not in response.headers:
                return response
            response.close()
            following = str(response.url.join(response.headers["location"]))
            if _origin(following) != _origin(target):
                raise StoreError(f"the SPARQL server at {shown} redirects to another origin ({mask(following)}); "
                                 f"give that address as the store if it is the endpoint (credentials are never "
                                 f"sent to another host)")
            target = following
        raise StoreError(f"the SPARQL server at {shown} redirects more than {_MAX_REDIRECTS} times")

    def _dataset(self, dataset: Dataset, text: str) -> dict[str, Any]:
        default, named = dataset
        if default is None and named is None:
            from inovasi_kg.sparql.text import mask_comments_and_strings

            if _FROM.search(mask_comments_and_strings(text)):
                return {}  # the query's own FROM / FROM NAMED
            return {"default-graph-uri": [self.graph], "named-graph-uri": [self.search]}
        params: dict[str, Any] = {}
        if default is not None:
            params["default-graph-uri"] = [self.graph if g == "" else g for g in default]
        if named is not None:
            params["named-graph-uri"] = [self.search if g == iris.SEARCH_GRAPH else g for g in named]
        return params

    def query(self, text: str, *, bindings: Mapping[str, Term] | None = None, max_rows: int = 10000,
              timeout: float | None = None, dataset: Dataset = (None, None), base_iri: str | None = None) -> QueryResult:
        if bindings:
            from inovasi_kg.sparql.text import inline_values

            text = inline_values(text, dict(bindings))
        kind = query_form(text)
        if base_iri:
            text = f"BASE <{base_iri}>\n{text}"
        text = text.replace(_SEARCH_TOKEN, f"<{self.search}>")
        data: dict[str, Any] = {"query": text, **self._dataset(dataset, text)}
        accept = _NTRIPLES if kind == "graph" else _RESULTS_JSON

        def read(body: _Body, response: httpx.Response) -> tuple[Any, ...]:
            return _reply(kind, body, response, max_rows)

        return from_reply(self._post(self.endpoint, data, accept, timeout, read))

    def select(self, text: str, *, timeout: float | None = None, dataset: Dataset = (None, None)) -> list[dict[str, Any]]:
        """The raw JSON bindings of a SELECT (internal reads: counts, pages)."""
        def read(body: _Body, response: httpx.Response) -> list[dict[str, Any]]:
            return _results(body, response, "select", None)[0]["results"]["bindings"]  # type: ignore[no-any-return]

        return self._post(self.endpoint, {"query": text, **self._dataset(dataset, text)}, _RESULTS_JSON, timeout, read)

    def post_graph(self, url: str, graph: str, ntriples: bytes, *, timeout: float | None = None) -> None:
        """Add N-Triples to `graph` through a Graph Store Protocol endpoint (POST merges)."""
        self._send(url, timeout, params={"graph": graph}, content=ntriples,
                   headers={"Content-Type": _NTRIPLES, "Accept": "*/*"})

    def update(self, text: str, *, timeout: float | None = None) -> None:
        """Run a SPARQL update on the update endpoint."""
        self._post(self.update_endpoint, {"update": text}, "*/*", timeout)

    # --- writing (push.py) -----------------------------------------------------------------------------

    def graph_size(self, graph: str) -> int:
        """Triples in a named graph of the server."""
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", dataset=([], [graph]))
        return int(rows[0]["n"]["value"]) if rows else 0

    def insert_data(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples lines to a named graph by one INSERT DATA (N-Triples is valid inside it)."""
        self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples.decode()}}} }}")

    def record_staging(self, staged: str) -> None:
        """Note a staging graph of this graph in urn:inovasi-kg:build before filling it, so a later push can drop it."""
        self.update(f"INSERT DATA {{ GRAPH <{iris.META_GRAPH}> {{ <{self.graph}> <{_STAGING}> <{staged}> }} }}")

    def replace_graph(self, staged: str, fingerprint: str) -> None:
        """One update request: the staging graphs replace this graph and its search companion, and the
        fingerprint is recorded (MOVE drops the target first: nothing of the old graph is left)."""
        meta, key, target = iris.META_GRAPH, iris.FINGERPRINT, self.graph
        self.update(f"MOVE SILENT GRAPH <{staged}> TO GRAPH <{target}> ;\n"
                    f"MOVE SILENT GRAPH <{staged}:cari> TO GRAPH <{self.search}> ;\n"
                    f"DELETE WHERE {{ GRAPH <{meta}> {{ <{target}> <{key}> ?old }} }} ;\n"
                    f"DELETE WHERE {{ GRAPH <{meta}> {{ <{target}> <{_REPLACING}> ?phase }} }} ;\n"
                    f"INSERT DATA {{ GRAPH <{meta}> {{ <{target}> <{key}> {ox.Literal(fingerprint)} }} }}")

    def replacement_under_way(self) -> tuple[str, str] | None:
        """(fingerprint, phase) of a replacement in chunks under way (see `replace_in_chunks`), or None."""
        rows = self.select(f"SELECT ?p WHERE {{ GRAPH <{iris.META_GRAPH}> {{ <{self.graph}> <{_REPLACING}> ?p }} }}",
                           dataset=([], [iris.META_GRAPH]))
        if not rows:
            return None
        fingerprint, _, phase = str(rows[0]["p"]["value"]).partition(" ")
        return fingerprint, phase

    def _mark(self, fingerprint: str | None, phase: str) -> None:
        meta, target = iris.META_GRAPH, self.graph
        text = (f"DELETE WHERE {{ GRAPH <{meta}> {{ <{target}> <{_REPLACING}> ?phase }} }} ;\n"
                f"DELETE WHERE {{ GRAPH <{meta}> {{ <{target}> <{iris.FINGERPRINT}> ?old }} }}")
        if fingerprint is not None:
            mark = ox.Literal(f"{fingerprint} {phase}")
            text += f" ;\nINSERT DATA {{ GRAPH <{meta}> {{ <{target}> <{_REPLACING}> {mark} }} }}"
        self.update(text)

    def replace_in_chunks(self, staged: str, fingerprint: str, chunk: int) -> None:
        """The same replacement as `replace_graph` for a server that cannot take it in one transaction
        (Virtuoso's TransactionAfterImageLimit): empty the target, then move the staging graphs over,
        `chunk` triples a request. Not atomic (readers see the graph fill up, and no fingerprint until
        it is whole) but idempotent and resumable: the phase is recorded in urn:inovasi-kg:build."""
        under_way = self.replacement_under_way()
        phase = under_way[1] if under_way is not None and under_way[0] == fingerprint else None
        if phase is None:
            self._mark(fingerprint, "emptying")
            phase = "emptying"
        if phase == "emptying":
            for graph in (self.graph, self.search):
                self._drain(graph, None, chunk)
            self._mark(fingerprint, "moving")
        self._drain(staged, self.graph, chunk)
        self._drain(f"{staged}:cari", self.search, chunk)
        self._mark(None, "")
        self.update(f"INSERT DATA {{ GRAPH <{iris.META_GRAPH}> {{ <{self.graph}> <{iris.FINGERPRINT}> "
                    f"{ox.Literal(fingerprint)} }} }}")

    def _drain(self, source: str, target: str | None, chunk: int) -> None:
        """Move (or, with no target, delete) the triples of `source`, `chunk` at a time (halved while the
        server refuses a chunk as too large a transaction), until it is empty."""
        into = f" INSERT {{ GRAPH <{target}> {{ ?s ?p ?o }} }}" if target is not None else ""
        left = self.graph_size(source)
        while left:
            pick = f"{{ SELECT ?s ?p ?o WHERE {{ GRAPH <{source}> {{ ?s ?p ?o }} }} LIMIT {chunk} }}"
            try:
                for _ in range(-(-left // chunk)):
                    self.update(f"DELETE {{ GRAPH <{source}> {{ ?s ?p ?o }} }}{into} WHERE {{ {pick} }}")
            except ServerRefused:
                if chunk <= _SMALLEST_CHUNK:
                    raise
                chunk = max(_SMALLEST_CHUNK, chunk // 2)
            left = self.graph_size(source)

    def drop_staging(self, *, keep: str) -> list[str]:
        """Drop the staging graphs that pushes of this graph recorded and left (a stopped push of another
        build), and forget `keep`'s record; the dropped graphs' names."""
        rows = self.select(f"SELECT ?g WHERE {{ GRAPH <{iris.META_GRAPH}> {{ <{self.graph}> <{_STAGING}> ?g }} }}",
                           dataset=([], [iris.META_GRAPH]))
        stale = sorted(str(r["g"]["value"]) for r in rows if r["g"]["value"] != keep)
        for name in stale:
            self.update(f"DROP SILENT GRAPH <{name}> ; DROP SILENT GRAPH <{name}:cari> ;\n"
                        f"DELETE DATA {{ GRAPH <{iris.META_GRAPH}> {{ <{self.graph}> <{_STAGING}> <{name}> }} }}")
        self.update(f"DELETE DATA {{ GRAPH <{iris.META_GRAPH}> {{ <{self.graph}> <{_STAGING}> <{keep}> }} }}")
        return stale

    # --- the Reader protocol --------------------------------------------------------------------------

    def triples(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                obj: Term | None = None) -> Iterator[ox.Triple]:
        terms = [subject, predicate, obj]
        names = ["s", "p", "o"]
        free = [n for n, t in zip(names, terms, strict=True) if t is None]
        pattern = " ".join(str(t) if t is not None else f"?{n}" for n, t in zip(names, terms, strict=True))
        project = " ".join(f"?{n}" for n in free) or "(1 AS ?one)"

        def build(row: Mapping[str, Any]) -> ox.Triple:
            made = [t if t is not None else term_from_json(row[n]) for n, t in zip(names, terms, strict=True)]
            return ox.Triple(*made)  # type: ignore[arg-type]

        first = self.select(f"SELECT {project} WHERE {{ {pattern} }} LIMIT {self.page + 1}")
        if len(first) <= self.page:
            yield from (build(row) for row in first)
            return
        order = " ".join(f"?{n}" for n in free)
        offset = 0
        while True:  # stable pages: ordered inside a subquery (no sorted-TOP cap on servers like Virtuoso)
            rows = self.select(f"SELECT {project} WHERE {{ {{ SELECT {project} WHERE {{ {pattern} }} ORDER BY {order} }} }} "
                               f"LIMIT {self.page} OFFSET {offset}")
            yield from (build(row) for row in rows)
            if len(rows) < self.page:
                return
            offset += self.page

    def count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"]["value"]) if rows else 0

    def graphs(self) -> frozenset[str]:
        return frozenset({iris.SEARCH_GRAPH})

    # --- the Backend protocol -------------------------------------------------------------------------

    def fingerprint(self) -> str | None:
        rows = self.select(f"SELECT ?f WHERE {{ GRAPH <{iris.META_GRAPH}> {{ <{self.graph}> <{iris.FINGERPRINT}> ?f }} }}",
                           dataset=([], [iris.META_GRAPH]))
        return str(rows[0]["f"]["value"]) if rows else None

    def dump(self, fmt: str) -> bytes:
        from inovasi_kg.core.formats import RDF
        from inovasi_kg.core.formats import fmt as format_named
        from inovasi_kg.rdf.export import serialize_sorted

        rdf = format_named(fmt, RDF).rdf
        assert rdf is not None
        return serialize_sorted(list(self.triples()), rdf)

    def intact(self) -> bool:
        return self.fingerprint() is not None

    def check_writable(self) -> None:
        raise UsageError(f"the store {self.location} is a SPARQL server: build into a folder, then load it there "
                         f"with `inovasi-kg push --to {self.location}`")

    def replacing(self) -> AbstractContextManager[Any]:
        self.check_writable()
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._client.close()


def _rdf_format(response: Any) -> ox.RdfFormat:
    media = response.headers.get("content-type", _NTRIPLES).split(";")[0].strip().lower()
    found = ox.RdfFormat.from_media_type(media)
    return found if found is not None else ox.RdfFormat.N_TRIPLES


def _server_message(text: str) -> str:
    text = text.split("SPARQL query:", 1)[0]  # Virtuoso echoes the whole query after its message
    lines = [line.strip() for line in re.sub(r"<[^>]+>", " ", text).splitlines() if line.strip()]
    return " ".join(lines)[:400] or "(no message)"


_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]*@")


def mask(text: str) -> str:
    """`text` with the user:password@ of every URL in it replaced by ***@."""
    return _CREDENTIALS.sub("***@", text)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = httpx.URL(url)
    return parts.scheme, parts.host, parts.port or {"http": 80, "https": 443}.get(parts.scheme)


class _Exchange:
    """One request under way: the deadline's watcher can end it (close its connection) from outside."""

    def __init__(self) -> None:
        self.response: httpx.Response | None = None
        self.aborted = False

    def hold(self, response: httpx.Response) -> None:
        self.response = response
        if self.aborted:
            self.abort()

    def abort(self) -> None:
        self.aborted = True
        response = self.response
        if response is None:
            return
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is not None:
            import socket

            try:
                sock.shutdown(socket.SHUT_RDWR)  # a read blocked in the exchange's thread returns now
            except OSError:
                pass


class _Body:
    """A response body read as a file, at most `cap` bytes, stopping when its exchange is ended."""

    def __init__(self, response: httpx.Response, cap: int, exchange: _Exchange, shown: str) -> None:
        self.chunks = response.iter_raw()  # the bytes as sent (Content-Encoding is decoded by `_decoded`)
        self.decoded = _decoded(response)
        self.cap, self.exchange, self.shown = cap, exchange, shown
        self.size = 0
        self.pending = b""
        self.done = False

    def _next(self) -> bytes:
        try:
            chunk = next(self.chunks)
        except StopIteration:
            self.done = True
            return b""
        except httpx.HTTPError as err:
            if self.exchange.aborted:
                raise LimitExceeded(f"the SPARQL server at {self.shown} did not finish its answer in time") from None
            raise StoreError(f"the SPARQL server at {self.shown} broke off its answer "
                             f"({mask(str(err)) or type(err).__name__})") from None
        self.size += len(chunk)
        if self.size > self.cap:
            raise StoreError(f"the SPARQL server at {self.shown} sent more than {self.cap} bytes; the answer is "
                             f"refused (narrow the query, or raise remote_max_bytes)")
        return self.decoded(chunk)

    def read(self, n: int = -1) -> bytes:
        """Up to `n` bytes (all that is left when n < 0), as a file would."""
        if n is None or n < 0:
            parts = [self.pending]
            self.pending = b""
            while not self.done:
                parts.append(self._next())
            return b"".join(parts)
        while len(self.pending) < n and not self.done:
            self.pending += self._next()
        out, self.pending = self.pending[:n], self.pending[n:]
        return out

    def read_capped(self) -> str:
        """The body's first `cap` bytes as text (for error messages: Virtuoso puts its message first and
        then echoes the whole query, so a long update's refusal is far longer than the cap)."""
        out = bytearray(self.pending)
        try:
            for chunk in self.chunks:
                out += self.decoded(chunk)
                if len(out) >= self.cap:
                    break
        except httpx.HTTPError:
            pass  # what arrived before the break still names the error
        return bytes(out[:self.cap]).decode("utf-8", "replace")


def _decoded(response: httpx.Response) -> Callable[[bytes], bytes]:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("gzip", "deflate"):
        import zlib

        inflate = zlib.decompressobj(wbits=31 if encoding == "gzip" else 15)
        return inflate.decompress
    return lambda chunk: chunk


def _whole(body: _Body, response: httpx.Response) -> bytes:
    return body.read()


def _refuse_html(response: httpx.Response, shown: str) -> None:
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml"):
        raise StoreError(f"the SPARQL server at {shown} sent a web page (Content-Type {media}), not query results: "
                         f"is it the query endpoint?")


def _raise_for(status: int, text: str, shown: str, response: httpx.Response) -> NoReturn:
    if status in (401, 403):
        raise StoreError(f"the SPARQL server at {shown} refused the credentials (HTTP {status}); give "
                         f"remote_user and remote_password (INOVASI_KG_REMOTE_PASSWORD) that it accepts")
    if status == 404:
        raise StoreError(f"no SPARQL endpoint at {shown} (HTTP 404)")
    if status == 206 or "x-sparql-anytime" in response.headers:  # Virtuoso's partial "anytime" answer
        raise LimitExceeded(f"the SPARQL server at {shown} stopped the query at its own time limit and sent a "
                            f"partial answer, which is refused (narrow the query)")
    message = mask(_server_message(text))
    if status < 500 or re.search(r"SPARQL|SP\d{3}|SR\d{3}|syntax", text, re.IGNORECASE):
        raise ServerRefused(f"the SPARQL server refused the query (HTTP {status}): {message}")
    raise StoreError(f"the SPARQL server at {shown} failed (HTTP {status}): {message}")


def _results(body: _Body, response: httpx.Response, kind: str, max_rows: int | None) -> tuple[dict[str, Any], bool]:
    """SPARQL JSON results read as they arrive: past `max_rows` rows reading stops (True: cut there)."""
    import ijson
    from ijson.common import ObjectBuilder

    _refuse_html(response, body.shown)
    head: Any = None
    boolean: Any = None
    rows: list[Any] = []
    cut = False
    builder: ObjectBuilder | None = None
    target = ""
    try:
        for prefix, event, value in ijson.parse(body, use_float=True):
            if builder is None:
                if event == "start_map" and prefix in ("head", "results.bindings.item"):
                    if prefix == "results.bindings.item" and cut:
                        continue
                    builder, target = ObjectBuilder(), prefix
                    builder.event(event, value)
                elif prefix == "boolean" and event in ("boolean", "number", "string"):
                    boolean = value
                continue
            builder.event(event, value)
            if event == "end_map" and prefix == target:
                if target == "head":
                    head = builder.value
                else:
                    rows.append(builder.value)
                    if max_rows is not None and len(rows) > max_rows:
                        cut = True
                builder = None
                if cut and head is not None:
                    break
    except ijson.JSONError as err:
        media = response.headers.get("content-type", "")
        raise StoreError(f"the SPARQL server at {body.shown} did not send SPARQL JSON results (Content-Type "
                         f"{media!r}): {str(err).splitlines()[0][:120] if str(err) else 'it is cut short'}") from None
    if boolean is not None:
        found: dict[str, Any] = {"head": head or {}, "boolean": boolean}
    elif head is None and not rows:
        raise StoreError(f"the SPARQL server at {body.shown} sent an answer that is not SPARQL JSON results")
    else:
        found = {"head": head or {"vars": sorted({k for r in rows for k in r})}, "results": {"bindings": rows[:max_rows]
                                                                                              if cut else rows}}
    return normalize_results(found, kind), cut


def _reply(kind: str, body: _Body, response: httpx.Response, max_rows: int) -> tuple[Any, ...]:
    """The engine reply (sparql/result.py) for an answer: rows or triples past `max_rows` are never read."""
    if kind == "graph":
        _refuse_html(response, body.shown)
        triples: list[ox.Triple] = []
        cut = False
        try:
            for q in ox.parse(body, format=_rdf_format(response)):  # type: ignore[arg-type]
                if len(triples) == max_rows:
                    cut = True
                    break
                triples.append(ox.Triple(q.subject, q.predicate, q.object) if isinstance(q, ox.Quad) else q)
        except (SyntaxError, ValueError) as err:
            raise StoreError(f"the SPARQL server sent triples that do not parse: {str(err).splitlines()[0][:200]}") \
                from None
        return ("ok", "graph", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", cut)
    found, cut = _results(body, response, kind, max_rows)
    if kind == "ask":
        return ("ok", "ask", json.dumps(found).encode(), False)
    return ("ok", "select", json.dumps(found).encode(), cut)


def term_from_json(term: Mapping[str, str]) -> Any:
    """The RDF term of one SPARQL JSON results binding."""
    kind, value = term.get("type"), term.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in term:
        return ox.Literal(value, language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(value, datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(value)


def normalize_results(body: Any, kind: str) -> dict[str, Any]:
    """SPARQL JSON results as the W3C recommendation writes them.

    Servers differ: Virtuoso writes "typed-literal" (the 2008 draft's type) and answers an ASK
    with one row binding __ASK_RETVAL to 1 or 0 instead of a boolean.
    """
    if not isinstance(body, dict) or ("boolean" not in body and "results" not in body):
        raise StoreError("the SPARQL server's answer is not SPARQL JSON results")
    if kind == "ask":
        if "boolean" in body:
            return {"head": {}, "boolean": bool(body["boolean"])}
        rows = body.get("results", {}).get("bindings", [])
        first: dict[str, Any] = next(iter(rows[0].values()), {}) if rows else {}
        value = first.get("value", "0")
        return {"head": {}, "boolean": value not in ("0", "false", None)}
    for row in body["results"]["bindings"]:
        for term in row.values():
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
    return body
