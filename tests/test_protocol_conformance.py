"""The W3C SPARQL 1.1 Protocol manifest, run against the app in process.

The runner reads `fixtures/conformance/sparql11-protocol/manifest.ttl` itself: every request of
every test (method, path, headers, body in its declared encoding), the data each test loads, and
the expected status class and result format. Query tests must pass; update tests must get the
documented refusal (403 with the JSON error shape). The Service Description tests check the bare
GET answer.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

from inovasi_kg import Settings
from inovasi_kg.store.memory import MemoryBackend
from inovasi_kg.web import create_app

HERE = Path(__file__).resolve().parent / "fixtures" / "conformance" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def _manifest(name: str) -> Graph:
    return Graph().parse(HERE / name, format="turtle", publicID="http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/")


def _tests() -> list[tuple[str, URIRef]]:
    g = _manifest("manifest.ttl")
    entries = Collection(g, next(g.objects(None, MF.entries)))
    return [(str(t).rsplit("#", 1)[-1], t) for t in entries]


def _requests(g: Graph, test: URIRef) -> list[dict[str, Any]]:
    action = g.value(test, MF.action)
    out = []
    for req in Collection(g, g.value(action, HT.requests)):
        headers = {}
        listed = g.value(req, HT.headers)
        if listed is not None:
            for h in Collection(g, listed):
                headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
        body = g.value(req, HT.body)
        content = None
        if body is not None:
            encoding = str(g.value(body, CNT.characterEncoding) or "UTF-8")
            content = str(g.value(body, CNT.chars)).encode(encoding.lower().replace("utf-16", "utf-16"))
        resp = g.value(req, HT.resp)
        statuses = {str(s).rsplit("#", 1)[-1] for s in g.objects(resp, MF.expectedStatus)}
        out.append({"method": str(g.value(req, HT.methodName)), "path": str(g.value(req, HT.absolutePath)),
                    "headers": headers, "content": content, "statuses": statuses,
                    "format": str(g.value(resp, MF.expectedFormat) or "") or None,
                    "boolean": g.value(resp, MF.expectedBoolean)})
    return out


def _backend(g: Graph, test: URIRef) -> MemoryBackend:
    """A store with the test's data files, each in the graph its label names."""
    backend = MemoryBackend()
    quads = []
    for data in g.objects(test, UT.graphData):
        file = Path(str(g.value(data, UT.graph)).rsplit("/", 1)[-1])
        graph = ox.NamedNode(str(g.value(data, RDFS_LABEL)))
        for t in ox.parse(path=str(HERE / file), format=ox.RdfFormat.N_TRIPLES):
            quads.append(ox.Quad(t.subject, t.predicate, t.object, graph))
    with backend.replacing() as new:
        new.add(quads)
        new.commit("w3c")
    return backend


def _status_class(code: int) -> str:
    return f"StatusCode{code // 100}xx"


def _check_format(expected: str, response: httpx.Response, boolean: Any) -> None:
    media = response.headers["content-type"].split(";")[0]
    if expected == "boolean":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml"), media
        parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.from_media_type(media))
        assert isinstance(parsed, ox.QueryBoolean)
        if boolean is not None:
            assert bool(parsed) == boolean.toPython()
    elif expected == "tabular":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                         "text/tab-separated-values"), media
        parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.from_media_type(media))
        assert isinstance(parsed, ox.QuerySolutions)
    elif expected == "RDF":
        assert media in ("application/rdf+xml", "text/turtle", "application/n-triples"), media
        list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(media)))


@pytest.mark.parametrize("name,test", _tests(), ids=[t[0] for t in _tests()])
def test_w3c_protocol(name: str, test: URIRef) -> None:
    g = _manifest("manifest.ttl")
    requests = _requests(g, test)
    app = create_app(Settings.load(store="memory:"), backend=_backend(g, test))
    is_update = "update" in name

    async def run() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://www.example") as client:
            for i, req in enumerate(requests):
                response = await client.request(req["method"], req["path"], headers=req["headers"],
                                                content=req["content"])
                if is_update and i == 0:
                    # Read-only: every update gets the documented refusal (or a 4xx for a malformed one).
                    assert 400 <= response.status_code < 500, response.text
                    assert response.json()["error"]["status"] == response.status_code
                    if "StatusCode2xx" in req["statuses"]:
                        assert response.status_code == 403
                        assert "only reads" in response.json()["error"]["message"]
                    return
                assert _status_class(response.status_code) in req["statuses"], (req["path"], response.status_code,
                                                                                 response.text[:300])
                if response.status_code < 300 and req["format"]:
                    _check_format(req["format"], response, req["boolean"])
                if response.status_code >= 400:
                    assert set(response.json()["error"]) >= {"status", "title", "message"}

    asyncio.run(run())


def test_service_description() -> None:
    g = _manifest("service-description-manifest.ttl")
    names = {str(t).rsplit("#", 1)[-1] for t in g.subjects(RDF.type, MF.ServiceDescriptionTest)}
    assert names == {"returns-rdf", "has-endpoint-triple", "conforms-to-schema"}
    app = create_app(Settings.load(store="memory:"), backend=MemoryBackend())

    async def run() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://www.example") as c:
            return await c.get("/sparql", headers={"accept": "text/turtle"})

    response = asyncio.run(run())
    # returns-rdf
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    sd = Graph().parse(data=response.text, format="turtle")
    # has-endpoint-triple: an sd:Service whose sd:endpoint is the URL that was fetched
    service = next(sd.subjects(RDF.type, SD.Service))
    assert (service, SD.endpoint, URIRef("http://www.example/sparql")) in sd
    # conforms-to-schema: the terms used are the Service Description vocabulary's, with the right shapes
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in sd
    formats = {str(o) for o in sd.objects(service, SD.resultFormat)}
    assert {"http://www.w3.org/ns/formats/SPARQL_Results_JSON", "http://www.w3.org/ns/formats/SPARQL_Results_XML",
            "http://www.w3.org/ns/formats/SPARQL_Results_CSV", "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
            "http://www.w3.org/ns/formats/Turtle", "http://www.w3.org/ns/formats/N-Triples"} <= formats
    dataset = sd.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in sd and (sd.value(dataset, SD.defaultGraph), RDF.type, SD.Graph) in sd
    sd_terms = {p for p in sd.predicates() if str(p).startswith(str(SD))} | \
               {o for o in sd.objects(None, RDF.type) if str(o).startswith(str(SD))}
    assert sd_terms <= {SD.endpoint, SD.supportedLanguage, SD.feature, SD.defaultEntailmentRegime, SD.defaultDataset,
                        SD.defaultGraph, SD.resultFormat, SD.Service, SD.Dataset, SD.Graph}


def test_the_manifest_has_twenty_query_tests_and_fourteen_update_tests() -> None:
    names = [n for n, _ in _tests()]
    assert len([n for n in names if "update" not in n]) == 20
    assert len([n for n in names if "update" in n]) == 14
