"""SPARQL as text: the project prologue, comments and strings masked, parameters bound by inline
VALUES blocks (for engines without substitution), and the engine's own syntax check.

Light on purpose (re, pyoxigraph, the prefix table): the store backends use it as well as the policy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from inovasi_kg.core.errors import QueryError
from inovasi_kg.core.prefixes import PREFIXES
from inovasi_kg.core.terms import Term

__all__ = ["engine_parse_error", "inline_values", "mask_comments_and_strings", "prologue", "prologue_for"]


def prologue() -> str:
    """PREFIX lines for every project prefix (prepended to named and ad-hoc queries)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def prologue_for(text: str) -> str:
    """The PREFIX lines of the project prefixes `text` may use (`p:` occurs in it): for that text the
    same meaning as the whole prologue, since a prefixed name can only use a prefix it spells out.
    rdflib's parser spends most of its time on a query on the 35 lines of the whole prologue.

    >>> prologue_for("SELECT * { ?s a ida:Kota }")
    'PREFIX ida: <https://w3id.org/inovasi-daerah/ontology#>\\n'
    """
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p + ":" in text)


_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>')


def mask_comments_and_strings(text: str) -> str:
    """`text` with comments, strings and IRIs blanked out (same length), to find keywords and braces."""
    joined = _STRINGS.sub(lambda m: " " * len(m.group(0)), text)
    return re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), joined)


_DATA_BLOCK = re.compile(r"VALUES\s*(\([^)]*\)|[?$][A-Za-z_][A-Za-z0-9_]*)\s*$", re.IGNORECASE)


def inline_values(text: str, bindings: Mapping[str, Term]) -> str:
    """`text` with its parameters bound by inline VALUES blocks, for engines without substitution.

    A block goes at the start of every group pattern that mentions a bound variable, so FILTERs,
    BINDs and OPTIONALs of nested groups (UNION branches included) see the value as they would with
    SEP-0007 substitution. The text is the project's own (a named query).
    """
    if not bindings:
        return text
    masked = mask_comments_and_strings(text)
    mentions = re.compile(r"[?$](" + "|".join(map(re.escape, sorted(bindings))) + r")\b")
    opened: list[int] = []
    groups: list[tuple[int, int]] = []
    for i, ch in enumerate(masked):
        if ch == "{":
            opened.append(i)
        elif ch == "}" and opened:
            groups.append((opened.pop(), i))
    blocks: dict[int, str] = {}
    for start, end in groups:
        names = sorted({m.group(1) for m in mentions.finditer(masked, start, end)})  # only what this group names
        subquery = re.match(r"\s*SELECT\b", masked[start + 1:end], re.IGNORECASE)  # `{ SELECT ... }`: no VALUES first
        if names and not subquery and not _DATA_BLOCK.search(masked[:start]):
            blocks[start] = (f" VALUES ({' '.join('?' + n for n in names)}) "
                             f"{{ ({' '.join(str(bindings[n]) for n in names)}) }} ")
    if not blocks:
        raise QueryError("cannot bind parameters: no group pattern mentions them")
    for start in sorted(blocks, reverse=True):
        text = text[: start + 1] + blocks[start] + text[start + 1:]
    return text


def engine_parse_error(text: str) -> tuple[str, int | None, int | None] | None:
    """The engine's syntax error for `text` (message, line, column), or None if it would accept it.

    The text gets a suffix (a new line and an unclosed `{`) that no valid query can end with, so
    the engine always stops at a syntax error and never runs anything. An error at the suffix's first
    column means the text ended too early; past it, the engine would accept the text itself: None.
    """
    probe = text + "\n{"
    try:
        ox.Store().query(probe)
    except SyntaxError as err:
        msg = str(err.msg if hasattr(err, "msg") else err)
        at = re.match(r"error at (\d+):(\d+)(: .*)?", msg, re.DOTALL)
        if at is None:
            return None
        line, col, last = int(at.group(1)), int(at.group(2)), probe.count("\n") + 1
        if line < last:
            return msg, err.lineno, err.offset
        if col == 1:  # stopped right where the text ended: the query is incomplete
            lines = text.split("\n")
            end_line, end_col = len(lines), len(lines[-1]) + 1
            return f"error at {end_line}:{end_col}{at.group(3) or ''} (the query ends too early)", end_line, end_col
        return None  # the engine read past the text: it would accept it
    except Exception:  # pragma: no cover - the suffix makes every text a syntax error
        return None
    return None  # pragma: no cover
