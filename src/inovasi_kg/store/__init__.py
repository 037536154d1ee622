"""Store backends: one protocol (base.py), the embedded store on disk, the in-memory store."""

from __future__ import annotations

from .base import DEFAULT_GRAPH, SEARCH_GRAPH, Backend, Capabilities, Reader, Staging, open_backend

__all__ = ["DEFAULT_GRAPH", "SEARCH_GRAPH", "Backend", "Capabilities", "Reader", "Staging", "open_backend"]
