"""The Python API: build, validate, export, publish and draw; the CLI and the web app are thin
clients of these functions and of the read facade (`open_graph`, kg.py).

The layers below (core, rdf, sparql, store, ingest, check, dataset, graph) are described in the
package's `__init__.py`.

    >>> from inovasi_kg import Settings, build_store, stats
    >>> settings = Settings.load(store="memory:doc-api")     # or a folder, e.g. var/store
    >>> build_store(settings).rows
    2172
    >>> stats(settings)[0]
    ClassCount(iri='http://www.w3.org/ns/prov#Entity', label='', count=2159)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from inovasi_kg import pipeline
from inovasi_kg.check.validate import ValidationReport
from inovasi_kg.core.errors import StoreError, UsageError
from inovasi_kg.core.settings import Settings, is_url
from inovasi_kg.dataset.catalog import DISTRIBUTIONS, catalog_only
from inovasi_kg.kg import NODE_LIMIT, ClassCount, open_graph
from inovasi_kg.pipeline import BuildReport
from inovasi_kg.rdf.export import CONTEXT_FILE, jsonld_context, serialize_sorted, write_all
from inovasi_kg.rdf.ontology import document
from inovasi_kg.store.open import open_backend, open_remote

if TYPE_CHECKING:
    from inovasi_kg.dataset.push import PushReport  # push (and httpx) load only when a push runs
    from inovasi_kg.ingest.generate import GenerateReport

__all__ = ["BuildReport", "ClassCount", "build_store", "export_rdf", "generate_synthetic", "publish", "push_graph",
           "render_graph", "stats",
           "validate_data"]


def build_store(settings: Settings | None = None, *, force: bool = False,
                progress: Callable[[int, int | None], None] | None = None) -> BuildReport:
    """Load, build, materialize, validate and store the graph; skip when no input changed.

    Raises StoreError when the store location is not ours (nothing is touched), DataError or
    OntologyError (bad input) or ValidationFailed; the old store is kept then.
    """
    settings = settings or Settings.load()
    backend = open_backend(settings)
    try:
        return pipeline.build(settings, backend, force=force, progress=progress)
    finally:
        backend.close()


def push_graph(settings: Settings, to: str, *, graph_store: str | None = None, batch: int | None = None,
               progress: Callable[[int, int | None], None] | None = None) -> PushReport:
    """Load the graph built in the store `settings` names into a named graph of the SPARQL server `to`.

    The named graph is settings.remote_graph ({base}graph by default), replaced as a whole: see push.py.
    """
    from inovasi_kg.dataset.push import push

    if settings.remote:
        raise UsageError(f"push reads a built local store; the store setting names a server ({settings.store})")
    if not is_url(to):
        raise UsageError(f"--to must be a SPARQL server's http(s) URL, got {to!r}")
    source = open_backend(settings)
    remote = open_remote(settings, to)
    try:
        if not source.intact():
            raise StoreError(f"the store {source.location} is damaged or not built; run `inovasi-kg build` first")
        return push(source, remote, graph_store=graph_store, batch=batch, progress=progress)
    finally:
        remote.close()
        source.close()


def generate_synthetic(folder: Path, *, innovations_per_year: int = 30_000, years: int = 5, seed: int = 0,
                       first_year: int = 2020, provinces: list[str] | None = None,
                       progress: Callable[[int, int], None] | None = None) -> GenerateReport:
    """Write the real tables plus synthetic rows (marked synthetic) into a new or empty `folder`, for
    benchmarks and demonstrations; see ingest/generate.py."""
    from inovasi_kg.ingest.generate import generate

    return generate(folder, innovations_per_year=innovations_per_year, years=years, seed=seed, first_year=first_year,
                    provinces=provinces, progress=progress)


def validate_data(settings: Settings | None = None) -> ValidationReport:
    """Build the data in memory and report SHACL results and quality findings (no store is written)."""
    return pipeline.validate(settings or Settings.load())


def export_rdf(settings: Settings | None = None, fmt: str = "turtle", *, catalog_only: bool = False) -> bytes:
    """The stored graph (or only its DCAT/VoID description) in an RDF format, sorted."""
    with open_graph(settings or Settings.load()) as kg:
        return kg.export(fmt, catalog_only=catalog_only)


def publish(settings: Settings | None = None) -> list[Path]:
    """Write every distribution, the catalog and the graph page into the build folder; all or none.

    Every file is first written in full beside its target, then all are renamed into place, so a
    full disk or a read-only folder leaves the previous files whole (UsageError names the reason).
    """
    settings = settings or Settings.load()
    with open_graph(settings) as kg:
        triples = list(kg.backend.triples())  # read once, serialized in every format
        files: list[tuple[str, bytes]] = [(d.file_name, serialize_sorted(triples, d.format.rdf))  # type: ignore[arg-type]
                                          for d in DISTRIBUTIONS]
        files.append(("catalog.ttl", serialize_sorted(catalog_only(triples, settings.base_iri),
                                                      DISTRIBUTIONS[0].format.rdf)))  # type: ignore[arg-type]
        files.append(("graph.html", kg.render("html")))
        files += sorted(document(resources_ontology(settings)).items())
        files.append((CONTEXT_FILE, (json.dumps({"@context": jsonld_context()}, ensure_ascii=False, indent=1,
                                                sort_keys=True) + "\n").encode("utf-8")))
    return write_all(settings.build_path, files)


def resources_ontology(settings: Settings) -> Path:
    from inovasi_kg.core import resources

    return Path(settings.ontology_dir) if settings.ontology_dir else resources.ontology_dir()


def render_graph(settings: Settings | None = None, fmt: str = "html", *, focus: str | None = None,
                 depth: int = 2, classes: list[str] | None = None, exclude: list[str] | None = None,
                 scaffolding: bool = False, overview: bool = False, edition: str | None = None,
                 history: str | None = None, node_limit: int = NODE_LIMIT) -> bytes:
    """The relationship graph (or a focused/filtered view of it) as an offline HTML page or a network file.

    `focus` is a node IRI, CURIE, id path or label; `classes`/`exclude` name classes of the legend;
    `scaffolding` also shows the ontology's classes, properties and code lists; `overview` shows the
    country by province and class; `edition` (a year or an edition) one award edition's winners by
    category; `history` (a region's code or name) one region's award results and index scores over the
    years. A view of more than `node_limit` nodes is refused with advice.
    """
    with open_graph(settings or Settings.load()) as kg:
        return kg.render(fmt, focus=focus, depth=depth, classes=classes, exclude=exclude, scaffolding=scaffolding,
                         overview=overview, edition=edition, history=history, node_limit=node_limit)


def stats(settings: Settings | None = None) -> list[ClassCount]:
    """Instance counts by class, largest first."""
    with open_graph(settings or Settings.load()) as kg:
        return kg.stats()
