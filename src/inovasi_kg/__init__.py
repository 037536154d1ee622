"""inovasi-kg: a knowledge graph of Indonesian regional-government innovation.

    >>> import inovasi_kg
    >>> sorted(inovasi_kg.__all__)[:3]
    ['BuildReport', 'ClassCount', 'InovasiKGError']
"""

from __future__ import annotations

from .api import BuildReport, ClassCount, build_store, export_rdf, publish, render_graph, stats, validate_data
from .errors import InovasiKGError
from .kg import KnowledgeGraph, open_graph
from .result import QueryResult
from .settings import Settings

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
