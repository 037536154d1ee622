"""The server under load, abuse and faults, as a hostile client would try it: `inovasi-kg serve` on a
free port, clients from many loopback addresses (127.0.1.x), real sockets.

Admission (503/429 at once), what never waits on queries (/, /static, /healthz, ASK {}, cached
answers), abandoned work stopping, connection hygiene (header deadline, connection cap, slowloris)
and HTTP semantics on the real server (uvicorn with httptools and uvloop)."""

from __future__ import annotations

import asyncio
import os
import resource
import socket
import statistics
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from conftest import _free_port, wait_for_server
from inovasi_kg import Settings
from safety import ENTRY

SLOW = "SELECT (COUNT(*) AS ?n{i}) WHERE {{ ?a ?b ?c . ?d ?e ?f }}"  # distinct texts: none waits on another's answer
WORKERS, SLOTS, SHARE, TIMEOUT = 2, 16, 0.5, 8


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("load") / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}
    env.update(INOVASI_KG_WORKERS=str(WORKERS), INOVASI_KG_ADMISSION_SLOTS=str(SLOTS),
               INOVASI_KG_CLIENT_SHARE=str(SHARE), INOVASI_KG_QUERY_TIMEOUT=str(TIMEOUT),
               INOVASI_KG_HEADER_TIMEOUT="2", INOVASI_KG_MAX_CONNECTIONS="300")
    with log.open("wb") as err:  # a file, not a pipe: nobody reads a pipe while the tests run
        proc = subprocess.Popen([*ENTRY, "serve", "--store", settings.store, "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
    url = f"http://127.0.0.1:{port}"
    if not wait_for_server(url):
        proc.kill()
        pytest.fail("the server did not start: " + log.read_text())
    httpx.get(url + "/", timeout=30)  # the home page's figures, once (as a first visitor would)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("the server did not stop within 15 s of SIGTERM")
    # clients that went away, refusals and timeouts are answers, not errors: nothing was logged
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


def _address(n: int) -> str:
    return f"127.0.1.{n + 1}"


def _client(n: int, timeout: float = 60) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address=_address(n)), timeout=timeout)


def _health(url: str) -> dict:  # type: ignore[type-arg]
    return httpx.get(url + "/healthz", timeout=5).json()  # type: ignore[no-any-return]


