"""Query results: rows of a SELECT, the boolean of an ASK or the triples of a CONSTRUCT/DESCRIBE,
with plain Python values, a terminal table and the W3C results formats.

An engine's raw reply (`Reply`) becomes a QueryResult here, whichever backend answered.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from inovasi_kg.core.errors import QueryError, StoreError
from inovasi_kg.core.formats import RDF, RESULTS, fmt
from inovasi_kg.core.prefixes import curie
from inovasi_kg.core.terms import json_term

__all__ = ["QueryResult", "Reply", "from_reply", "json_term", "python_value"]

# An engine's reply: ("ok", kind, payload, truncated) | ("syntax", message, line, column) | ("query", message)
# | ("store", message) | ("memory", message); kind is select (JSON results), ask (JSON) or graph (N-Triples).
Reply = tuple[Any, ...]


@dataclass
class QueryResult:
    """A query's answer: rows of a SELECT, the boolean of an ASK or the triples of a CONSTRUCT/DESCRIBE."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    hidden: tuple[str, ...] = ()  # columns the table leaves out (a named query's parameters)

    def values(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (str, int, Decimal, bool; None when unbound)."""
        return [{v: python_value(t) for v, t in zip(self.variables, row, strict=True)} for row in self.rows]

    def serialize(self, name: str) -> bytes:
        """The result in a W3C results format (json, xml, csv, tsv), as a spreadsheet (xlsx) or, for graphs, in an RDF format."""
        if self.kind == "graph":
            try:
                rdf = fmt(name, RDF).rdf
            except QueryError:
                raise
            except Exception as err:
                raise QueryError(f"format {name!r} does not fit a CONSTRUCT/DESCRIBE result: {err}") from None
            from inovasi_kg.rdf.export import serialize_sorted

            assert rdf is not None
            return serialize_sorted(self.triples, rdf)
        if name == "xlsx":  # not a W3C results format: the spreadsheet of the same rows
            from inovasi_kg.sparql.xlsx import to_xlsx

            if self.kind == "ask":
                return to_xlsx(["boolean"], [[bool(self.boolean)]])
            return to_xlsx(self.variables, [[row[v] for v in self.variables] for row in self.values()])
        try:
            results = fmt(name, RESULTS).results
        except Exception as err:
            raise QueryError(f"format {name!r} does not fit a SELECT/ASK result ({err}); or use: table") from None
        parsed = ox.parse_query_results(self._json(), format=ox.QueryResultsFormat.JSON)
        assert results is not None
        data = parsed.serialize(format=results)
        assert data is not None
        return data

    def _json(self) -> bytes:
        if self.kind == "ask":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)}).encode()
        bindings = []
        for row in self.rows:
            binding = {}
            for var, term in zip(self.variables, row, strict=True):
                if term is not None:
                    binding[var] = json_term(term)
            bindings.append(binding)
        return json.dumps({"head": {"vars": self.variables}, "results": {"bindings": bindings}}).encode()

    def table(self, width: int | None = None) -> str:
        """Aligned, wrapped text for a terminal, with a row count."""
        if self.kind == "ask":
            return ("yes" if self.boolean else "no") + "\n"
        if self.kind == "graph":
            return self.serialize("turtle").decode()
        width = width or shutil.get_terminal_size((120, 24)).columns
        keep = [i for i, v in enumerate(self.variables) if v not in self.hidden]
        shown = [self.variables[i] for i in keep]
        cells = [[_display(row[i]) for i in keep] for row in self.rows]
        n = len(shown)
        natural = [max([len(v)] + [max((len(x) for x in c[i].splitlines()), default=0) for c in cells])
                   for i, v in enumerate(shown)]
        limit = max(12, (width - 3 * (n - 1)) // max(n, 1))
        widths = _fit(natural, width - 3 * (n - 1), limit)
        lines = [" | ".join(v.ljust(w) for v, w in zip(shown, widths, strict=True)).rstrip(),
                 "-+-".join("-" * w for w in widths)]
        for row in cells:
            wrapped = [textwrap.wrap(c, w) or [""] for c, w in zip(row, widths, strict=True)]
            for k in range(max(len(x) for x in wrapped)):
                parts = [(x[k] if k < len(x) else "").ljust(w) for x, w in zip(wrapped, widths, strict=True)]
                lines.append(" | ".join(parts).rstrip())
        count = f"{len(self.rows)} row{'s' if len(self.rows) != 1 else ''}"
        if self.truncated:
            count += " (truncated: more rows exist; raise max_rows to see them)"
        return "\n".join(lines) + "\n" + count + "\n"


def _fit(natural: list[int], total: int, limit: int) -> list[int]:
    widths = list(natural)
    while sum(widths) > total and max(widths) > limit:
        i = widths.index(max(widths))
        widths[i] = max(limit, widths[i] - 1)
    return [max(1, w) for w in widths]


def _display(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    return str(term.value)


def python_value(term: Any) -> Any:
    """A term as a plain Python value: IRIs and strings as str, numbers as int or Decimal."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1]
        if dt in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger"):
            return int(term.value)
        if dt == "decimal":
            return Decimal(term.value)
        if dt == "boolean":
            return term.value == "true"
    return term.value




def from_reply(reply: Reply) -> QueryResult:
    """The QueryResult of an engine's reply; QueryError (line and column as the engine gave them) or StoreError."""
    status = reply[0]
    if status == "syntax":
        raise QueryError(reply[1], line=reply[2], column=reply[3])
    if status == "store":
        raise StoreError(reply[1])
    if status != "ok":
        raise QueryError(reply[1])
    _, kind, payload, truncated = reply
    if kind == "graph":
        return QueryResult("graph", triples=list(ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)), truncated=truncated)
    parsed = ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(parsed))
    variables = [v.value for v in parsed.variables]
    rows = [tuple(s[v] for v in variables) for s in parsed]
    return QueryResult("select", variables, rows, truncated=truncated)
