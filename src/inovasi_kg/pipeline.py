"""The build pipeline, top down: load and check the inputs, build and materialize the triples,
validate, describe the dataset, and commit a new generation of the store (or keep the old one).

    inputs = load_inputs(settings)          # ontology + checked tables (DataError, OntologyError)
    with backend.replacing() as new:         # a new, empty generation
        new.add(graph_quads(inputs, base))   # instances + ontology, materialized, + search labels
        new.loaded()                         # the bulk is in (and on disk, or kept in memory to check)
        report = check(new, ...)             # SHACL + quality findings (ValidationFailed)
        new.add(catalog_quads(new, base))    # DCAT/VoID, counted from what was built
        new.commit(fingerprint)              # atomically replaces the old contents
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from inovasi_kg.check.shacl import sparql_findings
from inovasi_kg.check.validate import Finding, ValidationReport, quality_findings
from inovasi_kg.core import resources
from inovasi_kg.core.errors import ValidationFailed
from inovasi_kg.core.iris import SEARCH_ENTRY
from inovasi_kg.core.prefixes import PREFIXES
from inovasi_kg.core.settings import Settings
from inovasi_kg.core.terms import fold
from inovasi_kg.dataset.catalog import catalog_quads
from inovasi_kg.ingest.load import LoadedData, load_tables
from inovasi_kg.ingest.triples import iter_instance_triples
from inovasi_kg.rdf.materialize import materialize
from inovasi_kg.rdf.ontology import SHAPES_FILE, Ontology, load_ontology
from inovasi_kg.store.base import SEARCH_GRAPH, Backend, Reader, Staging

__all__ = ["BuildReport", "Inputs", "build", "check", "fingerprint", "graph_quads", "load_inputs", "validate"]

_SEARCH_ENTRY = ox.NamedNode(SEARCH_ENTRY)
_GYEAR = ox.NamedNode(PREFIXES["xsd"] + "gYear")
_LABELS = {PREFIXES["skos"] + "prefLabel", PREFIXES["skos"] + "altLabel", PREFIXES["skos"] + "hiddenLabel"}
_SEPARATOR = "\u001f"  # never in a label: the loader refuses control characters


@dataclass
class BuildReport:
    """What a build did."""

    store: str
    skipped: bool
    rows: int = 0
    triples: int = 0
    findings: list[Finding] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage


@dataclass
class Inputs:
    """The checked inputs of a build."""

    ontology_dir: Path
    data_dir: Path
    ontology: Ontology
    data: LoadedData

    @property
    def shapes(self) -> Path:
        return self.ontology_dir / SHAPES_FILE


def load_inputs(settings: Settings) -> Inputs:
    """Read the ontology and every table; DataError (file:row:column) or OntologyError (file:line)."""
    ontology_dir = Path(settings.ontology_dir) if settings.ontology_dir else resources.ontology_dir()
    data_dir = Path(settings.data_dir) if settings.data_dir else resources.data_dir()
    ontology = load_ontology(ontology_dir)
    return Inputs(ontology_dir, data_dir, ontology, load_tables(data_dir, ontology.concepts))


def fingerprint(settings: Settings, inputs: Inputs) -> str:
    """A digest of everything a build reads: base IRI, ontology, tables and the code itself."""
    digest = hashlib.sha256(settings.base_iri.encode())
    here = Path(__file__).parent
    code = sorted(p for p in here.rglob("*.py") if p.relative_to(here).parts[0] not in ("web", "graph"))
    for path in [*sorted(inputs.ontology_dir.glob("*.ttl")), *sorted(inputs.data_dir.glob("*.csv")), *code]:
        name = path.relative_to(here).as_posix() if path.is_relative_to(here) else path.name
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def graph_quads(inputs: Inputs, base: str, years: set[str] | None = None) -> Iterator[ox.Quad]:
    """The graph as quads: ontology and instances, materialized, in the default graph; and each label's
    folded search entry in the internal search graph (never exported). `years` collects every xsd:gYear
    value on the way (for the catalog's temporal coverage)."""
    ontology = (ox.Quad(t.subject, t.predicate, t.object) for t in inputs.ontology.triples)
    for t in materialize(itertools.chain(ontology, iter_instance_triples(inputs.data, base)), inputs.ontology):
        yield t  # a quad of the default graph
        o = t.object
        if isinstance(o, ox.Literal):
            if t.predicate.value in _LABELS:
                entry = fold(o.value) + _SEPARATOR + o.value
                yield ox.Quad(t.subject, _SEARCH_ENTRY, ox.Literal(entry, language=o.language), SEARCH_GRAPH)
            elif years is not None and o.datatype == _GYEAR:
                years.add(o.value)


def check(reader: Reader, shapes: Path, base: str) -> ValidationReport:
    """SHACL shapes (as SPARQL over the store: see shacl.py) and data-quality findings over `reader`."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:  # the quality queries beside the shape checks
        quality = pool.submit(quality_findings, reader, base)
        conforms, findings = sparql_findings(reader, shapes)
        findings += quality.result()
    conforms = conforms and not any(f.severity == "violation" for f in findings)
    return ValidationReport(conforms, findings, reader.count())


def build(settings: Settings, backend: Backend, *, force: bool = False,
          progress: Callable[[int, int | None], None] | None = None) -> BuildReport:
    """Load, build, materialize, validate and store the graph; skip when no input changed and the
    store is intact. StoreError (location not ours, nothing touched), DataError/OntologyError, or
    ValidationFailed; the old contents are kept then. `progress(quads, None)` is called as quads stream in."""
    backend.check_writable()
    clock = _Clock()
    inputs = load_inputs(settings)
    digest = fingerprint(settings, inputs)
    if not force and backend.fingerprint() == digest and backend.intact():
        return BuildReport(backend.location, skipped=True, rows=inputs.data.count())
    report = BuildReport(backend.location, skipped=False, rows=inputs.data.count(), seconds=clock.lap("load"))
    with backend.replacing() as new:
        result = _fill(new, inputs, settings.base_iri, clock, progress)
        if not result.conforms:
            raise ValidationFailed("the built graph does not conform:\n" + result.text())
        report.triples = result.triples
        report.findings = result.findings
        new.commit(digest)
        clock.lap("commit")
    return report


def _fill(new: Staging, inputs: Inputs, base: str, clock: _Clock,
          progress: Callable[[int, int | None], None] | None = None) -> ValidationReport:
    """Fill a new generation with what the build stores and check it: the data, ontology and their
    materialized triples (what the shapes check), then, when that conforms, the DCAT/VoID description.
    The report counts the default graph as stored, so `build` and `validate` give the same figure."""
    years: set[str] = set()
    new.add(_counted(graph_quads(inputs, base, years), progress))
    new.loaded()
    clock.lap("store")
    result = check(new, inputs.shapes, base)
    clock.lap("validate")
    if result.conforms:
        new.add(list(catalog_quads(new, base, years)))
        result.triples = new.count()
        clock.lap("catalog")
    return result


class _Clock:
    """Wall time per stage, into one dict."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, stage: str) -> dict[str, float]:
        now = time.perf_counter()
        self.seconds[stage] = now - self.last
        self.last = now
        return self.seconds


def _counted(quads: Iterator[ox.Quad], progress: Callable[[int, int | None], None] | None) -> Iterator[ox.Quad]:
    if progress is None:
        yield from quads
        return
    for n, q in enumerate(quads, 1):
        if not n % 50_000:
            progress(n, None)
        yield q


def validate(settings: Settings) -> ValidationReport:
    """Build the data in memory and report SHACL results and quality findings (no store is written)."""
    from inovasi_kg.store.memory import MemoryBackend

    inputs = load_inputs(settings)
    with MemoryBackend().replacing() as new:
        return _fill(new, inputs, settings.base_iri, _Clock())
