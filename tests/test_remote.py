"""The remote backend against a real SPARQL server (Debian's Virtuoso, started by the `virtuoso` fixture):
push (atomic replacement, idempotence, resume, Graph Store Protocol), every named query, export and the
graph view unchanged, and a down, slow or credential-refusing server failing fast with a clear error.

The shared `kg` fixture also runs every query test of test_queries.py, test_web.py and the rest on the
article's graph pushed to Virtuoso (its `virtuoso` parameter).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from conftest import replace_settings
from inovasi_kg import Settings, build_store
from inovasi_kg.api import push_graph
from inovasi_kg.cli import cli
from inovasi_kg.core.errors import LimitExceeded, QueryError, StoreError, UsageError
from inovasi_kg.dataset.push import describe, push
from inovasi_kg.ingest.generate import generate
from inovasi_kg.kg import KnowledgeGraph
from inovasi_kg.sparql.named import catalogue
from inovasi_kg.store.embedded import EmbeddedBackend
from inovasi_kg.store.memory import MemoryBackend
from inovasi_kg.store.remote import RemoteBackend, normalize_results, query_form, split_credentials, staging_graph
from test_queries import EXPECTED
from virtuoso_server import Virtuoso

BASE = "https://w3id.org/inovasi-daerah/"


# --- without a server ------------------------------------------------------------------------------------


def test_virtuoso_results_are_read_as_the_recommendation_writes_them() -> None:
    ask = {"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": [
        {"__ASK_RETVAL": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "0"}}]}}
    assert normalize_results(ask, "ask") == {"head": {}, "boolean": False}
    assert normalize_results({"head": {}, "boolean": True}, "ask")["boolean"] is True
    rows = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "typed-literal", "value": "1",
                                                                        "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}
    assert normalize_results(rows, "select")["results"]["bindings"][0]["n"]["type"] == "literal"
    with pytest.raises(StoreError, match="not SPARQL JSON results"):
        normalize_results({"oops": 1}, "select")


@pytest.mark.parametrize("text,form", [
    ("PREFIX s: <http://x/select#> SELECT * { ?s ?p ?o }", "select"),
    ("# CONSTRUCT in a comment\nASK { ?s ?p 'SELECT' }", "ask"),
    ("BASE <http://x/ask> CONSTRUCT WHERE { ?s ?p ?o }", "graph"),
    ("describe <http://x>", "graph"),
])
def test_the_query_form_is_read_past_prologue_strings_and_comments(text: str, form: str) -> None:
    assert query_form(text) == form


def test_credentials_come_out_of_the_url() -> None:
    assert split_credentials("http://u%40x:p%3Aw@127.0.0.1:8890/sparql?x=1") == \
        ("http://127.0.0.1:8890/sparql?x=1", "u@x", "p:w")
    assert split_credentials("https://[::1]/sparql") == ("https://[::1]/sparql", None, None)
    with pytest.raises(UsageError, match="both a user and a password"):
        RemoteBackend("http://127.0.0.1:9/sparql", graph="urn:g", user="only")


def test_the_remote_graph_setting_must_be_an_absolute_iri() -> None:
    with pytest.raises(UsageError, match="remote_graph must be an absolute IRI"):
        Settings.load(remote_graph="not an iri")
    assert Settings.load().graph_iri == BASE + "graph"


def test_building_into_a_server_is_refused_with_advice(tmp_path: Path) -> None:
    settings = Settings.load(store="http://127.0.0.1:9/sparql")
    with pytest.raises(UsageError, match=re.escape("push --to http://127.0.0.1:9/sparql")):
        build_store(settings)


# --- a server that is down, slow or refuses the credentials --------------------------------------------------


@pytest.fixture()
def silent_server() -> Iterator[str]:
    """A loopback socket that accepts connections and never answers (stops by itself)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        deadline = time.monotonic() + 60
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    sock.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_that_is_down_fails_at_once() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/sparql"
    start = time.monotonic()
    with KnowledgeGraph(Settings.load(store=url, query_timeout=5)) as kg, \
            pytest.raises(StoreError, match=re.escape(f"cannot reach the SPARQL server at {url}")):
        kg.query("jumlah-per-kelas")
    assert time.monotonic() - start < 5
    result = CliRunner().invoke(cli, ["query", "jumlah-per-kelas", "--store", url])
    assert result.exit_code == 2 and result.output.startswith(f"error: cannot reach the SPARQL server at {url}")


