"""Shared fixtures: one real build of the shipped data per session, into the embedded store on disk
and into the in-memory store (once with substitution, once binding parameters by an inline VALUES
block), so the query and export tests run on every backend."""

from __future__ import annotations

import asyncio
import csv
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph

from inovasi_kg import KnowledgeGraph, Settings, build_store, export_rdf
from inovasi_kg.core.resources import data_dir, ontology_dir
from inovasi_kg.pipeline import build as build_into
from inovasi_kg.store.layout import open_store
from inovasi_kg.store.memory import MemoryBackend
from safety import ENTRY
from virtuoso_server import Virtuoso, start_virtuoso


class Client:
    """A synchronous face on httpx's ASGI transport (one event loop per call)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                return await c.request(method, path, **kwargs)

        return asyncio.run(go())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)


ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"  # third-party material the tests read, each with source and licence
SEED = FIXTURES / "seed" / "000_cd48a5bcf97942ce.txt"
IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def export_store(settings: Settings) -> ox.Store:
    """The N-Triples export read back into a store of its own (what a portal loads)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                      for t in ox.parse(export_rdf(settings, "ntriples"), format=ox.RdfFormat.N_TRIPLES))
    return store


CHROMIUM = "/usr/bin/chromium"  # Debian's package; never a downloaded browser
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian chromium through Playwright; fails under CI=true when it is missing."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install Debian's chromium (see .ci/run)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def wait_for_server(url: str, seconds: float = 60) -> bool:
    """Poll the server's /sparql until it answers 200; False if it does not within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/sparql", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            time.sleep(0.2)
    return False


@pytest.fixture(scope="session")
def article() -> str:
    """The source article, as the seed gave it (tests/fixtures/seed)."""
    return SEED.read_text(encoding="utf-8")


REFERENCE = FIXTURES / "reference-data" / "kode-wilayah-2025.csv"


@pytest.fixture(scope="session")
def reference() -> dict[str, dict[str, str]]:
    """The region code table the skeleton in data/ comes from (tests/fixtures/reference-data), by code."""
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        return {r["kode"]: r for r in csv.DictReader(f)}


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("kg")
    s = Settings.load(store=str(root / "store"), build_dir=str(root / "build"))
    build_store(s)
    return s


BACKENDS = ["embedded", "memory", "memory-values", "virtuoso"]


@pytest.fixture(scope="session", params=BACKENDS)
def kg(request: pytest.FixtureRequest, settings: Settings):  # type: ignore[no-untyped-def]
    """The facade over each backend: the store on disk, memory, memory binding by VALUES, and a real
    SPARQL server (Virtuoso, the graph pushed there)."""
    if request.param == "embedded":
        graph = KnowledgeGraph(settings)
    elif request.param == "virtuoso":
        graph = KnowledgeGraph(request.getfixturevalue("virtuoso_article"))
    else:
        backend = MemoryBackend(substitutions=request.param == "memory")
        build_into(settings, backend)
        graph = KnowledgeGraph(settings, backend)
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def backend(settings: Settings):  # type: ignore[no-untyped-def]
    """The embedded backend over the session's store."""
    from inovasi_kg.store.embedded import EmbeddedBackend

    b = EmbeddedBackend(Path(settings.store))
    yield b
    b.close()


@pytest.fixture(scope="session")
def store(settings: Settings) -> ox.Store:
    return open_store(Path(settings.store))


@pytest.fixture(scope="session")
def ranking() -> list[tuple[int, str, str, str]]:
    """The article's ten-city ranking: rank, regional government, region code, score."""
    return RANKING


RANKING = [
    (1, "Pemerintah Kota Surabaya", "35.78", "2690"),
    (2, "Pemerintah Kota Tangerang Selatan", "36.74", "2643"),
    (3, "Pemerintah Kota Makassar", "73.71", "2617"),
    (4, "Pemerintah Kota Bontang", "64.74", "2548"),
    (5, "Pemerintah Kota Magelang", "33.71", "2478"),
    (6, "Pemerintah Kota Surakarta", "33.72", "2307"),
    (7, "Pemerintah Kota Sawahlunto", "13.73", "2285"),
    (8, "Pemerintah Kota Probolinggo", "35.74", "2260"),
    (9, "Pemerintah Kota Pontianak", "61.71", "2249"),
    (10, "Pemerintah Kota Yogyakarta", "34.71", "2199"),
]


