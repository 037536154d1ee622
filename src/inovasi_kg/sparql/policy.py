"""Running SPARQL: the project prologue, the policy for ad-hoc queries (decided on the parsed
query), parameter binding where an engine has no substitution, and user-facing syntax errors.

Ad-hoc queries are parsed with rdflib's SPARQL 1.1 grammar before anything runs; updates (LOAD
included), SERVICE (unless allowed) and dataset clauses naming graphs outside the store are refused
on that parse, never on the query's text. The text handed to the engine is the one that was
parsed: codepoint escapes (\\u0053) are expanded once, first, and a text that would expand again is
refused, so the engine cannot read a different query than the one checked.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from typing import Any

from inovasi_kg.core.errors import QueryError
from inovasi_kg.sparql.text import prologue, prologue_for

__all__ = ["check_query", "located_syntax_error", "may_need_no_store", "reads_store"]


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


def check_query(text: str, *, allow_service: bool = False, graphs: frozenset[str] = frozenset(),
                protocol_dataset: bool = False) -> str:
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
    facts = _facts(expanded)
    for term in facts.services:
        if not allow_service:
            raise QueryError(f"SERVICE <{term}> (a federated call to another endpoint) is refused; allow "
                             f"it with --allow-service or the allow_service setting")
    for clause, iri in facts.datasets:
        if not protocol_dataset and iri not in graphs:  # the protocol's dataset overrides FROM
            known = ", ".join(f"<{g}>" for g in sorted(graphs)) or "none"
            raise QueryError(f"{clause} <{iri}> names a graph that is not in the store (graphs in the store: "
                             f"{known}); queries read only the store")
    return expanded


_PARSER = threading.Lock()  # rdflib's pyparsing grammar is not safe to use from two threads at once


@dataclass(frozen=True)
class _Facts:
    """What the policy needs of one query text, read off its one parse: the SERVICE endpoints and dataset
    clauses in order, whether it reads the store, and whether it looks light (`looks_light`)."""

    services: tuple[str, ...]
    datasets: tuple[tuple[str, str], ...]
    reads: bool
    light: bool


@functools.lru_cache(maxsize=1024)
def _facts(text: str) -> _Facts:
    """The facts of `text` (cached by text), all read off its one parse tree."""
    with _PARSER:
        tree = _parse_unlocked(text)
        services, datasets, reads = [], [], False
        for node in _walk(tree):
            reads = reads or node.name in _READS
            if node.name == "ServiceGraphPattern":
                services.append(str(node.get("term")))
            elif node.name == "DatasetClause":
                named = node.get("named") is not None
                datasets.append(("FROM NAMED" if named else "FROM", str(node.get("default") or node.get("named"))))
        try:
            light = _light(tree)
        except Exception:  # unusual text is not light; running it says what is wrong
            light = False
    return _Facts(tuple(services), tuple(datasets), reads, light)


# Parse-tree nodes through which a query reads the store (triple patterns, paths, GRAPH, SERVICE,
# DESCRIBE, FROM); a query with none of them has the same answer over any store, even an empty one.
_READS = {"TriplesBlock", "TriplesSameSubject", "TriplesSameSubjectPath", "GraphGraphPattern",
          "ServiceGraphPattern", "DescribeQuery", "DatasetClause"}


def reads_store(text: str) -> bool:
    """Whether a query (as `check_query` returned it) reads the store at all: `ASK {}` or
    `SELECT (1 + 1 AS ?x) {}` do not. QueryError for bad syntax.

    >>> reads_store("ASK {}"), reads_store("SELECT * { ?s ?p ?o }")
    (False, True)
    """
    return _facts(text).reads


_EMPTY_GROUP = re.compile(r"\{\s*\}")


def may_need_no_store(text: str) -> bool:
    """A look at the text before any parsing: whether every group of the query is empty, so that it may
    need nothing from the store (`ASK {}`, `SELECT (1 AS ?x) {}`). Parsing takes milliseconds under the
    parser's lock, and a burst of queries that the admission gate refuses must not wait on it; a query
    with anything in a group (a BIND alone too) is taken to read the store and goes to the gate.

    >>> may_need_no_store("ASK { }"), may_need_no_store("SELECT (1 AS ?x) {}")
    (True, True)
    >>> may_need_no_store("ASK { ?a ?b ?c }"), may_need_no_store("SELECT * { { } ?s ?p ?o }")
    (False, False)
    """
    return "{" in text and "{" not in _EMPTY_GROUP.sub("", text)


def looks_light(text: str) -> bool:
    """Whether a query (as `check_query` returned it) looks bounded by what it names: every triple
    pattern has an IRI or a literal in it, the patterns of each group share variables (no cross
    product), and no path repeats (`*`, `+`). A guess the query workers check as the query runs: a
    light query that runs long goes on with the others (store/workers.py). False for bad text.

    >>> looks_light("ASK { ?s a <urn:x:C> }"), looks_light("ASK { ?a ?b ?c . ?d ?e ?f }")
    (True, False)
    """
    try:
        return _facts(text).light
    except QueryError:
        return False


def _light(tree: Any) -> bool:
    """`looks_light` on a parse tree, read as the algebra would be: a group's triple blocks that only
    filters separate form one basic graph pattern (SPARQL 1.1 section 18.2.2), and every basic graph
    pattern must be connected, with no repeating path and no pattern of three free terms. Read off the
    tree itself: translating it to rdflib's algebra took as long as the parse."""
    from rdflib.term import BNode, Variable

    def free(term: Any) -> bool:
        return isinstance(term, (Variable, BNode))

    def repeats(path: Any) -> bool:
        return any(node.name == "PathElt" and node.get("mod") in ("*", "+") for node in _walk(path))

    def connected(triples: list[Any]) -> bool:
        groups: list[set[Any]] = []
        for s, p, o in triples:
            if not free(p) and repeats(p):
                return False
            if free(s) and free(p) and free(o):
                return False
            names = {t for t in (s, p, o) if free(t)}
            joined = [g for g in groups if g & names]
            merged = names.union(*joined)
            groups = [g for g in groups if not g & names] + [merged]
        return len([g for g in groups if g]) <= 1

    for node in _walk(tree):
        parts = node.get("part")
        if not isinstance(parts, list):  # a group's parts (the grammar's ParamList makes a list)
            continue
        block: list[Any] = []
        for part in [*parts, None]:  # None ends the last block
            if part is not None and getattr(part, "name", None) == "Filter":
                continue  # filters apply to the whole group: the blocks on either side are one pattern
            if part is not None and getattr(part, "name", None) == "TriplesBlock":
                for terms in part.get("triples") or []:
                    flat = list(terms)
                    block += [tuple(flat[i:i + 3]) for i in range(0, len(flat) - 2, 3)]
                continue
            if block and not connected(block):
                return False
            block = []
    return True