def test_a_silent_server_fails_within_the_timeout(silent_server: str) -> None:
    start = time.monotonic()
    with KnowledgeGraph(Settings.load(store=silent_server, query_timeout=1)) as kg, \
            pytest.raises(LimitExceeded, match=re.escape(f"the SPARQL server at {silent_server} did not answer within 1 s")):
        kg.query("jumlah-per-kelas")
    assert time.monotonic() - start < 4
    result = CliRunner().invoke(cli, ["query", "jumlah-per-kelas", "--store", silent_server, "--timeout", "1"])
    assert result.exit_code == 2 and "did not answer within 1 s" in result.output


def test_push_to_a_silent_server_fails_within_the_timeout(settings: Settings, silent_server: str) -> None:
    start = time.monotonic()
    with pytest.raises(LimitExceeded, match="did not answer within 1 s"):
        push_graph(dataclasses.replace(settings, query_timeout=1.0), silent_server)
    assert time.monotonic() - start < 4


@pytest.fixture()
def busy_server() -> Iterator[tuple[str, list[int]]]:
    """A loopback SPARQL endpoint that answers 503 (or Virtuoso's lock-wait timeout) to the first requests
    it is told to, then a one-row result; stops with the test (or after a minute by itself)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    plan: list[int] = []  # statuses still to answer before a good one

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            status = plan.pop(0) if plan else 200
            body = (b"Virtuoso S1T00 Error SR171: Transaction timed out" if status == 500 else b"busy") if status != 200 \
                else json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
                    {"n": {"type": "literal", "value": "7", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json" if status == 200 else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 0.1
    stop = threading.Event()

    def serve() -> None:
        deadline = time.monotonic() + 60
        while not stop.is_set() and time.monotonic() < deadline:
            server.handle_request()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", plan
    stop.set()
    thread.join()
    server.server_close()


def test_a_busy_server_is_asked_again_a_few_times(busy_server: tuple[str, list[int]],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import inovasi_kg.store.remote as remote_module

    monkeypatch.setattr(remote_module, "_RETRY_PAUSES", (0.01, 0.01, 0.01))
    url, plan = busy_server
    backend = RemoteBackend(url, graph="urn:g", timeout=5)
    try:
        plan[:] = [503, 500, 503]
        assert backend.count() == 7 and plan == []  # three busy answers, then the count
        plan[:] = [503, 503, 503, 503]
        with pytest.raises(StoreError, match=r"failed \(HTTP 503\)"):
            backend.count()
    finally:
        backend.close()


def test_wrong_credentials_are_named(virtuoso: Virtuoso, settings: Settings) -> None:
    remote = virtuoso.settings("urn:inovasi-kg:test:refused")
    wrong = dataclasses.replace(replace_settings(settings, remote), remote_password="not-the-password")
    with pytest.raises(StoreError, match=r"refused the credentials \(HTTP 401\)"):
        push_graph(wrong, remote.store)
    none = dataclasses.replace(wrong, remote_user=None, remote_password=None)
    with pytest.raises(StoreError, match=r"refused the credentials \(HTTP 401\)"):
        push_graph(none, remote.store)
    result = CliRunner().invoke(cli, ["push", "--store", settings.store, "--to", remote.store, "--graph", "urn:g:x",
                                      "--update", virtuoso.update.replace("http://", "http://dba:nope@")])
    assert result.exit_code == 2 and "refused the credentials (HTTP 401)" in result.output
    with KnowledgeGraph(remote) as kg:
        assert kg.backend.fingerprint() is None  # nothing was written


def test_a_query_the_server_refuses_is_a_query_error(virtuoso_article: Settings) -> None:
    with KnowledgeGraph(virtuoso_article) as kg, pytest.raises(QueryError, match="refused the query"):
        kg.backend.query("SELECT * WHERE { ?s ?p ?o FILTER(<urn:no:such-function>(?o)) }")


# --- push ----------------------------------------------------------------------------------------------------


def _remote(virtuoso: Virtuoso, graph: str) -> RemoteBackend:
    return RemoteBackend(virtuoso.query, graph=graph, update=virtuoso.update, user=virtuoso.user,
                         password=virtuoso.password)


def _iso(triples: Any) -> ox.Dataset:
    return ox.Dataset([ox.Quad(t.subject, t.predicate, t.object) for t in triples])


def test_push_twice_gives_the_same_data_and_sends_nothing(virtuoso: Virtuoso, settings: Settings) -> None:
    graph = "urn:inovasi-kg:test:twice"
    source = EmbeddedBackend(Path(settings.store))
    remote = _remote(virtuoso, graph)
    try:
        first = push(source, remote)
        assert (first.up_to_date, first.sent, first.batches) == (False, first.batches, first.batches)
        assert remote.count() == first.triples == source.count()
        again = push(source, remote)
        assert again.up_to_date and again.sent == 0
        assert remote.fingerprint() == source.fingerprint()
        assert _iso(remote.triples()) == _iso(source.triples())
    finally:
        remote.close()
        source.close()


def _changed_build(data: Path, tmp_path: Path, label: str, edited: str) -> EmbeddedBackend:
    """A build of the data with one innovation's Indonesian label edited."""
    table = data / "inovasi.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(label, edited, 1), encoding="utf-8")
    changed = Settings.load(data_dir=str(data), store=str(tmp_path / "store"))
    build_store(changed)
    return EmbeddedBackend(Path(changed.store))


