"""The single places: every IRI minted and parsed in iris.py, every format in formats.py, and the
store backends behind one protocol."""

from __future__ import annotations

import inspect
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from inovasi_kg import Settings
from inovasi_kg.core import iris
from inovasi_kg.core.errors import UsageError
from inovasi_kg.core.formats import FORMATS, NETWORK, RDF, RESULTS, by_media_type, fmt, names
from inovasi_kg.ingest.tables import TABLES
from inovasi_kg.store.base import Backend
from inovasi_kg.store.embedded import EmbeddedBackend
from inovasi_kg.store.memory import MemoryBackend
from inovasi_kg.store.open import open_backend
from inovasi_kg.store.remote import RemoteBackend

BASE = "https://w3id.org/inovasi-daerah/"
KEY = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)
SEGMENT = st.from_regex(r"[a-z][a-z-]{0,15}", fullmatch=True)
BASES = st.sampled_from([BASE, "http://example.org/data/", "https://data.magelangkota.go.id/kg/"])


@given(base=BASES, segment=SEGMENT, key=KEY)
def test_instance_and_selector_iris_parse_back(base: str, segment: str, key: str) -> None:
    iri = iris.instance_iri(base, segment, key)
    assert iris.parse(iri, base) == iris.Named("instance", segment, key)
    assert iris.parse(iris.selector_iri(iri), base) == iris.Named("selector", segment, key)


@given(base=BASES, kind=SEGMENT.filter(lambda s: s != "rancangan"), year=st.from_regex(r"[0-9]{4}", fullmatch=True),
       number=KEY)
def test_legal_act_iris_parse_back(base: str, kind: str, year: str, number: str) -> None:
    assert iris.parse(iris.legal_act_iri(base, kind, year, number), base) == iris.Named("legal-act", kind, f"{year}/{number}")
    assert iris.parse(iris.draft_act_iri(base, kind, number), base) == iris.Named("draft-act", kind, number)


@given(scheme=SEGMENT, notation=KEY, base=BASES)
def test_vocabulary_iris_parse_back_whatever_the_base(scheme: str, notation: str, base: str) -> None:
    assert iris.parse(iris.concept_iri(scheme, notation), base) == iris.Named("concept", scheme, notation)
    assert iris.parse(iris.scheme_iri(scheme), base) == iris.Named("scheme", scheme, "")
    assert iris.parse(iris.ontology_term("Kota"), base) == iris.Named("ontology-term", "", "Kota")
    assert iris.parse(iris.dump_url(base, "inovasi-daerah.ttl"), base) == iris.Named("dump", "", "inovasi-daerah.ttl")


@pytest.mark.parametrize("iri", ["http://www.w3.org/ns/org#Organization", BASE + "id/", BASE + "id/x",
                                 BASE + "eli/pp/2017", BASE + "lain/x/y", "urn:inovasi-kg:build"])
def test_foreign_or_incomplete_iris_name_nothing(iri: str) -> None:
    assert iris.parse(iri, BASE) is None


def test_every_iri_in_the_export_is_one_we_can_parse(triples: list[ox.Triple]) -> None:
    from inovasi_kg.dataset.catalog import CATALOG_SEGMENTS

    segments = {t.segment for t in TABLES} | set(CATALOG_SEGMENTS)
    ours = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith((BASE, iris.KODE_NS, iris.ONTOLOGY_NS.rstrip("#"))):
                ours.add(term.value)
    parsed = {iri: iris.parse(iri, BASE) for iri in ours}
    assert [iri for iri, named in parsed.items() if named is None] == []
    assert {n.segment for n in parsed.values() if n and n.kind in ("instance", "selector")} <= segments
    kinds = {n.kind for n in parsed.values() if n}
    assert kinds == {"instance", "selector", "legal-act", "draft-act", "dump", "concept", "scheme", "ontology-term",
                     "ontology", "ontology-version", "home", "service"}
    assert iris.parse(BASE, BASE) == iris.Named("home", "", "") and iris.parse(BASE + "sparql", BASE).kind == "service"


