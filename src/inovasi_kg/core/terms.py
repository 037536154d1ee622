"""RDF terms as plain data: across process boundaries, in the SPARQL JSON results form, and folded
for search. Imports nothing but pyoxigraph (the query workers load it).

    >>> fold("KAMPÚNG it")
    'kampung it'
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pyoxigraph as ox

from inovasi_kg.core.iris import FOLD_FUNCTION
from inovasi_kg.core.prefixes import PREFIXES

# An RDF term a query binds or a row holds (no blank nodes: the graph has none).
Term = ox.NamedNode | ox.Literal

__all__ = ["FOLD", "decode_term", "encode_term", "fold", "fold_function", "json_term"]

FOLD = ox.NamedNode(FOLD_FUNCTION)
_XSD_STRING = PREFIXES["xsd"] + "string"


def fold(text: str) -> str:
    """Case- and accent-insensitive form: `fold("Ségo") == "sego"`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fold_function(term: Any) -> ox.Literal | None:
    """The engine's custom function `FOLD` (embedded stores only): a literal's folded text."""
    return ox.Literal(fold(term.value)) if isinstance(term, ox.Literal) else None


def encode_term(term: ox.NamedNode | ox.Literal) -> tuple[str, str, str | None, str | None]:
    """A picklable form of an IRI or literal (pyoxigraph terms do not cross process boundaries)."""
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value, None, None)
    return ("literal", term.value, None if term.language else term.datatype.value, term.language)


def decode_term(encoded: tuple[str, str, str | None, str | None]) -> ox.NamedNode | ox.Literal:
    kind, value, datatype, language = encoded
    if kind == "iri":
        return ox.NamedNode(value)
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None)


def json_term(term: Any) -> dict[str, str]:
    """A term in the SPARQL 1.1 JSON results form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out
