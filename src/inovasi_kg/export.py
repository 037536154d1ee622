"""Export stage: serialize the graph deterministically (sorted triples, bound prefixes)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from .errors import UsageError
from .namespaces import PREFIXES

__all__ = ["FORMATS", "rdf_format", "serialize_sorted", "sorted_triples", "write_atomic"]

# CLI names of the export formats; the formats themselves come from pyoxigraph's registry.
FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def rdf_format(name: str) -> ox.RdfFormat:
    """The RdfFormat for a CLI name, a file extension or a media type; UsageError if unknown."""
    if name in FORMATS:
        return FORMATS[name]
    fmt = ox.RdfFormat.from_extension(name) or ox.RdfFormat.from_media_type(name)
    if fmt is None:
        raise UsageError(f"unknown format {name!r}; expected one of: {', '.join(FORMATS)}")
    return fmt


def _key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


def sorted_triples(store: ox.Store, graph: ox.DefaultGraph | ox.NamedNode | None = None) -> list[ox.Triple]:
    """Every triple of the store's default graph (or `graph`), sorted by their N-Triples form."""
    graph = ox.DefaultGraph() if graph is None else graph
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)]
    triples.sort(key=_key)
    return triples


def serialize_sorted(triples: Iterable[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """Same triples, same bytes: sort, then serialize with the project's prefixes."""
    ordered = sorted(triples, key=_key)
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD) else None
    data = ox.serialize(ordered, format=fmt, prefixes=prefixes)
    assert data is not None
    return data


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; published files are meant to be read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
