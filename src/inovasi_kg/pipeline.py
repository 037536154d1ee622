"""The build pipeline, top down: load and check the inputs, build and materialize the triples,
validate, describe the dataset, and commit a new generation of the store (or keep the old one).

    inputs = load_inputs(settings)          # ontology + checked tables (DataError, OntologyError)
    with backend.replacing() as new:         # a new, empty generation
        new.add(graph_quads(inputs, base))   # instances + ontology, materialized, + search labels
        report = check(new, ...)             # SHACL + quality findings (ValidationFailed)
        new.add(catalog_quads(new, base))    # DCAT/VoID, counted from what was built
        new.commit(fingerprint)              # atomically replaces the old contents
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .build import iter_instance_triples
from .catalog import catalog_quads
from .errors import ValidationFailed
from .iris import SEARCH_ENTRY
from .load import LoadedData, load_tables
from .materialize import materialize
from .namespaces import PREFIXES
from .ontology import SHAPES_FILE, Ontology, load_ontology
from .settings import Settings
from .shacl import sparql_findings
from .store import SEARCH_GRAPH, Backend, Reader
from .terms import fold
from .validate import Finding, ValidationReport, quality_findings

__all__ = ["BuildReport", "Inputs", "build", "check", "fingerprint", "graph_quads", "load_inputs", "validate"]

_SEARCH_ENTRY = ox.NamedNode(SEARCH_ENTRY)
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
    code = sorted([*here.glob("*.py"), *here.glob("store/*.py")])
    for path in [*sorted(inputs.ontology_dir.glob("*.ttl")), *sorted(inputs.data_dir.glob("*.csv")), *code]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def graph_quads(inputs: Inputs, base: str) -> Iterator[ox.Quad]:
    """The graph as quads: ontology and instances, materialized, in the default graph; and each label's
    folded search entry in the internal search graph (never exported)."""
    default = ox.DefaultGraph()
    for t in materialize(itertools.chain(inputs.ontology.triples, iter_instance_triples(inputs.data, base)),
                         inputs.ontology):
        yield ox.Quad(t.subject, t.predicate, t.object, default)
        if t.predicate.value in _LABELS and isinstance(t.object, ox.Literal):
            entry = fold(t.object.value) + _SEPARATOR + t.object.value
            yield ox.Quad(t.subject, _SEARCH_ENTRY, ox.Literal(entry, language=t.object.language), SEARCH_GRAPH)


def check(reader: Reader, shapes: Path, base: str) -> ValidationReport:
    """SHACL shapes (as SPARQL over the store: see shacl.py) and data-quality findings over `reader`."""
    conforms, findings = sparql_findings(reader, shapes)
    findings += quality_findings(reader, base)
    conforms = conforms and not any(f.severity == "violation" for f in findings)
    return ValidationReport(conforms, findings, reader.count())


def build(settings: Settings, backend: Backend, *, force: bool = False) -> BuildReport:
    """Load, build, materialize, validate and store the graph; skip when no input changed and the
    store is intact. StoreError (location not ours, nothing touched), DataError/OntologyError, or
    ValidationFailed; the old contents are kept then."""
    backend.check_writable()
    inputs = load_inputs(settings)
    digest = fingerprint(settings, inputs)
    if not force and backend.fingerprint() == digest and backend.intact():
        return BuildReport(backend.location, skipped=True, rows=inputs.data.count())
    report = BuildReport(backend.location, skipped=False, rows=inputs.data.count())
    with backend.replacing() as new:
        new.add(graph_quads(inputs, settings.base_iri))
        result = check(new, inputs.shapes, settings.base_iri)
        if not result.conforms:
            raise ValidationFailed("the built graph does not conform:\n" + result.text())
        new.add(list(catalog_quads(new, settings.base_iri)))
        report.triples = new.count()
        report.findings = result.findings
        new.commit(digest)
    return report


def validate(settings: Settings) -> ValidationReport:
    """Build the data in memory and report SHACL results and quality findings (no store is written)."""
    from .store.memory import MemoryBackend

    inputs = load_inputs(settings)
    with MemoryBackend().replacing() as new:
        new.add(graph_quads(inputs, settings.base_iri))
        return check(new, inputs.shapes, settings.base_iri)
