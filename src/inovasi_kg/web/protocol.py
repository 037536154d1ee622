"""`/sparql`: the SPARQL 1.1 Protocol, read-only, with a Service Description on a bare GET.

GET, POST form-encoded and POST direct; `default-graph-uri` and `named-graph-uri`; results by
`Accept` or a `format` parameter; updates refused (403) in every form; request bodies capped; a
time limit and row cap on every query, a truncated result flagged in `X-SPARQL-Truncated` and (JSON,
XML) in the body; the query's time in `Server-Timing`.
"""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from inovasi_kg.core.formats import FORMATS, RDF, RESULTS
from inovasi_kg.core.prefixes import NAMESPACES
from inovasi_kg.sparql.result import QueryResult
from inovasi_kg.web.common import HTTPError, blocking, by_name, collect, light, negotiate, params, timing

__all__ = ["read_body", "service_description", "sparql_endpoint"]

_DATASET = ("default-graph-uri", "named-graph-uri")
_FORMAT_NAMES = ("format", "output", "results")  # `output` and `results`: what SPARQLWrapper and Fuseki clients send
_UPDATE = ("update", "using-graph-uri", "using-named-graph-uri")
_REFUSAL = ("this endpoint only reads: SPARQL Update is not accepted here (rebuild the graph with "
            "`inovasi-kg build` instead)")