def test_a_new_build_replaces_the_graph_whole(virtuoso: Virtuoso, settings: Settings, data_copy: Path,
                                              tmp_path: Path) -> None:
    graph = "urn:inovasi-kg:test:replace"
    remote = _remote(virtuoso, graph)
    old = EmbeddedBackend(Path(settings.store))
    new = _changed_build(data_copy, tmp_path, "Kampung Organik", "Kampung Organik Baru")
    try:
        push(old, remote)
        assert new.fingerprint() != old.fingerprint()
        report = push(new, remote)
        assert not report.up_to_date
        assert _iso(remote.triples()) == _iso(new.triples())  # no triple of the old build is left
        labels = {t.object.value for t in remote.triples(None, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"))
                  if isinstance(t.object, ox.Literal)}
        assert "Kampung Organik Baru" in labels and "Kampung Organik" not in labels
        assert remote.fingerprint() == new.fingerprint()
    finally:
        for b in (remote, old, new):
            b.close()


def test_an_interrupted_push_leaves_the_old_graph_and_resumes(virtuoso: Virtuoso, settings: Settings, data_copy: Path,
                                                              tmp_path: Path) -> None:
    graph = "urn:inovasi-kg:test:resume"
    remote = _remote(virtuoso, graph)
    old = EmbeddedBackend(Path(settings.store))
    new = _changed_build(data_copy, tmp_path, "Kampung IT", "Kampung IT Baru")

    def stop_after(n: int) -> Any:
        def hook(sent: int) -> None:
            if sent == n:
                raise KeyboardInterrupt
        return hook

    try:
        push(old, remote)
        before = _iso(remote.triples())
        with pytest.raises(KeyboardInterrupt):
            push(new, remote, batch=3000, after_batch=stop_after(4))
        assert _iso(remote.triples()) == before and remote.fingerprint() == old.fingerprint()  # readers see the old graph
        # a connection dropped halfway through the fifth batch: part of it arrived
        lines = sorted((new.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b"")
                       .splitlines(keepends=True))
        remote.insert_data(staging_graph(graph, new.fingerprint() or ""), b"".join(lines[4 * 3000:4 * 3000 + 1234]))
        report = push(new, remote, batch=3000)
        assert report.sent == report.batches - 4  # the four whole batches are not sent again; the cut one is
        assert _iso(remote.triples()) == _iso(new.triples()) and remote.fingerprint() == new.fingerprint()
        # a push of another build stopped midway leaves its staging graphs; the next push of the graph there
        # (here: up to date) drops them, and a later push of that build starts again from nothing
        with pytest.raises(KeyboardInterrupt):
            push(old, remote, batch=3000, after_batch=stop_after(2))
        back = push(new, remote, batch=3000)
        assert back.up_to_date and back.dropped == [staging_graph(graph, old.fingerprint() or "")]
        final = push(old, remote, batch=3000)
        assert final.dropped == [] and final.sent == final.batches
        leftovers = remote.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                                  "FILTER(STRSTARTS(STR(?g), 'urn:inovasi-kg:staging')) }", dataset=([], None))
        assert leftovers == []
    finally:
        for b in (remote, old, new):
            b.close()


