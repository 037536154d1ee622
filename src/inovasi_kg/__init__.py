"""inovasi-kg: a knowledge graph of Indonesian regional-government innovation.

The package's folders are its layers, lowest first; a module imports only from its own layer or
from layers below it (never one above, never in a cycle, inside functions too):

    core/      errors, settings, where files are, IRIs, prefixes, RDF terms, formats (no rdflib)
    rdf/       the vocabulary as code (rdflib namespaces), the ontology, materialization, serialization
    sparql/    SPARQL text, the policy for ad-hoc queries, named queries, results
    store/     the backends (embedded, in memory, SPARQL server), their protocol and factory, running queries
    ingest/    the authoring tables: declared, read and checked, turned into triples; synthetic data
    check/     SHACL as SPARQL over the store, validation reports, quality findings
    dataset/   the DCAT/VoID description of the dataset, its push to a SPARQL server
    graph/     the network view (NetworkX), its files and its HTML page
    pipeline   the build, top down: inputs, triples, checks, a new store generation
    kg         the read facade: named queries, SPARQL, describe, export, the network
    api        the Python API: build, validate, export, publish, push, draw
    web/       the web app (a client of api and kg)
    cli        the command line (a client of api and kg; starts web)

The two clients, cli and web/, reach the lower layers only through api and kg, apart from what
they parse and render with (core, rdf, sparql) and the store's protocol (store.base) and factory
(store.open: `inovasi-kg query` opens a one-shot store before kg is imported, for start-up time).
tests/test_architecture.py checks all of this on the import graph.

    >>> import inovasi_kg
    >>> sorted(inovasi_kg.__all__)[:3]
    ['BuildReport', 'ClassCount', 'InovasiKGError']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inovasi_kg.api import BuildReport, ClassCount, build_store, export_rdf, publish, render_graph, stats, validate_data
    from inovasi_kg.core.errors import InovasiKGError
    from inovasi_kg.core.settings import Settings
    from inovasi_kg.kg import KnowledgeGraph, open_graph
    from inovasi_kg.sparql.result import QueryResult

# Imported when first used (PEP 562), so a command that only reads the store never loads the build stages.
_WHERE = {"BuildReport": "api", "ClassCount": "api", "build_store": "api", "export_rdf": "api", "publish": "api",
          "render_graph": "api", "stats": "api", "validate_data": "api", "InovasiKGError": "core.errors",
          "KnowledgeGraph": "kg", "open_graph": "kg", "QueryResult": "sparql.result",
          "Settings": "core.settings"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "BuildReport",
    "ClassCount",
    "InovasiKGError",
    "KnowledgeGraph",
    "QueryResult",
    "Settings",
    "build_store",
    "export_rdf",
    "open_graph",
    "publish",
    "render_graph",
    "stats",
    "validate_data",
]

__version__ = "0.1.0"
