"""Open the store backend a location names (the kind is decided by `core.settings.store_kind`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from inovasi_kg.core.settings import store_kind

if TYPE_CHECKING:
    from inovasi_kg.core.settings import Settings
    from inovasi_kg.store.base import Backend
    from inovasi_kg.store.remote import RemoteBackend

__all__ = ["open_backend", "open_one_shot", "open_remote"]


def open_backend(settings: Settings, *, workers: int = 1, light: int = 0, page_copy: bool = False) -> Backend:
    """The backend the `store` setting names: a folder, `memory:NAME` or a SPARQL server's http(s) URL.

    `workers` query processes serve an embedded store (the web server runs settings.workers), and
    `light` more for light queries (the web server runs settings.light_workers; store/workers.py).
    """
    location = str(settings.store)
    kind = store_kind(location)
    if kind == "memory":
        from inovasi_kg.store.memory import MemoryBackend

        return MemoryBackend.named(location)
    if kind == "remote":
        return open_remote(settings, location)
    from inovasi_kg.store.embedded import EmbeddedBackend

    return EmbeddedBackend(Path(location), memory_mb=settings.query_memory_mb, workers=workers, light=light,
                           copy_mb=settings.page_copy_mb if page_copy else 0, build_memory_mb=settings.build_memory_mb)


def open_one_shot(settings: Settings) -> Backend:
    """The embedded store for one query in this process, opening on a thread of its own while the
    caller imports the rest (`inovasi-kg query NAME` start-up)."""
    from inovasi_kg.store.embedded import EmbeddedBackend

    backend = EmbeddedBackend(Path(settings.store), memory_mb=settings.query_memory_mb, one_shot=True)
    backend.prefetch()
    return backend


def open_remote(settings: Settings, url: str) -> RemoteBackend:
    """The SPARQL server at `url`, with the credentials, graph and time limit of `settings`."""
    from inovasi_kg.store.remote import RemoteBackend

    return RemoteBackend(url, graph=settings.graph_iri, update=settings.remote_update, user=settings.remote_user,
                         password=settings.remote_password, timeout=settings.query_timeout,
                         max_bytes=settings.remote_max_bytes)
