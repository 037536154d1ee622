"""The in-memory backend (`memory:` or `memory:NAME`): an Oxigraph store in this process.

Queries run in process, without time or memory limits (it serves tests and validation, whose
queries are the project's own). `memory:NAME` names one store shared by the whole process, so a
build and the queries after it see the same contents; plain `memory:` is always a fresh store.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import ClassVar

import pyoxigraph as ox

from inovasi_kg.core import iris
from inovasi_kg.core.terms import Term, encode_term
from inovasi_kg.sparql.result import QueryResult, from_reply
from inovasi_kg.store.base import DEFAULT_GRAPH, Capabilities, Dataset
from inovasi_kg.store.engine import evaluate

__all__ = ["MemoryBackend", "StoreReader", "StoreStaging"]

_META = ox.NamedNode(iris.META_GRAPH)
_FINGERPRINT = ox.NamedNode(iris.FINGERPRINT)


class StoreReader:
    """Reader methods over a pyoxigraph Store in this process."""

    store: ox.Store
    substitutions: bool = True

    def query(self, text: str, *, bindings: Mapping[str, Term] | None = None, max_rows: int = 10000,
              timeout: float | None = None, dataset: Dataset = (None, None), base_iri: str | None = None) -> QueryResult:
        subs = {k: encode_term(v) for k, v in (bindings or {}).items()}
        if not self.substitutions and subs:
            from inovasi_kg.sparql.text import inline_values

            text, subs = inline_values(text, dict(bindings or {})), {}
        return from_reply(evaluate(self.store, text, subs, max_rows, dataset, base_iri))

    def triples(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                obj: Term | None = None) -> Iterator[ox.Triple]:
        for q in self.default_quads(subject, predicate, obj):
            yield ox.Triple(q.subject, q.predicate, q.object)

    def default_quads(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                      obj: Term | None = None) -> Iterator[ox.Quad]:
        """As `triples`, as the store's quads of the default graph, not copied into triples (for reads that
        only look at the terms: an entity page makes hundreds)."""
        return self.store.quads_for_pattern(subject, predicate, obj, DEFAULT_GRAPH)

    def count(self) -> int:
        result = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # the default graph, counted in the engine
        return int(next(iter(result))[0].value)  # type: ignore[index,arg-type]

    def graphs(self) -> frozenset[str]:
        return frozenset(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def graph_size(self, graph: str) -> int:
        """Number of triples in a named graph, counted in the engine."""
        result = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(next(iter(result))[0].value)  # type: ignore[index,arg-type]

    def dump(self, fmt: str) -> bytes:
        from inovasi_kg.core.formats import RDF
        from inovasi_kg.core.formats import fmt as format_named
        from inovasi_kg.rdf.export import serialize_sorted

        rdf = format_named(fmt, RDF).rdf
        assert rdf is not None
        if rdf == ox.RdfFormat.N_TRIPLES:
            # one triple a line: the engine writes them, and sorting the lines is sorting the triples
            # (each line is the triple's subject, predicate and object in that order, then " .")
            data = self.store.dump(format=rdf, from_graph=DEFAULT_GRAPH) or b""
            return b"".join(sorted(data.splitlines(keepends=True)))
        return serialize_sorted(list(self.triples()), rdf)


class StoreStaging(StoreReader):
    """A store being filled; `commit` hands it to `on_commit`."""

    def __init__(self, store: ox.Store, on_commit: object) -> None:
        self.store = store
        self._on_commit = on_commit
        self.committed = False

    def add(self, quads: Iterable[ox.Quad]) -> None:
        self.store.bulk_extend(quads)

    def loaded(self) -> None:
        pass

    def commit(self, fingerprint: str) -> None:
        self._on_commit(self.store, fingerprint)  # type: ignore[operator]
        self.committed = True


class MemoryBackend(StoreReader):
    """An in-memory store; `substitutions=False` binds parameters with an inline VALUES block instead."""

    _named: ClassVar[dict[str, MemoryBackend]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, location: str = "memory:", *, substitutions: bool = True) -> None:
        self.location = location
        self.store = ox.Store()
        self.substitutions = substitutions
        self.capabilities = Capabilities(substitutions=substitutions, custom_functions=True, limits=False,
                                         persistent=False)

    @classmethod
    def named(cls, location: str) -> MemoryBackend:
        """The process-wide store of `memory:NAME`, or a new one for plain `memory:`."""
        if location == "memory:":
            return cls(location)
        with cls._lock:
            return cls._named.setdefault(location, cls(location))

    def fingerprint(self) -> str | None:
        for q in self.store.quads_for_pattern(None, _FINGERPRINT, None, _META):
            return str(q.object.value)
        return None

    def intact(self) -> bool:
        return True

    def check_writable(self) -> None:
        pass

    @contextmanager
    def replacing(self) -> Iterator[StoreStaging]:
        def swap(store: ox.Store, fingerprint: str) -> None:
            store.add(ox.Quad(_META, _FINGERPRINT, ox.Literal(fingerprint), _META))
            self.store = store

        yield StoreStaging(ox.Store(), swap)

    def close(self) -> None:
        pass
