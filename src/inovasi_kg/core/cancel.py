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

__all__ = ["CANCEL", "LANE", "Lane", "cancellable", "cancelled", "lane"]

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


class Lane:
    """Which workers a request's queries may use. The web layer gives each admitted request one
    (`allowed`: the client has not lately sent a light-looking query that ran long); the facade marks
    each query light or not (`light`); the pool runs light queries on its reserved light workers with
    a short budget, and sets `overran` when one ran past it (the query then goes on in the general
    lane, and the web layer keeps the client out of the light lane for a while)."""

    def __init__(self, allowed: bool = True) -> None:
        self.allowed, self.light, self.ours, self.overran = allowed, False, False, False


LANE: ContextVar[Lane | None] = ContextVar("inovasi_kg_lane", default=None)


@contextlib.contextmanager
def lane(light: bool, *, ours: bool = False) -> Iterator[None]:
    """Queries run in this context are light (our own named queries and page reads: `ours`, or an
    ad-hoc query the policy finds bounded) or not; nothing changes where no lane was given (the CLI).
    Only a client's own query that overruns counts against the client."""
    current = LANE.get()
    if current is None:
        yield
        return
    before = current.light, current.ours
    current.light, current.ours = light, ours
    try:
        yield
    finally:
        current.light, current.ours = before
