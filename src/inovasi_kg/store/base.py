"""The store backend seam: one protocol every store implements, chosen from one setting.

    var/store                an embedded Oxigraph store on disk (store.embedded): queries run in
                             worker processes with time and memory limits
    memory:                  an in-memory Oxigraph store (store.memory), for tests and validation
    http(s)://.../sparql     a SPARQL 1.1 server (store.remote): the graph in one named graph there,
                             loaded by `inovasi-kg push`

Readers (the facade in kg.py, statistics, quality findings, the network view, export, the catalog)
take a `Reader`; only the backends touch `pyoxigraph.Store`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from inovasi_kg.core import iris
from inovasi_kg.core.terms import Term

if TYPE_CHECKING:
    from inovasi_kg.sparql.result import QueryResult

__all__ = ["DEFAULT_GRAPH", "SEARCH_GRAPH", "Backend", "Capabilities", "Dataset", "Reader", "Staging", "Term"]

# The SPARQL protocol's dataset: (default-graph-uri list, named-graph-uri list); None keeps the query's own.
Dataset = tuple[list[str] | None, list[str] | None]
DEFAULT_GRAPH = ox.DefaultGraph()
# Internal graphs, never exported: the folded search labels (see queries/cari-label.rq).
SEARCH_GRAPH = ox.NamedNode(iris.SEARCH_GRAPH)


@dataclass(frozen=True)
class Capabilities:
    """What a backend's engine can do; callers adapt to it."""

    substitutions: bool  # binds parameters by substitution (SEP-0007); otherwise an inline VALUES block
    custom_functions: bool  # the engine runs Python custom functions (urn:inovasi-kg:fn:fold)
    limits: bool  # queries stop at the time limit and memory cap
    persistent: bool  # the contents outlive the process


class Reader(Protocol):
    """Read access to a graph store (a backend, or a new generation being built)."""

    def query(self, text: str, *, bindings: Mapping[str, Term] | None = None, max_rows: int = 10000,
              timeout: float | None = None, dataset: Dataset = (None, None), base_iri: str | None = None) -> QueryResult:
        """Run a complete query (prologue included), over `dataset` when the protocol gives one,
        resolving relative IRIs against `base_iri`.

        QueryError for bad syntax (line and column in `text`), a time or memory limit; StoreError
        for a damaged or unreachable store."""
        ...

    def triples(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                obj: Term | None = None) -> Iterator[ox.Triple]:
        """The triples of the default graph that match a pattern (None matches anything)."""
        ...

    def count(self) -> int:
        """Number of triples in the default graph."""
        ...

    def graphs(self) -> frozenset[str]:
        """IRIs of the named graphs in the store."""
        ...


class Staging(Reader, Protocol):
    """A new generation of a backend's contents, readable while it is filled."""

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Bulk-add quads (default graph or named graphs)."""
        ...

    def loaded(self) -> None:
        """The bulk of the generation is in (the catalog may still be added), and the build's reads to check
        and count it follow: a backend that writes as it is filled finishes what it must before them."""
        ...

    def commit(self, fingerprint: str) -> None:
        """Make this generation the backend's contents, atomically, recording `fingerprint`."""
        ...


class Backend(Reader, Protocol):
    """A store of the graph: read it, dump it, replace its contents atomically."""

    location: str
    capabilities: Capabilities

    def fingerprint(self) -> str | None:
        """The fingerprint the current contents were committed with, or None."""
        ...

    def dump(self, fmt: str) -> bytes:
        """The default graph in an RDF format (a name of formats.py), sorted: same graph, same bytes."""
        ...

    def intact(self) -> bool:
        """Whether the contents can be trusted as they are (every file checked where there are files)."""
        ...

    def check_writable(self) -> None:
        """StoreError, before any work, when `replacing` would refuse the location."""
        ...

    def replacing(self) -> AbstractContextManager[Staging]:
        """A new, empty generation; commit it to replace the contents, else it is dropped.

        StoreError (nothing touched) if the backend's location is not ours to write.
        """
        ...

    def close(self) -> None:
        """Release processes and handles."""
        ...
