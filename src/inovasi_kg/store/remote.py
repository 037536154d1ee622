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
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from inovasi_kg.core import iris
from inovasi_kg.core.errors import LimitExceeded, QueryError, StoreError, UsageError
from inovasi_kg.core.terms import Term
from inovasi_kg.sparql.result import QueryResult, from_reply
from inovasi_kg.store.base import Capabilities, Dataset

__all__ = ["RemoteBackend", "ServerRefused", "search_graph", "staging_graph"]

DEFAULT_TIMEOUT = 30.0
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
                 password: str | None = None, timeout: float = DEFAULT_TIMEOUT, page: int = PAGE) -> None:
        self.endpoint, url_user, url_password = split_credentials(endpoint)
        self.update_endpoint, update_user, update_password = split_credentials(update) if update else (self.endpoint, None, None)
        self.location = self.endpoint
        self.graph, self.search = graph, search_graph(graph)
        self.timeout, self.page = timeout, page
        user, password = user or url_user or update_user, password or url_password or update_password
        if (user is None) != (password is None):
            raise UsageError("give both a user and a password for the SPARQL server, or neither")
        self._client = httpx.Client(auth=_EitherAuth(user, password) if user and password else None,
                                    timeout=httpx.Timeout(timeout), follow_redirects=True,
                                    headers={"User-Agent": "inovasi-kg"})

    # --- requests ----------------------------------------------------------------------------------

    def _post(self, url: str, data: dict[str, Any], accept: str, timeout: float | None) -> Any:
        return self._send(url, timeout, data=data, headers={"Accept": accept})

    def _send(self, url: str, timeout: float | None, **request: Any) -> Any:
        limit = timeout or self.timeout
        try:
            response = self._client.post(url, timeout=limit, **request)
            for pause in _RETRY_PAUSES:  # a server busy for a moment (503, a lock wait or deadlock): a few tries
                if not (response.status_code == 503 or (response.status_code >= 500 and _BUSY.search(response.text))):
                    break
                time.sleep(pause)
                response = self._client.post(url, timeout=limit, **request)
        except httpx.TimeoutException:
            raise LimitExceeded(f"the SPARQL server at {url} did not answer within {limit:g} s "
                                f"(raise the query timeout, or ask the server's operator)") from None
        except httpx.HTTPError as err:
            raise StoreError(f"cannot reach the SPARQL server at {url}: {err or type(err).__name__}") from None
        status = response.status_code
        if status in (401, 403):
            raise StoreError(f"the SPARQL server at {url} refused the credentials (HTTP {status}); give "
                             f"remote_user and remote_password (INOVASI_KG_REMOTE_PASSWORD) that it accepts")
        if status == 404:
            raise StoreError(f"no SPARQL endpoint at {url} (HTTP 404)")
        if status == 206 or "x-sparql-anytime" in response.headers:  # Virtuoso's partial "anytime" answer
            raise LimitExceeded(f"the SPARQL server at {url} stopped the query at its own time limit and sent a "
                                f"partial answer, which is refused (narrow the query)")
        if status >= 400:
            text = _server_message(response.text)
            if status < 500 or re.search(r"SPARQL|SP\d{3}|SR\d{3}|syntax", response.text, re.IGNORECASE):
                raise ServerRefused(f"the SPARQL server refused the query (HTTP {status}): {text}")
            raise StoreError(f"the SPARQL server at {url} failed (HTTP {status}): {text}")
        return response

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
        response = self._post(self.endpoint, data, accept, timeout)
        return from_reply(self._reply(kind, response, max_rows))

    def _reply(self, kind: str, response: Any, max_rows: int) -> tuple[Any, ...]:
        if kind == "graph":
            try:
                triples = list(ox.parse(response.content, format=_rdf_format(response)))
            except (SyntaxError, ValueError) as err:
                raise StoreError(f"the SPARQL server sent triples that do not parse: {err}") from None
            triples = [ox.Triple(q.subject, q.predicate, q.object) if isinstance(q, ox.Quad) else q for q in triples]
            cut = len(triples) > max_rows
            return ("ok", "graph", ox.serialize(triples[:max_rows], format=ox.RdfFormat.N_TRIPLES) or b"", cut)
        try:
            body = json.loads(response.content)
        except ValueError:
            raise StoreError(f"the SPARQL server did not send SPARQL JSON results "
                             f"(Content-Type {response.headers.get('content-type')!r})") from None
        body = normalize_results(body, kind)
        if kind == "ask":
            return ("ok", "ask", json.dumps(body).encode(), False)
        bindings = body["results"]["bindings"]
        cut = len(bindings) > max_rows
        body["results"]["bindings"] = bindings[:max_rows]
        return ("ok", "select", json.dumps(body).encode(), cut)

    def select(self, text: str, *, timeout: float | None = None, dataset: Dataset = (None, None)) -> list[dict[str, Any]]:
        """The raw JSON bindings of a SELECT (internal reads: counts, pages)."""
        response = self._post(self.endpoint, {"query": text, **self._dataset(dataset, text)}, _RESULTS_JSON, timeout)
        return normalize_results(json.loads(response.content), "select")["results"]["bindings"]  # type: ignore[no-any-return]

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
        self._client.close()


def _rdf_format(response: Any) -> ox.RdfFormat:
    media = response.headers.get("content-type", _NTRIPLES).split(";")[0].strip().lower()
    found = ox.RdfFormat.from_media_type(media)
    return found if found is not None else ox.RdfFormat.N_TRIPLES


def _server_message(text: str) -> str:
    text = text.split("SPARQL query:", 1)[0]  # Virtuoso echoes the whole query after its message
    lines = [line.strip() for line in re.sub(r"<[^>]+>", " ", text).splitlines() if line.strip()]
    return " ".join(lines)[:400] or "(no message)"


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
