"""The ontology: every local term declared in code, labelled in both languages, aligned to a standard term."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from inovasi_kg.core.resources import ontology_dir
from inovasi_kg.rdf.namespaces import IDA

NS = str(IDA._NS)
VACUOUS = {OWL.Thing, OWL.topObjectProperty, OWL.topDataProperty, OWL.Nothing, OWL.bottomObjectProperty,
           OWL.bottomDataProperty}


def _ontology() -> Graph:
    g = Graph()
    for path in sorted(ontology_dir().glob("*.ttl")):
        if path.name != "shapes.ttl":
            g.parse(path)
    return g


def test_namespace_module_matches_the_ontology_file() -> None:
    g = _ontology()
    declared = {str(s)[len(NS):] for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}
    in_code = set(IDA.__annotations__)
    assert declared == in_code


def test_every_class_and_property_has_labels_definitions_and_a_standard_super_term_or_a_note() -> None:
    g = _ontology()
    problems = []
    for kind, sub in ((OWL.Class, RDFS.subClassOf), (OWL.ObjectProperty, RDFS.subPropertyOf),
                      (OWL.DatatypeProperty, RDFS.subPropertyOf)):
        for term in g.subjects(RDF.type, kind):
            if not str(term).startswith(NS):
                continue
            for prop in (RDFS.label, SKOS.prefLabel, SKOS.definition):
                langs = sorted(o.language for o in g.objects(term, prop) if isinstance(o, Literal))
                if langs != ["en", "id"]:
                    problems.append(f"{term} {prop}: {langs}")
            supers = set(g.transitive_objects(term, sub)) - {term}
            if supers & VACUOUS:
                problems.append(f"{term}: a super term that says nothing ({sorted(supers & VACUOUS)})")
            # a term with no standard super term says so, and why, in an editorial note
            if not any(not str(s).startswith(NS) for s in supers) and not any(g.objects(term, SKOS.editorialNote)):
                problems.append(f"{term}: no standard super term and no note saying why")
    assert problems == []


def test_every_concept_has_both_labels_and_a_scheme() -> None:
    g = _ontology()
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == 52
    for c in concepts:
        assert sorted(o.language for o in g.objects(c, SKOS.prefLabel)) == ["en", "id"], c
        assert g.value(c, SKOS.inScheme) is not None, c