def test_a_server_that_refuses_one_large_transaction_gets_the_graph_in_chunks(
        virtuoso_small_transactions: Virtuoso, settings: Settings, data_copy: Path, tmp_path: Path) -> None:
    remote = _remote(virtuoso_small_transactions, "urn:inovasi-kg:test:chunks")
    old = EmbeddedBackend(Path(settings.store))
    new = _changed_build(data_copy, tmp_path, "Kampung Organik", "Kampung Organik Lagi")
    try:
        first = push(old, remote)
        assert not first.atomic and "log after image size went above the limit" in first.refused
        assert _iso(remote.triples()) == _iso(old.triples()) and remote.fingerprint() == old.fingerprint()
        assert remote.replacement_under_way() is None
        assert push(old, remote).up_to_date
        # a replacement in chunks stopped while it moves the new build in: readers see no fingerprint
        # (the graph is incomplete), and the next push finishes it without sending a batch again
        real, moves = remote.update, []

        def stopping(text: str, **kw: Any) -> None:
            if text.startswith("DELETE { GRAPH <urn:inovasi-kg:staging") and " INSERT " in text:
                moves.append(text)
                if len(moves) == 2:
                    raise KeyboardInterrupt
            real(text, **kw)

        remote.update = stopping  # type: ignore[method-assign]
        with pytest.raises(KeyboardInterrupt):
            push(new, remote)
        remote.update = real  # type: ignore[method-assign]
        assert remote.fingerprint() is None and remote.replacement_under_way() == (new.fingerprint(), "moving")
        finish = push(new, remote)
        assert finish.resumed_replacement and finish.sent == 0 and "finishing an earlier push" in describe(finish)
        assert _iso(remote.triples()) == _iso(new.triples()) and remote.fingerprint() == new.fingerprint()
        assert remote.replacement_under_way() is None
        with KnowledgeGraph(virtuoso_small_transactions.settings(remote.graph)) as kg:  # the search labels moved too
            assert {r["label"] for r in kg.query("cari-label", teks="organik lagi").values()} == {"Kampung Organik Lagi"}
    finally:
        for b in (remote, old, new):
            b.close()


