"""Materialize stage: add the standard-vocabulary triples the ontology implies.

For each `rdf:type` to a local class, the types of all its superclasses; for each triple whose
predicate has superproperties, the same triple with each of them (so `skos:prefLabel` also gives
`rdfs:label`). Only axioms written in ontology/ are used; it streams, one triple at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from .namespaces import RDF
from .ontology import Ontology

__all__ = ["materialize"]

_TYPE = str(RDF.type)


def materialize(triples: Iterable[ox.Triple], ontology: Ontology) -> Iterator[ox.Triple]:
    """Yield each triple followed by the triples it entails under the ontology's axioms."""
    supers_c = {k: [ox.NamedNode(v) for v in sorted(vs)] for k, vs in ontology.superclasses.items()}
    supers_p = {k: [ox.NamedNode(v) for v in sorted(vs)] for k, vs in ontology.superproperties.items()}
    type_node = ox.NamedNode(_TYPE)
    for t in triples:
        yield t
        p = t.predicate.value
        if p == _TYPE:
            for cls in supers_c.get(t.object.value, ()):
                yield ox.Triple(t.subject, type_node, cls)
        else:
            for sup in supers_p.get(p, ()):
                yield ox.Triple(t.subject, sup, t.object)
