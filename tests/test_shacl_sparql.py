"""The SHACL shapes checked as SPARQL give exactly pyshacl's results.

On the article's graph (no results), and on broken copies of it: random triples on the shapes' paths
deleted, replaced or doubled with wrong values (plain, wrongly typed, untagged, empty, blank nodes,
IRIs of nothing); both must report the same (focus, message, path, value) multiset.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from inovasi_kg import Settings
from inovasi_kg.check.shacl import compile_shapes, sparql_findings
from inovasi_kg.check.validate import shacl_findings
from inovasi_kg.core.errors import OntologyError
from inovasi_kg.pipeline import graph_quads, load_inputs
from inovasi_kg.store.memory import MemoryBackend

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BAD = [ox.Literal("x"), ox.Literal("-5", datatype=ox.NamedNode(XSD + "integer")),
       ox.Literal("0", datatype=ox.NamedNode(XSD + "decimal")), ox.NamedNode("https://example.org/nothing"),
       ox.Literal("abc", language="id"), ox.Literal("abc", language="en"), ox.Literal(""),
       ox.Literal("2017", datatype=ox.NamedNode(XSD + "gYear")), ox.Literal("ab.cd"), ox.BlankNode()]


@pytest.fixture(scope="module")
def article() -> tuple[list[ox.Quad], Path]:
    settings = Settings()
    inputs = load_inputs(settings)
    quads = [q for q in graph_quads(inputs, settings.base_iri) if q.graph_name == ox.DefaultGraph()]
    return quads, inputs.shapes


def _both(quads: list[ox.Quad], shapes: Path) -> tuple[tuple[bool, Counter], tuple[bool, Counter]]:
    with MemoryBackend().replacing() as new:
        new.add(quads)
        ours = sparql_findings(new, shapes)
        theirs = shacl_findings(list(new.triples()), shapes)
    return (ours[0], Counter(ours[1])), (theirs[0], Counter(theirs[1]))


def test_the_article_conforms_for_both(article: tuple[list[ox.Quad], Path]) -> None:
    quads, shapes = article
    ours, theirs = _both(quads, shapes)
    assert ours == theirs == (True, Counter())


@pytest.mark.parametrize("seed", range(6))
def test_broken_copies_get_the_same_results(article: tuple[list[ox.Quad], Path], seed: int) -> None:
    quads, shapes = article
    paths = {c.path for c in compile_shapes(shapes) if c.path} | {RDF_TYPE, "http://www.w3.org/ns/oa#exact"}
    candidates = [i for i, q in enumerate(quads) if q.predicate.value in paths]
    rnd = random.Random(seed)
    broken: list[ox.Quad | None] = list(quads)
    for i in rnd.sample(candidates, 40):
        q = quads[i]
        op = rnd.choice(["delete", "replace", "double"])
        if op == "delete":
            broken[i] = None
        elif op == "replace":
            broken[i] = ox.Quad(q.subject, q.predicate, rnd.choice(BAD))
        else:
            broken.append(ox.Quad(q.subject, q.predicate, rnd.choice(BAD)))
    ours, theirs = _both([q for q in broken if q is not None], shapes)
    assert ours == theirs
    assert ours[0] is False and sum(ours[1].values()) >= 3  # the mutations were seen


def test_a_shape_feature_the_checker_lacks_is_refused(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/> .\n"
                      "ex:S a sh:NodeShape ; sh:targetClass ex:C ;\n"
                      "  sh:property [ sh:path ex:p ; sh:maxLength 3 ] .\n", encoding="utf-8")
    with pytest.raises(OntologyError, match=r"https://example.org/S uses sh:maxLength|sh:maxLength"):
        compile_shapes(shapes)
