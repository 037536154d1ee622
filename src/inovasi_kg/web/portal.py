"""What a portal harvests: the DCAT catalog (with this endpoint as a dcat:DataService), VoID at
/.well-known/void, the dumps at the URLs the catalog names, a sitemap, the named queries as RDF
(sh:SPARQLExecutable) and JSON, and an OpenAPI description of the query API."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from inovasi_kg.core import iris
from inovasi_kg.core.formats import FORMATS, RDF, RESULTS, names
from inovasi_kg.core.prefixes import NAMESPACES, PREFIXES
from inovasi_kg.kg import KnowledgeGraph
from inovasi_kg.web.common import HTTPError, blocking, by_name, first, language, negotiate, params, timing

__all__ = ["catalog", "dump", "openapi", "queries_json", "queries_rdf", "sitemap", "void"]

_N = ox.NamedNode
DCAT, DCT, RDF_TYPE = PREFIXES["dcat"], PREFIXES["dct"], PREFIXES["rdf"] + "type"
SH, VOID = NAMESPACES["sh"], PREFIXES["void"]
_EXT = {"ttl": "turtle", "jsonld": "jsonld", "rdf": "rdfxml", "nt": "ntriples"}


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _service(request: Request, base: str) -> list[ox.Triple]:
    """This endpoint as a dcat:DataService serving the dataset."""
    endpoint = _origin(request) + "/sparql"
    s, ds = _N(endpoint + "#service"), _N(iris.dataset_iri(base))
    return [
        ox.Triple(s, _N(RDF_TYPE), _N(DCAT + "DataService")),
        ox.Triple(s, _N(DCT + "title"), ox.Literal("Titik akhir SPARQL inovasi-kg", language="id")),
        ox.Triple(s, _N(DCT + "title"), ox.Literal("inovasi-kg SPARQL endpoint", language="en")),
        ox.Triple(s, _N(DCAT + "endpointURL"), _N(endpoint)),
        ox.Triple(s, _N(DCAT + "endpointDescription"), _N(endpoint)),
        ox.Triple(s, _N(DCAT + "servesDataset"), ds),
        ox.Triple(s, _N(DCT + "conformsTo"), _N("https://www.w3.org/TR/sparql11-protocol/")),
        ox.Triple(ds, _N(VOID + "sparqlEndpoint"), _N(endpoint)),
    ]


def _description(request: Request) -> list[ox.Triple]:
    kg = request.app.state.kg
    base = kg.settings.base_iri
    return kg.catalog() + _service(request, base)


async def catalog(request: Request) -> Response:
    params(request, set())
    ext = request.path_params["ext"]
    if ext not in _EXT:
        raise HTTPError(404, f"no catalog in .{ext}; try .ttl, .jsonld, .rdf or .nt")
    triples, ms = await blocking(request, _description, request)
    return timing(_rdf(triples, _EXT[ext]), ms)


async def catalog_negotiated(request: Request) -> Response:
    """/catalog: the catalog page for a browser (pages.catalog_page), the DCAT/VoID description in the
    RDF format the Accept header asks for otherwise (Turtle by default), at one URL."""
    from inovasi_kg.web.pages import catalog_page
    from inovasi_kg.web.protocol import negotiate_kind

    if negotiate_kind(request) == "html":
        return await catalog_page(request)
    params(request, set())
    triples, ms = await blocking(request, _description, request)
    response = _rdf(triples, negotiate(request, (RDF,), "turtle"))
    response.headers["Vary"] = "Accept"
    return timing(response, ms)


async def void(request: Request) -> Response:
    params(request, set())
    triples, ms = await blocking(request, _description, request)
    return timing(_rdf(triples, negotiate(request, (RDF,), "turtle")), ms)


def _rdf(triples: list[ox.Triple], name: str) -> Response:
    from inovasi_kg.rdf.export import serialize_sorted

    fmt = by_name(name, (RDF,))
    assert fmt.rdf is not None
    charset = "; charset=utf-8" if fmt.media_type.startswith("text/") else ""
    return Response(serialize_sorted(triples, fmt.rdf), media_type=fmt.media_type + charset)


async def dump(request: Request) -> Response:
    """The full dumps, at the URLs the catalog gives ({base}dump/FILE is served at /dump/FILE)."""
    params(request, set())
    file = request.path_params["file"]
    dumps = request.app.state.kg.distributions()
    dist = next((d for d in dumps if d.file_name == file), None)
    if dist is None:
        raise HTTPError(404, f"no dump {file!r}; the dumps are: {', '.join(d.file_name for d in dumps)}")
    data, ms = await blocking(request, request.app.state.kg.export, dist.format.name)
    charset = "; charset=utf-8" if dist.format.media_type.startswith("text/") else ""
    return timing(Response(data, media_type=dist.format.media_type + charset,
                           headers={"Content-Disposition": f'attachment; filename="{file}"'}), ms)


def _nodes(request: Request) -> list[str]:
    from inovasi_kg.web.pages import page_of

    kg = request.app.state.kg
    subjects = sorted({t.subject.value for t in kg.backend.triples() if isinstance(t.subject, ox.NamedNode)})
    return sorted({p.split("#")[0] for s in subjects if (p := page_of(request, s))})


async def sitemap(request: Request) -> Response:
    params(request, set())
    paths, ms = await blocking(request, _nodes, request)
    origin = _origin(request)
    fixed = ["/", "/editor", "/queries", "/search", "/graph", "/ontology", "/kode/"]
    named = [f"/queries/{n}" for n in request.app.state.kg.named_queries]
    urls = "".join(f"<url><loc>{escape(origin + quote(p, safe='/:#?=&.-_~'))}</loc></url>"
                   for p in [*fixed, *named, *paths])
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n')
    return timing(Response(body, media_type="application/xml"), ms)


def _query_entries(request: Request) -> list[dict[str, Any]]:
    kg = request.app.state.kg
    out = []
    for q in kg.named_queries.values():
        out.append({"name": q.name, "title": {"id": q.title_id, "en": q.title_en}, "description": q.description,
                    "description_id": q.description_id,
                    "parameters": [{"name": p.name, "type": p.type, "optional": p.optional, "default": p.default,
                                    "help": p.help, "help_id": p.help_id, "scheme": p.scheme and f"kode:{p.scheme}"}
                                   for p in q.parameters],
                    "sparql": q.text, "page": f"/queries/{q.name}",
                    "results": {e: f"/queries/{q.name}.{e}" for e in ("json", "csv", "tsv")}})
    return out


async def queries_json(request: Request) -> Response:
    params(request, set())
    return JSONResponse({"queries": _query_entries(request)})


async def queries_rdf(request: Request) -> Response:
    """Every named query as `sh:SPARQLSelectExecutable` with its text and labels (the SIB convention)."""
    params(request, set())
    origin = _origin(request)
    triples = []
    for q in _query_entries(request):
        s = _N(f"{origin}/queries/{q['name']}")
        triples += [
            ox.Triple(s, _N(RDF_TYPE), _N(SH + "SPARQLExecutable")),
            ox.Triple(s, _N(RDF_TYPE), _N(SH + "SPARQLSelectExecutable")),
            ox.Triple(s, _N(SH + "select"), ox.Literal(q["sparql"])),
            ox.Triple(s, _N(PREFIXES["rdfs"] + "label"), ox.Literal(q["title"]["id"], language="id")),
            ox.Triple(s, _N(PREFIXES["rdfs"] + "label"), ox.Literal(q["title"]["en"], language="en")),
            ox.Triple(s, _N(PREFIXES["rdfs"] + "comment"), ox.Literal(q["description"], language="en")),
            ox.Triple(s, _N(PREFIXES["rdfs"] + "comment"), ox.Literal(q["description_id"], language="id")),
            ox.Triple(s, _N(PREFIXES["schema"] + "target"), _N(origin + "/sparql")),
        ]
        for prefix, ns in PREFIXES.items():
            if f"{prefix}:" in q["sparql"]:
                decl = _N(f"{origin}/queries#prefix-{prefix}")
                triples += [ox.Triple(s, _N(SH + "prefixes"), _N(f"{origin}/queries#prefixes")),
                            ox.Triple(_N(f"{origin}/queries#prefixes"), _N(SH + "declare"), decl),
                            ox.Triple(decl, _N(SH + "prefix"), ox.Literal(prefix)),
                            ox.Triple(decl, _N(SH + "namespace"),
                                      ox.Literal(ns, datatype=_N(PREFIXES["xsd"] + "anyURI")))]
    return _rdf(triples, negotiate(request, (RDF,), "turtle"))


_TYPES = {"integer": {"type": "integer"}, "decimal": {"type": "number"}, "year": {"type": "string", "pattern": "^[0-9]{4}$"},
          "lang": {"type": "string", "enum": ["id", "en"]}, "iri": {"type": "string"}, "string": {"type": "string"},
          "search": {"type": "string"}}


async def openapi(request: Request) -> Response:
    """OpenAPI 3.1 for the named-query API, the SPARQL endpoint and the dumps."""
    params(request, set())
    return JSONResponse(openapi_document(request))


def openapi_document(request: Request) -> dict[str, Any]:
    """The OpenAPI 3.1 description (/openapi.json; /docs renders it)."""
    paths: dict[str, Any] = {}
    for q in _query_entries(request):
        parameters = [{"name": p["name"], "in": "query", "required": not p["optional"] and p["default"] is None
                       and p["type"] != "lang", "schema": _TYPES[p["type"]],
                       "description": p["help"] + (f" A concept of the code list {p['scheme']} (its notation, CURIE or "
                                                   f"IRI): /queries/konsep-skema?skema={p['scheme']} lists them."
                                                   if p["scheme"] else "")}
                      for p in q["parameters"]]
        for ext in ("json", "csv", "tsv", "xlsx"):
            media = by_name(ext, (RESULTS,)).media_type
            paths[f"/queries/{q['name']}.{ext}"] = {"get": {
                "operationId": f"{q['name']}-{ext}".replace("-", "_"), "summary": q["title"]["en"],
                "description": q["description"], "parameters": parameters,
                "responses": {"200": {"description": "SPARQL results", "content": {media: {}}},
                              "400": {"description": "A bad parameter", "content": {"application/json": {}}}}}}
    paths["/sparql"] = {"get": {"operationId": "sparql_get", "summary": "SPARQL 1.1 Protocol query (read-only)",
                                "parameters": [{"name": "query", "in": "query", "required": False,
                                                "schema": {"type": "string"}},
                                               {"name": "format", "in": "query", "required": False,
                                                "description": "The answer's format (else by Accept): a results "
                                                               "format for SELECT/ASK, an RDF one for CONSTRUCT/DESCRIBE.",
                                                "schema": {"type": "string", "enum": [*names(RESULTS), *names(RDF)]}}],
                                "responses": {"200": {"description": "Results, or the Service Description",
                                                      "content": {f.media_type: {} for f in FORMATS
                                                                  if f.kind in (RESULTS, RDF)}},
                                              "400": {"description": "A bad query or format",
                                                      "content": {"application/json": {}}}}}}
    for d in KnowledgeGraph.distributions():
        paths[f"/dump/{d.file_name}"] = {"get": {"operationId": f"dump_{d.key}", "summary": d.title_en,
                                                 "responses": {"200": {"description": d.title_en,
                                                                       "content": {d.format.media_type: {}}}}}}
    doc = {"openapi": "3.1.0", "info": {"title": "inovasi-kg", "version": "0.1.0",
                                        "description": "Named queries, SPARQL and dumps of the regional innovation graph."},
           "servers": [{"url": _origin(request)}], "paths": paths}
    return doc


def swagger_installed() -> bool:
    from inovasi_kg.web.common import STATIC_DIR

    return all((STATIC_DIR / "swagger-ui" / f).is_file() for f in ("swagger-ui-bundle.js", "swagger-ui.css"))


async def docs_page(request: Request) -> Response:
    """/docs: the API's OpenAPI description rendered by Swagger UI (npm swagger-ui-dist, served from our
    origin), over a list of every operation that reads without JavaScript."""
    from inovasi_kg.web.pages import render

    given = params(request, {"lang"})
    lang = language(request, first(given, "lang"))
    doc = openapi_document(request)
    operations = [{"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                   "parameters": [p["name"] for p in op.get("parameters", [])]}
                  for path, item in doc["paths"].items() for method, op in item.items()]
    return render(request, "docs.html", lang, operations=operations, swagger=swagger_installed(),
                  alternates=[{"name": "OpenAPI", "type": "application/json", "href": "/openapi.json"}])
