"""Build stage: turn checked rows into RDF triples, one row at a time (a stream, no blank nodes).

The triples are made as quads of the default graph, the form the store takes (a Triple would be
copied into a Quad later, a fifth of the stage's time at national scale).

Each column makes the triple its declaration says (tables.py); a table's own IRI rule and extra
triples are declared beside it; every IRI comes from iris.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from inovasi_kg.core.iris import concept_iri, instance_iri
from inovasi_kg.ingest.load import LoadedData, Row
from inovasi_kg.ingest.tables import Column
from inovasi_kg.rdf.namespaces import RDF, XSD

__all__ = ["iter_instance_triples", "row_iri"]

_N = ox.NamedNode
_TYPE = _N(str(RDF.type))


def row_iri(row: Row, base: str) -> str:
    """The minted IRI of a row (stable: from its id, or by the table's own rule)."""
    if row.table.iri is not None:
        return row.table.iri(row, base)
    return instance_iri(base, row.table.segment, row.id)


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
    if kind == "bool":
        return ox.Literal("true" if value else "false", datatype=_N(str(XSD.boolean)))
    return ox.Literal(str(value))


def _decimal_lexical(value: Decimal) -> str:
    # XSD 1.1 canonical form, as Oxigraph stores it: "6" not "6.0", "0.4" not ".4".
    text = format(value.normalize(), "f")
    return text


def iter_instance_triples(data: LoadedData, base: str) -> Iterator[ox.Quad]:
    """Yield the triples of every row of `data`, table by table, in file order."""
    iris = {row_id: _N(row_iri(row, base)) for row_id, row in data.by_id.items()}
    for row in data:
        subject = iris[row.id]
        yield from _row_triples(row, subject, iris, base)


def _row_triples(row: Row, subject: ox.NamedNode, iris: dict[str, ox.NamedNode], base: str) -> Iterator[ox.Quad]:
    table = row.table
    for cls in table.classes:
        yield ox.Quad(subject, _TYPE, _N(str(cls)))
    for const_pred, const_obj in table.constants:
        yield ox.Quad(subject, _N(str(const_pred)), _N(str(const_obj)))
    for col in table.columns:  # every type first: the materializer decides by a subject's classes
        if col.kind == "class":
            for value in row.cells.get(col.name, []):
                for cls in col.choices[value]:
                    yield ox.Quad(subject, _TYPE, _N(str(cls)))
    for col in table.columns:
        values = row.cells.get(col.name, [])
        if col.kind == "class" or col.predicate is None:
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
                yield ox.Quad(obj, pred, subject)
            else:
                yield ox.Quad(subject, pred, obj)
    if table.extra is not None:
        yield from table.extra(row, subject, iris)
