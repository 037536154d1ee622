"""`inovasi-kg serve`: the app on uvicorn, with connection hygiene a public endpoint needs.

- a client has `header_timeout` seconds to send a request's headers, counted from the connection
  (first request) or from the request's first byte (a later one on a keep-alive connection); slow or
  half-open connections are closed, so a slowloris cannot hold the server's connections, and a
  connection between two requests is never closed by this timer (uvicorn's keep-alive timeout
  ends idle ones);
- at most `max_connections` connections: a new one beyond them first closes the oldest connection
  that is not in the middle of a request; when every one is busy, the newcomer gets a 503 in the
  JSON error shape and is closed;
- idle keep-alive connections close after `keepalive_timeout` seconds;
- the process may open as many files as its hard limit allows (each connection is one).
"""

from __future__ import annotations

import json
import resource
import time
from typing import Any

from inovasi_kg.core.settings import Settings

__all__ = ["protocol_class", "run"]


def _busy_response() -> bytes:
    body = json.dumps({"error": {"status": 503, "title": "Service Unavailable",
                                 "message": "the server has as many connections as it keeps; try again shortly"}}).encode()
    head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 2\r\n"
            f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("ascii") + body


def protocol_class(settings: Settings) -> type:
    """uvicorn's httptools protocol (a C parser: about twice h11's requests per second on cached answers)
    with a header deadline and a connection cap that evicts idle connections."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    header_timeout, cap, busy = settings.header_timeout, settings.max_connections, _busy_response()

    class Protocol(HttpToolsProtocol):  # type: ignore[misc]
        opened = 0.0
        header_timer: Any = None
        refused = False

        def waiting_for_headers(self) -> bool:
            return self.cycle is None or bool(self.cycle.response_complete)

        def connection_made(self, transport: Any) -> None:
            connections = self.server_state.connections
            refuse = False
            if len(connections) >= cap:
                idle = [c for c in connections if getattr(c, "waiting_for_headers", lambda: False)()]
                if idle:
                    min(idle, key=lambda c: c.opened).transport.close()
                else:
                    refuse = True
            super().connection_made(transport)
            self.opened = time.monotonic()
            if refuse:
                # answer, end our side, and read (and drop) what the client sends until it closes or a
                # moment has passed: closing with its request unread would reset the connection before
                # the client reads the 503
                self.refused = True
                transport.write(busy)
                if transport.can_write_eof():
                    transport.write_eof()
                self.loop.call_later(2.0, transport.close)
                return
            self.arm()

        def arm(self) -> None:
            if self.header_timer is None:
                self.header_timer = self.loop.call_later(header_timeout, self.headers_late)

        def headers_late(self) -> None:
            self.header_timer = None
            if self.waiting_for_headers() and not self.transport.is_closing():
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            if self.refused:
                return
            if self.waiting_for_headers():
                self.arm()  # a new request is starting: its headers have header_timeout seconds
            super().data_received(data)
            if not self.waiting_for_headers():
                self.disarm()  # its headers are in: the request runs under the query limits, not this one

        def disarm(self) -> None:
            if self.header_timer is not None:
                self.header_timer.cancel()
                self.header_timer = None

        def connection_lost(self, exc: Exception | None) -> None:
            self.disarm()
            super().connection_lost(exc)

    return Protocol


def run(app: Any, settings: Settings) -> None:
    """Serve `app` on settings.host:settings.port until interrupted."""
    import uvicorn

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning", access_log=False,
                            loop="uvloop", http=protocol_class(settings),
                            timeout_keep_alive=int(max(1, settings.keepalive_timeout)), backlog=4096,
                            timeout_graceful_shutdown=5)
    uvicorn.Server(config).run()
