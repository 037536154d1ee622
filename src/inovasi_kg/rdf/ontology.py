"""The ontology folder: parse it strictly and derive what the other stages need from it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from inovasi_kg.core.errors import OntologyError
from inovasi_kg.core.prefixes import PREFIXES
from inovasi_kg.rdf.namespaces import RDFS, SKOS

__all__ = ["SHAPES_FILE", "Ontology", "document", "load_ontology", "parse_turtle"]

ONTOLOGY_FILE, CODES_FILE = "inovasi-daerah.ttl", "kode.ttl"

SHAPES_FILE = "shapes.ttl"
_SUBCLASS, _SUBPROP = str(RDFS.subClassOf), str(RDFS.subPropertyOf)
_IN_SCHEME, _NOTATION = str(SKOS.inScheme), str(SKOS.notation)
_DOMAIN, _RANGE = str(RDFS.domain), str(RDFS.range)
_XSD = PREFIXES["xsd"]
_UNIVERSAL = {str(RDFS.Resource), str(RDFS.Literal)}  # a range that says nothing is not materialized
# Terms every class or property falls under: as a super term they say nothing, so nothing is materialized from them.
VACUOUS = frozenset({*_UNIVERSAL, *(PREFIXES["owl"] + name for name in ("Thing", "topObjectProperty", "topDataProperty"))})


@dataclass
class Ontology:
    """Ontology and code-list triples, with the closures the build uses."""

    triples: list[ox.Triple]
    files: list[Path]
    concepts: dict[str, set[str]] = field(default_factory=dict)
    superclasses: dict[str, frozenset[str]] = field(default_factory=dict)
    superproperties: dict[str, frozenset[str]] = field(default_factory=dict)
    domains: dict[str, frozenset[str]] = field(default_factory=dict)
    ranges: dict[str, frozenset[str]] = field(default_factory=dict)


def parse_turtle(path: Path) -> list[ox.Triple]:
    """Parse one Turtle file strictly; OntologyError (file:line) if it is broken."""
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as err:
        message = str(err.msg if hasattr(err, "msg") else err)
        raise OntologyError(str(path), err.lineno, f"broken Turtle: {message}") from None
    except OSError as err:
        raise OntologyError(str(path), None, f"cannot read: {err.strerror}") from None


def load_ontology(folder: Path) -> Ontology:
    """Read every `*.ttl` of `folder` except the SHACL shapes."""
    files = sorted(p for p in folder.glob("*.ttl") if p.name != SHAPES_FILE)
    if not files:
        raise OntologyError(str(folder), None, "no ontology Turtle files found")
    triples: list[ox.Triple] = []
    for path in files:
        triples.extend(parse_turtle(path))
    triples += _documentation(triples)
    onto = Ontology(triples, files)
    direct_classes: dict[str, set[str]] = defaultdict(set)
    direct_props: dict[str, set[str]] = defaultdict(set)
    schemes: dict[str, str] = {}
    domains: dict[str, set[str]] = defaultdict(set)
    ranges: dict[str, set[str]] = defaultdict(set)
    notations: dict[str, str] = {}
    for t in triples:
        p = t.predicate.value
        if p in (_SUBCLASS, _SUBPROP, _DOMAIN, _RANGE) and t.object.value in VACUOUS:
            continue
        if p == _SUBCLASS and isinstance(t.object, ox.NamedNode):
            direct_classes[t.subject.value].add(t.object.value)
        elif p == _SUBPROP and isinstance(t.object, ox.NamedNode):
            direct_props[t.subject.value].add(t.object.value)
        elif p == _IN_SCHEME:
            schemes[t.subject.value] = t.object.value
        elif p == _NOTATION:
            notations[t.subject.value] = t.object.value
        elif p == _DOMAIN and isinstance(t.object, ox.NamedNode):
            domains[t.subject.value].add(t.object.value)
        elif p == _RANGE and isinstance(t.object, ox.NamedNode) and not t.object.value.startswith(_XSD):
            ranges[t.subject.value].add(t.object.value)
    onto.superclasses = closure(direct_classes)
    onto.superproperties = closure(direct_props)
    onto.domains = {k: frozenset(v) for k, v in domains.items()}
    onto.ranges = {k: frozenset(v) for k, v in ranges.items()}
    for concept, scheme in schemes.items():
        if concept in notations:
            onto.concepts.setdefault(scheme.rstrip("/").rsplit("/", 1)[-1], set()).add(notations[concept])
    return onto


def closure(direct: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    """Each key's values followed transitively (super-classes or super-properties), never itself."""
    result: dict[str, frozenset[str]] = {}
    for start in direct:
        seen: set[str] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node not in seen and node != start:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        result[start] = frozenset(seen)
    return result


def document(folder: Path) -> dict[str, bytes]:
    """Human-readable pages of the ontology and the code lists, made by pyLODE (a maintained
    documentation tool): self-contained HTML, nothing loaded from the network, same input same bytes."""
    import gc
    import logging
    import warnings

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        from pylode import OntPub, VocPub  # it configures the root logger at import: undone below

        root.setLevel(logging.WARNING)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            pages = {"ontologi.html": OntPub(ontology=str(folder / ONTOLOGY_FILE)).make_html(),
                     "kode.html": VocPub(ontology=str(folder / CODES_FILE)).make_html()}
            gc.collect()  # pyLODE leaves its stylesheet file open: closed here, quietly
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    return {name: html.encode("utf-8") for name, html in pages.items()}


def _documentation(triples: list[ox.Triple]) -> list[ox.Triple]:
    """rdfs:comment (from each term's skos:definition, in both languages) and rdfs:isDefinedBy for
    every class and property of the project ontology: one source for the definitions."""
    ns = "https://w3id.org/inovasi-daerah/ontology#"
    ontology = ox.NamedNode(ns.rstrip("#"))
    definition, comment = str(SKOS.definition), ox.NamedNode(str(RDFS.comment))
    defined_by = ox.NamedNode(str(RDFS.isDefinedBy))
    out, terms = [], set()
    for t in triples:
        if t.subject.value.startswith(ns) and isinstance(t.subject, ox.NamedNode):
            terms.add(t.subject.value)
            if t.predicate.value == definition:
                out.append(ox.Triple(t.subject, comment, t.object))
    out += [ox.Triple(ox.NamedNode(term), defined_by, ontology) for term in sorted(terms)]
    return out
