"""The public contract (DESIGN.md): questions answered from the exported Turtle with standard vocabularies only.

The export is parsed, every triple that uses a term of our own ontology (`ida:`) is removed, and the
questions below are asked with rdflib's own SPARQL engine, as a portal consumer would.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from inovasi_kg import Settings, export_rdf

IDA = "https://w3id.org/inovasi-daerah/ontology#"
PREFIXES = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX cv: <http://data.europa.eu/m8g/>
PREFIX schema: <https://schema.org/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dqv: <http://www.w3.org/ns/dqv#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@pytest.fixture(scope="module")
def standard(settings: Settings) -> Graph:
    g = Graph().parse(data=export_rdf(settings, "turtle"), format="turtle")
    for t in list(g):
        if any(isinstance(x, URIRef) and str(x).startswith(IDA) for x in t):
            g.remove(t)
    return g


def ask(g: Graph, query: str) -> list[tuple[str, ...]]:
    return [tuple(None if v is None else str(v) for v in row) for row in g.query(PREFIXES + query)]  # type: ignore[union-attr]


def test_no_own_terms_left(standard: Graph) -> None:
    assert ask(standard, f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?p), "{IDA}")) }}') == []


def test_organisations(standard: Graph) -> None:
    orgs = ask(standard, "SELECT ?o WHERE { ?o a org:Organization }")
    assert len(orgs) == 561  # the 552 regional governments of the national skeleton among them
    assert ask(standard, """SELECT ?o WHERE { ?o a org:Organization .
        FILTER NOT EXISTS { ?o skos:prefLabel ?l FILTER(LANG(?l) = "id") ?o rdfs:label ?l } }""") == []
    assert ask(standard, """SELECT ?o WHERE { ?o a org:FormalOrganization .
        FILTER NOT EXISTS { ?o a cv:PublicOrganisation, schema:GovernmentOrganization } }""") == []


def test_agencies_and_posts(standard: Graph) -> None:
    assert sorted(ask(standard, """SELECT ?name WHERE { ?a org:subOrganizationOf ?g . ?g skos:prefLabel "Pemerintah Kota Magelang"@id .
        ?a skos:prefLabel ?name FILTER(LANG(?name) = "en") }""")) == [
        ("Magelang City Communication, Informatics and Statistics Service",),
        ("Magelang City Development Planning Agency (Bappeda)",),
        ("Magelang City Environment Service",),
        ("Magelang City Office of Research, Development and Statistics",),
        ("Magelang City Research and Development Agency",),
        ("Magelang City Transport Service",)]
    assert sorted(ask(standard, """SELECT ?post ?in WHERE { ?p a org:Post ; org:postIn ?o ;
        skos:prefLabel ?post FILTER(LANG(?post) = "id") ?o skos:prefLabel ?in FILTER(LANG(?in) = "id") }""")) == [
        ("Kasubid PHI Balitbang Kota Magelang", "Subbidang PHI Balitbang Kota Magelang"),
        ("Kepala Balitbang Kota Magelang", "Badan Penelitian dan Pengembangan Kota Magelang"),
        ("Menteri Dalam Negeri Republik Indonesia", "Kementerian Dalam Negeri Republik Indonesia"),
        ("Wakil Walikota Magelang", "Pemerintah Kota Magelang"),
        ("Walikota Magelang", "Pemerintah Kota Magelang")]


def test_restructuring(standard: Graph) -> None:
    assert ask(standard, """SELECT ?date ?old WHERE { ?e a org:ChangeEvent ; dct:date ?date ;
        org:originalOrganization/skos:prefLabel ?old FILTER(LANG(?old) = "id") }""") == [
        ("2017-01-01", "Kantor Penelitian Pengembangan dan Statistik Kota Magelang")]


def test_legal_acts(standard: Graph) -> None:
    assert sorted(ask(standard, """SELECT ?act ?by WHERE { ?a a eli:LegalResource, schema:Legislation ; eli:passed_by ?i .
        ?a skos:prefLabel ?act FILTER(LANG(?act) = "id") ?i skos:prefLabel ?by FILTER(LANG(?by) = "id") }""")) == [
        ("Keputusan Menteri Dalam Negeri Nomor 002.6-5848 Tahun 2021", "Menteri Dalam Negeri Republik Indonesia"),
        ("Keputusan Menteri Dalam Negeri Nomor 002.6-8688 Tahun 2017", "Menteri Dalam Negeri Republik Indonesia"),
        ("Keputusan Menteri Dalam Negeri Nomor 400.10.11-6097 Tahun 2025", "Menteri Dalam Negeri Republik Indonesia"),
        ("Keputusan Menteri Dalam Negeri Nomor 400.10.11-6287 Tahun 2023", "Menteri Dalam Negeri Republik Indonesia"),
        ("Peraturan Pemerintah Nomor 38 Tahun 2017", "Presiden Republik Indonesia")]
    assert ask(standard, """SELECT ?basis WHERE { ?d eli:based_on ?b . ?b skos:prefLabel ?basis FILTER(LANG(?basis) = "id") }""") == [
        ("Peraturan Pemerintah Nomor 38 Tahun 2017",)]


def test_innovations_with_form_and_agency(standard: Graph) -> None:
    # The form is a dcat:theme (a SKOS concept), not dct:type: dct:type's range is rdfs:Class.
    rows = ask(standard, """SELECT ?i ?form ?by WHERE { ?x dcat:theme ?f ; prov:wasAttributedTo ?o ; skos:prefLabel ?i .
        ?f skos:inScheme <https://w3id.org/inovasi-daerah/kode/bentuk-inovasi> ; skos:prefLabel ?form .
        ?o a org:Organization ; skos:prefLabel ?by .
        FILTER(LANG(?i) = "id" && LANG(?form) = "en" && LANG(?by) = "id") } ORDER BY ?i""")
    assert rows == [
        ("ATCS Audio Announcer", "Public service", "Dinas Perhubungan Kota Magelang"),
        ("Cek KIR Online", "Public service", "Dinas Perhubungan Kota Magelang"),
        ("DataGo", "Governance", "Dinas Komunikasi Informatika dan Statistik Kota Magelang"),
        ("Kampung IT", "Public service", "Badan Penelitian dan Pengembangan Kota Magelang"),
        ("Kampung Organik", "Public service", "Dinas Lingkungan Hidup Kota Magelang"),
        ("Penjaringan Kreativitas dan Inovasi Masyarakat (Krenova)", "Public service", "Badan Penelitian dan Pengembangan Kota Magelang"),
        ("SIPPUT", "Public service", "Dinas Lingkungan Hidup Kota Magelang"),
        ("Smart City", "Governance", "Bappeda Kota Magelang"),
    ]


def test_code_lists(standard: Graph) -> None:
    assert ask(standard, """SELECT ?c WHERE { ?c a skos:Concept .
        FILTER NOT EXISTS { ?c skos:inScheme ?s ; skos:prefLabel ?i, ?e FILTER(LANG(?i) = "id" && LANG(?e) = "en") } }""") == []


def test_provenance_reaches_a_verbatim_quote(standard: Graph, article: str) -> None:
    rows = ask(standard, """SELECT ?exact WHERE { ?r schema:position 5 ; prov:wasDerivedFrom ?q .
        ?q oa:hasSelector/oa:exact ?exact ; oa:hasSource ?src . ?src schema:url ?url }""")
    assert sorted(rows)[1] == ("Kota Magelang peringkat 5 skor 2478",)
    assert all(exact in article for (exact,) in rows)


def test_ranking_readable_with_schema_terms(standard: Graph) -> None:
    # A ranking row is a schema:ListItem whose item is the recipient (not prov:wasAttributedTo: the
    # city did not author its result).
    rows = ask(standard, """SELECT ?pos ?score ?name WHERE { ?r a schema:ListItem ; schema:position ?pos ; schema:value ?score ;
        schema:item ?g . ?g skos:prefLabel ?name FILTER(LANG(?name) = "id") } ORDER BY ?pos""")
    assert [r[0] for r in rows] == [str(i) for i in range(1, 11)]
    assert rows[4] == ("5", "2478", "Pemerintah Kota Magelang")


def test_contradiction(standard: Graph) -> None:
    rows = ask(standard, """SELECT ?target ?quote WHERE { ?a a dqv:QualityAnnotation ; oa:hasTarget ?target ;
        dct:description ?d ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quote FILTER(LANG(?d) = "en")
        FILTER NOT EXISTS { ?a oa:motivatedBy oa:describing } } ORDER BY ?quote""")
    assert rows == [
        ("https://w3id.org/inovasi-daerah/id/sumber/tabel-kode-wilayah",
         "**db/wilayah.sql** sesuai dengan Kepmendagri No. 300.2.2-2430 Tahun 2025"),
        ("https://w3id.org/inovasi-daerah/id/sumber/tabel-kode-wilayah",
         "Data Kode Wilayah sesuai Kepmendagri No 300.2.2-2138 Tahun 2025"),
        ("https://w3id.org/inovasi-daerah/id/peringkat/iga-2017.kota.5", "Kota Magelang peringkat 5 skor 2478"),
        ("https://w3id.org/inovasi-daerah/id/peringkat/iga-2017.kota.5",
         "berhasil menempati urutan kelima dari 10 (sepuluh) pemenang dengan skor sebanyak 2548")]
    # the other quality annotations describe how a fact was read (interpretations), each with a note
    notes = ask(standard, """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a dqv:QualityAnnotation ;
        oa:motivatedBy oa:describing ; oa:hasTarget [] ; prov:wasDerivedFrom [] ; dct:description ?d }""")
    assert notes == [("29",)]


def test_statistics(standard: Graph) -> None:
    rows = ask(standard, """SELECT ?v ?area ?period WHERE { ?o a qb:Observation ; sdmx-measure:obsValue ?v ;
        sdmx-dimension:refArea ?area ; sdmx-dimension:refPeriod ?period FILTER(DATATYPE(?v) = xsd:decimal) } ORDER BY ?v""")
    area, period = "https://w3id.org/inovasi-daerah/id/wilayah/33.71", "https://w3id.org/inovasi-daerah/id/periode/2011-2015"
    assert rows == [("0.4", area, period), ("6", area, period), ("75.39", area, period)]


def test_dataset_description(standard: Graph, settings: Settings) -> None:
    full = Graph().parse(data=export_rdf(settings, "turtle"), format="turtle")
    rows = ask(standard, """SELECT ?title ?n WHERE { ?d a dcat:Dataset, void:Dataset ; dct:title ?title ; void:triples ?n }""")
    assert sorted(rows) == [("Graf Pengetahuan Inovasi Daerah", str(len(full))), ("Regional Innovation Knowledge Graph", str(len(full)))]
    media = ask(standard, """SELECT ?m WHERE { ?d a dcat:Dataset ; dcat:distribution ?x ; dct:license ?l . ?x dcat:mediaType ?m }
        ORDER BY ?m""")
    assert [m.rsplit("/", 2)[-2] + "/" + m.rsplit("/", 1)[-1] for (m,) in media] == [
        "application/ld+json", "application/n-triples", "application/rdf+xml", "text/turtle"]
