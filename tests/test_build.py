"""Exact facts of the built graph, provenance, determinism and export round-trips."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from conftest import RANKING, select
from inovasi_kg import KnowledgeGraph, Settings, build_store, export_rdf, publish
from inovasi_kg.store.layout import open_store


def assert_isomorphic(a: Graph, b: Graph) -> None:
    if not isomorphic(a, b):
        _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
        lines = sorted(f"- {t}" for t in only_a)[:20] + sorted(f"+ {t}" for t in only_b)[:20]
        raise AssertionError("graphs differ:\n" + "\n".join(lines))


def test_ranking_of_ten_cities(store: ox.Store) -> None:
    rows = select(store, """
        SELECT ?rank ?name ?code ?score ?decree WHERE {
          ?r a ida:Peringkat ; ida:nomorPeringkat ?rank ; ida:skor ?score ; ida:penerima ?gov ;
             ida:ditetapkanDengan ?decree .
          ?gov skos:prefLabel ?name FILTER(LANG(?name) = "id")
          ?gov ida:wilayah/ida:kodeWilayah ?code .
        } ORDER BY ?rank""")
    assert [(int(r), n, c, s) for r, n, c, s, _ in rows] == RANKING
    assert {d for *_, d in rows} == {"https://w3id.org/inovasi-daerah/eli/kepmendagri/2017/002.6-8688"}


def test_innovations_by_agency_and_category(store: ox.Store) -> None:
    rows = select(store, """
        SELECT ?agency ?innovation ?form WHERE {
          ?i a ida:InovasiDaerah ; ida:pengelola ?a ; ida:bentukInovasi ?f .
          ?i skos:prefLabel ?innovation FILTER(LANG(?innovation) = "id")
          ?a skos:prefLabel ?agency FILTER(LANG(?agency) = "id")
          ?f skos:prefLabel ?form FILTER(LANG(?form) = "id")
        } ORDER BY ?agency ?innovation""")
    assert rows == [
        ("Badan Penelitian dan Pengembangan Kota Magelang", "Kampung IT", "Pelayanan Publik"),
        ("Badan Penelitian dan Pengembangan Kota Magelang", "Penjaringan Kreativitas dan Inovasi Masyarakat (Krenova)",
         "Pelayanan Publik"),
        ("Bappeda Kota Magelang", "Smart City", "Tata Kelola Pemerintahan"),
        ("Dinas Komunikasi Informatika dan Statistik Kota Magelang", "DataGo", "Tata Kelola Pemerintahan"),
        ("Dinas Lingkungan Hidup Kota Magelang", "Kampung Organik", "Pelayanan Publik"),
        ("Dinas Lingkungan Hidup Kota Magelang", "SIPPUT", "Pelayanan Publik"),
        ("Dinas Perhubungan Kota Magelang", "ATCS Audio Announcer", "Pelayanan Publik"),
        ("Dinas Perhubungan Kota Magelang", "Cek KIR Online", "Pelayanan Publik"),
    ]


def test_balitbang_predecessor_and_founding(store: ox.Store) -> None:
    rows = select(store, """
        SELECT ?old ?since ?new ?date ?founded WHERE {
          ?e a org:ChangeEvent ; org:originalOrganization ?o ; org:resultingOrganization ?n ; dct:date ?date .
          ?o skos:prefLabel ?old FILTER(LANG(?old) = "id") ?o ida:tahunBerdiri ?since .
          ?n skos:prefLabel ?new FILTER(LANG(?new) = "id") ?n ida:tanggalBerdiri ?founded .
        }""")
    assert rows == [("Kantor Penelitian Pengembangan dan Statistik Kota Magelang", "2008",
                     "Badan Penelitian dan Pengembangan Kota Magelang", "2017-01-01", "2017-01-01")]


def test_programmes_and_indicators(store: ox.Store) -> None:
    assert select(store, """
        SELECT ?name ?start ?works ?asof WHERE {
          ?p a ida:AjangInovasi ; skos:altLabel|skos:prefLabel ?name ; ida:tahunMulai ?start ;
             ida:jumlahKarya ?works ; ida:jumlahHinggaTahun ?asof FILTER(LANG(?name) = "id")
        } ORDER BY ?start ?name""") == [
        ("Krenova", "2004", "359", "2017"),
        ("Penjaringan Kreativitas dan Inovasi Masyarakat (Krenova)", "2004", "359", "2017"),
        ("Inovasi OPD-BUMD", "2017", "11", "2017"),
    ]
    assert select(store, """
        PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
        SELECT ?ind ?value ?unit ?from ?to WHERE {
          ?o a ida:ObservasiIndikator ; ida:indikator/skos:notation ?ind ; sdmx-measure:obsValue ?value ;
             ida:satuan/skos:notation ?unit ; ida:periodeAcuan [ ida:tahunAwal ?from ; ida:tahunAkhir ?to ] .
        } ORDER BY ?ind""") == [
        ("ipm", "75.39", "indeks", "2011", "2015"),
        ("penurunan-kemiskinan", "0.4", "persen-per-tahun", "2011", "2015"),
        ("pertumbuhan-ekonomi", "6", "persen", "2011", "2015"),
    ]


def test_award_night_received_by_posts(store: ox.Store) -> None:
    rows = select(store, """
        SELECT ?role ?post WHERE {
          ?a a ida:AcaraPenyerahan .
          { ?a ida:diterimaOlehJabatan ?p BIND("received" AS ?role) } UNION
          { ?a ida:didampingiOlehJabatan ?p BIND("accompanied" AS ?role) }
          ?p skos:prefLabel ?post FILTER(LANG(?post) = "id")
        } ORDER BY ?role ?post""")
    assert rows == [("accompanied", "Kasubid PHI Balitbang Kota Magelang"),
                    ("accompanied", "Kepala Balitbang Kota Magelang"),
                    ("received", "Wakil Walikota Magelang")]


def test_every_quote_occurs_verbatim_in_the_article(store: ox.Store, article: str) -> None:
    quotes = select(store, """
        SELECT ?q ?exact WHERE { ?q a ida:Kutipan ; oa:hasSelector/oa:exact ?exact ;
          oa:hasSource <https://w3id.org/inovasi-daerah/id/sumber/artikel-iga-2017> }""")
    assert len(quotes) == 43
    missing = [(q, e) for q, e in quotes if e not in article]
    assert missing == []


def test_every_fact_node_has_provenance(store: ox.Store) -> None:
    rows = select(store, """
        SELECT ?s WHERE {
          ?s a ?c . FILTER(?c IN (org:Organization, ida:InovasiDaerah, ida:Peringkat, ida:ProdukHukum,
                                  ida:ObservasiIndikator, ida:AjangInovasi, ida:Jabatan))
          FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?q }
        }""")
    assert rows == []


def test_contradiction_is_recorded_with_both_quotes(store: ox.Store) -> None:
    rows = select(store, """
        PREFIX dqv: <http://www.w3.org/ns/dqv#>
        SELECT ?target ?kept ?other WHERE {
          ?a a dqv:QualityAnnotation ; oa:hasTarget ?target ;
             ida:kutipanSumber/oa:hasSelector/oa:exact ?kept ;
             ida:kutipanBertentangan/oa:hasSelector/oa:exact ?other .
        } ORDER BY DESC(?target)""")
    assert rows == [("https://w3id.org/inovasi-daerah/id/sumber/tabel-kode-wilayah",
                     "Data Kode Wilayah sesuai Kepmendagri No 300.2.2-2138 Tahun 2025",
                     "**db/wilayah.sql** sesuai dengan Kepmendagri No. 300.2.2-2430 Tahun 2025"),
                    ("https://w3id.org/inovasi-daerah/id/peringkat/iga-2017.kota.5",
                     "Kota Magelang peringkat 5 skor 2478",
                     "berhasil menempati urutan kelima dari 10 (sepuluh) pemenang dengan skor sebanyak 2548")]
    # The kept value is the list's: one score only on Magelang's ranking node.
    assert select(store, "SELECT ?s WHERE { <https://w3id.org/inovasi-daerah/id/peringkat/iga-2017.kota.5> "
                         "ida:skor ?s }") == [("2478",)]


def test_no_blank_nodes(graph: Graph) -> None:
    from rdflib import BNode
    assert [t for t in graph if any(isinstance(x, BNode) for x in t)] == []


@pytest.mark.parametrize("fmt,parse_as", [("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES),
                                          ("jsonld", ox.RdfFormat.JSON_LD), ("rdfxml", ox.RdfFormat.RDF_XML)])
def test_exports_reparse_isomorphic(kg: KnowledgeGraph, graph: Graph, fmt: str, parse_as: ox.RdfFormat) -> None:
    data = kg.export(fmt)
    triples = list(ox.parse(data, format=parse_as))  # strict parser
    reparsed = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert_isomorphic(reparsed, graph)


def test_void_triples_counts_the_whole_export(settings: Settings, graph: Graph) -> None:
    rows = select(open_store(Path(settings.store)), """
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?n WHERE { <https://w3id.org/inovasi-daerah/id/dataset/inovasi-daerah> void:triples ?n }""")
    assert rows == [(str(len(graph)),)]


def test_two_builds_give_identical_bytes(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        s = Settings.load(store=str(tmp_path / name / "store"), build_dir=str(tmp_path / name / "build"))
        build_store(s)
        files = publish(s)
        outputs.append({p.name: p.read_bytes() for p in files})
    assert sorted(outputs[0]) == ["catalog.ttl", "graph.html", "inovasi-daerah.context.jsonld", "inovasi-daerah.jsonld",
                                  "inovasi-daerah.nt", "inovasi-daerah.rdf", "inovasi-daerah.ttl", "kode.html",
                                  "ontologi.html"]
    assert outputs[0] == outputs[1]


def test_rebuild_is_skipped_when_nothing_changed(settings: Settings) -> None:
    report = build_store(settings)
    assert report.skipped is True
    assert report.rows == 2172


def test_every_backend_exports_the_same_bytes(kg: KnowledgeGraph, settings: Settings) -> None:
    for fmt in ("turtle", "ntriples"):
        assert kg.export(fmt) == export_rdf(settings, fmt)


def test_jsonld_is_compact_and_an_independent_processor_reads_it_back(settings: Settings, graph: Graph) -> None:
    import json

    from pyld import jsonld

    doc = json.loads(export_rdf(settings, "jsonld"))
    assert set(doc) == {"@context", "@graph"}
    nodes = {n["@id"]: n for n in doc["@graph"]}
    assert len(nodes) == len(doc["@graph"])  # one node object per resource
    balitbang = nodes["https://w3id.org/inovasi-daerah/id/organisasi/33.71.balitbang"]
    assert "ida:PerangkatDaerah" in balitbang["@type"]
    assert balitbang["prefLabel"] == {"en": "Magelang City Research and Development Agency",
                                      "id": "Badan Penelitian dan Pengembangan Kota Magelang"}
    assert balitbang["org:subOrganizationOf"] == {"@id": "https://w3id.org/inovasi-daerah/id/organisasi/pemda-33.71"}
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)]
    assert_isomorphic(Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt"), graph)
    assert len(export_rdf(settings, "jsonld")) < len(export_rdf(settings, "turtle")) * 2.2
