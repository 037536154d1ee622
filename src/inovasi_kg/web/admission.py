"""Admission control: a bounded number of requests may wait on or hold the query workers at once.

The query endpoint, named-query pages and linked-data pages go through one `Admission` sized from
the worker count (`admission_slots`, 0 = eight per worker). A full gate answers at once (503 with
Retry-After), never by queueing without bound; one client (by address) holds at most
`client_share` of the slots, beyond which it gets 429 while others are still admitted. Admitted
work runs on a thread pool of its own (one thread per slot), so static files, the home page from
its cache, /healthz and store-free queries never wait behind queries; a client that disconnects
has its work cancelled (core/cancel.py: the worker running its query is ended). Each admitted
request gets a lane ticket (core/cancel.Lane): light queries may use the light workers, except for a
client whose light-looking query ran long lately (LIGHT_PENALTY).
"""

from __future__ import annotations

import asyncio
import contextvars
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from starlette.requests import Request

from inovasi_kg.core.cancel import LANE, Lane, cancellable
from inovasi_kg.core.errors import Cancelled
from inovasi_kg.web.common import HTTPError

__all__ = ["Admission"]

T = TypeVar("T")
RETRY_AFTER = 2  # seconds a refused client is asked to wait
LIGHT_PENALTY = 60.0  # seconds a client whose light-looking query ran long stays out of the light lane


class Admission:
    """`slots` requests at once, at most `per_client` of them from one address."""

    def __init__(self, slots: int, client_share: float) -> None:
        self.slots = slots
        self.per_client = max(1, math.floor(slots * client_share))
        self.active = 0
        self.by_client: Counter[str] = Counter()
        self.refused = 0
        self.cancelled = 0
        self.executor = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="query")
        self.penalized: dict[str, float] = {}  # client: until when it stays out of the light lane

    def _enter(self, client: str) -> None:
        if self.active >= self.slots:
            self.refused += 1
            raise HTTPError(503, f"the server is busy: all {self.slots} query slots are taken; try again shortly",
                            retry_after=RETRY_AFTER)
        if self.by_client[client] >= self.per_client:
            self.refused += 1
            raise HTTPError(429, f"this client already has {self.per_client} queries waiting or running (the most one "
                                 f"client may hold); wait for them to finish", retry_after=RETRY_AFTER)
        self.active += 1
        self.by_client[client] += 1

    def _leave(self, client: str) -> None:
        self.active -= 1
        self.by_client[client] -= 1
        if self.by_client[client] <= 0:
            del self.by_client[client]

    async def run(self, request: Request, func: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
        """Run `func` on the query threads once admitted; its result and its time in ms. Cancelled when
        the client disconnects first (its work is stopped: see core/cancel.py)."""
        client = request.client.host if request.client else "unknown"
        self._enter(client)
        token = threading.Event()
        context = contextvars.copy_context()

        ticket = Lane(allowed=self.penalized.get(client, 0.0) <= time.monotonic())

        def job() -> T:
            LANE.set(ticket)
            try:
                with cancellable(token):
                    return func(*args, **kwargs)
            finally:
                if ticket.overran:  # it looked light and ran long: this client's queries skip the light lane a while
                    now = time.monotonic()
                    if len(self.penalized) > 10000:
                        self.penalized = {c: t for c, t in self.penalized.items() if t > now}
                    self.penalized[client] = now + LIGHT_PENALTY

        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        try:
            future = loop.run_in_executor(self.executor, context.run, job)
        except BaseException:
            self._leave(client)
            raise
        future.add_done_callback(lambda _: self._leave(client))  # the slot is free when the work has ended
        gone: asyncio.Future[Any] = asyncio.ensure_future(_disconnect(request))
        waiting: set[asyncio.Future[Any]] = {future, gone}
        try:
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
        if future not in done:
            token.set()
            self.cancelled += 1
            future.add_done_callback(_consume)
            raise Cancelled("the client went away; its request was stopped")
        return future.result(), (time.perf_counter() - started) * 1000

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def _consume(future: asyncio.Future[Any]) -> None:
    """Read a cancelled job's outcome so nothing is logged as never retrieved."""
    if not future.cancelled():
        future.exception()


async def _disconnect(request: Request) -> None:
    """Return when the client disconnects (the request body has been read by then)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return
