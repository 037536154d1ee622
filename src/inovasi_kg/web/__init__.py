"""The web app: SPARQL endpoint, query editor, named-query pages and API, linked-data pages, portal files."""

from __future__ import annotations

from inovasi_kg.web.app import create_app

__all__ = ["create_app"]
