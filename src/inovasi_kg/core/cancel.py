"""Cancelling blocking work whose caller has gone (a web client that disconnected).

The caller sets an event in `CANCEL` for the thread that does the work (a context variable, so no
signature between the web layer and the query workers has to carry it); the workers' pool checks it
while a query waits for a worker and while it runs, and ends the worker when it is set.

    >>> import threading
    >>> token = threading.Event()
    >>> with cancellable(token):
    ...     cancelled()
    False
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextvars import ContextVar

__all__ = ["CANCEL", "cancellable", "cancelled"]

CANCEL: ContextVar[threading.Event | None] = ContextVar("inovasi_kg_cancel", default=None)


@contextlib.contextmanager
def cancellable(token: threading.Event) -> Iterator[threading.Event]:
    """Work done in this context stops when `token` is set."""
    reset = CANCEL.set(token)
    try:
        yield token
    finally:
        CANCEL.reset(reset)


def cancelled() -> bool:
    """Whether the work of this context has been cancelled."""
    token = CANCEL.get()
    return token is not None and token.is_set()
