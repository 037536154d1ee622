"""inovasi-kg: a knowledge graph of Indonesian regional-government innovation.

    >>> import inovasi_kg
    >>> sorted(inovasi_kg.__all__)[:3]
    ['BuildReport', 'ClassCount', 'InovasiKGError']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import BuildReport, ClassCount, build_store, export_rdf, publish, render_graph, stats, validate_data
    from .errors import InovasiKGError
    from .kg import KnowledgeGraph, open_graph
    from .result import QueryResult
    from .settings import Settings

# Imported when first used (PEP 562), so a command that only reads the store never loads the build stages.
_WHERE = {"BuildReport": "api", "ClassCount": "api", "build_store": "api", "export_rdf": "api", "publish": "api",
          "render_graph": "api", "stats": "api", "validate_data": "api", "InovasiKGError": "errors",
          "KnowledgeGraph": "kg", "open_graph": "kg", "QueryResult": "result", "Settings": "settings"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "BuildReport",
    "ClassCount",
    "InovasiKGError",
    "KnowledgeGraph",
    "QueryResult",
    "Settings",
    "build_store",
    "export_rdf",
    "open_graph",
    "publish",
    "render_graph",
    "stats",
    "validate_data",
]

__version__ = "0.1.0"
