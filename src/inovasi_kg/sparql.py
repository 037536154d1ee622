"""Running SPARQL on the store: a safe entry point, a row cap, a timeout, and result formats."""

from __future__ import annotations

import json
import multiprocessing
import re
import shutil
import textwrap
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from .errors import QueryError
from .namespaces import curie
from .queries import check_safe, query_prologue

__all__ = ["FOLD", "RESULT_FORMATS", "QueryResult", "execute", "fold"]

FOLD = ox.NamedNode("urn:inovasi-kg:fn:fold")

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


def fold(text: str) -> str:
    """Case- and accent-insensitive form: `fold("Ségo") == "sego"`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _fold_fn(term: Any) -> ox.Literal | None:
    return ox.Literal(fold(term.value)) if isinstance(term, ox.Literal) else None


@dataclass
class QueryResult:
    """A query's answer: rows of a SELECT, the boolean of an ASK or the triples of a CONSTRUCT/DESCRIBE."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False

    def values(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (str, int, Decimal, bool; None when unbound)."""
        return [{v: python_value(t) for v, t in zip(self.variables, row, strict=True)} for row in self.rows]

    def serialize(self, fmt: str) -> bytes:
        """The result in a W3C results format (json, xml, csv, tsv) or an RDF format for graphs."""
        if self.kind == "graph":
            if fmt not in GRAPH_FORMATS:
                raise QueryError(f"format {fmt!r} does not fit a CONSTRUCT/DESCRIBE result; use one of: "
                                 f"{', '.join(GRAPH_FORMATS)}")
            from .export import serialize_sorted

            return serialize_sorted(self.triples, GRAPH_FORMATS[fmt])
        if fmt not in RESULT_FORMATS:
            raise QueryError(f"format {fmt!r} does not fit a SELECT/ASK result; use one of: table, "
                             f"{', '.join(RESULT_FORMATS)}")
        parsed = ox.parse_query_results(self._json(), format=ox.QueryResultsFormat.JSON)
        data = parsed.serialize(format=RESULT_FORMATS[fmt])
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
                    binding[var] = _json_term(term)
            bindings.append(binding)
        return json.dumps({"head": {"vars": self.variables}, "results": {"bindings": bindings}}).encode()

    def table(self, width: int | None = None) -> str:
        """Aligned, wrapped text for a terminal, with a row count."""
        if self.kind == "ask":
            return ("yes" if self.boolean else "no") + "\n"
        if self.kind == "graph":
            return self.serialize("turtle").decode()
        width = width or shutil.get_terminal_size((120, 24)).columns
        cells = [[_display(t) for t in row] for row in self.rows]
        n = len(self.variables)
        natural = [max([len(v)] + [max((len(x) for x in c[i].splitlines()), default=0) for c in cells])
                   for i, v in enumerate(self.variables)]
        limit = max(12, (width - 3 * (n - 1)) // max(n, 1))
        widths = _fit(natural, width - 3 * (n - 1), limit)
        lines = [" | ".join(v.ljust(w) for v, w in zip(self.variables, widths, strict=True)).rstrip(),
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


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


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


def _run(store: ox.Store, text: str, substitutions: dict[ox.Variable, Any] | None, max_rows: int) -> QueryResult:
    try:
        answer = store.query(text, substitutions=substitutions or None, custom_functions={FOLD: _fold_fn})
    except SyntaxError as err:
        raise _syntax_error(err, text) from None
    except (RuntimeError, OSError, ValueError) as err:
        raise QueryError(f"the query failed: {err}") from None
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows: list[tuple[Any, ...]] = []
        truncated = False
        for solution in answer:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append(tuple(solution[v] for v in variables))
        return QueryResult("select", variables, rows, truncated=truncated)
    triples: list[ox.Triple] = []
    truncated = False
    for t in answer:
        if len(triples) >= max_rows:
            truncated = True
            break
        triples.append(t)
    return QueryResult("graph", triples=triples, truncated=truncated)


def _syntax_error(err: SyntaxError, text: str) -> QueryError:
    line, col = err.lineno, err.offset
    msg = str(err.msg if hasattr(err, "msg") else err)
    at = re.match(r"error at (\d+):(\d+): (.*)", msg, re.DOTALL)
    if at:
        line, col, msg = int(at.group(1)), int(at.group(2)), at.group(3)
    # The project prologue is prepended to every query: report positions in the user's text.
    offset = query_prologue().count("\n")
    msg = re.sub(r"^Parser error (at|between) .*?: ", "", msg)
    if line is not None:
        line -= offset
    where = f"line {line}, column {col}" if line is not None else "unknown position"
    snippet = ""
    if line is not None and 1 <= line <= len(text.splitlines()) - offset:
        source_line = text.splitlines()[line - 1 + offset]
        snippet = f"\n    {source_line}\n    {' ' * max((col or 1) - 1, 0)}^"
    return QueryError(f"SPARQL syntax error at {where}: {msg}{snippet}", line=line, column=col)


def _child(conn: Any, store_path: str | None, store: ox.Store | None, text: str,
           substitutions: dict[ox.Variable, Any] | None, max_rows: int) -> None:
    try:
        target = ox.Store.read_only(store_path) if store_path else store
        assert target is not None
        result = _run(target, text, substitutions, max_rows)
        payload = result.serialize("ntriples") if result.kind == "graph" else result._json()
        conn.send(("ok", result.kind, payload, result.truncated))
    except QueryError as err:
        conn.send(("error", str(err), err.line, err.column))
    except BaseException as err:  # pragma: no cover - reported to the parent
        conn.send(("error", f"the query failed: {err}", None, None))
    finally:
        conn.close()


def execute(store: ox.Store, query: str, *, substitutions: dict[ox.Variable, Any] | None = None,
            max_rows: int = 10000, timeout: float | None = None, allow_service: bool = False,
            store_path: str | None = None) -> QueryResult:
    """Run a read-only query with the project prefixes; QueryError for bad syntax, updates, SERVICE or timeout.

    With `timeout`, the query runs in a child process that is stopped when time runs out.
    """
    check_safe(query, allow_service=allow_service)
    text = query_prologue() + query
    if timeout is None:
        return _run(store, text, substitutions, max_rows)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, store_path, None if store_path else store, text,
                                            substitutions, max_rows), daemon=True)
    proc.start()
    child.close()
    if not parent.poll(timeout):
        proc.kill()
        proc.join()
        raise QueryError(f"the query ran longer than {timeout:g} s and was stopped (raise --timeout to allow more)")
    message = parent.recv()
    proc.join()
    if message[0] == "error":
        raise QueryError(message[1], line=message[2], column=message[3])
    _, kind, payload, truncated = message
    if kind == "graph":
        return QueryResult("graph", triples=list(ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)), truncated=truncated)
    parsed = ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(parsed))
    variables = [v.value for v in parsed.variables]
    rows = [tuple(s[v] for v in variables) for s in parsed]
    return QueryResult("select", variables, rows, truncated=truncated)