def _wait_idle(url: str, seconds: float) -> float:
    """Seconds until no worker is busy and no slot is held (fails after `seconds`)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        health = _health(url)
        if health["workers"]["busy"] == 0 and health["admission"]["active"] == 0:
            return time.monotonic() - started
        time.sleep(0.05)
    pytest.fail(f"still busy after {seconds} s: {_health(url)}")


async def _slow(client: httpx.AsyncClient, url: str, i: int) -> httpx.Response:
    return await client.get(url + "/sparql", params={"query": SLOW.format(i=i)})


async def _timed(client: httpx.AsyncClient, url: str) -> tuple[float, httpx.Response]:
    started = time.monotonic()
    response = await client.get(url)
    return time.monotonic() - started, response


def test_a_full_gate_answers_503_and_one_client_gets_429_at_once(server: str) -> None:
    async def run() -> None:
        greedy, others = _client(0), [_client(n) for n in range(1, 40)]
        held: list[asyncio.Task[httpx.Response]] = []
        try:
            per_client = int(SLOTS * SHARE)
            held += [asyncio.create_task(_slow(greedy, server, i)) for i in range(per_client)]
            await asyncio.sleep(0.5)
            # one client past its share: 429 at once, while another client is still admitted
            refusals = [await _timed(greedy, server + "/sparql?query=" + SLOW.format(i=100 + i)) for i in range(10)]
            assert {r.status_code for _, r in refusals} == {429}
            body = refusals[0][1].json()["error"]
            assert body["status"] == 429 and f"{per_client} queries" in body["message"]
            assert refusals[0][1].headers["retry-after"] == "2"
            assert statistics.median(t for t, _ in refusals) < 0.05, [t for t, _ in refusals]
            held += [asyncio.create_task(_slow(c, server, 200 + n)) for n, c in enumerate(others[:SLOTS - per_client])]
            await asyncio.sleep(0.5)
            assert _health(server)["admission"]["active"] == SLOTS
            # the gate is full: 503 at once for anyone
            full = [await _timed(c, server + "/sparql?query=" + SLOW.format(i=300 + n))
                    for n, c in enumerate(others[SLOTS:SLOTS + 10])]
            assert {r.status_code for _, r in full} == {503}
            assert full[0][1].json()["error"]["status"] == 503 and full[0][1].headers["retry-after"] == "2"
            assert statistics.median(t for t, _ in full) < 0.05, [t for t, _ in full]
        finally:
            for task in held:
                task.cancel()
            await asyncio.gather(*held, return_exceptions=True)
            for c in [greedy, *others]:
                await c.aclose()

    asyncio.run(run())
    _wait_idle(server, 5)


def test_nothing_else_waits_on_64_slow_queries(server: str) -> None:
    async def run() -> dict[str, list[float]]:
        clients = [_client(n) for n in range(64)]
        probe = _client(100, timeout=10)
        for path in ("/", "/queries/peringkat-penghargaan.json"):
            assert (await probe.get(server + path)).status_code == 200  # answered once: cached now
        tasks = [asyncio.create_task(_slow(c, server, 1000 + n)) for n, c in enumerate(clients)]
        try:
            await asyncio.sleep(1.0)
            assert _health(server)["workers"]["busy"] == WORKERS
            times: dict[str, list[float]] = {}
            for path in ("/", "/static/site.css", "/healthz", "/sparql?query=ASK%20%7B%7D",
                         "/queries/peringkat-penghargaan.json"):
                for _ in range(20):
                    seconds, response = await _timed(probe, server + path)
                    assert response.status_code == 200, (path, response.status_code, response.text[:200])
                    times.setdefault(path, []).append(seconds)
            refused = [t.result().status_code for t in tasks if t.done()]
            assert set(refused) <= {503}  # those beyond the slots were refused at once, none waits unbounded
            assert len(refused) >= 64 - SLOTS
            return times
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for c in [*clients, probe]:
                await c.aclose()

    times = asyncio.run(run())
    medians = {path: statistics.median(t) for path, t in times.items()}
    assert max(medians.values()) < 1.0, medians
    _wait_idle(server, 5)


def test_64_clients_that_go_away_leave_the_workers_idle_within_2_s(server: str) -> None:
    async def run() -> None:
        clients = [_client(n, timeout=1.5) for n in range(64)]
        try:
            results = await asyncio.gather(*(_slow(c, server, 2000 + n) for n, c in enumerate(clients)),
                                           return_exceptions=True)
        finally:
            for c in clients:
                await c.aclose()
        gave_up = [r for r in results if isinstance(r, httpx.TimeoutException)]
        assert len(gave_up) == SLOTS  # the admitted ones waited; the rest were refused at once
        assert {r.status_code for r in results if isinstance(r, httpx.Response)} == {503}

    asyncio.run(run())
    assert _wait_idle(server, 2.0) < 2.0
    started = time.monotonic()
    small = httpx.get(server + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }"}, timeout=5)
    assert small.status_code == 200 and time.monotonic() - started < 1.0
    assert _health(server)["admission"]["cancelled"] >= SLOTS


def _raise_file_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def test_a_slow_header_is_dropped_after_the_header_timeout(server: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the rest
        s.settimeout(6)
        started = time.monotonic()
        assert s.recv(1024) == b""  # closed by the server
        assert 1.5 < time.monotonic() - started < 4
    with socket.create_connection((host, int(port))) as s:  # a silent connection too
        s.settimeout(6)
        assert s.recv(1024) == b""


def test_slowloris_leaves_a_normal_client_served(server: str) -> None:
    """1,000 half-open connections (more than the server keeps): a normal client is served within 1 s,
    each time, while they hang; the server closes what it does not keep."""
    _raise_file_limit(4096)
    host, port = server.removeprefix("http://").split(":")
    hanging = []
    try:
        for n in range(1000):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex((host, int(port)))
            hanging.append(s)
            if n % 100 == 99:
                time.sleep(0.05)
        time.sleep(0.3)
        for s in hanging:
            try:
                s.send(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            except OSError:
                pass
        times = []
        for _ in range(10):
            started = time.monotonic()
            r = httpx.get(server + "/healthz", timeout=5)
            times.append(time.monotonic() - started)
            assert r.status_code == 200
        assert max(times) < 1.0, times
        assert _health(server)["status"] == "ok"
    finally:
        for s in hanging:
            s.close()


def test_a_client_beyond_the_connection_cap_gets_a_clean_503(server: str) -> None:
    """300 connections each in the middle of a request (slow queries hold them, the rest wait on their
    body): the next connection gets a 503 in the error shape and is closed, nothing hangs."""
    host, port = server.removeprefix("http://").split(":")
    busy = []
    try:
        for _ in range(300):
            s = socket.create_connection((host, int(port)))
            # a POST whose body never comes: the request is under way, the connection is not idle
            s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                      b"Content-Length: 100\r\n\r\nASK")
            busy.append(s)
        time.sleep(0.3)
        with socket.create_connection((host, int(port))) as s:
            s.settimeout(5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 503") and b"retry-after: 2" in head.lower()
        assert b'"status": 503' in body
    finally:
        for s in busy:
            s.close()
    time.sleep(0.5)
    assert httpx.get(server + "/healthz", timeout=5).status_code == 200


@pytest.mark.parametrize("raw,status", [
    (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: %s\r\n" % (i, b"v" * 100) for i in range(200)) + b"\r\n", 431),
    (b"GET /tidak-ada HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    (b"DELETE /queries HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 2000000\r\n\r\n",
     413),
])
def test_every_error_of_the_real_server_is_in_the_json_shape(server: str, raw: bytes, status: int) -> None:
    import json

    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as s:
        s.settimeout(10)
        s.sendall(raw)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _length(answer):
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == str(status).encode(), head
    assert b"content-type: application/json" in head.lower()
    assert json.loads(body)["error"]["status"] == status


def _length(answer: bytes) -> int:
    for line in answer.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def test_rebuilds_while_dozens_of_clients_read(tmp_path: Path) -> None:
    """24 clients read four answers while the store is rebuilt five times (changed data, back, the same
    data again): not one 5xx, and every answer is exactly the old generation's or the new one's."""
    import shutil
    import threading

    from inovasi_kg.core.resources import data_dir

    data = {"old": tmp_path / "old", "new": tmp_path / "new"}
    shutil.copytree(data_dir(), data["old"])
    shutil.copytree(data_dir(), data["new"])
    table = data["new"] / "inovasi.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("33.71.sipput,SIPPUT,", "33.71.sipput,SIPPUT Baru,", 1),
                     encoding="utf-8")
    store = tmp_path / "store"
    env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}

    def build(which: str, force: bool = False) -> None:
        subprocess.run([*ENTRY, "build", "--store", str(store), "--data", str(data[which]), *(["--force"] if force else [])],
                       check=True, env=env, capture_output=True, timeout=300)

    build("old")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as err:
        proc = subprocess.Popen([*ENTRY, "serve", "--store", str(store), "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
    url = f"http://127.0.0.1:{port}"
    label = ("SELECT ?l WHERE { <https://w3id.org/inovasi-daerah/id/inovasi/33.71.sipput> "
             "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(LANG(?l) = 'id') }")
    reads = [("/sparql?" + urlencode({"query": label}), "application/sparql-results+json"),
             ("/id/inovasi/33.71.sipput", "text/turtle"), ("/id/inovasi/33.71.sipput", "text/html"),
             ("/queries/peringkat-penghargaan.json", "application/json")]
    try:
        assert wait_for_server(url)

        def answers() -> list[bytes]:
            out = []
            for path, accept in reads:
                r = httpx.get(url + path, headers={"accept": accept}, timeout=30)
                assert r.status_code == 200, (path, r.status_code)
                out.append(r.content)
            return out

        expected = {"old": answers()}
        build("new")
        expected["new"] = answers()
        assert b"SIPPUT Baru" in expected["new"][0] and b"SIPPUT Baru" not in expected["old"][0]
        seen: list[tuple[int, int, bytes]] = []
        stop = threading.Event()

        def hammer(n: int) -> None:
            with httpx.Client(transport=httpx.HTTPTransport(local_address=_address(n)), timeout=60) as c:
                i = n
                while not stop.is_set():
                    path, accept = reads[i % len(reads)]
                    r = c.get(url + path, headers={"accept": accept})
                    seen.append((i % len(reads), r.status_code, r.content))
                    i += 1

        threads = [threading.Thread(target=hammer, args=(n,)) for n in range(24)]
        for t in threads:
            t.start()
        try:
            for which, force in (("old", False), ("new", False), ("new", True), ("old", False), ("old", True)):
                build(which, force)
                time.sleep(0.3)
        finally:
            stop.set()
            for t in threads:
                t.join()
        statuses = [status for _, status, _ in seen]
        assert len(seen) > 200 and set(statuses) <= {200, 429, 503} and not [s for s in statuses if s >= 500 and s != 503]
        assert statuses.count(200) > 200 and statuses.count(503) == 0, sorted(set(statuses))
        wrong = [(reads[i][0], body[:120]) for i, status, body in seen
                 if status == 200 and body not in (expected["old"][i], expected["new"][i])]
        assert wrong == []
        assert answers() == expected["old"]  # the last build's contents
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


def test_light_queries_are_answered_while_slow_ones_hold_every_general_worker(server: str) -> None:
    """Eight slow queries hold both general workers (and queue behind them); named queries and ad-hoc
    queries the policy finds bounded still get answers, each with a text of its own (nothing cached)."""
    async def run() -> list[float]:
        clients = [_client(n) for n in range(8)]
        probe = _client(120, timeout=20)
        tasks = [asyncio.create_task(_slow(c, server, 3000 + n)) for n, c in enumerate(clients)]
        try:
            await asyncio.sleep(1.0)
            assert _health(server)["workers"]["busy"] == WORKERS
            times = []
            for n in range(20):
                query = f"# {n}\nSELECT ?s WHERE {{ ?s a <https://w3id.org/inovasi-daerah/ontology#Kota> }} LIMIT 3"
                seconds, r = await _timed(probe, server + "/sparql?" + urlencode({"query": query}))
                assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 3, r.text[:300]
                assert r.headers["x-cache"] == "miss"
                times.append(seconds)
            seconds, r = await _timed(probe, server + "/queries/dasar-hukum.json?lang=en")
            assert r.status_code == 200
            times.append(seconds)
            return times
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for c in [*clients, probe]:
                await c.aclose()

    times = asyncio.run(run())
    assert statistics.median(times) < 0.5 and max(times) < 2.0, times
    _wait_idle(server, 5)


def test_a_light_looking_query_that_runs_long_leaves_the_light_lane_to_others(server: str) -> None:
    """A query that looks bounded but is a cross product of two groups runs past the light budget: it
    goes on with the long queries (answered or stopped at the limit like them), and for a while that
    client's queries skip the light lane, while another client's light queries still get through."""
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    sly = f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ ?a {label} ?x }} {{ ?b {label} ?y }} {{ ?c {label} ?z }} }}"

    async def run() -> None:
        attacker, other = _client(130), _client(131)
        try:
            started = time.monotonic()
            r = await attacker.get(server + "/sparql", params={"query": sly})
            assert r.status_code in (200, 503) and time.monotonic() - started > 1.0
            # the general lane is busy now (two slow queries); the attacker's next light query waits there
            holders = [_client(140 + n) for n in range(2)]
            held = [asyncio.create_task(_slow(c, server, 4000 + n)) for n, c in enumerate(holders)]
            await asyncio.sleep(0.8)
            cheap = "SELECT ?s WHERE { ?s a <https://w3id.org/inovasi-daerah/ontology#Kota> } LIMIT 2 # "
            seconds, theirs = await _timed(other, server + "/sparql?" + urlencode({"query": cheap + "other"}))
            assert theirs.status_code == 200 and seconds < 1.0
            seconds, mine = await _timed(attacker, server + "/sparql?" + urlencode({"query": cheap + "attacker"}))
            assert seconds > 1.5 or mine.status_code == 503  # behind the slow queries, not on the light worker
            for task in held:
                task.cancel()
            await asyncio.gather(*held, return_exceptions=True)
            for c in holders:
                await c.aclose()
        finally:
            await attacker.aclose()
            await other.aclose()

    asyncio.run(run())
    _wait_idle(server, 10)