def test_push_through_the_graph_store_protocol(virtuoso: Virtuoso, settings: Settings) -> None:
    remote = _remote(virtuoso, "urn:inovasi-kg:test:gsp")
    source = EmbeddedBackend(Path(settings.store))
    try:
        report = push(source, remote, graph_store=virtuoso.graph_store, batch=10000)
        assert report.batches == -(-report.triples // 10000) + -(-report.search_triples // 10000)
        assert _iso(remote.triples()) == _iso(source.triples())
        assert remote.query("SELECT ?l WHERE { GRAPH <urn:inovasi-kg:cari> { ?s ?p ?l } } LIMIT 1").rows
    finally:
        remote.close()
        source.close()


def test_push_from_the_command_line_with_progress_and_credentials_from_the_environment(
        virtuoso: Virtuoso, settings: Settings) -> None:
    args = ["push", "--store", settings.store, "--to", virtuoso.query, "--graph", "urn:inovasi-kg:test:cli",
            "--update", virtuoso.update, "--user", virtuoso.user]
    result = CliRunner().invoke(cli, args, env={"INOVASI_KG_REMOTE_PASSWORD": virtuoso.password})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("pushed ") and "to <urn:inovasi-kg:test:cli>" in result.output
    again = CliRunner().invoke(cli, args, env={"INOVASI_KG_REMOTE_PASSWORD": virtuoso.password})
    assert again.exit_code == 0 and "is up to date" in again.output and "nothing sent" in again.output
    unbuilt = CliRunner().invoke(cli, ["push", "--store", "memory:", "--to", virtuoso.query])
    assert unbuilt.exit_code == 2 and "holds no built graph" in unbuilt.output


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(_TEXT, st.sampled_from([None, "id", "en", "id-ID"])), min_size=1, max_size=6))
def test_any_literal_arrives_unchanged(virtuoso: Virtuoso, values: list[tuple[str, str | None]]) -> None:
    """Quotes, backslashes, line breaks, control characters and any Unicode survive the push's escaping."""
    source = MemoryBackend()
    with source.replacing() as staging:
        staging.add(ox.Quad(ox.NamedNode(f"urn:x:s{i}"), ox.NamedNode("urn:x:p"), ox.Literal(text, language=lang),
                            ox.DefaultGraph()) for i, (text, lang) in enumerate(values))
        staging.commit(hashlib.sha256(json.dumps(values).encode()).hexdigest())
    remote = _remote(virtuoso, "urn:inovasi-kg:test:literals")
    try:
        push(source, remote)
        assert _iso(remote.triples()) == _iso(source.triples())
    finally:
        remote.close()


# --- every named query, export and the graph view, unchanged -----------------------------------------------


def _ordered(name: str) -> bool:
    return "ORDER BY" in catalogue()[name].text.upper()


def _same(local: KnowledgeGraph, remote: KnowledgeGraph, name: str, params: dict[str, str]) -> None:
    a, b = local.query(name, **params), remote.query(name, **params)
    assert (a.kind, a.variables, a.boolean) == (b.kind, b.variables, b.boolean), name
    if a.kind == "graph":
        assert _iso(a.triples) == _iso(b.triples), name
    elif _ordered(name):
        assert a.rows == b.rows, (name, params)
    else:
        assert sorted(map(str, a.rows)) == sorted(map(str, b.rows)), (name, params)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_named_query_answers_the_same_on_virtuoso(virtuoso_article: Settings, settings: Settings, name: str) -> None:
    with KnowledgeGraph(settings) as local, KnowledgeGraph(virtuoso_article) as remote:
        for params, _columns, _rows in EXPECTED[name]:
            _same(local, remote, name, params)


