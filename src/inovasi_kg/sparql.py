"""Running SPARQL: the policy for ad-hoc queries (decided on the parsed query), a row cap, a time
limit, and result formats.

Ad-hoc queries are parsed with rdflib's SPARQL 1.1 grammar before anything runs; updates (LOAD
included), SERVICE (unless allowed) and dataset clauses naming graphs outside the store are refused
on that parse, never on the query's text. The text handed to the engine is the one that was
parsed: codepoint escapes (\\u0053) are expanded once, first, and a text that would expand again is
refused, so the engine cannot read a different query than the one checked.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .errors import QueryError, StoreError
from .namespaces import curie
from .queries import query_prologue
from .workers import FOLD, Reply, encode_term, evaluate, fold, json_term

if TYPE_CHECKING:
    from .workers import WorkerPool

__all__ = ["FOLD", "RESULT_FORMATS", "QueryResult", "check_query", "execute", "fold"]

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


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


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE_NAMES = {"Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
                 "Copy": "COPY", "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA",
                 "DeleteWhere": "DELETE WHERE", "Modify": "DELETE/INSERT"}


def _expand_escapes(text: str) -> str:
    """SPARQL 1.1 section 19.2: codepoint escapes are replaced before parsing, once."""
    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"invalid codepoint escape {m.group(0)!r}")
        return chr(code)

    expanded = _ESCAPE.sub(char, text)
    if _ESCAPE.search(expanded):
        raise QueryError("the query has a codepoint escape that expands into another escape (such as \\u005Cu0041); "
                         "write the character itself")
    return expanded


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _walk(node: Any) -> Any:
    """Every CompValue in an rdflib parse tree."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)


def check_query(text: str, *, allow_service: bool = False, graphs: frozenset[str] = frozenset()) -> str:
    """Parse an ad-hoc query and refuse what a read-only endpoint must not run; returns the text to run.

    Raises QueryError for an empty or comment-only query, text that is not valid Unicode, bad
    syntax (with line and column), an update (LOAD included), SERVICE unless `allow_service`, a
    dataset clause (FROM / FROM NAMED) naming a graph not in `graphs`, or nesting deeper than the
    parser can take.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise QueryError(f"the query is not valid UTF-8 text (at character {err.start + 1})") from None
    if not text.strip():
        raise QueryError("the query is empty; give a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if _only_comments(text):
        raise QueryError("the query has only comments; give a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if "\x00" in text:
        raise QueryError("the query contains a NUL character")
    expanded = _expand_escapes(text)
    tree = _parse(expanded)
    for node in _walk(tree):
        if node.name == "ServiceGraphPattern" and not allow_service:
            raise QueryError(f"SERVICE <{node.get('term')}> (a federated call to another endpoint) is refused; allow "
                             f"it with --allow-service or the allow_service setting")
        if node.name == "DatasetClause":
            iri = str(node.get("default") or node.get("named"))
            if iri not in graphs:
                clause = "FROM NAMED" if node.get("named") is not None else "FROM"
                known = ", ".join(f"<{g}>" for g in sorted(graphs)) or "none"
                raise QueryError(f"{clause} <{iri}> names a graph that is not in the store (graphs in the store: "
                                 f"{known}); queries read only the store")
    return expanded


def _parse(text: str) -> Any:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import Query, UpdateUnit

    full = query_prologue() + text
    try:
        return Query.parse_string(full, parse_all=True)
    except RecursionError:
        raise QueryError("the query nests groups more deeply than the parser can take; flatten it") from None
    except ParseException as err:
        syntax = err
    except Exception as err:  # rdflib raises plain exceptions for some bad terms (e.g. an undefined prefix)
        raise _engine_syntax_error(full) or QueryError(f"SPARQL syntax error: {err}") from None
    try:
        update = UpdateUnit.parse_string(full, parse_all=True)
    except (ParseException, RecursionError, Exception):
        update = None
    if update is not None:
        names = [n.name for n in _walk(update) if n.name in _UPDATE_NAMES]
        what = _UPDATE_NAMES[names[-1]] if names else "an update"
        raise QueryError(f"{what} is an update; queries here only read (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    engine = _engine_syntax_error(full)
    if engine is not None:
        raise engine
    offset = query_prologue().count("\n")
    line, col = syntax.lineno - offset, syntax.col
    message = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$", "", str(syntax.msg))
    found = f", found {syntax.found!r}" if getattr(syntax, "found", None) else ""
    raise QueryError(f"not standard SPARQL 1.1 at line {line}, column {col}: {message}{found}{_snippet(text, line, col)}",
                     line=line, column=col)


def _snippet(text: str, line: int | None, col: int | None) -> str:
    lines = text.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return ""
    return f"\n    {lines[line - 1]}\n    {' ' * max((col or 1) - 1, 0)}^"


def _engine_syntax_error(full: str) -> QueryError | None:
    """The engine's own syntax error for a text that failed to parse, with its better position.

    The text gets a suffix (a new line and an unclosed `{`) that no valid query can end with, so
    the engine always stops at a syntax error and never runs anything. An error at the suffix means
    the engine would accept the text itself: None, and rdflib's error is reported instead.
    """
    probe = full + "\n{"
    try:
        ox.Store().query(probe)
    except SyntaxError as err:
        msg = str(err.msg if hasattr(err, "msg") else err)
        at = re.match(r"error at (\d+):(\d+)", msg)
        last = probe.count("\n") + 1
        if at is None or int(at.group(1)) >= last:
            return None
        return _syntax_error(msg, err.lineno, err.offset, full)
    except Exception:  # pragma: no cover - the suffix makes every text a syntax error
        return None
    return None  # pragma: no cover


def _syntax_error(message: str, lineno: int | None, offset_col: int | None, text: str) -> QueryError:
    line, col, msg = lineno, offset_col, message
    at = re.match(r"error at (\d+):(\d+): (.*)", msg, re.DOTALL)
    if at:
        line, col, msg = int(at.group(1)), int(at.group(2)), at.group(3)
    # The project prologue is prepended to every query: report positions in the user's text.
    offset = query_prologue().count("\n")
    msg = re.sub(r"^Parser error (at|between) .*?: ", "", msg)
    if line is not None:
        line -= offset
    where = f"line {line}, column {col}" if line is not None else "unknown position"
    user_text = "\n".join(text.splitlines()[offset:])
    return QueryError(f"SPARQL syntax error at {where}: {msg}{_snippet(user_text, line, col)}", line=line, column=col)


def _result(reply: Reply, text: str) -> QueryResult:
    status = reply[0]
    if status == "syntax":
        raise _syntax_error(reply[1], reply[2], reply[3], text)
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


def execute(store: ox.Store | None, query: str, *, substitutions: dict[ox.Variable, Any] | None = None,
            max_rows: int = 10000, timeout: float | None = None, pool: WorkerPool | None = None) -> QueryResult:
    """Run a query with the project prefixes, in a worker of `pool` (time and memory limits) or on `store`.

    The caller checks ad-hoc text with `check_query` first. Raises QueryError (bad syntax, time or
    memory limit) or StoreError (the store is damaged).
    """
    text = query_prologue() + query
    subs = {v.value: encode_term(t) for v, t in (substitutions or {}).items()}
    if pool is not None:
        reply = pool.run(text, subs, max_rows=max_rows, timeout=timeout if timeout is not None else 30.0)
    else:
        assert store is not None
        reply = evaluate(store, text, subs, max_rows)
    return _result(reply, text)
