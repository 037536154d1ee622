"""Build stage: turn checked rows into RDF triples, one row at a time (a stream, no blank nodes).

IRIs: `{base}id/{segment}/{id}` for every row; enacted legal acts ELI-style
`{base}eli/{jenis}/{tahun}/{nomor}`, drafts `{base}eli/rancangan/{jenis}/{id}`; a quote's
selector is `{quote}/selector`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from .load import LoadedData, Row
from .namespaces import DQV, IDA, OA, RDF, SKOS, XSD, concept_iri
from .tables import Column

__all__ = ["iter_instance_triples", "row_iri"]

_N = ox.NamedNode
_TYPE = _N(str(RDF.type))


def row_iri(row: Row, base: str) -> str:
    """The minted IRI of a row (stable: built from its id or its legal-act type/year/number)."""
    if row.table.name == "produk_hukum":
        jenis = row.first("jenis")
        if row.first("kelas") == "berlaku" and row.first("nomor") and row.first("tahun"):
            return f"{base}eli/{jenis}/{row.first('tahun')}/{row.first('nomor')}"
        return f"{base}eli/rancangan/{jenis}/{row.id}"
    return f"{base}id/{row.table.segment}/{row.id}"


def _literal(value: Any, col: Column) -> ox.Literal:
    kind = col.kind
    if kind in ("text", "alt"):
        return ox.Literal(str(value), language=col.lang)
    if kind == "int":
        return ox.Literal(str(value), datatype=_N(str(col.datatype or XSD.integer)))
    if kind == "decimal":
        assert isinstance(value, Decimal)
        return ox.Literal(_decimal_lexical(value), datatype=_N(str(XSD.decimal)))
    if kind == "date":
        assert isinstance(value, date)
        return ox.Literal(value.isoformat(), datatype=_N(str(XSD.date)))
    if kind == "year":
        return ox.Literal(str(value), datatype=_N(str(XSD.gYear)))
    return ox.Literal(str(value))


def _decimal_lexical(value: Decimal) -> str:
    # XSD 1.1 canonical form, as Oxigraph stores it: "6" not "6.0", "0.4" not ".4".
    text = format(value.normalize(), "f")
    return text


def iter_instance_triples(data: LoadedData, base: str) -> Iterator[ox.Triple]:
    """Yield the triples of every row of `data`, table by table, in file order."""
    iris = {row_id: _N(row_iri(row, base)) for row_id, row in data.by_id.items()}
    for row in data:
        subject = iris[row.id]
        yield from _row_triples(row, subject, iris, base)


def _row_triples(row: Row, subject: ox.NamedNode, iris: dict[str, ox.NamedNode], base: str) -> Iterator[ox.Triple]:
    table = row.table
    for cls in table.classes:
        yield ox.Triple(subject, _TYPE, _N(str(cls)))
    for const_pred, const_obj in table.constants:
        yield ox.Triple(subject, _N(str(const_pred)), _N(str(const_obj)))
    for col in table.columns:
        values = row.cells.get(col.name, [])
        if col.kind == "class":
            for value in values:
                for cls in col.choices[value]:
                    yield ox.Triple(subject, _TYPE, _N(str(cls)))
            continue
        if col.predicate is None:
            continue
        pred = _N(str(col.predicate))
        for value in values:
            obj: ox.NamedNode | ox.Literal
            if col.kind == "ref":
                obj = iris[value]
            elif col.kind == "concept":
                obj = _N(concept_iri(col.target[0], value))
            elif col.kind in ("iri", "property"):
                obj = _N(str(value))
            else:
                obj = _literal(value, col)
            if col.inverse:
                assert isinstance(obj, ox.NamedNode)
                yield ox.Triple(obj, pred, subject)
            else:
                yield ox.Triple(subject, pred, obj)
    yield from _extra_triples(row, subject, iris)


def _extra_triples(row: Row, subject: ox.NamedNode, iris: dict[str, ox.NamedNode]) -> Iterator[ox.Triple]:
    name = row.table.name
    if name == "kutipan":
        text = str(row.first("teks"))
        selector = _N(subject.value + "/selector")
        yield ox.Triple(subject, _N(str(OA.hasSelector)), selector)
        yield ox.Triple(selector, _TYPE, _N(str(OA.TextQuoteSelector)))
        yield ox.Triple(selector, _N(str(OA.exact)), ox.Literal(text))
        yield ox.Triple(subject, _N(str(SKOS.prefLabel)), ox.Literal(text, language="id"))
    elif name == "wilayah":
        # The id of a region row is its Kemendagri region code.
        yield ox.Triple(subject, _N(str(IDA.kodeWilayah)), ox.Literal(row.id))
    elif name == "peringkat":
        # Shortcut like Wikidata's truthy wdt:P166: recipient -> award edition.
        yield ox.Triple(iris[row.first("penerima")], _N(str(IDA.menerimaPenghargaan)), iris[row.first("edisi")])
    elif name == "anotasi_mutu":
        yield ox.Triple(iris[row.first("sasaran")], _N(str(DQV.hasQualityAnnotation)), subject)

