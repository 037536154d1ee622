"""VoID that describes the data: every figure recomputed from the export with SPARQL."""

from __future__ import annotations

import re

import pyoxigraph as ox

from inovasi_kg.rdf.namespaces import PREFIXES

DS = "<https://w3id.org/inovasi-daerah/id/dataset/inovasi-daerah>"


def one(store: ox.Store, query: str) -> str:
    rows = list(store.query("PREFIX void: <http://rdfs.org/ns/void#> " + query))  # type: ignore[arg-type]
    assert len(rows) == 1, rows
    return rows[0][0].value  # type: ignore[index]


def test_dataset_figures(export_store: ox.Store) -> None:
    pattern = one(export_store, f"SELECT ?x WHERE {{ {DS} void:uriRegexPattern ?x }}")
    assert one(export_store, f"SELECT ?n WHERE {{ {DS} void:triples ?n }}") == one(export_store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert one(export_store, f"SELECT ?n WHERE {{ {DS} void:classes ?n }}") == \
        one(export_store, "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }")
    assert one(export_store, f"SELECT ?n WHERE {{ {DS} void:properties ?n }}") == \
        one(export_store, "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }")
    entities = {r[0].value for r in export_store.query("SELECT DISTINCT ?s { ?s ?p ?o FILTER(isIRI(?s)) }")  # type: ignore[index,union-attr]
                if re.match(pattern, r[0].value)}  # type: ignore[index]
    assert one(export_store, f"SELECT ?n WHERE {{ {DS} void:entities ?n }}") == str(len(entities))


def test_every_class_and_property_has_a_correct_partition(export_store: ox.Store) -> None:
    classes = {r["c"].value: int(r["n"].value) for r in export_store.query(  # type: ignore[union-attr,index]
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c")}
    partitions = {r["c"].value: int(r["n"].value) for r in export_store.query(  # type: ignore[union-attr,index]
        f"PREFIX void: <http://rdfs.org/ns/void#> SELECT ?c ?n {{ {DS} void:classPartition ?p . ?p void:class ?c ; void:entities ?n }}")}
    assert partitions == classes and len(classes) > 50
    properties = {r["p"].value: int(r["n"].value) for r in export_store.query(  # type: ignore[union-attr,index]
        "SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p")}
    partitions = {r["p"].value: int(r["n"].value) for r in export_store.query(  # type: ignore[union-attr,index]
        f"PREFIX void: <http://rdfs.org/ns/void#> SELECT ?p ?n {{ {DS} void:propertyPartition ?x . ?x void:property ?p ; void:triples ?n }}")}
    assert partitions == properties


def test_uri_space_vocabularies_and_examples(export_store: ox.Store) -> None:
    from inovasi_kg.core import iris

    pattern = one(export_store, f"SELECT ?x WHERE {{ {DS} void:uriRegexPattern ?x }}")
    base = "https://w3id.org/inovasi-daerah/"
    ours = {r[0].value for r in export_store.query("SELECT DISTINCT ?s { ?s ?p ?o FILTER(isIRI(?s)) }")  # type: ignore[index,union-attr]
            if iris.parse(r[0].value, base) is not None and iris.parse(r[0].value, base).kind not in ("home", "service", "dump")}  # type: ignore[index,union-attr]
    assert ours and all(re.match(pattern, iri) for iri in ours)  # the pattern covers every IRI we mint
    assert one(export_store, f"SELECT ?x WHERE {{ {DS} void:uriSpace ?x }}") == base
    vocabularies = {r[0].value for r in export_store.query(  # type: ignore[index,union-attr]
        f"PREFIX void: <http://rdfs.org/ns/void#> SELECT ?v {{ {DS} void:vocabulary ?v }}")}
    for prefix in ("org", "cv", "schema", "eli", "skos", "prov", "oa", "dqv", "qb", "dcat", "dct", "time", "sdmx-measure",
                   "sdmx-dimension", "sdmx-attribute"):
        assert PREFIXES[prefix] in vocabularies, prefix
    assert "https://w3id.org/inovasi-daerah/ontology" in vocabularies
    examples = [r[0].value for r in export_store.query(  # type: ignore[index,union-attr]
        f"PREFIX void: <http://rdfs.org/ns/void#> SELECT ?x {{ {DS} void:exampleResource ?x . ?x a ?c }} GROUP BY ?x")]
    assert len(examples) == 4
    assert one(export_store, f"SELECT ?x WHERE {{ {DS} void:sparqlEndpoint ?x }}") == base + "sparql"
