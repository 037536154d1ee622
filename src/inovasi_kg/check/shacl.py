"""SHACL shapes checked as SPARQL over the store, so validation scales with the store's indexes.

pyshacl needs an rdflib copy of the whole graph (minutes and gigabytes at national scale). The
shapes in ontology/shapes.ttl use a small part of SHACL Core; each constraint of each property
shape becomes one SELECT that returns exactly the (focus, value) pairs SHACL reports. A shape that
uses anything outside that part is refused with its name, never silently skipped, and a test
compares the findings with pyshacl's on the article's data, a synthetic set and broken copies.

Supported: node shapes with sh:targetClass (instances of subclasses included, as SHACL says) and
sh:targetSubjectsOf; property shapes whose sh:path is an IRI or a sequence of IRIs, with sh:minCount,
sh:maxCount, sh:class, sh:datatype, sh:in, sh:hasValue, sh:pattern (with sh:flags), sh:minLength,
sh:minInclusive, sh:languageIn, sh:uniqueLang, sh:or of shapes that only say sh:class, and
sh:qualifiedValueShape (with sh:languageIn) with sh:qualifiedMinCount; sh:message and sh:severity.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from inovasi_kg.core.errors import OntologyError
from inovasi_kg.core.prefixes import NAMESPACES

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

    from inovasi_kg.check.validate import Finding
    from inovasi_kg.store.base import Reader

__all__ = ["Check", "compile_shapes", "sparql_findings"]

SH = NAMESPACES["sh"]
RDF_TYPE = NAMESPACES["rdf"] + "type"
SUBCLASS = NAMESPACES["rdfs"] + "subClassOf"
LANGSTRING = NAMESPACES["rdf"] + "langString"

_NODE_KEYS = {"targetClass", "targetSubjectsOf", "property", "message", "severity"}
_PROPERTY_KEYS = {"path", "minCount", "maxCount", "class", "datatype", "in", "hasValue", "pattern", "flags",
                  "minLength", "minInclusive", "languageIn", "uniqueLang", "or", "qualifiedValueShape",
                  "qualifiedMinCount", "message", "severity", "name", "description"}


class _Unsupported(Exception):
    """A shape the checker cannot translate (becomes an OntologyError naming the file)."""


@dataclass(frozen=True)
class _Focus:
    """A shape's focus nodes: enumerated (to find what is missing), or as a test of a bound ?focus
    (to keep the rows of a rare violation: the store scans the path once and tests only those rows)."""

    nodes: str
    test: str
    subjects_of: frozenset[str] = frozenset()  # the predicates, when every focus is a subject of one of them


@dataclass(frozen=True)
class Check:
    """One constraint as a query: its rows are (focus, value) pairs (value None when SHACL reports none)."""

    shape: str
    component: str
    path: str | None  # an IRI, or None for a sequence path (SHACL reports a blank node then)
    severity: str
    message: str
    query: str


def _iri(term: str) -> str:
    return f"<{term}>"


def _literal_sparql(node: Node) -> str:
    from rdflib import Literal

    assert isinstance(node, Literal)
    text = str(node).replace("\\", "\\\\").replace('"', '\\"')
    if node.language:
        return f'"{text}"@{node.language}'
    return f'"{text}"^^<{node.datatype or NAMESPACES["xsd"] + "string"}>'


def _term(node: Node) -> str:
    from rdflib import Literal, URIRef

    if isinstance(node, URIRef):
        return _iri(str(node))
    if isinstance(node, Literal):
        return _literal_sparql(node)
    raise _Unsupported(f"unsupported term {node!r} (IRIs and literals only)")


_SUB = "%%subclasses:"


def _subclasses(c: Node) -> str:
    """A placeholder for the class and its subclasses in the data graph, filled in when the checks run."""
    from rdflib import URIRef

    if not isinstance(c, URIRef):
        raise _Unsupported(f"unsupported class {c!r} (an IRI only)")
    return f"{_SUB}{c}%%"


def _keys(g: Graph, node: Node) -> dict[str, list[Node]]:
    out: dict[str, list[Node]] = {}
    for p, o in g.predicate_objects(node):
        if str(p).startswith(SH):
            out.setdefault(str(p)[len(SH):], []).append(o)
    return out


def _one(values: dict[str, list[Node]], key: str) -> Any:
    return values[key][0] if key in values else None


def compile_shapes(shapes: Path) -> list[Check]:
    """The checks of every node shape in the Turtle file `shapes`; OntologyError for an unsupported feature."""
    from rdflib import Graph
    from rdflib.collection import Collection

    from inovasi_kg.rdf.ontology import parse_turtle

    parse_turtle(shapes)  # strict parse first: a broken file gets file:line
    g = Graph().parse(str(shapes), format="turtle")
    try:
        return _compile(g, Collection)
    except _Unsupported as err:
        raise OntologyError(str(shapes), None, str(err)) from None


def _compile(g: Graph, Collection: Any) -> list[Check]:
    from rdflib import URIRef

    checks: list[Check] = []
    node_shapes = sorted(set(g.subjects(URIRef(RDF_TYPE), URIRef(SH + "NodeShape"))), key=str)
    for shape in node_shapes:
        keys = _keys(g, shape)
        name = str(shape)
        unknown = set(keys) - _NODE_KEYS
        if unknown:
            raise _Unsupported(f"{name} uses {', '.join(sorted('sh:' + k for k in unknown))}, "
                                "which the SPARQL checker does not support")
        targets = [f"{{ VALUES ?t {{ {_subclasses(c)} }} ?focus <{RDF_TYPE}> ?t }}" for c in keys.get("targetClass", [])]
        targets += [f"{{ ?focus {_term(p)} ?any }}" for p in keys.get("targetSubjectsOf", [])]
        subjects_of = {str(p) for p in keys.get("targetSubjectsOf", [])} if "targetClass" not in keys else set()
        if not targets:
            raise _Unsupported(f"{name} has no target the SPARQL checker supports")
        focus = _Focus("{ SELECT DISTINCT ?focus WHERE { " + " UNION ".join(targets) + " } }",
                       "EXISTS { " + " UNION ".join(targets) + " }", frozenset(subjects_of))
        for prop in keys.get("property", []):
            checks += _property_checks(g, name, focus, prop, Collection)
    return checks


def _severity(values: dict[str, list[Node]]) -> str:
    node = _one(values, "severity")
    return str(node).rsplit("#", 1)[-1].lower() if node is not None else "violation"


def _property_checks(g: Graph, shape: str, focus: _Focus, prop: Node, collection: Any) -> list[Check]:
    from rdflib import BNode, URIRef

    keys = _keys(g, prop)
    unknown = set(keys) - _PROPERTY_KEYS
    if unknown:
        raise _Unsupported(f"a property shape of {shape} uses "
                            f"{', '.join(sorted('sh:' + k for k in unknown))}, which the SPARQL checker does not support")
    path_node = _one(keys, "path")
    if isinstance(path_node, URIRef):
        path, path_iri = _iri(str(path_node)), str(path_node)
    elif isinstance(path_node, BNode) and (first := list(collection(g, path_node))) \
            and all(isinstance(p, URIRef) for p in first):
        # a sequence as a chain of patterns (the store evaluates a path inside NOT EXISTS unbound)
        steps = [_iri(str(p)) for p in first]
        path = " ?step1 . ".join(steps[:1]) if len(steps) == 1 else " ".join(
            f"{step} ?step{i} . ?step{i}" for i, step in enumerate(steps[:-1], 1)) + " " + steps[-1]
        path_iri = None
    else:
        raise _Unsupported(f"a property shape of {shape} has a path the SPARQL checker does not support")
    message = str(_one(keys, "message") or "")
    severity = _severity(keys)
    out: list[Check] = []

    def add(component: str, query: str) -> None:
        out.append(Check(shape, component, path_iri, severity, message, query))

    # a value of the path is enough to be a focus when the shape targets the subjects of that very predicate
    is_focus = "" if path_iri is not None and path_iri in focus.subjects_of else focus.test
    test = f"FILTER({is_focus})" if is_focus else ""

    def values(condition: str) -> str:
        # the values that fail, in a subquery, then whether their subject is a focus: as filters of one
        # group the engine tested every row's focus first (ten times the work on the provenance check)
        failing = f"?focus {path} ?value . FILTER({condition})"
        if not test:
            return f"SELECT DISTINCT ?focus ?value WHERE {{ {failing} }}"
        return f"SELECT DISTINCT ?focus ?value WHERE {{ {{ SELECT ?focus ?value WHERE {{ {failing} }} }} {test} }}"

    def fewer(n: int, value_filter: str = "") -> str:
        if n == 1:  # none at all: a left join that finds nothing (the store evaluates NOT EXISTS of a join unbound)
            return (f"SELECT DISTINCT ?focus WHERE {{ {focus.nodes} OPTIONAL {{ ?focus {path} ?value {value_filter} }} "
                    "FILTER(!BOUND(?value)) }")
        return (f"SELECT ?focus WHERE {{ {focus.nodes} OPTIONAL {{ ?focus {path} ?value {value_filter} }} }} "
                f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) < {n})")

    def more(n: int) -> str:
        return (f"SELECT ?focus WHERE {{ {{ SELECT ?focus WHERE {{ ?focus {path} ?value }} GROUP BY ?focus "
                f"HAVING (COUNT(DISTINCT ?value) > {n}) }} {test} }}")

    def has_class(c: Node) -> str:
        return f"EXISTS {{ VALUES ?c {{ {_subclasses(c)} }} ?value <{RDF_TYPE}> ?c }}"

    if "minCount" in keys:
        if int(_one(keys, "minCount")) > 0:
            add("minCount", fewer(int(_one(keys, "minCount"))))
    if "maxCount" in keys:
        add("maxCount", more(int(_one(keys, "maxCount"))))
    for c in keys.get("class", []):
        add("class", values(f"!{has_class(c)}"))
    if "datatype" in keys:
        dt = str(_one(keys, "datatype"))
        if dt == LANGSTRING:
            add("datatype", values("!isLiteral(?value) || LANG(?value) = ''"))
        else:
            add("datatype", values(f"!isLiteral(?value) || DATATYPE(?value) != <{dt}> || LANG(?value) != ''"))
    if "in" in keys:
        members = ", ".join(_term(m) for m in collection(g, _one(keys, "in")))
        add("in", values(f"?value NOT IN ({members})"))
    for v in keys.get("hasValue", []):
        add("hasValue", f"SELECT ?focus WHERE {{ {focus.nodes} FILTER NOT EXISTS {{ ?focus {path} {_term(v)} }} }}")
    if "pattern" in keys:
        pattern = _literal_sparql(_one(keys, "pattern"))
        flags = f", {_literal_sparql(_one(keys, 'flags'))}" if "flags" in keys else ""
        add("pattern", values(f"isBlank(?value) || !REGEX(STR(?value), {pattern}{flags})"))
    if "minLength" in keys:
        add("minLength", values(f"isBlank(?value) || STRLEN(STR(?value)) < {int(_one(keys, 'minLength'))}"))
    if "minInclusive" in keys:
        bound = _term(_one(keys, "minInclusive"))
        add("minInclusive", values(f"!COALESCE(?value >= {bound}, false)"))
    if "languageIn" in keys:
        tags = [str(t) for t in collection(g, _one(keys, "languageIn"))]
        matches = " || ".join(f"langMatches(LANG(?value), \"{t}\")" for t in tags) or "false"
        add("languageIn", values(f"!isLiteral(?value) || !({matches})"))
    if _one(keys, "uniqueLang") is not None and bool(_one(keys, "uniqueLang").toPython()):
        add("uniqueLang", f"SELECT DISTINCT ?focus WHERE {{ {{ SELECT ?focus WHERE {{ ?focus {path} ?value "
                          "FILTER(isLiteral(?value) && LANG(?value) != '') } GROUP BY ?focus (LCASE(LANG(?value))) "
                          f"HAVING (COUNT(DISTINCT ?value) > 1) }} {test} }}")
    for alternatives in keys.get("or", []):
        shapes = list(collection(g, alternatives))
        classes = []
        for alt in shapes:
            alt_keys = _keys(g, alt)
            if set(alt_keys) != {"class"} or len(alt_keys["class"]) != 1:
                raise _Unsupported(f"a property shape of {shape} has an sh:or the SPARQL checker does not "
                                    "support (only shapes that say sh:class)")
            classes.append(alt_keys["class"][0])
        # not an instance of any of the classes: one test of the value's types, not one per class
        any_class = " ".join(_subclasses(c) for c in classes)
        add("or", values(f"!EXISTS {{ VALUES ?c {{ {any_class} }} ?value <{RDF_TYPE}> ?c }}"))
    if "qualifiedValueShape" in keys:
        qualified = _keys(g, _one(keys, "qualifiedValueShape"))
        if set(qualified) != {"languageIn"} or "qualifiedMinCount" not in keys or "qualifiedMaxCount" in keys:
            raise _Unsupported(f"a property shape of {shape} has a qualified shape the SPARQL checker does "
                                "not support (sh:languageIn with sh:qualifiedMinCount only)")
        tags = [str(t) for t in collection(g, qualified["languageIn"][0])]
        matches = " || ".join(f"langMatches(LANG(?value), \"{t}\")" for t in tags)
        add("qualifiedMinCount", fewer(int(_one(keys, "qualifiedMinCount")),
                                       f"FILTER(isLiteral(?value) && ({matches}))"))
    return out


def _resolve(reader: Reader, checks: list[Check]) -> list[Check]:
    """The checks with each class placeholder replaced by the class and its subclasses (rdfs:subClassOf*,
    as SHACL reads sh:class and sh:targetClass), asked of the data graph once per class."""
    import re

    from inovasi_kg.sparql.named import internal

    found: dict[str, str] = {}
    out = []
    for check in checks:
        for iri in re.findall(re.escape(_SUB) + r"(.*?)%%", check.query):
            if iri not in found:
                rows = reader.query(internal("subkelas"), bindings={"kelas": ox.NamedNode(iri)},
                                    max_rows=1_000_000).rows
                found[iri] = " ".join(sorted({f"<{r[0].value}>" for r in rows if isinstance(r[0], ox.NamedNode)}
                                             | {f"<{iri}>"}))
        query = re.sub(re.escape(_SUB) + r"(.*?)%%", lambda m: found[m.group(1)], check.query)
        out.append(Check(check.shape, check.component, check.path, check.severity, check.message, query))
    return out


def _rows(reader: Reader, check: Check) -> list[tuple[Any, ...]]:
    return reader.query(check.query, max_rows=10_000_000).rows


def sparql_findings(reader: Reader, shapes: Path) -> tuple[bool, list[Finding]]:
    """Every SHACL result of the shapes over the graph in `reader`, as findings (same form as pyshacl's)."""
    from concurrent.futures import ThreadPoolExecutor

    from inovasi_kg.check.validate import Finding
    from inovasi_kg.core.prefixes import curie

    checks = _resolve(reader, compile_shapes(shapes))
    with ThreadPoolExecutor(max_workers=2) as pool:  # the store answers outside the GIL: two at a time
        answers = list(pool.map(lambda check: _rows(reader, check), checks))
    findings = []
    for check, rows in zip(checks, answers, strict=True):
        for row in rows:
            focus, value = row[0], row[1] if len(row) > 1 else None
            details = []
            if check.path is not None:
                details.append(f"path: {curie(check.path)}")
            if value is not None:
                details.append("value: (blank node)" if isinstance(value, ox.BlankNode) else f"value: {value.value}")
            findings.append(Finding(check.severity, "shacl", curie(focus.value), check.message, tuple(details)))
    findings.sort(key=lambda f: (f.focus, f.message, f.details))
    conforms = not any(f.severity == "violation" for f in findings)
    return conforms, findings
