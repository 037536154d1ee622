"""The one way to read the graph: named queries, ad-hoc SPARQL, describe, resolve, statistics,
quality findings, export and the network view, over any store backend.

The CLI and the web app only translate arguments into these calls. The facade owns the time
limit, the row cap and which columns of a named query are its parameters.

    >>> from inovasi_kg import Settings, build_store, open_graph
    >>> settings = Settings.load(store="memory:doc-kg")
    >>> _ = build_store(settings)
    >>> with open_graph(settings) as kg:
    ...     [r["pemerintah"] for r in kg.query("peringkat-penghargaan").values()][4]
    'Pemerintah Kota Magelang'
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox

from inovasi_kg.core import iris
from inovasi_kg.core.cancel import lane
from inovasi_kg.core.errors import QueryError, StoreError, UsageError
from inovasi_kg.core.prefixes import PREFIXES, curie
from inovasi_kg.core.settings import Settings, take_language
from inovasi_kg.core.terms import fold
from inovasi_kg.sparql.named import NamedQuery, catalogue, closest, resolve_iri
from inovasi_kg.sparql.policy import check_query, looks_light, may_need_no_store, reads_store
from inovasi_kg.sparql.result import QueryResult
from inovasi_kg.store.base import Backend
from inovasi_kg.store.open import open_backend
from inovasi_kg.store.query import execute, execute_named

# A graph picture of more nodes than this is refused with advice (a browser tab would freeze drawing it).
NODE_LIMIT = 2000
T = TypeVar("T")

if TYPE_CHECKING:
    import networkx as nx

    from inovasi_kg.check.validate import Finding
    from inovasi_kg.dataset.catalog import Distribution

__all__ = ["ClassCount", "Description", "KnowledgeGraph", "PageReader", "open_graph"]


@dataclass(frozen=True)
class ClassCount:
    """Instances of one class."""

    iri: str
    label: str
    count: int


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


_PREF, _ALT = PREFIXES["skos"] + "prefLabel", PREFIXES["skos"] + "altLabel"
_TYPE, _RDFS_LABEL = PREFIXES["rdf"] + "type", PREFIXES["rdfs"] + "label"


# The properties the graph page's views follow (edition, history).
_TAHUN, _EDISI, _PENERIMA = (iris.ONTOLOGY_NS + n for n in ("tahun", "edisi", "penerima"))
_KATEGORI, _WILAYAH = iris.ONTOLOGY_NS + "kategoriPenghargaan", iris.ONTOLOGY_NS + "wilayah"


class _PerGeneration:
    """Values that depend only on the store's contents, computed once per generation (by fingerprint).

    A value is kept only when the fingerprint is the same before and after computing it, so a rebuild
    during the computation never leaves an answer filed under the wrong generation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._values: dict[str, Any] = {}

    def get(self, backend: Backend, name: str, compute: Callable[[], T]) -> T:
        before = backend.fingerprint()
        with self._lock:
            if before is not None and self._generation == before and name in self._values:
                return self._values[name]  # type: ignore[no-any-return]
        value = compute()
        if before is not None and backend.fingerprint() == before:
            with self._lock:
                if self._generation != before:
                    self._generation, self._values = before, {}
                self._values[name] = value
        return value


class _Labels:
    """skos:prefLabel by language of each IRI looked up, for one generation at a time (bounded)."""

    LIMIT = 200_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._found: dict[str, dict[str, str]] = {}

    def of(self, generation: str | None) -> dict[str, dict[str, str]] | None:
        if generation is None:
            return None
        with self._lock:
            if generation != self._generation or len(self._found) > self.LIMIT:
                self._generation, self._found = generation, {}
            return self._found


