"""Materialize stage: add the standard-vocabulary triples the ontology implies.

For each `rdf:type` to a local class, the types of all its superclasses; for each triple whose
predicate has superproperties, the same triple with each of them (so `skos:prefLabel` also gives
`rdfs:label`); for each predicate with a declared domain or range (ontology/alignments.ttl
restates the standard ones), the type it implies for the subject or object. So the data states
every type a consumer's reasoner would infer, and a contradiction shows up in our own tests.

One rule keeps PROV consistent: `ida:kutipanSumber` (a fact's quote) is a `prov:wasInfluencedBy`
for everything, and for what is not an activity also a `prov:wasDerivedFrom` (the public contract);
an activity derived from a quote would be a `prov:Entity`, which PROV makes disjoint from
`prov:Activity`. Rows state their types before their other cells, so the subject's classes are
known when its quotes come. Only axioms written in ontology/ are used; it
streams, one triple at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from inovasi_kg.rdf.namespaces import IDA, PROV, RDF
from inovasi_kg.rdf.ontology import Ontology

__all__ = ["materialize"]

_TYPE = str(RDF.type)
_ACTIVITY, _DERIVED = str(PROV.Activity), str(PROV.wasDerivedFrom)
_QUOTE = str(IDA.kutipanSumber)


def materialize(triples: Iterable[ox.Quad], ontology: Ontology) -> Iterator[ox.Quad]:
    """Yield each triple followed by the triples it entails under the ontology's axioms (no repeats of types)."""
    supers_c = ontology.superclasses
    supers_p = {k: sorted(vs) for k, vs in ontology.superproperties.items()}
    type_node = ox.NamedNode(_TYPE)
    typed: set[tuple[str, str]] = set()
    activities: set[str] = set()

    def types(node: ox.NamedNode, cls: str) -> Iterator[ox.Quad]:
        for c in (cls, *sorted(supers_c.get(cls, ()))):
            if (node.value, c) not in typed:
                typed.add((node.value, c))
                if c == _ACTIVITY:
                    activities.add(node.value)
                yield ox.Quad(node, type_node, ox.NamedNode(c))

    for t in triples:
        p = t.predicate.value
        if p == _TYPE:
            if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
                yield from types(t.subject, t.object.value)
            else:  # pragma: no cover - no blank nodes in our graphs
                yield t
            continue
        yield t
        used = [p, *supers_p.get(p, ())]
        if p == _QUOTE and t.subject.value not in activities:
            used.append(_DERIVED)
        for sup in used[1:]:
            yield ox.Quad(t.subject, ox.NamedNode(sup), t.object)
        for q in used:
            if isinstance(t.subject, ox.NamedNode):
                for d in sorted(ontology.domains.get(q, ())):
                    yield from types(t.subject, d)
            if isinstance(t.object, ox.NamedNode):
                for r in sorted(ontology.ranges.get(q, ())):
                    yield from types(t.object, r)
