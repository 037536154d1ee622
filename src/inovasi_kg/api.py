"""The Python API: the CLI and the web app are thin clients of these functions.

    >>> from inovasi_kg import Settings, build, stats
    >>> settings = Settings.load(store="var/doc-store")
    >>> report = build(settings)          # doctest: +SKIP
    >>> stats(settings)[0]                # doctest: +SKIP
    ClassCount(iri='...', label='...', count=...)
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .build import iter_instance_triples
from .catalog import DISTRIBUTIONS, catalog_triples, dataset_iri
from .errors import StoreError, UsageError, ValidationFailed
from .export import rdf_format, serialize_sorted, sorted_triples, write_all
from .load import LoadedData, load_tables
from .materialize import materialize
from .namespaces import IDA, RDF, SCHEMA
from .ontology import SHAPES_FILE, Ontology, load_ontology
from .settings import Settings
from .store import (
    check_store_path,
    open_store,
    quads_in_default_graph,
    read_fingerprint,
    store_info,
    verify_store,
    writing_store,
)
from .validate import Finding, ValidationReport, quality_findings, shacl_findings

__all__ = ["BuildReport", "ClassCount", "build", "export", "publish", "render_graph", "stats", "validate"]


@dataclass
class BuildReport:
    """What a build did."""

    store: Path
    skipped: bool
    rows: int = 0
    triples: int = 0
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class ClassCount:
    """Instances of one class."""

    iri: str
    label: str
    count: int


def _inputs(settings: Settings) -> tuple[Path, Path]:
    data = Path(settings.data_dir) if settings.data_dir else resources.data_dir()
    onto = Path(settings.ontology_dir) if settings.ontology_dir else resources.ontology_dir()
    return onto, data


def _fingerprint(settings: Settings, ontology_dir: Path, data_dir: Path) -> str:
    digest = hashlib.sha256(settings.base_iri.encode())
    code = sorted(Path(__file__).parent.glob("*.py"))
    for path in [*sorted(ontology_dir.glob("*.ttl")), *sorted(data_dir.glob("*.csv")), *code]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _load(settings: Settings) -> tuple[Ontology, LoadedData, Path]:
    ontology_dir, data_dir = _inputs(settings)
    ontology = load_ontology(ontology_dir)
    data = load_tables(data_dir, ontology.concepts)
    return ontology, data, ontology_dir / SHAPES_FILE


def _fill(store: ox.Store, ontology: Ontology, data: LoadedData, base: str) -> None:
    stream = materialize(itertools.chain(ontology.triples, iter_instance_triples(data, base)), ontology)
    store.bulk_extend(quads_in_default_graph(stream))


def _check(store: ox.Store, shapes: Path, base: str) -> ValidationReport:
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None,
                                                                                            ox.DefaultGraph())]
    conforms, findings = shacl_findings(triples, shapes)
    findings += quality_findings(store, base)
    conforms = conforms and not any(f.severity == "violation" for f in findings)
    return ValidationReport(conforms, findings, len(triples))


def _add_catalog(store: ox.Store, base: str) -> None:
    n_data = len(store)
    sources = sorted({q.object for q in store.quads_for_pattern(None, ox.NamedNode(str(SCHEMA.url)), None,
                                                                ox.DefaultGraph())}, key=str)
    regions = sorted({q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                                                 ox.NamedNode(str(IDA.Kota)), ox.DefaultGraph())},
                     key=str)
    store.extend(quads_in_default_graph(catalog_triples(base, n_data, sources, regions)))  # type: ignore[arg-type]


def _up_to_date(path: Path, fingerprint: str) -> bool:
    """Whether the store at `path` was built from these inputs and is intact (every file hashed)."""
    if read_fingerprint(path) != fingerprint:
        return False
    try:
        verify_store(store_info(path), full=True)
    except StoreError:
        return False  # damaged: rebuild it
    return True


def build(settings: Settings | None = None, *, force: bool = False) -> BuildReport:
    """Load, build, materialize, validate and store the graph; skip when no input changed.

    Raises StoreError when the store path is not ours (nothing is touched), DataError/OntologyError
    (bad input) or ValidationFailed; the old store is kept then.
    """
    settings = settings or Settings.load()
    path = settings.store_path
    check_store_path(path)
    ontology_dir, data_dir = _inputs(settings)
    ontology, data, shapes = _load(settings)
    fingerprint = _fingerprint(settings, ontology_dir, data_dir)
    if not force and _up_to_date(path, fingerprint):
        return BuildReport(path, skipped=True, rows=data.count())
    report = BuildReport(path, skipped=False, rows=data.count())
    with writing_store(path) as new:
        assert new.store is not None
        _fill(new.store, ontology, data, settings.base_iri)
        check = _check(new.store, shapes, settings.base_iri)
        if not check.conforms:
            raise ValidationFailed("the built graph does not conform:\n" + check.text())
        _add_catalog(new.store, settings.base_iri)
        report.triples = sum(1 for _ in new.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        report.findings = check.findings
        new.commit(fingerprint)
    return report


def validate(settings: Settings | None = None) -> ValidationReport:
    """Build the data in memory and report SHACL results and quality findings (no store is written)."""
    settings = settings or Settings.load()
    ontology, data, shapes = _load(settings)
    store = ox.Store()
    _fill(store, ontology, data, settings.base_iri)
    return _check(store, shapes, settings.base_iri)


def _catalog_only(triples: list[ox.Triple], base: str) -> list[ox.Triple]:
    ds, dist = dataset_iri(base), f"{base}id/distribusi/"
    return [t for t in triples if t.subject.value == ds or t.subject.value.startswith(dist)]


def export(settings: Settings | None = None, fmt: str = "turtle", *, catalog_only: bool = False) -> bytes:
    """The stored graph (or only its DCAT/VoID description) serialized in `fmt`."""
    settings = settings or Settings.load()
    rdf = rdf_format(fmt)
    triples = sorted_triples(open_store(settings.store_path))
    if catalog_only:
        triples = _catalog_only(triples, settings.base_iri)
    return serialize_sorted(triples, rdf)


def publish(settings: Settings | None = None) -> list[Path]:
    """Write every distribution, the catalog and the graph page into the build folder; all or none.

    Every file is first written in full beside its target, then all are renamed into place, so a
    full disk or a read-only folder leaves the previous files whole (UsageError names the reason).
    """
    settings = settings or Settings.load()
    out = settings.build_path
    triples = sorted_triples(open_store(settings.store_path))  # read once, serialized in every format
    files: list[tuple[str, bytes]] = [(d.file_name, serialize_sorted(triples, d.format)) for d in DISTRIBUTIONS]
    files.append(("catalog.ttl", serialize_sorted(_catalog_only(triples, settings.base_iri), ox.RdfFormat.TURTLE)))
    files.append(("graph.html", render_graph(settings)))
    return write_all(out, files)


def render_graph(settings: Settings | None = None, fmt: str = "html", *, focus: str | None = None,
                 depth: int = 2, classes: list[str] | None = None, exclude: list[str] | None = None,
                 scaffolding: bool = False) -> bytes:
    """The relationship graph (or a focused/filtered view of it) as an offline HTML page or a graph file.

    `focus` is a node IRI, CURIE, id path or label; `classes`/`exclude` name classes of the legend;
    `scaffolding` also shows the ontology's classes, properties and code lists.
    """
    from .graph import GRAPH_FORMATS, export_graph, rdf_to_networkx, select_view
    from .graphpage import render_html

    settings = settings or Settings.load()
    if fmt not in GRAPH_FORMATS:
        raise UsageError(f"unknown graph format {fmt!r}; expected one of: {', '.join(GRAPH_FORMATS)}")
    store = open_store(settings.store_path)
    g = rdf_to_networkx(store, settings.lang, scaffolding=scaffolding)
    if focus is not None:
        from .kg import KnowledgeGraph

        focus = KnowledgeGraph(settings, store).resolve(focus)
    view = select_view(g, focus=focus, depth=depth, classes=classes, exclude=exclude)
    if fmt == "html":
        return render_html(view, lang=settings.lang).encode("utf-8")
    return export_graph(view, fmt)


_STATS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) (SAMPLE(?l) AS ?label) ?lang WHERE {
  ?s a ?class .
  OPTIONAL { ?class skos:prefLabel ?l FILTER(LANG(?l) = ?lang) }
} GROUP BY ?class ?lang ORDER BY DESC(?n) ?class
"""


def stats(settings: Settings | None = None) -> list[ClassCount]:
    """Instance counts by class, largest first."""
    settings = settings or Settings.load()
    store = open_store(settings.store_path)
    rows = store.query(_STATS, substitutions={ox.Variable("lang"): ox.Literal(settings.lang)})
    return [ClassCount(r["class"].value, r["label"].value if r["label"] else "", int(r["n"].value))
            for r in rows]  # type: ignore[union-attr]