def test_one_format_table() -> None:
    assert len({f.name for f in FORMATS}) == len(FORMATS)
    for kind in (RDF, RESULTS, NETWORK):
        media = [f.media_type for f in FORMATS if f.kind == kind]
        assert len(set(media)) == len(media)
    assert names(RDF) == ("turtle", "ntriples", "jsonld", "rdfxml")
    assert names(RESULTS) == ("json", "xml", "csv", "tsv", "xlsx")
    assert names(NETWORK) == ("html", "graphml", "gexf", "cyjs")
    for f in FORMATS:
        assert fmt(f.name) is f and by_media_type(f.media_type + "; charset=utf-8", f.kind) is f
        if f.rdf is not None:
            assert ox.RdfFormat.from_media_type(f.media_type) == f.rdf
        if f.results is not None:
            assert ox.QueryResultsFormat.from_media_type(f.media_type) == f.results
    assert fmt("ttl") is fmt("turtle") and fmt("application/ld+json") is fmt("jsonld")
    with pytest.raises(UsageError, match="unknown format 'yaml'; expected one of: turtle, ntriples, jsonld, rdfxml"):
        fmt("yaml", RDF)
    with pytest.raises(UsageError, match="unknown format 'csv'; expected one of: turtle"):
        fmt("csv", RDF)


def test_backends_implement_the_whole_protocol() -> None:
    wanted = {name for name, _ in inspect.getmembers(Backend) if not name.startswith("_")} | {"location", "capabilities"}
    for cls, instance in ((EmbeddedBackend, EmbeddedBackend(Path("nowhere"))), (MemoryBackend, MemoryBackend())):
        missing = sorted(name for name in wanted if not hasattr(instance, name))
        assert missing == [], (cls.__name__, missing)
    assert EmbeddedBackend.capabilities.limits and not MemoryBackend().capabilities.limits


def test_the_store_setting_chooses_the_backend(tmp_path: Path) -> None:
    assert isinstance(open_backend(Settings.load(store=str(tmp_path / "s"))), EmbeddedBackend)
    assert isinstance(open_backend(Settings.load(store="memory:")), MemoryBackend)
    named = open_backend(Settings.load(store="memory:seams"))
    assert named is open_backend(Settings.load(store="memory:seams"))  # one store per name, per process
    remote = open_backend(Settings.load(store="https://user:pw@example.org/sparql", remote_graph="urn:g"))
    assert isinstance(remote, RemoteBackend)  # nothing is sent until it is read
    assert (remote.location, remote.graph, remote.capabilities.substitutions) == ("https://example.org/sparql", "urn:g", False)
    remote.close()


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.booleans()), min_size=1, max_size=40),
       st.integers(1, 12), st.integers(0, 50))
def test_a_new_generation_on_disk_holds_what_was_built_in_memory(edges: list[tuple[int, int, bool]],
                                                                 chunk: int, limit: int) -> None:
    """The embedded backend writes the generation to disk in chunks of N-Quads as it is filled, and keeps
    it in memory for the checks up to a limit: whatever the chunk size and the limit, the build reads
    exactly what it added, and the stored graph is the built one, blank nodes included (a bulk load of
    text names its own blank nodes, so a node shared by two chunks would otherwise split in two)."""
    import tempfile
    from unittest import mock

    from rdflib import Graph
    from rdflib.compare import isomorphic

    blanks = [ox.BlankNode() for _ in range(6)]
    p = ox.NamedNode("http://example.org/p")

    def node(i: int, blank: bool) -> ox.NamedNode | ox.BlankNode:
        return blanks[i] if blank else ox.NamedNode(f"http://example.org/n{i}")

    built = [ox.Quad(node(a, blank), p, node(b, not blank and a % 2 == 0), ox.DefaultGraph())
             for a, b, blank in edges]
    with tempfile.TemporaryDirectory() as folder, mock.patch("inovasi_kg.store.embedded._CHUNK", chunk), \
            mock.patch("inovasi_kg.store.embedded._QUAD_BYTES", 1024 * 1024):  # the limit in quads
        backend = EmbeddedBackend(Path(folder) / "store", build_memory_mb=limit)
        with backend.replacing() as new:
            new.add(built[: len(built) // 2])
            new.loaded()
            new.add(built[len(built) // 2:])
            read = len(list(new.triples()))
            new.commit("test")
        stored = [ox.Triple(q.subject, q.predicate, q.object) for q in backend.store.quads_for_pattern(
            None, None, None, ox.DefaultGraph())]
        backend.close()
    expected = {ox.Triple(q.subject, q.predicate, q.object) for q in built}

    def graph(triples: object) -> Graph:
        return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")

    assert read == len(stored) == len(expected) and isomorphic(graph(stored), graph(expected))
