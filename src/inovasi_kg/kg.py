"""Querying the stored graph from Python: named queries, ad-hoc SPARQL and node descriptions.

    >>> from inovasi_kg import Settings, open_graph
    >>> kg = open_graph(Settings.load(store="var/store"))                  # doctest: +SKIP
    >>> [r["pemerintah"] for r in kg.query("peringkat-penghargaan").values()][4]   # doctest: +SKIP
    'Pemerintah Kota Magelang'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pyoxigraph as ox

from . import resources
from .errors import QueryError
from .namespaces import PREFIXES, curie
from .queries import NamedQuery, bind_parameters, closest, load_queries, resolve_iri
from .settings import Settings
from .sparql import QueryResult, check_query, execute, fold
from .store import open_store
from .workers import WorkerPool

__all__ = ["Description", "KnowledgeGraph", "open_graph"]


@dataclass
class Description:
    """Everything the graph says about one node."""

    iri: str
    labels: list[tuple[str, str]] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)
    inbound: list[tuple[str, str]] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)

    def text(self) -> str:
        out = [f"<{self.iri}>"]
        out += [f"  label@{lang}: {text}" for text, lang in self.labels]
        out += [f"  type: {t}" for t in self.types]
        if self.properties:
            out.append("  properties:")
            out += [f"    {p}  {o}" for p, o in self.properties]
        if self.inbound:
            out.append("  linked from:")
            out += [f"    {s}  {p}" for s, p in self.inbound]
        if self.quotes:
            out.append("  provenance:")
            out += [f'    "{q}"' for q in self.quotes]
        return "\n".join(out) + "\n"


class KnowledgeGraph:
    """A read-only view of the stored graph.

    Every query on a store on disk runs in a worker process with the settings' time limit and
    memory cap; the workers end with `close()` (or the `with` block, or the process).
    """

    def __init__(self, settings: Settings, store: ox.Store | None = None) -> None:
        self.settings = settings
        self.store = store if store is not None else open_store(settings.store_path)
        # Queries run in worker processes that open the store from disk, when there is one.
        self._store_path = settings.store_path if store is None else None
        self._pool: WorkerPool | None = None

    def _workers(self) -> WorkerPool | None:
        if self._store_path is None:
            return None
        if self._pool is None:
            self._pool = WorkerPool(self._store_path, size=1, memory_mb=self.settings.query_memory_mb)
        return self._pool

    def close(self) -> None:
        """End the query workers."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @cached_property
    def named_queries(self) -> dict[str, NamedQuery]:
        return load_queries(resources.queries_dir())

    def named(self, name: str) -> NamedQuery:
        try:
            return self.named_queries[name]
        except KeyError:
            hint = closest(name, list(self.named_queries))
            tail = f"; did you mean: {', '.join(hint)}?" if hint else "; see `inovasi-kg query --list`"
            raise QueryError(f"no named query {name!r}{tail}") from None

    def query(self, name: str, /, *, lang: str | None = None, **params: str) -> QueryResult:
        """Run a named query with keyword parameters (strings, checked and bound as RDF terms).

        `lang` sets the label language (also accepted as a `lang` parameter of queries that have one).
        """
        q = self.named(name)
        subs = bind_parameters(q, params, self.settings.base_iri, lang or self.settings.lang)
        return execute(self.store, q.text, substitutions=subs, max_rows=self.settings.max_rows,
                       timeout=self.settings.query_timeout, pool=self._workers())

    def sparql(self, text: str, *, timeout: float | None = None) -> QueryResult:
        """Run an ad-hoc read-only query, stopped after `timeout` seconds (default: the setting).

        The query is parsed and refused (QueryError) when it updates, calls SERVICE (unless the
        allow_service setting is on) or names a graph outside the store.
        """
        graphs = frozenset(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))
        runnable = check_query(text, allow_service=self.settings.allow_service, graphs=graphs)
        return execute(self.store, runnable, max_rows=self.settings.max_rows,
                       timeout=timeout if timeout is not None else self.settings.query_timeout, pool=self._workers())

    def resolve(self, text: str) -> str:
        """A node's IRI from an IRI, a CURIE, a path under {base}id/ or a label; QueryError if none or ambiguous."""
        if ":" in text or "/" in text:
            try:
                node = resolve_iri(text, self.settings.base_iri)
            except QueryError:
                node = None
            if node is not None and next(iter(self.store.quads_for_pattern(node, None, None)), None) is not None:
                return node.value
        hits = self.query("cari-label", teks=text).values()
        nodes = sorted({h["simpul"] for h in hits})
        exact = sorted({h["simpul"] for h in hits if fold(h["label"]) == fold(text)})
        if len(exact) == 1:
            return exact[0]
        if len(nodes) == 1:
            return nodes[0]
        if not nodes:
            raise QueryError(f"no node has a label containing {text!r}")
        listed = "\n".join(f"  {curie(n) if not n.startswith(self.settings.base_iri) else n}" for n in nodes[:10])
        more = f"\n  ... and {len(nodes) - 10} more" if len(nodes) > 10 else ""
        raise QueryError(f"{len(nodes)} nodes match {text!r}; name one of them:\n{listed}{more}")

    def describe(self, text: str) -> Description:
        """Labels, types, properties, inbound links and provenance of one node."""
        iri = self.resolve(text)
        node = ox.NamedNode(iri)
        d = Description(iri)
        label_props = {PREFIXES["skos"] + "prefLabel", PREFIXES["skos"] + "altLabel"}
        for q in sorted(self.store.quads_for_pattern(node, None, None, ox.DefaultGraph()), key=lambda q: str(q)):
            p = q.predicate.value
            if p in label_props and isinstance(q.object, ox.Literal):
                d.labels.append((q.object.value, q.object.language or ""))
            elif p == PREFIXES["rdf"] + "type":
                d.types.append(curie(q.object.value))
            elif p != PREFIXES["rdfs"] + "label":
                d.properties.append((curie(p), _show(q.object, self.store, self.settings.lang)))
        for q in sorted(self.store.quads_for_pattern(None, None, node, ox.DefaultGraph()), key=lambda q: str(q)):
            d.inbound.append((_show(q.subject, self.store, self.settings.lang), curie(q.predicate.value)))
        d.quotes = [r["teks"] for r in self.query("provenans", simpul=iri).values() if r["teks"]]
        return d


def _show(term: Any, store: ox.Store, lang: str) -> str:
    if isinstance(term, ox.Literal):
        return f'"{term.value}"' + (f"@{term.language}" if term.language else "")
    label = None
    for q in store.quads_for_pattern(term, ox.NamedNode(PREFIXES["skos"] + "prefLabel"), None, ox.DefaultGraph()):
        if q.object.language == lang:
            label = q.object.value
    shown = curie(term.value) if not curie(term.value).startswith("<") else f"<{term.value}>"
    return f"{shown} ({label})" if label else shown


def open_graph(settings: Settings | None = None) -> KnowledgeGraph:
    """Open the stored graph for querying; StoreError if there is no store yet."""
    return KnowledgeGraph(settings or Settings.load())