@pytest.fixture(scope="module")
def synthetic_pair(virtuoso: Virtuoso, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Settings]:
    folder = tmp_path_factory.mktemp("sintetis-remote") / "data"
    generate(folder, innovations_per_year=150, years=2, seed=11, provinces=["75"])
    local = Settings.load(data_dir=str(folder), store=str(tmp_path_factory.mktemp("st-remote") / "store"))
    build_store(local)
    remote = virtuoso.settings("urn:inovasi-kg:test:sintetis")
    report = push_graph(replace_settings(local, remote), remote.store)
    with KnowledgeGraph(local) as kg:
        assert report.triples == kg.backend.count() > 40000
    assert report.batches == -(-report.triples // 2000) + -(-report.search_triples // 2000)
    return local, remote


def test_every_named_query_answers_the_same_on_a_synthetic_set(synthetic_pair: tuple[Settings, Settings]) -> None:
    local_settings, remote_settings = synthetic_pair
    with KnowledgeGraph(local_settings) as local, KnowledgeGraph(remote_settings) as remote:
        synthetic = "ida:kutipanSumber/ida:sintetis true"
        innovation = local.sparql(f"SELECT ?i WHERE {{ ?i a ida:InovasiDaerah ; {synthetic} }} ORDER BY ?i LIMIT 1")
        agency = local.sparql(f"SELECT ?o WHERE {{ ?i a ida:InovasiDaerah ; {synthetic} ; ida:pengelola ?o }} "
                              f"ORDER BY ?o LIMIT 1")
        extra = {
            "struktur-organisasi": {"pemerintah": BASE + "id/organisasi/pemda-75.71"},
            "profil-inovasi": {"inovasi": innovation.rows[0][0].value},
            "inovasi-perangkat-daerah": {"perangkat_daerah": agency.rows[0][0].value},
            "lingkungan-simpul": {"simpul": agency.rows[0][0].value},
            "cari-label": {"teks": "gorontalo"},
        }
        compared, differ = 0, []
        for name in sorted(catalogue()):
            cases = [params for params, _c, _r in EXPECTED[name]]
            if name in extra:
                cases.append(extra[name])
            for params in cases:
                try:
                    _same(local, remote, name, params)
                except AssertionError:
                    differ.append((name, params))
                compared += 1
        assert differ == []
        assert compared >= len(catalogue()) + len(extra)


def test_export_and_graph_view_are_the_same_from_the_server(virtuoso_article: Settings, settings: Settings,
                                                            tmp_path: Path) -> None:
    with KnowledgeGraph(settings) as local, KnowledgeGraph(dataclasses.replace(virtuoso_article)) as remote:
        assert isinstance(remote.backend, RemoteBackend)
        remote.backend.page = 5000  # the article's 24,922 triples in ordered pages
        assert remote.export("ntriples") == local.export("ntriples")
        assert remote.export("turtle", catalog_only=True) == local.export("turtle", catalog_only=True)
        assert remote.render("html") == local.render("html")
        focus = "organisasi/pemda-33.71"
        assert remote.render("graphml", focus=focus, depth=1) == local.render("graphml", focus=focus, depth=1)
        assert remote.describe("Kampung IT") == local.describe("Kampung IT")
    out = tmp_path / "g.html"
    result = CliRunner().invoke(cli, ["graph", "--store", virtuoso_article.store, "--overview", "-o", str(out)],
                                env=_env(virtuoso_article))
    assert result.exit_code == 0, result.output
    assert "Provinsi Jawa Tengah" in out.read_text(encoding="utf-8")


def _env(remote: Settings) -> dict[str, str]:
    return {"INOVASI_KG_REMOTE_GRAPH": remote.graph_iri, "INOVASI_KG_REMOTE_UPDATE": remote.remote_update or ""}


def test_the_web_app_serves_the_graph_from_the_server(virtuoso_article: Settings) -> None:
    from inovasi_kg.web import create_app
    from test_web import Client

    app = create_app(dataclasses.replace(virtuoso_article, workers=2))
    try:
        client = Client(app)
        r = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?r ida:nomorPeringkat 5 ; ida:skor ?s }"},
                       headers={"accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.text
        assert [b["s"]["value"] for b in r.json()["results"]["bindings"]] == ["2478"]
        page = client.get("/", headers={"accept": "text/html"})
        assert page.status_code == 200 and "24" in page.text
        named = client.get("/queries/peringkat-penghargaan.json")
        assert named.status_code == 200 and len(named.json()["results"]["bindings"]) == 10
    finally:
        app.state.kg.close()
