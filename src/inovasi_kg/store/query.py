"""Running a query on any store reader: the project prologue first, syntax errors located in the
user's own text, named queries checked and bound."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inovasi_kg.core.errors import QueryError
from inovasi_kg.core.prefixes import curie
from inovasi_kg.core.terms import Term
from inovasi_kg.sparql.named import NamedQuery, bind_parameters, catalogue
from inovasi_kg.sparql.policy import located_syntax_error
from inovasi_kg.sparql.result import QueryResult
from inovasi_kg.sparql.text import prologue
from inovasi_kg.store.base import Dataset, Reader

__all__ = ["concepts", "execute", "execute_named"]


def execute(reader: Reader, query: str, *, bindings: Mapping[str, Term] | None = None, max_rows: int = 10000,
            timeout: float | None = None, dataset: Dataset = (None, None), base_iri: str | None = None) -> QueryResult:
    """Run a query with the project prologue on any reader; syntax errors located in `query` itself.

    The caller checks ad-hoc text with `check_query` first. Raises QueryError (bad syntax, time or
    memory limit) or StoreError (the store is damaged or unreachable).
    """
    text = prologue() + query
    try:
        return reader.query(text, bindings=bindings, max_rows=max_rows, timeout=timeout, dataset=dataset,
                            base_iri=base_iri)
    except QueryError as err:
        if err.line is None and err.column is None:
            raise
        raise located_syntax_error(err.message, err.line, err.column, text) from None


def execute_named(reader: Reader, query: NamedQuery, params: Mapping[str, str], *, base: str, lang: str,
                  max_rows: int = 10000, timeout: float | None = None) -> QueryResult:
    """Run a named query: check and bind its parameters, run it, and mark its parameter columns hidden."""
    bindings = bind_parameters(query, dict(params), base, lang)
    for p in query.parameters:
        if p.scheme is not None and p.name in bindings:
            _check_concept(reader, p.name, p.scheme, bindings[p.name], timeout=timeout)
    result = execute(reader, query.text, bindings=bindings, max_rows=max_rows, timeout=timeout)
    result.hidden = tuple(p.name for p in query.parameters)
    return result


def concepts(reader: Reader, scheme: str, lang: str, *, timeout: float | None = None) -> list[dict[str, Any]]:
    """The concepts of a code list (`scheme`, a prefix of core/prefixes.py) as the named query
    konsep-skema gives them: konsep (the IRI), notasi, label."""
    named = catalogue()["konsep-skema"]
    bound = bind_parameters(named, {"skema": f"kode:{scheme}"}, "", lang)
    return execute(reader, named.text, bindings=bound, timeout=timeout).values()


def _check_concept(reader: Reader, name: str, scheme: str, value: Term, *, timeout: float | None) -> None:
    known = concepts(reader, scheme, "en", timeout=timeout)
    if any(row["konsep"] == str(value.value) for row in known):
        return
    listed = ", ".join(curie(row["konsep"]) for row in known) or "none (the store holds no such concepts)"
    raise QueryError(f"parameter '{name}': {curie(str(value.value))} is not a concept of the code list "
                     f"kode:{scheme}; its concepts: {listed}")