class PageReader:
    """Pattern reads, labels and the page's own named queries for one page (KnowledgeGraph.page_reader).

    On a pinned generation (the embedded store) the named queries run in this process on the same
    handle: a page's queries are bound to its one node, so their cost is that of the node's
    neighbourhood, and a round trip to a worker process would cost more than the query. Elsewhere they
    go through the graph as any named query does."""

    def __init__(self, kg: KnowledgeGraph, reader: Any, labels: dict[str, dict[str, str]] | None,
                 pinned: bool) -> None:
        self._kg, self._reader, self._labels, self._pinned = kg, reader, labels, pinned

    def query(self, name: str, /, **params: str) -> QueryResult:
        """A named query of the page (as KnowledgeGraph.query)."""
        if not self._pinned:
            return self._kg.query(name, **params)
        kg = self._kg
        lang = take_language(None, params, option="lang {!r}", parameter="parameter lang={!r}")
        return execute_named(self._reader, kg.named(name), params, base=kg.settings.base_iri,
                             lang=lang or kg.settings.lang, max_rows=kg.settings.max_rows,
                             timeout=kg.settings.query_timeout)

    def triples(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                obj: Any = None) -> Iterator[ox.Triple]:
        return self._reader.triples(subject, predicate, obj)  # type: ignore[no-any-return]

    def links(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
              obj: Any = None) -> Iterator[Any]:
        """As `triples`, without copying each into a Triple where the reader can (the items have the
        subject, predicate and object of a triple, and print as one)."""
        quads = getattr(self._reader, "default_quads", None)
        if quads is None:
            return self._reader.triples(subject, predicate, obj)  # type: ignore[no-any-return]
        return quads(subject, predicate, obj)  # type: ignore[no-any-return]

    def labels(self, iri: str) -> dict[str, str]:
        """The node's skos:prefLabel values by language tag."""
        if self._labels is not None and (known := self._labels.get(iri)) is not None:
            return known
        found: dict[str, str] = {}
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return found
        for t in self.links(node, ox.NamedNode(_PREF), None):
            if isinstance(t.object, ox.Literal) and t.object.language:
                found[t.object.language] = t.object.value
        if self._labels is not None:
            self._labels[iri] = found
        return found

    def label(self, iri: str, lang: str) -> str:
        """The node's label in `lang`, else in the other language, else its CURIE."""
        found = self.labels(iri)
        return found.get(lang) or found.get("id" if lang == "en" else "en") or curie(iri)


