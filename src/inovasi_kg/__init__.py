"""inovasi-kg: a knowledge graph of Indonesian regional-government innovation.

    >>> import inovasi_kg
    >>> sorted(inovasi_kg.__all__)[:3]
    ['BuildReport', 'ClassCount', 'InovasiKGError']
"""

from __future__ import annotations

from .api import BuildReport, ClassCount, build, export, publish, render_graph, stats, validate
from .errors import InovasiKGError
from .kg import KnowledgeGraph, open_graph
from .settings import Settings
from .sparql import QueryResult

__all__ = [
    "BuildReport",
    "ClassCount",
    "InovasiKGError",
    "KnowledgeGraph",
    "QueryResult",
    "Settings",
    "build",
    "export",
    "open_graph",
    "publish",
    "render_graph",
    "stats",
    "validate",
]

__version__ = "0.1.0"
