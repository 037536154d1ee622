"""The export read together with the standard vocabularies it reuses, as a consumer would: an OWL RL
closure raises no inconsistency, every standard term used is defined there, and no term is used
against its declared domain or range (the data already states every type they would infer)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from inovasi_kg import Settings, export_rdf

VOCABULARIES = Path(__file__).resolve().parent / "fixtures" / "conformance" / "vocabularies"
OURS = "https://w3id.org/inovasi-daerah/"
SCHEMA = "https://schema.org/"
VOID = "http://rdfs.org/ns/void#"
# Known and explained: the conformance folder has no file for VoID, FOAF, vCard or the DCAT-AP
# namespace (DCAT-AP requires those terms in the catalog); Oxigraph stores every integer-derived
# datatype as xsd:integer, so qb:order (range xsd:int) cannot keep xsd:int.
NO_VOCABULARY_FILE = (VOID, "http://xmlns.com/foaf/0.1/", "http://www.w3.org/2006/vcard/ns#", "http://data.europa.eu/r5r/",
                      "http://purl.org/vocab/vann/")
ENGINE_DATATYPE = {("http://purl.org/linked-data/cube#order", str(XSD.int))}


@pytest.fixture(scope="module")
def vocabularies() -> Graph:
    g = Graph()
    for path in sorted(VOCABULARIES.iterdir()):
        g.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    return g


@pytest.fixture(scope="module")
def export(settings: Settings) -> Graph:
    return Graph().parse(data=export_rdf(settings, "turtle"), format="turtle")


def test_owl_rl_closure_is_consistent(export: Graph, vocabularies: Graph) -> None:
    import owlrl

    g = Graph()
    g += export
    g += vocabularies
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    err = "http://www.daml.org/2002/03/agents/agent-ont#"
    messages = sorted(str(m) for s in g.subjects(RDF.type, URIRef(err + "ErrorMessage"))
                      for m in g.objects(s, URIRef(err + "error")))
    assert messages == []
    assert not list(g.subjects(RDF.type, OWL.Nothing))


def test_nothing_published_names_a_term_that_says_nothing(export: Graph) -> None:
    # owl:Thing, the top and bottom properties: every resource or pair of resources falls under the
    # top terms, so a triple naming them tells a consumer nothing (and the bottom ones are contradictions).
    vacuous = {OWL.Thing, OWL.Nothing, OWL.topObjectProperty, OWL.topDataProperty, OWL.bottomObjectProperty,
               OWL.bottomDataProperty}
    assert sorted(t for t in export if vacuous & set(t)) == []


def _standard(term: URIRef) -> bool:
    return not str(term).startswith((OURS, str(RDF), str(RDFS), str(OWL), str(XSD)))


def test_every_standard_term_used_is_defined_in_its_vocabulary(export: Graph, vocabularies: Graph) -> None:
    defined = set(vocabularies.subjects())
    used = {p for p in export.predicates()} | set(export.objects(None, RDF.type))
    missing = sorted(str(t) for t in used if isinstance(t, URIRef) and _standard(t) and t not in defined
                     and not str(t).startswith(NO_VOCABULARY_FILE))
    assert missing == []


def test_no_standard_term_is_used_against_its_domain_or_range(export: Graph, vocabularies: Graph) -> None:
    voc = vocabularies + export  # our ontology's axioms travel in the export
    supers: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in voc.subject_objects(RDFS.subClassOf):
        if isinstance(o, URIRef):
            supers[s].add(o)

    def closure(c: URIRef) -> set[URIRef]:
        seen, stack = set(), [c]
        while stack:
            x = stack.pop()
            if x not in seen:
                seen.add(x)
                stack.extend(supers.get(x, ()))
        return seen

    types: dict[object, set[URIRef]] = defaultdict(set)
    for s, o in voc.subject_objects(RDF.type):
        if isinstance(o, URIRef):
            types[s] |= closure(o)

    def wanted(node: object) -> set[object]:
        if isinstance(node, BNode):
            union = voc.value(node, OWL.unionOf)
            return set(Collection(voc, union)) if union is not None else set()
        return {node}

    problems = []
    anything = {OWL.Thing, RDFS.Resource}
    for s, p, o in export:
        if not _standard(p) or p == RDF.type:
            continue
        for d in voc.objects(p, RDFS.domain):
            want = wanted(d)
            if not want & anything and not types[s] & want:
                problems.append(f"{s} {p}: subject not a {sorted(map(str, want))}")
        for r in voc.objects(p, RDFS.range):
            want = wanted(r)
            if want & anything or (RDFS.Literal in want and isinstance(o, Literal)):
                continue
            if isinstance(o, Literal):
                datatype = o.datatype or (RDF.langString if o.language else XSD.string)
                if datatype not in want and not {(str(p), str(w)) for w in want} & ENGINE_DATATYPE:
                    problems.append(f"{s} {p} {o!r}: literal not a {sorted(map(str, want))}")
            elif not types[o] & want:
                problems.append(f"{s} {p} {o}: object not a {sorted(map(str, want))}")
        included = set(voc.objects(p, URIRef(SCHEMA + "domainIncludes")))
        if included and not types[s] & included:
            problems.append(f"{s} {p}: subject in none of schema:domainIncludes")
    assert problems == []
