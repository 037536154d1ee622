"""The web app in process (httpx's ASGI transport): every route, every format, language, errors, security."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import Client
from inovasi_kg import KnowledgeGraph, Settings
from inovasi_kg.web import create_app

BASE = "https://w3id.org/inovasi-daerah/"
BALITBANG = "/id/organisasi/33.71.balitbang"
PROV, IDA = "http://www.w3.org/ns/prov#", BASE + "ontology#"


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[Client]:
    app = create_app(dataclasses.replace(settings, workers=2))
    yield Client(app)
    app.state.kg.close()


HTML = {"accept": "text/html"}


# --- /sparql ------------------------------------------------------------------------------------------------

SELECT = "SELECT ?r ?s WHERE { ?r ida:nomorPeringkat 5 ; ida:skor ?s }"


def test_select_in_every_results_format(client: Client) -> None:
    expected = {"r": BASE + "id/peringkat/iga-2017.kota.5", "s": "2478"}
    for accept, fmt in [("", ox.QueryResultsFormat.JSON), ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
                        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
                        ("text/csv", ox.QueryResultsFormat.CSV), ("text/tab-separated-values", ox.QueryResultsFormat.TSV)]:
        r = client.get("/sparql", params={"query": SELECT}, headers={"accept": accept} if accept else {})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].split(";")[0] == fmt.media_type.split(";")[0]
        if fmt == ox.QueryResultsFormat.CSV:  # pyoxigraph does not read CSV results (lossy): the csv module does
            rows = list(csv.DictReader(io.StringIO(r.text)))
        else:
            parsed = ox.parse_query_results(r.content, format=fmt)
            assert isinstance(parsed, ox.QuerySolutions)
            variables = parsed.variables
            rows = [{v.value: s[v].value for v in variables} for s in parsed]
        assert rows == [expected]
        assert r.headers["server-timing"].startswith("query;dur=")
    by_param = client.get("/sparql", params={"query": SELECT, "format": "tsv"}, headers={"accept": "application/json"})
    assert by_param.headers["content-type"].startswith("text/tab-separated-values")


def test_post_form_and_direct_give_the_same_answer(client: Client) -> None:
    get = client.get("/sparql", params={"query": SELECT}).json()
    form = client.post("/sparql", data={"query": SELECT}).json()
    direct = client.post("/sparql", content=SELECT.encode(), headers={"content-type": "application/sparql-query"}).json()
    assert get == form == direct
    assert get["results"]["bindings"][0]["s"]["value"] == "2478"


def test_construct_in_every_rdf_format(client: Client, backend: Any) -> None:
    q = "CONSTRUCT { ?r ida:skor ?s } WHERE { ?r a ida:Peringkat ; ida:skor ?s }"
    expected = Graph()
    for t in backend.triples(None, ox.NamedNode(BASE + "ontology#skor"), None):
        expected.parse(data=ox.serialize([t], format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert len(expected) == 10
    for accept, fmt in [("", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                        ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML)]:
        r = client.get("/sparql", params={"query": q}, headers={"accept": accept} if accept else {})
        assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == fmt.media_type
        got = Graph().parse(data=ox.serialize(ox.parse(r.content, format=fmt), format=ox.RdfFormat.N_TRIPLES), format="nt")
        assert isomorphic(got, expected)


def test_dataset_parameters(client: Client) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    meta = client.get("/sparql", params={"query": q, "default-graph-uri": "urn:inovasi-kg:build"}).json()
    assert meta["results"]["bindings"][0]["n"]["value"] == "1"  # only the build's fingerprint
    empty = client.get("/sparql", params={"query": q, "default-graph-uri": "http://example.org/nowhere"}).json()
    assert empty["results"]["bindings"][0]["n"]["value"] == "0"  # a graph not in the store is empty, never fetched
    named = client.get("/sparql", params={"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                                          "named-graph-uri": "urn:inovasi-kg:build"}).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == ["urn:inovasi-kg:build"]


@pytest.mark.parametrize("method,kwargs,status,message", [
    ("POST", {"content": b"INSERT DATA { <a:b> <a:c> <a:d> }", "headers": {"content-type": "application/sparql-update"}},
     403, "only reads"),
    ("POST", {"data": {"update": "CLEAR ALL"}}, 403, "only reads"),
    ("GET", {"params": {"update": "CLEAR ALL"}}, 403, "only reads"),
    ("GET", {"params": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 400, "INSERT DATA is an update"),
    ("PUT", {}, 405, "is not a SPARQL Protocol operation"),
    ("GET", {"params": {"query": "ASK {}", "bogus": "1"}}, 400, "unknown parameter 'bogus'"),
    ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "given 2 times"),
    ("POST", {"content": b"ASK {}", "headers": {"content-type": "text/plain"}}, 415, "unsupported media type"),
    ("POST", {"content": b"ASK {}"}, 415, "needs a Content-Type"),
    ("POST", {"content": "ASK {}".encode("utf-16"), "headers": {"content-type": "application/sparql-query"}}, 400,
     "not UTF-8"),
    ("GET", {"params": {"query": "SELECT * WHERE {\n  ?s ?p }"}}, 400,
     "SPARQL syntax error at line 2, column 10: expected OPTIONAL (the query ends too early)"),
    ("GET", {"params": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}}, 400,
     "SERVICE <http://127.0.0.1:9/> (a federated call to another endpoint) is refused"),
    ("GET", {"params": {"query": "ASK {}", "format": "yaml"}}, 400, "unknown format 'yaml'"),
    ("GET", {"params": {"query": "ASK {}"}, "headers": {"accept": "image/png"}}, 406, "none of the accepted media types"),
])
def test_bad_requests_get_4xx_with_one_json_shape(client: Client, method: str, kwargs: dict[str, Any], status: int,
                                                 message: str) -> None:
    r = client.request(method, "/sparql", **kwargs)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["status"] == status and message in error["message"]
    assert "Traceback" not in r.text and "/tmp/" not in r.text and ".py" not in r.text


def test_syntax_errors_carry_line_and_column(client: Client) -> None:
    error = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p }"}).json()["error"]
    assert (error["line"], error["column"]) == (2, 10)


def test_cors_for_any_origin_without_credentials(client: Client) -> None:
    pre = client.request("OPTIONS", "/sparql", headers={"origin": "https://portal.example", "access-control-request-method":
                                                        "POST", "access-control-request-headers": "content-type"})
    assert pre.status_code == 204  # an ok status, no body (Fetch standard)
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in pre.headers
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"origin": "https://portal.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "server-timing" in r.headers["access-control-expose-headers"].lower()


def test_truncation_is_said_in_a_header_and_the_body(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, max_rows=3))
    c = Client(app)
    try:
        q = "SELECT ?r WHERE { ?r a ida:Peringkat } ORDER BY ?r"
        j = c.get("/sparql", params={"query": q})
        assert j.headers["x-sparql-truncated"] == "true; max-rows=3"
        assert len(j.json()["results"]["bindings"]) == 3
        assert j.json()["truncated"] == {"max_rows": 3} and j.json()["head"]["link"] == ["urn:inovasi-kg:truncated"]
        x = c.get("/sparql", params={"query": q}, headers={"accept": "application/sparql-results+xml"})
        link = ET.fromstring(x.content).find("{http://www.w3.org/2005/sparql-results#}head/"
                                             "{http://www.w3.org/2005/sparql-results#}link")
        assert link is not None and link.get("href") == "urn:inovasi-kg:truncated"
        full = c.get("/sparql", params={"query": "SELECT ?r WHERE { ?r a ida:ObservasiIndikator }"})
        assert "x-sparql-truncated" not in full.headers and "truncated" not in full.json()
    finally:
        app.state.kg.close()


def test_request_bodies_are_capped(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, max_body_bytes=64))
    try:
        r = Client(app).post("/sparql", content=b"ASK { " + b" " * 100 + b"}",
                             headers={"content-type": "application/sparql-query"})
        assert r.status_code == 413 and r.json()["error"]["message"] == "the request body is larger than 64 bytes"
    finally:
        app.state.kg.close()


def test_a_query_over_its_time_limit_gets_503(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, query_timeout=0.5))
    try:
        r = Client(app).get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
        assert r.status_code == 503 and r.headers["retry-after"]
        assert r.json()["error"]["message"].startswith("the query ran longer than 0.5 s and was stopped")
    finally:
        app.state.kg.close()


# --- named queries ----------------------------------------------------------------------------------------


def test_query_list_and_page(client: Client, kg: KnowledgeGraph) -> None:
    page = client.get("/queries").text
    for q in kg.named_queries.values():
        assert f'href="/queries/{q.name}"' in page and q.title_id in page
    one = client.get("/queries/peringkat-penghargaan")
    assert one.status_code == 200
    assert "<h1>Peringkat penghargaan</h1>" in one.text
    assert "ida:nomorPeringkat" in one.text  # the SPARQL is shown
    assert '<input name="edisi"' in one.text  # a form for its parameters
    table = re.search(r'<table class="results" id="results">(.*?)</table>', one.text, re.S)
    assert table is not None and table.group(1).count("<tr>") == 11 and "Pemerintah Kota Magelang" in table.group(1)
    assert "Magelang City Government" in client.get("/queries/peringkat-penghargaan?lang=en").text


@pytest.mark.parametrize("ext,fmt", [("json", "json"), ("csv", "csv"), ("tsv", "tsv")])
def test_query_data_variants(client: Client, kg: KnowledgeGraph, ext: str, fmt: str) -> None:
    r = client.get(f"/queries/inovasi-perangkat-daerah.{ext}", params={"perangkat_daerah": "organisasi/33.71.dishub"})
    assert r.status_code == 200
    assert r.content == kg.query("inovasi-perangkat-daerah", perangkat_daerah="organisasi/33.71.dishub").serialize(fmt)


def test_query_errors(client: Client) -> None:
    assert client.get("/queries/tidak-ada").status_code == 404
    bogus = client.get("/queries/peringkat-penghargaan.json", params={"tahun": "2017"})
    assert bogus.status_code == 400 and "unknown parameter 'tahun'" in bogus.json()["error"]["message"]
    bad = client.get("/queries/provenans.json", params={"simpul": "<x y>"})
    assert bad.status_code == 400 and "is not a valid IRI" in bad.json()["error"]["message"]


def test_openapi_and_queries_as_rdf(client: Client, kg: KnowledgeGraph) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for q in kg.named_queries:
        for ext in ("json", "csv", "tsv"):
            assert f"/queries/{q}.{ext}" in doc["paths"]
    rdf = Graph().parse(data=client.get("/queries.ttl").text, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    executables = set(rdf.subjects(predicate=None, object=None)) & set(rdf.subjects(
        object=__import__("rdflib").URIRef(sh + "SPARQLExecutable")))
    assert len(executables) == len(kg.named_queries)
    texts = {str(o) for o in rdf.objects(None, __import__("rdflib").URIRef(sh + "select"))}
    assert texts == {q.text for q in kg.named_queries.values()}


# --- linked-data pages ------------------------------------------------------------------------------------


def test_resource_page_in_html(client: Client) -> None:
    r = client.get(BALITBANG, headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "<h1>Badan Penelitian dan Pengembangan Kota Magelang</h1>" in page
    assert "Magelang City Research and Development Agency" in page  # both languages
    assert 'href="/id/organisasi/pemda-33.71"' in page  # properties link to pages
    assert "satu-satunya Badan Litbang Kota Magelang yang ada di Provinsi Jawa Tengah" in page  # supporting quote
    assert 'href="http://litbang.magelangkota.go.id/index.php/struktur-organisasi/526-iga-prestasi-akhir-tahun-2017-kota-magelang"' in page
    assert '<iframe class="neighbourhood"' in page and 'id="graph-link"' in page
    assert "Accept" in r.headers["vary"] and r.headers["content-location"] == BALITBANG
    assert '</id/organisasi/33.71.balitbang.ttl>; rel="alternate"; type="text/turtle"' in r.headers["link"]


@pytest.mark.parametrize("accept,suffix,fmt", [("text/turtle", "ttl", ox.RdfFormat.TURTLE),
                                               ("application/ld+json", "jsonld", ox.RdfFormat.JSON_LD),
                                               ("application/n-triples", "nt", ox.RdfFormat.N_TRIPLES),
                                               ("application/rdf+xml", "rdf", ox.RdfFormat.RDF_XML)])
def test_resource_by_content_negotiation_and_suffix(client: Client, backend: Any, accept: str, suffix: str,
                                                   fmt: ox.RdfFormat) -> None:
    node = ox.NamedNode(BASE + BALITBANG[1:])
    expected = sorted(str(t) for t in backend.triples(node, None, None))
    by_accept = client.get(BALITBANG, headers={"accept": accept})
    assert by_accept.status_code == 200 and by_accept.headers["content-type"].split(";")[0] == fmt.media_type
    assert by_accept.headers["content-location"] == f"{BALITBANG}.{suffix}"
    assert sorted(str(t) for t in ox.parse(by_accept.content, format=fmt)) == expected
    by_suffix = client.get(f"{BALITBANG}.{suffix}")
    assert by_suffix.content == by_accept.content


def test_legal_acts_codes_classes_and_ontology(client: Client) -> None:
    pp = client.get("/eli/pp/2017/38", headers=HTML)
    assert pp.status_code == 200 and "Peraturan Pemerintah Nomor 38 Tahun 2017" in pp.text
    scheme = client.get("/kode/bentuk-inovasi", headers=HTML).text
    assert scheme.count('href="/kode/bentuk-inovasi/') == 3
    found = client.get("/kode/bentuk-inovasi", params={"q": "publik"}, headers=HTML).text
    assert found.count('href="/kode/bentuk-inovasi/') == 1 and "pelayanan-publik" in found
    concept = client.get("/kode/bentuk-inovasi/pelayanan-publik", headers=HTML)
    assert concept.status_code == 200 and "Pelayanan Publik" in concept.text
    assert client.get("/kode/bentuk-inovasi/pelayanan-publik.ttl").headers["content-type"].startswith("text/turtle")
    kota = client.get("/class/Kota").text
    assert kota.count('href="/id/wilayah/') == 50 and "(98 instans)" in kota  # the national skeleton, 50 a page
    assert client.get("/class/Kota", params={"page": "2"}).text.count('href="/id/wilayah/') == 48
    assert client.get("/class/Kota", params={"page": "3"}).status_code == 404
    assert client.get("/class/Kota", params={"page": "dua"}).status_code == 400
    onto = client.get("/ontology", headers=HTML).text
    assert 'href="/class/InovasiDaerah"' in onto
    ttl = client.get("/ontology.ttl")
    assert len(list(ox.parse(ttl.content, format=ox.RdfFormat.TURTLE))) > 400


def test_unknown_iris_get_404_with_close_matches(client: Client) -> None:
    page = client.get("/id/organisasi/balitbangx", headers=HTML)
    assert page.status_code == 404 and "Tidak ditemukan" in page.text
    data = client.get("/id/organisasi/balitbangx")
    assert data.status_code == 404 and data.json()["error"]["message"] == "nothing is published at /id/organisasi/balitbangx"
    near = client.get("/id/organisasi/kampung-it", headers=HTML)
    assert near.status_code == 404 and 'href="/id/inovasi/33.71.kampung-it"' in near.text


def test_search_finds_nodes_by_any_label(client: Client) -> None:
    for q in ("balitbang", "IT village", "KAMPÚNG", "Research and Development Agency"):
        page = client.get("/search", params={"q": q}).text
        assert 'href="/id/' in page, q
    assert 'href="/id/inovasi/33.71.kampung-it"' in client.get("/search", params={"q": "kampung it"}).text


def test_w3id_redirect_rules_cover_the_routes(client: Client) -> None:
    from inovasi_kg.web.w3id import htaccess, rules

    text = htaccess("https://inovasi.example.go.id")
    assert text.startswith("# w3id.org/inovasi-daerah")
    parsed = rules(text)
    assert parsed, "no RewriteRule"
    for path, accept in [("id/organisasi/33.71.balitbang", "text/html"), ("eli/pp/2017/38", "text/turtle"),
                         ("kode/bentuk-inovasi/pelayanan-publik", "text/html"), ("ontology", "text/turtle"),
                         ("dump/inovasi-daerah.ttl", "*/*"), ("", "text/html")]:
        target = None
        for pattern, substitution in parsed:
            m = re.match(pattern, path)
            if m:
                target = m.expand(substitution.replace("$", "\\"))
                break
        assert target is not None and target.startswith("https://inovasi.example.go.id/"), path
        local = target[len("https://inovasi.example.go.id"):]
        r = client.get(local, headers={"accept": accept})
        assert r.status_code == 200, (path, local, r.status_code)


# --- portal ---------------------------------------------------------------------------------------------


def test_home_page(client: Client, backend: Any) -> None:
    page = client.get("/").text
    assert f'<strong id="triple-count">{backend.count()}</strong>' in page
    for href in ("/editor", "/queries", "/search", "/graph", "/ontology", "/catalog.ttl", "/dump/inovasi-daerah.ttl"):
        assert f'href="{href}"' in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert ld["@type"] == "Dataset" and len(ld["distribution"]) == 4


def test_charts_beside_their_tables(client: Client) -> None:
    page = client.get("/").text
    ranking_svg = re.search(r'<svg[^>]*class="chart"[^>]*><title>Peringkat Innovative.*?</svg>', page, re.S).group(0)  # type: ignore[union-attr]
    assert ranking_svg.count("<rect") == 10
    assert ranking_svg.count('data-highlighted="true"') == 1 and "5. Pemerintah Kota Magelang" in ranking_svg
    assert '<tr class="chosen"><td>5</td>' in page
    other = client.get("/", params={"kota": "35.78"}).text
    assert '<tr class="chosen"><td>1</td>' in other
    indicators = re.search(r'<svg[^>]*class="chart"[^>]*><title>Indikator ekonomi.*?</svg>', page, re.S).group(0)  # type: ignore[union-attr]
    assert indicators.count("<rect") == 3 and "75.39" in indicators


@pytest.mark.parametrize("path,fmt", [("/catalog.ttl", ox.RdfFormat.TURTLE), ("/catalog.jsonld", ox.RdfFormat.JSON_LD),
                                      ("/catalog.rdf", ox.RdfFormat.RDF_XML), ("/.well-known/void", ox.RdfFormat.TURTLE)])
def test_catalog_and_void(client: Client, path: str, fmt: ox.RdfFormat) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == fmt.media_type
    g = Graph().parse(data=ox.serialize(ox.parse(r.content, format=fmt), format=ox.RdfFormat.N_TRIPLES), format="nt")
    dcat = "http://www.w3.org/ns/dcat#"
    rows = list(g.query(f"SELECT ?s ?e WHERE {{ ?s a <{dcat}DataService> ; <{dcat}endpointURL> ?e ; "
                        f"<{dcat}servesDataset> <{BASE}id/dataset/inovasi-daerah> }}"))
    # the endpoint under the base IRI (resolved by the w3id rules) and this server's own
    assert sorted(str(e) for _, e in rows) == ["http://testserver/sparql", "https://w3id.org/inovasi-daerah/sparql"]


def test_dumps_are_at_the_urls_the_catalog_names(client: Client, kg: KnowledgeGraph) -> None:
    g = Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")
    urls = sorted(str(o) for o in g.objects(None, __import__("rdflib").URIRef("http://www.w3.org/ns/dcat#downloadURL")))
    assert len(urls) == 4
    for url in urls:
        local = "/" + url[len(BASE):]
        r = client.get(local)
        assert r.status_code == 200
        name = {"ttl": "turtle", "nt": "ntriples", "jsonld": "jsonld", "rdf": "rdfxml"}[url.rsplit(".", 1)[1]]
        assert r.content == kg.export(name)


def test_sitemap_lists_every_node_page(client: Client, backend: Any) -> None:
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locs = {e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert "http://testserver/id/organisasi/33.71.balitbang" in locs
    assert "http://testserver/eli/pp/2017/38" in locs and "http://testserver/queries/peringkat-penghargaan" in locs
    instances = {t.subject.value for t in backend.triples() if t.subject.value.startswith(BASE + "id/")}
    assert {f"http://testserver/{iri[len(BASE):]}" for iri in instances} <= locs


def test_graph_page_links_nodes_to_their_pages(client: Client) -> None:
    r = client.get("/graph", params={"focus": BASE + BALITBANG[1:], "depth": "1"})
    assert r.status_code == 200
    data = json.loads(re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', r.text, re.S).group(1))  # type: ignore[union-attr]
    assert data["details"][BASE + BALITBANG[1:]]["page"] == BALITBANG
    assert len(data["nodes"]) == 12


def _graph_data(text: str) -> dict:  # type: ignore[type-arg]
    return json.loads(re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S).group(1))  # type: ignore[union-attr,no-any-return]


@pytest.mark.parametrize(("page", "view", "lang", "label", "shown"), [
    ("/id/edisi-penghargaan/iga-2019", "/graph?edisi=iga-2019&lang=id", "id", "Pemenang per kategori di graf",
     BASE + "id/hasil-penghargaan/iga-2019.perbatasan.82.07"),
    ("/id/wilayah/35.10", "/graph?riwayat=35.10&lang=en", "en", "Award and index history in the graph",
     BASE + "id/hasil-penghargaan/iga-2021.kabupaten.35.10"),
    ("/id/organisasi/pemda-33.71", "/graph?riwayat=33.71&lang=id", "id", "Riwayat penghargaan dan indeks di graf",
     BASE + "id/peringkat/iga-2017.kota.5"),
])
def test_edition_and_region_pages_link_their_graph_views(client: Client, page: str, view: str, lang: str, label: str,
                                                         shown: str) -> None:
    html = client.get(page, params={"lang": lang}, headers=HTML).text
    assert f'<a class="graph-view" href="{view.replace("&", "&amp;")}">{label}</a>' in html
    r = client.get(view)
    assert r.status_code == 200 and r.headers["content-language"] == lang
    assert shown in {n["id"] for n in _graph_data(r.text)["nodes"]}


def test_the_home_page_links_each_editions_graph_view(client: Client) -> None:
    html = client.get("/", params={"lang": "en"}, headers=HTML).text
    views = re.search(r'<span id="edition-views">(.*?)</span>', html, re.S).group(1)  # type: ignore[union-attr]
    assert views.startswith("Winners by category in the graph: ")
    assert re.findall(r'<a href="/graph\?edisi=iga-(\d{4})&amp;lang=en">(\d{4})</a>', views) == [
        (str(y), str(y)) for y in range(2017, 2026)]


def test_pages_of_other_things_have_no_graph_view(client: Client) -> None:
    assert 'class="graph-view"' not in client.get(BALITBANG, headers=HTML).text


@pytest.mark.parametrize(("query", "message"), [
    ({"edisi": "1999"}, "'1999' is not an award edition; give a year or one of: iga-2017,"),
    ({"riwayat": "Bogor"}, "'Bogor' is ambiguous: it could be kabupaten Bogor (32.01) or kota Bogor (32.71)"),
    ({"riwayat": "33.71", "focus": BALITBANG}, "choose one view: a focus node, an edition, a region's history or the overview"),
    ({"edisi": "2019", "depth": "1"}, "depth applies to focus; give the node to start from with focus"),
])
def test_graph_views_refuse_with_a_json_error(client: Client, query: dict[str, str], message: str) -> None:
    r = client.get("/graph", params=query)
    assert r.status_code == 400
    assert r.json()["error"]["message"].startswith(message)


# --- language ---------------------------------------------------------------------------------------------


def test_language_switch_is_kept_across_pages(client: Client) -> None:
    first = client.get(BALITBANG, headers=HTML)
    assert '<html lang="id">' in first.text and "<h1>Badan Penelitian" in first.text
    english = client.get(BALITBANG, params={"lang": "en"}, headers=HTML)
    assert '<html lang="en">' in english.text and "<h1>Magelang City Research and Development Agency</h1>" in english.text
    assert english.cookies.get("lang") == "en"
    kept = client.get("/queries", headers={"cookie": "lang=en"})
    assert "Named queries" in kept.text and "Award ranking" in kept.text
    browser = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in browser.text
    switch = re.search(r'id="lang-switch" href="([^"]+)"', client.get("/search", params={"q": "kota"}).text).group(1)  # type: ignore[union-attr]
    assert switch == "/bahasa/en?kembali=%2Fsearch%3Fq%3Dkota"


def test_the_switch_sets_the_cookie_and_comes_back_to_the_same_page(client: Client) -> None:
    back = client.get("/bahasa/en", params={"kembali": "/queries/inovasi-per-kategori?lang=id&kategori="},
                      follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == "/queries/inovasi-per-kategori?lang=id&kategori="
    assert back.headers["cache-control"] == "no-store" and "lang=en;" in back.headers["set-cookie"]
    assert client.get("/bahasa/id", follow_redirects=False).headers["location"] == "/"
    unknown = client.get("/bahasa/fr", follow_redirects=False)
    assert unknown.status_code == 404 and unknown.json()["error"]["message"] == "no interface language 'fr'; the site speaks id, en"


@pytest.mark.parametrize("elsewhere", ["//evil.example/", "https://evil.example/", "evil.example", "/\\evil.example",
                                       "\\/evil.example", "/x\r\nSet-Cookie: a=b", "javascript:alert(1)", ""])
def test_the_switch_never_sends_anyone_to_another_host(client: Client, elsewhere: str) -> None:
    response = client.get("/bahasa/en", params={"kembali": elsewhere}, follow_redirects=False)
    if elsewhere == "":
        assert response.status_code == 303 and response.headers["location"] == "/"
        return
    assert response.status_code == 400 and "set-cookie" not in response.headers
    assert response.json()["error"]["message"] == "kembali must be a path of this site, such as /queries (never another host)"


def test_a_query_pages_lang_is_the_label_language_not_the_sites(client: Client) -> None:
    page = client.get("/queries/inovasi-per-kategori", params={"lang": "en"}, headers={**HTML, "cookie": "lang=id"})
    assert page.status_code == 200 and '<html lang="id">' in page.text and "set-cookie" not in page.headers
    assert "Public service" in page.text and "<h1>Inovasi per kategori</h1>" in page.text
    assert '<option value="en" selected>Inggris</option>' in page.text
    switch = re.search(r'id="lang-switch" href="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert switch == "/bahasa/en?kembali=%2Fqueries%2Finovasi-per-kategori%3Flang%3Den"
    english = client.get("/queries/inovasi-per-kategori", headers={**HTML, "cookie": "lang=en"})
    assert "<h1>Innovations by category</h1>" in english.text and "A concept of the innovation-form scheme" in english.text
    assert '<option value="bentuk-inovasi:pelayanan-publik">Public service (pelayanan-publik)</option>' in english.text
    indonesian = client.get("/queries/inovasi-per-kategori", headers={**HTML, "cookie": "lang=id"})
    assert "Sebuah konsep dari skema bentuk inovasi" in indonesian.text and "(semua)" in indonesian.text


def test_a_query_page_with_empty_fields_or_a_bad_concept(client: Client) -> None:
    empty = client.get("/queries/inovasi-per-kategori", params={"kategori": ""}, headers=HTML)
    assert empty.status_code == 200 and 'class="count">8 ' in empty.text
    for value, message in [("xx:yy", "unknown prefix &#39;xx:&#39; in &#39;xx:yy&#39;"),
                           ("nope", "bentuk-inovasi:nope is not a concept of the code list kode:bentuk-inovasi")]:
        page = client.get("/queries/inovasi-per-kategori", params={"kategori": value}, headers=HTML)
        assert page.status_code == 400 and message in page.text
        data = client.get("/queries/inovasi-per-kategori.json", params={"kategori": value})
        assert data.status_code == 400 and data.json()["error"]["message"].startswith("parameter 'kategori': ")


# --- security ---------------------------------------------------------------------------------------------


def test_every_response_carries_the_security_policy(client: Client) -> None:
    for path in ("/", "/sparql", BALITBANG, "/nope", "/static/site.css"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "http" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"


def test_labels_and_requests_are_escaped(xss_settings: Settings) -> None:
    app = create_app(xss_settings)
    c = Client(app)
    try:
        page = c.get("/id/inovasi/33.71.sipput", headers=HTML).text
        assert "<img src=x" not in page and "&lt;img src=x onerror=" in page
        assert "<script>window.__xss" not in page
        search = c.get("/search", params={"q": "<script>alert(1)</script>"}).text
        assert "<script>alert(1)</script>" not in search and "&lt;script&gt;alert(1)&lt;/script&gt;" in search
        q = c.get("/editor", params={"query": "SELECT ?x WHERE { BIND(\"<b onmouseover=alert(1)>\" AS ?x) }"}).text
        assert "<b onmouseover" not in q
        home = c.get("/").text
        assert "<img src=x" not in home
    finally:
        app.state.kg.close()


@pytest.mark.parametrize("path", ["/static/../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
                                  "/static/..%2f..%2fsettings.py", "/dump/..%2f..%2fetc%2fpasswd", "/id/../../etc/passwd",
                                  "/kode/../../../etc/passwd", "/static//etc/passwd", "/queries/..%2f..%2fsettings"])
def test_no_path_reads_outside_the_app(client: Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert "root:" not in r.text and "[project]" not in r.text and "SETTINGS" not in r.text


def test_errors_show_no_file_path(tmp_path: Any, settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, store=str(tmp_path / "kosong")))
    try:
        r = Client(app).get("/sparql", params={"query": "ASK {}"})
        assert r.status_code == 503
        assert str(tmp_path) not in r.text and "Traceback" not in r.text
        assert r.json()["error"]["message"].startswith("the store is not available")
    finally:
        app.state.kg.close()


def _rows_of(page: str) -> list[tuple[str, str]]:
    rows = re.findall(r'<tr><th title="([^"]+)">.*?</th><td>(.*?)</td></tr>', page)
    return [(p, re.sub(r"<[^>]+>", "", v)) for p, v in rows]


def test_an_entity_page_shows_each_fact_once(client: Client, kg: KnowledgeGraph) -> None:
    """Materialized super-properties fold into the row of the property that states the value (named on
    it), and each quote shows once, in the quotes section (not again as kutipanSumber, wasDerivedFrom,
    wasInfluencedBy)."""
    supers = kg.superproperties()
    nodes = [r["s"] for r in kg.sparql("SELECT ?s WHERE { VALUES ?c { ida:InovasiDaerah ida:PerangkatDaerah "
                                       "ida:Peringkat } ?s a ?c } ORDER BY ?s").values()] + [BASE + "id/wilayah/33.71"]
    assert len(nodes) == 8 + 6 + 10 + 1
    for node in nodes:
        page = client.get(node.removeprefix(BASE.rstrip("/")), headers=HTML).text
        rows = _rows_of(page)
        assert len(rows) == len(set(rows)), node
        for p, value in rows:
            implied = [q for q, v in rows if v == value and q != p and q in supers.get(p, ())]
            assert implied == [], (node, p, implied)
        assert not {p for p, _ in rows} & {PROV + "wasDerivedFrom", PROV + "wasInfluencedBy", IDA + "kutipanSumber"}
        quotes = re.findall(r"<blockquote[^>]*>(.*?)<footer", page, re.S)
        assert len(quotes) == len(set(quotes)), node
        for quote in quotes:
            assert page.count(quote.strip("“”")) == 1, (node, quote[:60])


def test_the_folded_super_properties_are_named_on_their_row(client: Client) -> None:
    page = client.get(BALITBANG, headers=HTML).text
    assert '>keterangan <small class="also">(dct:description)</small></th>' in page
    assert '>induk organisasi <small class="also">(org:subOrganizationOf)</small></th>' in page
    assert "prov#wasDerivedFrom" not in page and "ontology#kutipanSumber" not in page
    assert len(re.findall("<blockquote", page)) == 6


def test_the_catalog_page_lists_every_download_with_size_and_checksum(client: Client, kg: KnowledgeGraph) -> None:
    import hashlib

    page = client.get("/catalog", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    rows = re.findall(r'<tr><td><a href="(/dump/[^"]+)" download>.*?<td><code>([^<]+)</code></td>'
                      r'<td data-bytes="(\d+)">.*?<a href="([^"]+)" rel="external license">.*?'
                      r'<code class="digest">([0-9a-f]{64})</code>', page.text, re.S)
    assert [r[0] for r in rows] == [f"/dump/{d.file_name}" for d in kg.distributions()] and len(rows) == 4
    for href, media, size, licence, digest in rows:
        data = client.get(href)
        assert data.status_code == 200 and data.headers["content-type"].split(";")[0] == media
        assert len(data.content) == int(size) and hashlib.sha256(data.content).hexdigest() == digest
        assert licence == "https://creativecommons.org/licenses/by/4.0/"
    figures = dict(re.findall(r"<tr><th>(void:\w+)</th><td>([\d,]+)</td></tr>", page.text))
    assert figures["void:triples"] == f"{kg.backend.count():,}"
    links = re.findall(r'<a href="(/queries/[^"]+\.csv)" download>', page.text)
    assert "/queries/peringkat-penghargaan.csv" in links and len(links) >= 20
    for link in links[:3]:
        csv_answer = client.get(link)
        assert csv_answer.status_code == 200 and csv_answer.headers["content-type"].startswith("text/csv")


def test_the_catalog_url_negotiates(client: Client) -> None:
    turtle = client.get("/catalog")
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    assert Graph().parse(data=turtle.text, format="turtle").isomorphic(
        Graph().parse(data=client.get("/catalog.ttl").text, format="turtle"))
    assert client.get("/catalog", headers={"accept": "application/ld+json"}).headers["content-type"] == "application/ld+json"
    assert client.get("/catalog", headers={"accept": "text/html"}).headers["content-type"].startswith("text/html")
    english = client.get("/catalog", headers={**HTML, "cookie": "lang=en"}).text
    assert "<h1>Catalog: Regional Innovation Knowledge Graph</h1>" in english and "Full graph in N-Triples" in english


def test_a_named_query_downloads_as_a_spreadsheet(client: Client, kg: KnowledgeGraph) -> None:
    """The .xlsx has the same rows as the .csv (numbers as numbers), read back by openpyxl."""
    import io

    from openpyxl import load_workbook

    for name, params in [("peringkat-penghargaan", {}), ("inovasi-per-kategori", {"kategori": "pelayanan-publik"}),
                         ("daerah-provinsi", {"kode": "35", "lang": "en"})]:
        response = client.get(f"/queries/{name}.xlsx", params=params)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert response.headers["content-disposition"] == f'attachment; filename="{name}.xlsx"'
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        got = [list(row) for row in sheet.iter_rows(values_only=True)]
        table = list(csv.reader(io.StringIO(client.get(f"/queries/{name}.csv", params=params).text)))
        assert [str(c) for c in got[0]] == table[0]
        assert [["" if c is None else str(c) for c in row] for row in got[1:]] == table[1:], name
        assert client.get(f"/queries/{name}.xlsx", params=params).content == response.content  # same rows, same bytes
    ranks = load_workbook(io.BytesIO(client.get("/queries/peringkat-penghargaan.xlsx").content)).active
    assert ranks["A1"].value == "peringkat" and ranks["A2"].value == 1 and isinstance(ranks["A2"].value, int)
    bad = client.get("/queries/inovasi-per-kategori.xlsx", params={"kategori": "nope"})
    assert bad.status_code == 400 and "is not a concept of the code list" in bad.json()["error"]["message"]


def test_an_ad_hoc_query_downloads_as_a_spreadsheet(client: Client) -> None:
    """/sparql gives XLSX by ?format=xlsx or by Accept, for SELECT and ASK, with the JSON answer's rows;
    a CONSTRUCT asked for XLSX is a 400 naming the formats a graph has."""
    from openpyxl import load_workbook

    ranking = "SELECT ?peringkat ?skor ?kota WHERE { ?r a ida:Peringkat ; ida:nomorPeringkat ?peringkat ; ida:skor ?skor ; ida:penerima/skos:prefLabel ?kota FILTER(LANG(?kota) = 'id') } ORDER BY ?peringkat"
    as_json = client.get("/sparql", params={"query": ranking}).json()
    expected = [[int(b["peringkat"]["value"]), int(b["skor"]["value"]), b["kota"]["value"]]
                for b in as_json["results"]["bindings"]]
    assert len(expected) == 10 and expected[4] == [5, 2478, "Pemerintah Kota Magelang"]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for response in (client.get("/sparql", params={"query": ranking, "format": "xlsx"}),
                     client.get("/sparql", params={"query": ranking}, headers={"accept": xlsx}),
                     client.post("/sparql", data={"query": ranking, "format": "xlsx"})):
        assert response.status_code == 200 and response.headers["content-type"] == xlsx, response.text[:200]
        assert response.headers["content-disposition"] == 'attachment; filename="hasil-sparql.xlsx"'
        assert response.headers["x-sparql-rows"] == "10"
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows == [["peringkat", "skor", "kota"], *expected]
    ask = client.get("/sparql", params={"query": "ASK { ?r ida:nomorPeringkat 5 }", "format": "xlsx"})
    assert [list(r) for r in load_workbook(io.BytesIO(ask.content)).active.iter_rows(values_only=True)] == [
        ["boolean"], [True]]
    graph = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?r ida:nomorPeringkat 5 }", "format": "xlsx"})
    assert graph.status_code == 400 and "turtle" in graph.json()["error"]["message"]


def test_the_spreadsheet_keeps_any_text() -> None:
    import io

    from openpyxl import load_workbook

    from inovasi_kg.sparql.xlsx import to_xlsx

    odd = ["<&>\"'", "baris\nbaru", "  spasi  ", "\x01kontrol", "é ü 漢字 🙂", "x" * 40000, "=1+1"]
    sheet = load_workbook(io.BytesIO(to_xlsx(["teks"], [[v] for v in odd]))).active
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == ["<&>\"'", "baris\nbaru", "  spasi  ", "\ufffdkontrol", "é ü 漢字 🙂", "x" * 32767, "=1+1"]
    assert sheet["A8"].data_type == "s"  # text that looks like a formula stays text
