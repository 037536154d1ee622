"""Validate stage: findings in readable form. The build checks the SHACL shapes with `shacl.py` (SPARQL over
the store); `shacl_findings` runs pyshacl, the reference the tests compare it with; quality findings come
from named queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from inovasi_kg.core.prefixes import curie as _curie
from inovasi_kg.rdf.ontology import parse_turtle

if TYPE_CHECKING:
    from inovasi_kg.store.base import Reader

__all__ = ["Finding", "ValidationReport", "quality_findings", "shacl_findings"]


@dataclass(frozen=True)
class Finding:
    """One problem or remark: `severity` is violation, warning or info."""

    severity: str
    kind: str
    focus: str
    message: str
    details: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [f"[{self.severity}] {self.kind}: {self.focus}", f"    {self.message}"]
        lines += [f"    {d}" for d in self.details]
        return "\n".join(lines)


@dataclass
class ValidationReport:
    """SHACL conformance and every finding."""

    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    triples: int = 0

    def text(self) -> str:
        head = "conforms: yes" if self.conforms else "conforms: NO"
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no findings"
        body = "\n".join(f.text() for f in self.findings)
        return f"{head} ({self.triples} triples; {summary})\n{body}".rstrip() + "\n"


def shacl_findings(triples: Iterable[ox.Triple], shapes: Path) -> tuple[bool, list[Finding]]:
    """Run the SHACL shapes over `triples` with pyshacl (the reference for `shacl.sparql_findings`, too slow
    for millions of triples); OntologyError if the shapes file is broken."""
    import pyshacl
    from rdflib import BNode, Graph, URIRef
    from rdflib.namespace import SH

    parse_turtle(shapes)  # strict parse first: a broken file gets file:line
    shapes_graph = Graph().parse(str(shapes), format="turtle")
    data = Graph().parse(data=ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES), format="nt")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none", advanced=True)
    findings = []
    for result in report.subjects(SH.resultSeverity, None):
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        path = report.value(result, SH.resultPath)
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1].lower()
        details = []
        if isinstance(path, URIRef):
            details.append(f"path: {_curie(str(path))}")
        if value is not None:
            details.append("value: (blank node)" if isinstance(value, BNode) else f"value: {value}")
        findings.append(Finding(severity, "shacl", _curie(str(focus)), str(message), tuple(details)))
    findings.sort(key=lambda f: (f.focus, f.message))
    return bool(conforms), findings


def _evidence(quote: str | None, url: str | None) -> str:
    """A quote of the seed where there is one, else the page the claim rests on."""
    if quote:
        return f'quote: "{quote}"'
    return f"source: {url}" if url else 'quote: "-"'


def quality_findings(reader: Reader, base: str) -> list[Finding]:
    """Contradictions recorded in the data, missing English labels and dangling references.

    Each comes from a named query that users can run too: temuan-mutu, label-tanpa-inggris,
    rujukan-menggantung.
    """
    from inovasi_kg.sparql.named import catalogue
    from inovasi_kg.store.query import execute_named

    def run(name: str, **params: str) -> list[dict[str, Any]]:
        return execute_named(reader, catalogue()[name], params, base=base, lang="en", max_rows=1_000_000).values()

    findings: list[Finding] = []
    for row in run("temuan-mutu"):
        details = (
            f"kept value: {row['nilai_disimpan']}  {_evidence(row['kutipan_disimpan'], row.get('sumber_disimpan'))}",
            f"conflicting value: {row['nilai_bertentangan']}  "
            f"{_evidence(row['kutipan_bertentangan'], row.get('sumber_bertentangan'))}",
        )
        message = row["keterangan"] or "conflicting values in the source"
        findings.append(Finding("warning", "contradiction", _curie(row["sasaran"]),
                                f"{_curie(row['properti'])}: {message}", details))
    for row in run("label-tanpa-inggris"):
        findings.append(Finding("info", "missing-english-label", _curie(row["simpul"]),
                                f"no @en skos:prefLabel (has \"{row['label']}\"@id)"))
    for row in run("rujukan-menggantung"):
        findings.append(Finding("violation", "dangling-reference", _curie(row["o"]),
                                f"referenced by {_curie(row['s'])} {_curie(row['p'])} but never described"))
    return findings