SD = NAMESPACES["sd"]
TRUNCATED = "urn:inovasi-kg:truncated"


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 past `limit` bytes (checked as it streams, not after)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPError(413, f"the request body is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPError(413, f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _media(request: Request) -> tuple[str | None, dict[str, str]]:
    raw = request.headers.get("content-type")
    if raw is None:
        return None, {}
    parts = [p.strip() for p in raw.split(";")]
    options = {}
    for p in parts[1:]:
        key, _, value = p.partition("=")
        options[key.strip().lower()] = value.strip().strip('"')
    return parts[0].lower(), options


async def _operation(request: Request, limit: int) -> tuple[str | None, dict[str, list[str]]]:
    """The query text (None for a bare GET) and the protocol parameters of a request."""
    allowed = {"query", *_FORMAT_NAMES, *_DATASET, *_UPDATE}
    repeatable = set(_DATASET) | {"using-graph-uri", "using-named-graph-uri"}
    url = params(request, allowed, repeatable=repeatable)
    if any(k in url for k in _UPDATE):
        raise HTTPError(403, _REFUSAL)
    if request.method == "GET":
        queries = url.get("query")
        return (queries[0] if queries else None), url
    media, options = _media(request)
    if media is None:
        raise HTTPError(415, "a POST needs a Content-Type: application/x-www-form-urlencoded or application/sparql-query")
    if media == "application/sparql-update":
        raise HTTPError(403, _REFUSAL)
    charset = options.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise HTTPError(415, f"the body must be UTF-8, not {charset}")
    body = await read_body(request, limit)
    if media == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise HTTPError(400, "the form body is not URL-encoded UTF-8") from None
        form = collect(pairs, allowed, repeatable=repeatable, where="form body")
        if any(k in form for k in _UPDATE):
            raise HTTPError(403, _REFUSAL)
        if "query" in url:
            raise HTTPError(400, "give the query in the form body or in the URL, not both")
        merged = dict(url)
        for key, values in form.items():
            merged.setdefault(key, []).extend(values)
            if len(merged[key]) > 1 and key not in repeatable:
                raise HTTPError(400, f"parameter {key!r} given more than once")
        if "query" not in merged:
            raise HTTPError(400, "the form body has no 'query'")
        return merged["query"][0], merged
    if media == "application/sparql-query":
        if "query" in url:
            raise HTTPError(400, "a direct POST carries the query in its body, not in the URL")
        try:
            return body.decode("utf-8"), url
        except UnicodeDecodeError as err:
            raise HTTPError(400, f"the query is not UTF-8 (byte 0x{body[err.start]:02x} at offset {err.start})") from None
    raise HTTPError(415, f"unsupported media type {media!r}; use application/x-www-form-urlencoded or "
                         f"application/sparql-query")


def _graphs(values: list[str] | None, name: str) -> list[str] | None:
    if values is None:
        return None
    for iri in values:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise HTTPError(400, f"{name} {iri!r} is not an IRI") from None
    return values


def _result_format(request: Request, given: dict[str, list[str]], result: QueryResult) -> str:
    kinds = (RDF,) if result.kind == "graph" else (RESULTS,)
    chosen = [given[k][0] for k in _FORMAT_NAMES if k in given]
    if len(set(chosen)) > 1:
        raise HTTPError(400, f"the format parameters disagree: {', '.join(sorted(set(chosen)))}")
    if chosen:
        name = chosen[0]
        matched = next((f for f in FORMATS if name in (f.name, f.media_type) and f.kind in kinds), None)
        if matched is None:
            by_name(name, kinds)  # raises the 400 with the names that fit
        assert matched is not None
        return matched.name
    return negotiate(request, kinds, "turtle" if result.kind == "graph" else "json")


def _flag_truncation(data: bytes, name: str, max_rows: int) -> bytes:
    """Say in the body that rows were cut: a head link (JSON and XML results), and `truncated` in JSON."""
    if name == "json":
        doc: dict[str, Any] = json.loads(data)
        doc.setdefault("head", {})["link"] = [TRUNCATED]
        doc["truncated"] = {"max_rows": max_rows}
        return json.dumps(doc).encode("utf-8")
    if name == "xml":
        return re.sub(rb"(<head>.*?)(</head>)", rb'\1<link href="' + TRUNCATED.encode() + rb'"/>\2', data,
                      count=1, flags=re.DOTALL)
    return data


async def sparql_endpoint(request: Request) -> Response:
    state = request.app.state
    if request.method not in ("GET", "HEAD", "POST"):
        raise HTTPError(405, f"{request.method} is not a SPARQL Protocol operation; use GET or POST",
                        allow="GET, HEAD, OPTIONS, POST")
    query, given = await _operation(request, state.settings.max_body_bytes)
    if query is None:
        if "html" in negotiate_kind(request):
            from inovasi_kg.web.pages import editor_page

            return await editor_page(request)
        return service_description(request)
    default_graphs = _graphs(given.get("default-graph-uri"), "default-graph-uri")
    named_graphs = _graphs(given.get("named-graph-uri"), "named-graph-uri")
    store_free, _ = await light(state.kg.store_free, query)  # ASK {}, SELECT (1 AS ?x) {}: no worker needed
    run = light if store_free else partial(blocking, request)
    result, ms = await run(state.kg.sparql, query, default_graphs=default_graphs, named_graphs=named_graphs)
    name = _result_format(request, given, result)
    fmt = by_name(name, (RDF, RESULTS))
    data = result.serialize(name)
    headers = {"X-SPARQL-Rows": str(len(result.triples) if result.kind == "graph" else len(result.rows))}
    if result.truncated:
        data = _flag_truncation(data, name, state.settings.max_rows)
        headers["X-SPARQL-Truncated"] = f"true; max-rows={state.settings.max_rows}"
    if name == "xlsx":
        headers["Content-Disposition"] = 'attachment; filename="hasil-sparql.xlsx"'
    charset = "; charset=utf-8" if fmt.media_type.startswith("text/") else ""
    return timing(Response(data, media_type=fmt.media_type + charset, headers=headers), ms)


def negotiate_kind(request: Request) -> str:
    """'html' when a browser asks for a page, else 'data'."""
    accept = request.headers.get("accept", "")
    first = accept.split(",")[0].strip().lower()
    return "html" if first.startswith("text/html") else "data"


def service_description(request: Request) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint (Turtle, or another RDF format by Accept)."""
    endpoint = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
    n = ox.NamedNode
    s = n(endpoint)
    rdf_type = n(NAMESPACES["rdf"] + "type")
    dataset, default = n(endpoint + "#dataset"), n(endpoint + "#default-graph")
    triples = [
        ox.Triple(s, rdf_type, n(SD + "Service")),
        ox.Triple(s, n(SD + "endpoint"), s),
        ox.Triple(s, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        ox.Triple(s, n(SD + "feature"), n(SD + "EmptyGraphs")),
        ox.Triple(s, n(SD + "defaultEntailmentRegime"), n(NAMESPACES["entailment"] + "Simple")),
        ox.Triple(s, n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, n(SD + "Dataset")),
        ox.Triple(dataset, n(SD + "defaultGraph"), default),
        ox.Triple(default, rdf_type, n(SD + "Graph")),
        ox.Triple(s, n(NAMESPACES["dct"] + "title"), ox.Literal("SPARQL endpoint inovasi-kg", language="id")),
        ox.Triple(s, n(NAMESPACES["dct"] + "title"), ox.Literal("inovasi-kg SPARQL endpoint", language="en")),
        ox.Triple(dataset, n("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
                  n(f"{request.url.scheme}://{request.url.netloc}/.well-known/void")),
    ]
    for f in FORMATS:
        iri = f.rdf.iri if f.rdf is not None else f.results.iri if f.results is not None else None
        if iri:
            triples.append(ox.Triple(s, n(SD + "resultFormat"), n(iri)))
    name = negotiate(request, (RDF,), "turtle")
    from inovasi_kg.rdf.export import serialize_sorted

    fmt = by_name(name, (RDF,))
    assert fmt.rdf is not None
    data = serialize_sorted(triples, fmt.rdf)
    charset = "; charset=utf-8" if fmt.media_type.startswith("text/") else ""
    return Response(data, media_type=fmt.media_type + charset)
