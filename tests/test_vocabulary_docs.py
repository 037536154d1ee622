"""A documented vocabulary: the ontology's own metadata, every term labelled and commented in both
languages and defined by the ontology, no class and property sharing a label, titled code lists,
and human-readable pages made by pyLODE that load nothing from the network."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from inovasi_kg import Settings, export_rdf

NS = "https://w3id.org/inovasi-daerah/ontology#"
ONTOLOGY = URIRef(NS.rstrip("#"))
VANN = "http://purl.org/vocab/vann/"


@pytest.fixture(scope="module")
def g(settings: Settings) -> Graph:
    return Graph().parse(data=export_rdf(settings, "turtle"), format="turtle")


def _langs(g: Graph, s: URIRef, p: URIRef) -> list[str]:
    return sorted(o.language for o in g.objects(s, p) if isinstance(o, Literal) and o.language)


def test_the_ontology_describes_itself(g: Graph) -> None:
    for p in (DCTERMS.title, DCTERMS.description):
        assert _langs(g, ONTOLOGY, p) == ["en", "id"], p
    for p in (OWL.versionIRI, DCTERMS.license, DCTERMS.creator, DCTERMS.publisher, DCTERMS.issued, DCTERMS.modified):
        assert g.value(ONTOLOGY, p) is not None, p
    assert str(g.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix"))) == "ida"
    assert str(g.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri"))) == NS


def test_every_term_is_labelled_commented_and_defined_by_the_ontology(g: Graph) -> None:
    terms = {s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) for s in g.subjects(RDF.type, kind)
             if str(s).startswith(NS)}
    assert len(terms) > 90
    problems = [f"{t} {p}" for t in terms for p in (RDFS.label, RDFS.comment) if _langs(g, t, p) != ["en", "id"]]
    problems += [f"{t} isDefinedBy" for t in terms if (t, RDFS.isDefinedBy, ONTOLOGY) not in g]
    assert problems == []
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t in terms:
        for label in g.objects(t, RDFS.label):
            seen[(str(label).casefold(), label.language or "")].append(str(t))
    assert [terms_ for terms_ in seen.values() if len(terms_) > 1] == []


def test_code_lists_have_titles_and_every_concept_a_definition(g: Graph) -> None:
    schemes = [s for s in g.subjects(RDF.type, SKOS.ConceptScheme) if str(s).startswith("https://w3id.org/inovasi-daerah/")]
    assert len(schemes) == 14
    assert [s for s in schemes if _langs(g, s, DCTERMS.title) != ["en", "id"]] == []
    concepts = [c for c in g.subjects(RDF.type, SKOS.Concept) if str(c).startswith("https://w3id.org/inovasi-daerah/kode/")]
    assert len(concepts) == 52
    assert [c for c in concepts if _langs(g, c, SKOS.definition) != ["en", "id"]] == []


def test_pylode_pages_are_published_offline(settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from inovasi_kg import publish

    written = {p.name: p for p in publish(dataclasses.replace(settings, build_dir=str(tmp_path / "out")))}
    page = written["ontologi.html"].read_text(encoding="utf-8")
    assert "Regional Innovation Ontology" in page or "Ontologi Inovasi Daerah" in page
    for term in ("InovasiDaerah", "PerangkatDaerah", "kutipanSumber"):
        assert term in page
    loads = re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="(https?:[^"]+)"', page)
    assert loads == []  # nothing fetched: styles and icons are inline
    codes = written["kode.html"].read_text(encoding="utf-8")
    assert "bentuk-inovasi" in codes or "Bentuk inovasi" in codes
