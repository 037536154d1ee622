"""Every file and result format, in one table keyed by name and media type.

Exports, query results, the network files and (later) content negotiation all read this table;
media types and file extensions of the RDF and SPARQL results formats come from pyoxigraph's own
registry (`RdfFormat`, `QueryResultsFormat`).

    >>> fmt("turtle").media_type, fmt("turtle").extension
    ('text/turtle', 'ttl')
    >>> by_media_type("application/sparql-results+json").name
    'json'
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from inovasi_kg.core.errors import UsageError

__all__ = ["FORMATS", "XLSX_MEDIA_TYPE", "Format", "by_media_type", "fmt", "names"]

RDF, RESULTS, NETWORK = "rdf", "results", "network"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Format:
    """One format: its name (CLI and API), what it holds, media type and file extension."""

    name: str
    kind: str  # rdf (a graph), results (SELECT/ASK answers) or network (the relationship picture)
    media_type: str
    extension: str
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None


def _rdf(name: str, f: ox.RdfFormat) -> Format:
    return Format(name, RDF, f.media_type, f.file_extension, rdf=f)


def _results(name: str, f: ox.QueryResultsFormat) -> Format:
    return Format(name, RESULTS, f.media_type.split(";")[0], f.file_extension, results=f)


FORMATS: tuple[Format, ...] = (
    _rdf("turtle", ox.RdfFormat.TURTLE),
    _rdf("ntriples", ox.RdfFormat.N_TRIPLES),
    _rdf("jsonld", ox.RdfFormat.JSON_LD),
    _rdf("rdfxml", ox.RdfFormat.RDF_XML),
    _results("json", ox.QueryResultsFormat.JSON),
    _results("xml", ox.QueryResultsFormat.XML),
    _results("csv", ox.QueryResultsFormat.CSV),
    _results("tsv", ox.QueryResultsFormat.TSV),
    Format("xlsx", RESULTS, XLSX_MEDIA_TYPE, "xlsx"),  # a spreadsheet of a SELECT/ASK answer (sparql/xlsx.py)
    Format("html", NETWORK, "text/html", "html"),
    Format("graphml", NETWORK, "application/graphml+xml", "graphml"),
    Format("gexf", NETWORK, "application/gexf+xml", "gexf"),
    Format("cyjs", NETWORK, "application/json", "json"),
)
_BY_NAME = {f.name: f for f in FORMATS}


def names(*kinds: str) -> tuple[str, ...]:
    """The names of the formats of these kinds, in table order."""
    return tuple(f.name for f in FORMATS if f.kind in kinds)


def fmt(name: str, *kinds: str) -> Format:
    """The format called `name` (or with that extension or media type), of one of `kinds` if given.

    Raises UsageError listing the names that would fit.
    """
    found = _BY_NAME.get(name) or next((f for f in FORMATS if name in (f.extension, f.media_type)), None)
    if found is None or (kinds and found.kind not in kinds):
        expected = names(*kinds) if kinds else tuple(_BY_NAME)
        raise UsageError(f"unknown format {name!r}; expected one of: {', '.join(expected)}")
    return found


def by_media_type(media_type: str, *kinds: str) -> Format | None:
    """The format for a media type (parameters such as charset ignored), or None."""
    bare = media_type.split(";")[0].strip().lower()
    return next((f for f in FORMATS if f.media_type == bare and (not kinds or f.kind in kinds)), None)