@pytest.fixture(scope="session")
def triples(store: ox.Store) -> list[ox.Triple]:
    """The stored default graph (what is exported): the triples, in a fixed order."""
    return sorted((ox.Triple(q.subject, q.predicate, q.object)
                   for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())), key=str)


@pytest.fixture(scope="session")
def graph(triples: list[ox.Triple]) -> Graph:
    """The stored default graph as an rdflib graph."""
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


XSS = '<img src=x onerror="window.__xss=1">'
XSS_EN = "</script><script>window.__xss=2</script>"


@pytest.fixture(scope="session")
def xss_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A store whose SIPPUT labels are script injections (Indonesian: an <img onerror>, English: </script>)."""
    root = tmp_path_factory.mktemp("xss")
    data = Path(shutil.copytree(data_dir(), root / "data"))
    path = data / "inovasi.csv"
    quoted = XSS.replace('"', '""')
    text = path.read_text(encoding="utf-8")
    assert "33.71.sipput,SIPPUT,SIPPUT," in text
    path.write_text(text.replace("33.71.sipput,SIPPUT,SIPPUT,", f'33.71.sipput,"{quoted}","{XSS_EN}",', 1),
                    encoding="utf-8")
    s = Settings.load(store=str(root / "store"), data_dir=str(data))
    build_store(s)
    return s


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data folder."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


@pytest.fixture()
def ontology_copy(tmp_path: Path) -> Path:
    target = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), target)
    return target


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    """Run a SELECT and return rows of plain strings (None for unbound)."""
    prefixes = (
        "PREFIX ida: <https://w3id.org/inovasi-daerah/ontology#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX org: <http://www.w3.org/ns/org#>\n"
        "PREFIX dct: <http://purl.org/dc/terms/>\n"
        "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
        "PREFIX oa: <http://www.w3.org/ns/oa#>\n"
    )
    result = store.query(prefixes + query)
    return [tuple(None if row[v] is None else row[v].value for v in result.variables) for row in result]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`inovasi-kg serve` on a free loopback port (3 s query limit, 2 workers), for real clients; its
    log in a file (a pipe nobody reads would stop the server once full)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}
    env.update(INOVASI_KG_QUERY_TIMEOUT="3", INOVASI_KG_WORKERS="2")
    log = tmp_path_factory.mktemp("live") / "serve.log"
    with log.open("wb") as err:
        proc = subprocess.Popen([*ENTRY, "serve", "--store", settings.store, "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
    url = f"http://127.0.0.1:{port}"
    if not wait_for_server(url):
        proc.kill()
        pytest.fail("the server did not start: " + log.read_text())
    yield url
    proc.terminate()
    proc.wait(timeout=15)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """Debian's virtuoso-t on loopback with a minimal configuration of its own; fails under CI=true without it."""
    if shutil.which("virtuoso-t") is None:
        if IN_CI:
            pytest.fail("CI must install Debian's virtuoso-opensource (see .ci/run)")
        pytest.skip("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    try:
        server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    except RuntimeError as err:
        pytest.fail(str(err))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_small_transactions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A second Virtuoso that takes at most 300 kB of changes in one transaction (its default is 50 MB:
    about a million triples), so the article's graph is too large to replace in one request."""
    if shutil.which("virtuoso-t") is None:
        if IN_CI:
            pytest.fail("CI must install Debian's virtuoso-opensource (see .ci/run)")
        pytest.skip("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    try:
        server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-small"), transaction_bytes=300_000)
    except RuntimeError as err:
        pytest.fail(str(err))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_article(virtuoso: Virtuoso, settings: Settings) -> Settings:
    """The article's graph pushed to the session's Virtuoso: the settings that read it there."""
    from inovasi_kg.api import push_graph

    remote = virtuoso.settings(settings.base_iri + "graph/artikel")
    push_graph(replace_settings(settings, remote), remote.store)
    return remote


def replace_settings(source: Settings, remote: Settings) -> Settings:
    """`source`'s store with `remote`'s server settings (graph, update endpoint, credentials)."""
    from dataclasses import replace

    return replace(source, remote_graph=remote.remote_graph, remote_update=remote.remote_update,
                   remote_user=remote.remote_user, remote_password=remote.remote_password)