class KnowledgeGraph:
    """A read-only view of the graph in a store backend (the one the settings name, by default)."""

    def __init__(self, settings: Settings, backend: Backend | None = None, *, workers: int = 1, light: int = 0,
                 page_copy: bool = False) -> None:
        self.settings = settings
        self.backend = backend if backend is not None else open_backend(settings, workers=workers, light=light,
                                                                        page_copy=page_copy)
        self._owns_backend = backend is None
        self._memo = _PerGeneration()
        self._labels = _Labels()
        if backend is None and not self.backend.capabilities.persistent and self.backend.fingerprint() is None:
            raise StoreError(f"the in-memory store {self.backend.location} is empty: it lives only in the process "
                             f"that built it (build into it first, or give a folder)")

    def in_language(self, lang: str) -> KnowledgeGraph:
        """The same graph, read with labels in `lang` (shares this facade's backend)."""
        if lang == self.settings.lang:
            return self
        from dataclasses import replace

        other = KnowledgeGraph(replace(self.settings, lang=lang), self.backend)
        other._memo = self._memo  # language-free values are shared; language-bound ones carry lang in the name
        other._labels = self._labels
        return other

    def page_reader(self) -> PageReader:
        """The reads of one page, all from one generation where the backend can pin one (the embedded
        store), with labels remembered per generation."""
        pinned = getattr(self.backend, "pinned", None)
        if pinned is None:
            return PageReader(self, self.backend, None, False)
        generation, reader = pinned()
        return PageReader(self, reader, self._labels.of(generation), True)

    def memory_page_reader(self) -> PageReader | None:
        """A page reader whose reads are all in this process's memory (the embedded store's complete
        in-memory copy of the current generation), or None; asking never opens or waits for the store."""
        ready = getattr(self.backend, "ready_copy", None)
        found = ready() if ready is not None else None
        if found is None:
            return None
        generation, reader = found
        return PageReader(self, reader, self._labels.of(generation), True)

    def close(self) -> None:
        """Release the backend's workers and handles (when this facade opened it)."""
        if self._owns_backend:
            self.backend.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- queries -----------------------------------------------------------------------------------

    @cached_property
    def named_queries(self) -> dict[str, NamedQuery]:
        """The named queries (the shipped catalogue, loaded once per process; this facade's own copy)."""
        return dict(catalogue())

    def named(self, name: str) -> NamedQuery:
        try:
            return self.named_queries[name]
        except KeyError:
            hint = closest(name, list(self.named_queries))
            tail = f"; did you mean: {', '.join(hint)}?" if hint else "; see `inovasi-kg query --list`"
            raise QueryError(f"no named query {name!r}{tail}") from None

    def query(self, name: str, /, *, lang: str | None = None, **params: str) -> QueryResult:
        """Run a named query with keyword parameters (strings, checked and bound as RDF terms).

        `lang` sets the label language (also accepted as a `lang` parameter). The result's table
        leaves out the parameter columns (`hidden`); the results formats keep them.
        """
        lang = take_language(lang, params, option="lang {!r}", parameter="parameter lang={!r}")
        with lane(True, ours=True):  # our own queries: light (one past the light budget goes on with the others)
            return execute_named(self.backend, self.named(name), params, base=self.settings.base_iri,
                                 lang=lang or self.settings.lang, max_rows=self.settings.max_rows,
                                 timeout=self.settings.query_timeout)

    def concepts(self, scheme: str) -> list[dict[str, Any]]:
        """The concepts of a code list (a prefix of core/prefixes.py SCHEMES): konsep, notasi, label in
        this facade's language; kept per store generation."""
        from inovasi_kg.store.query import concepts

        lang, limit = self.settings.lang, self.settings.query_timeout
        return list(self._memo.get(self.backend, f"concepts:{scheme}:{lang}",
                                   lambda: concepts(self.backend, scheme, lang, timeout=limit)))

    def store_free(self, text: str) -> bool:
        """Whether an ad-hoc query needs nothing from the store (`ASK {}`): it then runs in this process.
        False for a query that is refused or bad (running it gives the error), and, without parsing, for
        one with anything in a group (policy.may_need_no_store)."""
        if not may_need_no_store(text):
            return False
        try:
            return not reads_store(check_query(text, allow_service=self.settings.allow_service, protocol_dataset=True))
        except QueryError:
            return False

    def sparql(self, text: str, *, default_graphs: list[str] | None = None,
               named_graphs: list[str] | None = None) -> QueryResult:
        """Run an ad-hoc read-only query, stopped at the time limit.

        The query is parsed and refused (QueryError) when it updates, calls SERVICE (unless the
        allow_service setting is on) or names in FROM a graph outside the store. `default_graphs` and
        `named_graphs` are the SPARQL protocol's dataset (they replace the query's FROM clauses; a
        graph the store does not hold is empty, nothing is ever fetched). Relative IRIs resolve
        against the base IRI (`<id/organisasi/33.71.balitbang>` names that node).
        """
        runnable = check_query(text, allow_service=self.settings.allow_service, graphs=self.backend.graphs(),
                               protocol_dataset=default_graphs is not None or named_graphs is not None)
        reader = self.backend if reads_store(runnable) else _nothing()  # same answer, no worker, no round trip
        with lane(looks_light(runnable)):
            return execute(reader, runnable, max_rows=self.settings.max_rows, timeout=self.settings.query_timeout,
                           dataset=(default_graphs, named_graphs), base_iri=self.settings.base_iri)

    # --- nodes ------------------------------------------------------------------------------------

    def _exists(self, iri: str) -> bool:
        return next(self.backend.triples(ox.NamedNode(iri), None, None), None) is not None

    def resolve(self, text: str) -> str:
        """A node's IRI from an IRI, a CURIE, a path under {base}id/ or a label; QueryError if none or ambiguous."""
        if not text.strip():
            raise QueryError("give a label, an IRI, a CURIE or an id path")
        if ":" in text or "/" in text:
            try:
                node = resolve_iri(text, self.settings.base_iri)
            except QueryError:
                node = None
            if node is not None and self._exists(node.value):
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
        for t in sorted(self.backend.triples(node, None, None), key=str):
            p = t.predicate.value
            if p in (_PREF, _ALT) and isinstance(t.object, ox.Literal):
                d.labels.append((t.object.value, t.object.language or ""))
            elif p == _TYPE:
                d.types.append(curie(t.object.value))
            elif p != _RDFS_LABEL:
                d.properties.append((curie(p), self._show(t.object)))
        for t in sorted(self.backend.triples(None, None, node), key=str):
            d.inbound.append((self._show(t.subject), curie(t.predicate.value)))
        d.quotes = [r["teks"] for r in self.query("provenans", simpul=iri).values() if r["teks"]]
        return d

    def _show(self, term: Any) -> str:
        if isinstance(term, ox.Literal):
            return f'"{term.value}"' + (f"@{term.language}" if term.language else "")
        label = None
        for t in self.backend.triples(term, ox.NamedNode(_PREF), None):
            if t.object.language == self.settings.lang:
                label = t.object.value
        shown = curie(term.value) if not curie(term.value).startswith("<") else f"<{term.value}>"
        return f"{shown} ({label})" if label else shown

    # --- whole-graph views ------------------------------------------------------------------------

    def stats(self) -> list[ClassCount]:
        """Instance counts by class (every vocabulary), largest first."""
        return [ClassCount(r["kelas"], r["nama"] or "", r["jumlah"]) for r in self.query("statistik-kelas").values()]

    def findings(self) -> list[Finding]:
        """Data-quality findings: recorded contradictions, missing English labels, dangling links."""
        from inovasi_kg.check.validate import quality_findings

        return quality_findings(self.backend, self.settings.base_iri)

    def catalog(self) -> list[ox.Triple]:
        """The dataset's DCAT/VoID description (the catalog node, its distributions and figures)."""
        from inovasi_kg.dataset.catalog import catalog_only

        # a walk over every triple: once per generation
        return list(self._memo.get(self.backend, "catalog",
                                   lambda: catalog_only(list(self.backend.triples()), self.settings.base_iri)))

    @staticmethod
    def match_regions(printed: Iterable[str], regions: Iterable[tuple[str, str, str]],
                      spellings: Iterable[tuple[str, str]] = (), kinds: tuple[str, ...] = ("provinsi",)
                      ) -> tuple[dict[str, str], list[str]]:
        """Region codes for names as some source prints them, by the build's region matcher: `regions` are
        (code, kind, label) triples, `spellings` the (hidden label, code) pairs sources print. Returns
        each matched name's code and a message per name that matches none or several (the map's shapes)."""
        from inovasi_kg.ingest.regions import MatchError, RegionMatcher

        matcher = RegionMatcher.from_labels(regions, spellings)
        found: dict[str, str] = {}
        problems: list[str] = []
        for name in printed:
            try:
                found[name] = matcher.match(name, kinds).code
            except MatchError as e:
                problems.append(str(e))
        return found, problems

    def superproperties(self) -> dict[str, frozenset[str]]:
        """Each property's super-properties (rdfs:subPropertyOf in the store, closed transitively), with
        the one rule materialization adds: a quote (ida:kutipanSumber) is also prov:wasDerivedFrom
        (rdf/materialize.py). What the build materialized from a triple is found from these."""
        def compute() -> dict[str, frozenset[str]]:
            direct: dict[str, set[str]] = {}
            sub = ox.NamedNode(PREFIXES["rdfs"] + "subPropertyOf")
            for t in self.backend.triples(None, sub, None):
                if isinstance(t.object, ox.NamedNode) and t.subject.value != t.object.value:
                    direct.setdefault(t.subject.value, set()).add(t.object.value)
            direct.setdefault(iris.ONTOLOGY_NS + "kutipanSumber", set()).add(PREFIXES["prov"] + "wasDerivedFrom")
            from inovasi_kg.rdf.ontology import closure

            return closure(direct)

        return dict(self._memo.get(self.backend, "superproperties", compute))

    def ontology_terms(self) -> list[ox.Triple]:
        """The triples about the ontology and its terms (subjects in the ontology's namespace), sorted."""
        ontology = iris.ONTOLOGY_NS.rstrip("#")

        def terms() -> list[ox.Triple]:
            return sorted((t for t in self.backend.triples() if t.subject.value.startswith(ontology)), key=str)

        return list(self._memo.get(self.backend, "ontology", terms))

    @staticmethod
    def distributions() -> list[Distribution]:
        """The dumps the catalog names, in catalog order."""
        from inovasi_kg.dataset.catalog import DISTRIBUTIONS

        return list(DISTRIBUTIONS)

    def dump_digest(self, fmt: str) -> tuple[int, str]:
        """Size in bytes and SHA-256 (hex) of the graph's dump in an RDF format (what /dump/FILE serves:
        the same graph gives the same bytes); computed once per store generation."""
        import hashlib

        def compute() -> tuple[int, str]:
            data = self.export(fmt)
            return len(data), hashlib.sha256(data).hexdigest()

        return self._memo.get(self.backend, f"dump-digest:{fmt}", compute)

    def export(self, fmt: str = "turtle", *, catalog_only: bool = False) -> bytes:
        """The graph (or only its DCAT/VoID description) in an RDF format, sorted: same graph, same bytes."""
        from inovasi_kg.core.formats import RDF
        from inovasi_kg.core.formats import fmt as format_named
        from inovasi_kg.rdf.export import serialize_sorted

        if not catalog_only:
            return self.backend.dump(fmt)
        rdf = format_named(fmt, RDF).rdf
        assert rdf is not None
        return serialize_sorted(self.catalog(), rdf)

    def network(self, *, scaffolding: bool = False, skeleton: bool = False) -> nx.MultiDiGraph:
        """The graph as a NetworkX MultiDiGraph: resources as nodes, literals as attributes; regions and
        governments of the national skeleton only where facts reach them, unless `skeleton`."""
        from inovasi_kg.graph.network import rdf_to_networkx

        return rdf_to_networkx(self.backend, self.settings.lang, scaffolding=scaffolding, skeleton=skeleton,
                               base=self.settings.base_iri)

    def render(self, fmt: str = "html", *, focus: str | None = None, depth: int = 2, classes: list[str] | None = None,
               exclude: list[str] | None = None, scaffolding: bool = False,
               page_of: Callable[[str], str | None] | None = None, overview: bool = False,
               nav: list[dict[str, str]] | None = None, edition: str | None = None, history: str | None = None,
               node_limit: int = NODE_LIMIT) -> bytes:
        """The network (or a focused/filtered view of it, or the national overview by province and class)
        as an offline HTML page or a network file.

        `focus` is a node IRI, CURIE, id path or label; `classes`/`exclude` name classes of the legend.
        `edition` (a year, an edition's id, IRI or label) draws one award edition: its winners by category;
        `history` (a region's Kemendagri code, or a region or government by IRI or label) draws one region's
        award results and index scores across the years. A view of more than `node_limit` nodes is refused
        with advice (a browser tab would freeze drawing it).
        """
        from inovasi_kg.core.formats import NETWORK
        from inovasi_kg.core.formats import fmt as format_named
        from inovasi_kg.graph.network import select_view, write_network

        kind = format_named(fmt, NETWORK).name
        if node_limit < 1:
            raise UsageError("the node limit must be 1 or more")
        if sum(x is not None for x in (focus, edition, history)) + overview > 1:
            raise UsageError("choose one view: a focus node, an edition, a region's history or the overview")
        if overview:
            if classes or exclude:
                raise UsageError("the overview shows the whole country; leave out --class and --exclude-class")
            view = self.overview()
        elif edition is not None or history is not None:
            graph = self.edition_picture(edition) if edition is not None else self.history_picture(history or "")
            view = select_view(graph, classes=classes, exclude=exclude)
            if view.number_of_nodes() > node_limit:
                raise UsageError(self._advice(f"this view has {view.number_of_nodes():,} nodes"))
        else:
            iri = self.resolve(focus) if focus is not None else None
            if iri is None:
                grown = self._grown_count()
                if grown > node_limit:
                    raise UsageError(self._advice(f"the whole graph has more than {grown:,} nodes"))
                graph = self.network(scaffolding=scaffolding)
            else:
                graph = self._neighbourhood(iri, depth, node_limit, scaffolding)
            view = select_view(graph, focus=iri, depth=depth, classes=classes, exclude=exclude)
            if view.number_of_nodes() > node_limit:
                raise UsageError(self._advice(f"this view has {view.number_of_nodes():,} nodes"))
        if kind == "html":
            from inovasi_kg.graph.page import render_html

            return render_html(view, lang=self.settings.lang, page_of=page_of, nav=nav).encode("utf-8")
        return write_network(view, kind)

    @staticmethod
    def _advice(what: str) -> str:
        return (f"{what}, more than a browser can draw smoothly (--node-limit); try --overview for the country by "
                "province and class, --focus NODE --depth 1 for one government's neighbourhood, or --class to keep "
                "some classes")

    def _grown_count(self) -> int:
        """Instances of the classes that grow with the data (innovations, agencies, rankings, observations):
        a cheap lower bound of the picture's size, asked before reading the whole graph."""
        from inovasi_kg.sparql.named import internal

        return int(self.backend.query(internal("jumlah-bertumbuh")).rows[0][0].value)

    def _neighbourhood(self, iri: str, depth: int, node_limit: int, scaffolding: bool) -> nx.MultiDiGraph:
        """The picture of the nodes within `depth` links of `iri`, read node by node from the store (never
        the whole graph); refused when it grows past the node limit."""
        from inovasi_kg.rdf.namespaces import RDF

        type_ = ox.NamedNode(str(RDF.type))
        near = {iri}
        frontier = {iri}
        for _ in range(depth):
            following: set[str] = set()
            for node in frontier:
                term = ox.NamedNode(node)
                for t in self.backend.triples(term, None, None):
                    if isinstance(t.object, ox.NamedNode) and t.predicate != type_:
                        following.add(t.object.value)
                for t in self.backend.triples(None, None, term):
                    if isinstance(t.subject, ox.NamedNode):
                        following.add(t.subject.value)
                if len(near | following) > 4 * node_limit:
                    raise UsageError(self._advice(f"the neighbourhood of {iri} within {depth} links has more than "
                                                  f"{4 * node_limit:,} nodes"))
            frontier = following - near
            near |= following
        return self._picture(near, scaffolding)

    def _picture(self, near: set[str], scaffolding: bool) -> nx.MultiDiGraph:
        """The picture of the nodes `near` with their own triples (links out of the set lead to nodes drawn
        only where their triples are read: the classes' labels, the quotes' text)."""
        from inovasi_kg.graph.network import rdf_to_networkx
        from inovasi_kg.rdf.namespaces import IDA, OA, SKOS

        own = [t for node in sorted(near) for t in self.backend.triples(ox.NamedNode(node), None, None)]
        quotes = [t.object for t in own if t.predicate.value == str(IDA.kutipanSumber)]
        selectors = [t.object for q in quotes for t in self.backend.triples(q, ox.NamedNode(str(OA.hasSelector)), None)]  # type: ignore[arg-type]
        label = ox.NamedNode(str(SKOS.prefLabel))
        subset = [*self.backend.triples(None, ox.NamedNode(PREFIXES["rdfs"] + "subClassOf"), None),  # for classes
                  *(t for p in sorted({t.predicate.value for t in own})  # edge labels
                    for t in self.backend.triples(ox.NamedNode(p), label, None)),
                  *own,  # and what the picture shows of quotes: their text
                  *(t for node in sorted({x.value for x in [*quotes, *selectors]})
                    for t in self.backend.triples(ox.NamedNode(node), None, None))]
        subset.sort(key=str)  # the same picture whatever order the backend reads in (a server's is its own)
        return rdf_to_networkx(_Triples(subset), self.settings.lang, scaffolding=scaffolding, skeleton=True,
                               base=self.settings.base_iri)

    def edition_picture(self, edition: str) -> nx.MultiDiGraph:
        """One award edition and its winners by category: the edition, each winning result (rank and score
        as its attributes), the category it is in and the regional government that won it."""
        iri = self._edition(edition)
        year = next((t.object.value for t in self.backend.triples(ox.NamedNode(iri), ox.NamedNode(_TAHUN), None)), "")
        results = {row["hasil"] for row in self.query("pemenang", tahun=year).values()} if year else set()
        near = {iri}
        for result in sorted(results):
            own = list(self.backend.triples(ox.NamedNode(result), None, None))
            if not any(t.predicate.value == _EDISI and t.object.value == iri for t in own):
                continue  # another award's edition of the same year
            near.add(result)
            near.update(t.object.value for t in own if t.predicate.value in (_PENERIMA, _KATEGORI))
        return self._picture(near, False).subgraph(near).copy()

    def history_picture(self, region: str) -> nx.MultiDiGraph:
        """One region across the years: the region, its government, every award result of the government
        (wins and nominations) with its edition and category, and its innovation-index scores."""
        code, place = self._region(region)
        near = {place}
        near.update(t.subject.value for t in self.backend.triples(None, ox.NamedNode(_WILAYAH), ox.NamedNode(place))
                    if self._has_type(t.subject.value, "PemerintahDaerah"))
        for row in self.query("riwayat-penghargaan", kode=code).values():
            near.add(row["hasil"])
            near.update(t.object.value for t in self.backend.triples(ox.NamedNode(row["hasil"]), None, None)
                        if t.predicate.value in (_EDISI, _KATEGORI))
        near.update(row["nilai"] for row in self.query("iid-daerah", kode=code).values())
        return self._picture(near, False).subgraph(near).copy()

    def _edition(self, text: str) -> str:
        """An award edition's IRI from a year (the IGA of that year), an edition's id, IRI, CURIE or label."""
        key = text.strip()
        if key.isdigit() and len(key) == 4:
            key = f"iga-{key}"
        iri: str | None = None
        if re.fullmatch(r"[\w.-]+", key):
            iri = iris.instance_iri(self.settings.base_iri, "edisi-penghargaan", key)
        if iri is None or not self._exists(iri):
            try:
                iri = self.resolve(text)
            except QueryError:
                iri = None
        if iri is None or not self._has_type(iri, "EdisiPenghargaan"):
            editions = sorted(t.subject.value.rsplit("/", 1)[-1] for t in self.backend.triples(
                None, ox.NamedNode(_TYPE), ox.NamedNode(iris.ONTOLOGY_NS + "EdisiPenghargaan")))
            raise UsageError(f"{text!r} is not an award edition; give a year or one of: {', '.join(editions)}")
        return iri

    def _region(self, text: str) -> tuple[str, str]:
        """A region's Kemendagri code and IRI from its code, its name as sources print it ("Kab. Bogor", by
        the build's region matcher), or a region or its government by IRI, CURIE or id path."""
        from inovasi_kg.ingest.regions import MatchError

        code = ox.NamedNode(iris.ONTOLOGY_NS + "kodeWilayah")
        key = text.strip()
        if not key:
            raise UsageError("give a region's Kemendagri code (e.g. 33.71) or its name")
        places = [t.subject.value for t in self.backend.triples(None, code, ox.Literal(key))]
        if not places and (":" in key or "/" in key):
            node = self.resolve(key)
            via = [t.object.value for t in self.backend.triples(ox.NamedNode(node), ox.NamedNode(_WILAYAH), None)]
            places = [p for p in [node, *via] if self._has(p, code)]
            if not places:
                raise UsageError(f"{text!r} is neither a region nor a regional government; give a Kemendagri code "
                                 "such as 33.71, or a region's name")
        if not places:
            try:
                found = self._region_matcher().match(key).code
            except MatchError as e:
                raise UsageError(str(e)) from None
            places = [t.subject.value for t in self.backend.triples(None, code, ox.Literal(found))]
        place = places[0]
        return next(t.object.value for t in self.backend.triples(ox.NamedNode(place), code, None)), place

    def _region_matcher(self) -> Any:
        """The build's region matcher over the store's regions and the spellings sources print (per generation)."""
        from inovasi_kg.ingest.regions import RegionMatcher
        from inovasi_kg.sparql.named import internal

        def compute() -> RegionMatcher:
            rows = self.backend.query(internal("wilayah")).rows
            kinds = {iris.ONTOLOGY_NS + k: k.lower() for k in ("Provinsi", "Kabupaten", "Kota")}
            regions = sorted({(r[0].value, kinds[r[1].value], r[2].value) for r in rows})
            spellings = sorted({(r[3].value, r[0].value) for r in rows if r[3] is not None})
            return RegionMatcher.from_labels(regions, spellings)

        return self._memo.get(self.backend, "region-matcher", compute)

    def _has(self, iri: str, predicate: ox.NamedNode) -> bool:
        return any(True for _ in self.backend.triples(ox.NamedNode(iri), predicate, None))

    def _has_type(self, iri: str, local: str) -> bool:
        return any(True for _ in self.backend.triples(ox.NamedNode(iri), ox.NamedNode(_TYPE),
                                                       ox.NamedNode(iris.ONTOLOGY_NS + local)))

    def overview(self) -> nx.MultiDiGraph:
        """The country by province and class: a node per province, and one per class in it carrying the count."""
        import networkx as nx

        from inovasi_kg.graph.network import class_style

        g = nx.MultiDiGraph()
        rows = self.query("ikhtisar-provinsi").values()
        for row in rows:
            province, cls = row["provinsi"], row["kelas"].rsplit("#", 1)[-1]
            if province not in g:
                colour, kind_id, kind_en = class_style("Provinsi")
                g.add_node(province, label=row["nama"] or province, label_id=row["nama"] or "", label_en="",
                           iri=province, kelas="Provinsi", kelas_label=kind_id if self.settings.lang == "id" else kind_en,
                           color=colour, quotes="", jumlah=0)
            colour, kind_id, kind_en = class_style(cls)
            node = f"{province}#{cls}"
            g.add_node(node, label=f"{row['nama_kelas'] or cls}: {int(row['jumlah']):,}", label_id="", label_en="",
                       iri=province, kelas=cls, kelas_label=kind_id if self.settings.lang == "id" else kind_en,
                       color=colour, quotes="", jumlah=int(row["jumlah"]))
            g.add_edge(node, province, key="ida:bagianDari", predicate=PREFIXES["ida"] + "bagianDari",
                       label="bagian dari" if self.settings.lang == "id" else "part of")
        return g


class _Triples:
    """A fixed set of triples read like a store (for a picture of part of the graph)."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self._triples = triples

    def triples(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                obj: Any = None) -> Iterator[ox.Triple]:
        for t in self._triples:
            if (subject is None or t.subject == subject) and (predicate is None or t.predicate == predicate) \
                    and (obj is None or t.object == obj):
                yield t



def open_graph(settings: Settings | None = None) -> KnowledgeGraph:
    """Open the graph the settings name for reading; StoreError if there is no store yet."""
    return KnowledgeGraph(settings or Settings.load())


@functools.lru_cache(maxsize=1)
def _nothing() -> Backend:
    """An empty store in this process, for queries that read no store (their answer is the same)."""
    from inovasi_kg.store.memory import MemoryBackend

    return MemoryBackend()