def _parse_unlocked(text: str) -> Any:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import Query, UpdateUnit

    used = prologue_for(text)
    if used != prologue():
        try:  # the prefixes the text uses are all it needs; a text that fails is parsed again below
            return Query.parse_string(used + text, parse_all=True)
        except (ParseException, RecursionError, Exception):
            pass  # the whole prologue's parse says what is wrong, at positions in the user's text
    full = prologue() + text
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
    offset = prologue().count("\n")
    line, col = syntax.lineno - offset, syntax.col
    message = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$", "", str(syntax.msg))
    found = f", found {syntax.found!r}" if getattr(syntax, "found", None) else ""
    raise QueryError(f"SPARQL syntax error at line {line}, column {col}: {message}{found}{_snippet(text, line, col)}",
                     line=line, column=col)


def _snippet(text: str, line: int | None, col: int | None) -> str:
    lines = text.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return ""
    return f"\n    {lines[line - 1]}\n    {' ' * max((col or 1) - 1, 0)}^"


def _engine_syntax_error(full: str) -> QueryError | None:
    """The engine's own syntax error for a text rdflib refused (its positions are better), or None."""
    from inovasi_kg.sparql.text import engine_parse_error

    found = engine_parse_error(full)
    return None if found is None else located_syntax_error(*found, full)


def located_syntax_error(message: str, lineno: int | None, offset_col: int | None, text: str) -> QueryError:
    line, col, msg = lineno, offset_col, message
    at = re.match(r"error at (\d+):(\d+): (.*)", msg, re.DOTALL)
    if at:
        line, col, msg = int(at.group(1)), int(at.group(2)), at.group(3)
    # The project prologue is prepended to every query: report positions in the user's text.
    offset = prologue().count("\n")
    msg = re.sub(r"^Parser error (at|between) .*?: ", "", msg)
    if line is not None:
        line -= offset
    where = f"line {line}, column {col}" if line is not None else "unknown position"
    user_text = "\n".join(text.splitlines()[offset:])
    return QueryError(f"SPARQL syntax error at {where}: {msg}{_snippet(user_text, line, col)}", line=line, column=col)
