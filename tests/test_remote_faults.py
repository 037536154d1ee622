"""The remote store against a hostile or broken SPARQL server (a fake one on loopback): one deadline
per request however slowly bytes come, a size cap, rows streamed so max_rows stops the reading,
redirects only within the origin, credentials never shown or sent elsewhere, and every broken answer
(garbage, a web page, 401/403, cut short, huge) one line and exit 2 from the CLI, under a memory limit."""

from __future__ import annotations

import os
import resource
import socketserver
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from inovasi_kg.core.errors import LimitExceeded, StoreError
from inovasi_kg.store.remote import RemoteBackend, ServerRefused, mask
from safety import ENTRY

ROW = (b'{"s":{"type":"uri","value":"http://example.org/s"},"n":{"type":"literal","value":"1",'
       b'"datatype":"http://www.w3.org/2001/XMLSchema#integer"}}')
HEAD = b'{"head":{"vars":["s","n"]},"results":{"bindings":['


class Fake:
    """A loopback HTTP server whose every path is a behaviour (see `_behaviours`); it records what it got."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.sent: dict[str, int] = {}
        self.other: Fake | None = None
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                line = self.rfile.readline().decode("latin-1").split()
                if len(line) < 2:
                    return
                headers: dict[str, str] = {}
                while (h := self.rfile.readline().decode("latin-1").strip()):
                    name, _, value = h.partition(":")
                    headers[name.strip().lower()] = value.strip()
                self.rfile.read(int(headers.get("content-length", "0") or 0))
                path = line[1].split("?")[0]
                fake.requests.append((path, headers))
                try:
                    fake.behave(path, self.wfile)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def behave(self, path: str, out: Any) -> None:
        def head(status: str, media: str, extra: str = "") -> None:
            out.write(f"HTTP/1.1 {status}\r\nContent-Type: {media}\r\nConnection: close\r\n{extra}\r\n".encode())

        def endless(first: bytes, each: bytes, pause: float = 0.0) -> None:
            out.write(first)
            sent = len(first)
            try:
                for _ in range(10_000_000):
                    out.write(each)
                    sent += len(each)
                    if pause:
                        out.flush()
                        time.sleep(pause)
            finally:
                self.sent[path] = sent

        results = "application/sparql-results+json"
        if path == "/good":
            body = HEAD + ROW + b"]}}"
            head("200 OK", results, f"Content-Length: {len(body)}\r\n")
            out.write(body)
        elif path == "/drip":  # a byte every 0.2 s, for ever
            head("200 OK", results)
            endless(HEAD, b" ", pause=0.2)
        elif path == "/slow-head":  # the status line, then a header byte every 0.2 s
            out.write(b"HTTP/1.1 200 OK\r\n")
            endless(b"X-Slow: ", b"a", pause=0.2)
        elif path == "/rows":  # rows without end
            head("200 OK", results)
            endless(HEAD + ROW, b"," + ROW)
        elif path == "/huge-string":  # one value without end
            head("200 OK", results)
            endless(HEAD + b'{"s":{"type":"literal","value":"', b"x" * 65536)
        elif path == "/garbage":
            head("200 OK", results, "Content-Length: 23\r\n")
            out.write(b"\x00\xffthis is not json at all")
        elif path == "/html":
            body = b"<html><body><h1>Welcome to our portal</h1></body></html>"
            head("200 OK", "text/html; charset=utf-8", f"Content-Length: {len(body)}\r\n")
            out.write(body)
        elif path in ("/401", "/403"):
            body = b"no"
            head(f"{path[1:]} Denied", "text/plain", "Content-Length: 2\r\nWWW-Authenticate: Basic realm=x\r\n")
            out.write(body)
        elif path == "/truncated":  # promises 5000 bytes, sends part of the results, hangs up
            head("200 OK", results, "Content-Length: 5000\r\n")
            out.write(HEAD + ROW + b"," + ROW[:40])
        elif path in ("/long-refusal", "/long-refusal-endless"):  # a message, then the query echoed at length
            status = "500 SPARQL Request Failed" if path == "/long-refusal" else "400 Bad Request"
            message = b"Virtuoso 40005 Error SR325: Transaction aborted\n\nSPARQL query:\nINSERT DATA { "
            if path == "/long-refusal":
                echo = b"<urn:s> <urn:p> \"" + b"x" * 300_000 + b"\" . }"
                head(status, "text/plain", f"Content-Length: {len(message) + len(echo)}\r\n")
                out.write(message + echo)
            else:
                head(status, "text/plain")
                endless(message, b"<urn:s> <urn:p> <urn:o> . ")
        elif path == "/same-origin":
            head("307 Temporary Redirect", "text/plain", "Location: /good\r\nContent-Length: 0\r\n")
        elif path == "/loop":
            head("307 Temporary Redirect", "text/plain", "Location: /loop\r\nContent-Length: 0\r\n")
        elif path == "/elsewhere":
            assert self.other is not None
            head("307 Temporary Redirect", "text/plain", f"Location: {self.other.url}/good\r\nContent-Length: 0\r\n")
        else:
            head("404 Not Found", "text/plain", "Content-Length: 0\r\n")
        out.flush()


@pytest.fixture()
def fake() -> Iterator[Fake]:
    server, other = Fake(), Fake()
    server.other = other
    yield server
    server.close()
    other.close()


def _backend(fake: Fake, path: str, **kwargs: Any) -> RemoteBackend:
    return RemoteBackend(fake.url + path, graph="urn:g", **{"timeout": 2.0, **kwargs})


def _timed(call: Callable[[], Any]) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        call()
    except BaseException as err:
        return time.monotonic() - started, err
    return time.monotonic() - started, None


@pytest.mark.parametrize("path", ["/drip", "/slow-head"])
def test_one_deadline_per_request_however_slowly_bytes_come(fake: Fake, path: str) -> None:
    backend = _backend(fake, path, timeout=1.5)
    try:
        seconds, err = _timed(lambda: backend.query("SELECT * WHERE { ?s ?p ?o }"))
        assert isinstance(err, LimitExceeded) and "did not answer within 1.5 s" in str(err)
        assert 1.4 < seconds < 2.2, seconds
    finally:
        backend.close()


def test_max_rows_stops_the_reading(fake: Fake) -> None:
    backend = _backend(fake, "/rows", timeout=20)
    try:
        result = backend.query("SELECT * WHERE { ?s ?p ?o }", max_rows=5)
        assert result.truncated and len(result.rows) == 5 and result.variables == ["s", "n"]
        assert str(result.rows[0][1].value) == "1"
    finally:
        backend.close()
    deadline = time.monotonic() + 5
    while "/rows" not in fake.sent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fake.sent["/rows"] < 5_000_000  # the server was cut off, not read to the end (it would send 1 GB+)


def test_an_answer_over_the_size_cap_is_refused(fake: Fake) -> None:
    backend = _backend(fake, "/huge-string", timeout=20, max_bytes=1_000_000)
    try:
        with pytest.raises(StoreError, match=r"sent more than 1000000 bytes; the answer is refused"):
            backend.query("SELECT * WHERE { ?s ?p ?o }")
    finally:
        backend.close()


@pytest.mark.parametrize("path,message", [
    ("/garbage", r"did not send SPARQL JSON results \(Content-Type 'application/sparql-results\+json'\)"),
    ("/html", r"sent a web page \(Content-Type text/html\), not query results: is it the query endpoint\?"),
    ("/401", r"refused the credentials \(HTTP 401\)"),
    ("/403", r"refused the credentials \(HTTP 403\)"),
    ("/truncated", r"broke off its answer|did not send SPARQL JSON results"),
    ("/loop", r"redirects more than 5 times"),
    ("/nothing-here", r"no SPARQL endpoint at .* \(HTTP 404\)"),
])
def test_broken_answers_are_one_clear_error(fake: Fake, path: str, message: str) -> None:
    backend = _backend(fake, path, user="reader", password="s3cret-pw")
    try:
        with pytest.raises(StoreError, match=message) as caught:
            backend.query("SELECT * WHERE { ?s ?p ?o }")
        assert "\n" not in str(caught.value) and "s3cret-pw" not in str(caught.value)
    finally:
        backend.close()


@pytest.mark.parametrize("path,status", [("/long-refusal", 500), ("/long-refusal-endless", 400)])
def test_a_refusal_longer_than_the_error_cap_keeps_its_message(fake: Fake, path: str, status: int) -> None:
    # Virtuoso puts its message first and echoes the whole update after it: a refused batch of a push
    # answers with hundreds of kB; the message (which says whether a smaller batch may pass) must survive
    backend = _backend(fake, path, timeout=10)
    try:
        with pytest.raises(ServerRefused) as caught:
            backend.update("INSERT DATA { <urn:s> <urn:p> <urn:o> }")
        assert str(caught.value) == (f"the SPARQL server refused the query (HTTP {status}): Virtuoso 40005 Error "
                                     f"SR325: Transaction aborted")
    finally:
        backend.close()


def test_redirects_stay_within_the_origin(fake: Fake) -> None:
    backend = _backend(fake, "/same-origin", user="reader", password="s3cret-pw")
    try:
        result = backend.query("SELECT * WHERE { ?s ?p ?o }")
        assert [str(t.value) for t in result.rows[0]] == ["http://example.org/s", "1"]
        with pytest.raises(StoreError, match="redirects to another origin") as caught:
            _backend(fake, "/elsewhere", user="reader", password="s3cret-pw").query("ASK {}")
        assert "s3cret-pw" not in str(caught.value)
    finally:
        backend.close()
    assert fake.other is not None and fake.other.requests == []  # nothing, credentials least of all, went there


def test_credentials_are_masked_everywhere() -> None:
    assert mask("cannot reach http://user:pw@host:8890/sparql or https://a%40b:c@x/y") == \
        "cannot reach http://***@host:8890/sparql or https://***@x/y"
    assert mask("http://host/sparql") == "http://host/sparql"


def _cli(url: str, *, memory: int | None = None, extra_env: dict[str, str] | None = None,
         timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}
    env.update(INOVASI_KG_QUERY_TIMEOUT="10", **(extra_env or {}))

    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([*ENTRY, "query", "--store", url, "--file", "-"], input=b"SELECT * WHERE { ?s ?p ?o }",
                          capture_output=True, env=env, timeout=timeout, preexec_fn=limit, check=False)


@pytest.mark.parametrize("path", ["/garbage", "/html", "/401", "/403", "/truncated", "/huge-string"])
def test_the_cli_says_one_line_and_exits_2(fake: Fake, path: str) -> None:
    url = fake.url.replace("http://", "http://reader:s3cret-pw@") + path
    out = _cli(url, extra_env={"INOVASI_KG_REMOTE_MAX_BYTES": "1000000"})
    err = out.stderr.decode()
    assert out.returncode == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert "s3cret-pw" not in err and "s3cret-pw" not in out.stdout.decode()


def test_memory_stays_bounded_under_a_limit(fake: Fake) -> None:
    """Under an address-space limit the CLI's start fits in, an endless answer (rows, or one value) ends
    with a clear error or a cut result, never with the process out of memory."""
    baseline = _cli(fake.url + "/good", memory=None)
    assert baseline.returncode == 0, baseline.stderr.decode()
    cap = 16 * 1024 * 1024
    limit = 1536 * 1024 * 1024
    ok = _cli(fake.url + "/good", memory=limit)
    assert ok.returncode == 0, ok.stderr.decode()[-500:]  # the limit leaves room for a normal run
    big = _cli(fake.url + "/huge-string", memory=limit, extra_env={"INOVASI_KG_REMOTE_MAX_BYTES": str(cap)})
    assert big.returncode == 2 and f"sent more than {cap} bytes" in big.stderr.decode(), big.stderr.decode()[-500:]
    rows = _cli(fake.url + "/rows", memory=limit, extra_env={"INOVASI_KG_MAX_ROWS": "1000"})
    assert rows.returncode == 0, rows.stderr.decode()[-500:]
    assert len(rows.stdout.decode().splitlines()) < 1100  # a table of 1,000 rows (and its frame), cut there


def test_a_good_answer_still_reads(fake: Fake) -> None:
    backend = _backend(fake, "/good")
    try:
        result = backend.query("SELECT * WHERE { ?s ?p ?o }")
        assert not result.truncated and [str(t.value) for t in result.rows[0]] == ["http://example.org/s", "1"]
    finally:
        backend.close()
