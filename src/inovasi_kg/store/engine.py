"""One query on an Oxigraph store in this process: the reply a worker sends, and the time limit's message.

Light on purpose (pyoxigraph, json and terms): the query workers, the in-memory backend and a one-shot
command (`inovasi-kg query NAME`) evaluate here without loading the worker pool.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from inovasi_kg.core.terms import FOLD, decode_term, fold_function, json_term

__all__ = ["Reply", "evaluate", "timeout_message"]

# A reply (see result.Reply): ("ok", kind, payload, truncated) | ("syntax", message, line, column)
# | ("query", message) | ("store", message) | ("memory", message)
Reply = tuple[Any, ...]


def timeout_message(seconds: float) -> str:
    """What a query stopped at its time limit says."""
    return (f"the query ran longer than {seconds:g} s and was stopped "
            f"(raise --timeout or the query_timeout setting to allow more)")


def evaluate(store: ox.Store, text: str, substitutions: dict[str, Any] | None, max_rows: int,
             dataset: tuple[list[str] | None, list[str] | None] = (None, None), base_iri: str | None = None) -> Reply:
    """Run one query on `store` and return the reply a worker sends (also used in process).

    `dataset` is the protocol's (default-graph-uri, named-graph-uri) lists; None keeps the query's own.
    """
    subs: dict[ox.Variable, Any] = {ox.Variable(k): decode_term(v) for k, v in (substitutions or {}).items()}
    default, named = dataset
    options: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
    if default is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in default]
    if named is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in named]
    answer: Any = None
    try:
        answer = store.query(text, substitutions=subs or None, custom_functions={FOLD: fold_function}, **options)
        if isinstance(answer, ox.QueryBoolean):
            return ("ok", "ask", json.dumps({"head": {}, "boolean": bool(answer)}).encode(), False)
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            bindings: list[dict[str, Any]] = []
            truncated = False
            for solution in answer:
                if len(bindings) >= max_rows:
                    truncated = True
                    break
                bindings.append({v: json_term(solution[v]) for v in variables if solution[v] is not None})
            body = {"head": {"vars": variables}, "results": {"bindings": bindings}}
            return ("ok", "select", json.dumps(body).encode(), truncated)
        triples: list[ox.Triple] = []
        truncated = False
        for t in answer:
            if len(triples) >= max_rows:
                truncated = True
                break
            triples.append(t)
        return ("ok", "graph", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", truncated)
    except SyntaxError as err:
        return ("syntax", str(err.msg if hasattr(err, "msg") else err), err.lineno, err.offset)
    except MemoryError:
        return ("memory", "the query needed more memory than it may use")
    except (RuntimeError, OSError, ValueError) as err:
        text_err = str(err)
        if "Corruption" in text_err or "IO error" in text_err:
            return ("store", text_err.splitlines()[0][:200])
        return ("query", f"the query failed: {text_err}")
    finally:
        answer = solution = None  # pyoxigraph results may only be dropped on the thread that made them


# ---------------------------------------------------------------------------------------------
# The parent side


