"""Class 2 and 3 of the safety issue: refusals decided on the parsed query, and query workers with a
time limit, a memory cap and an owner."""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from inovasi_kg import KnowledgeGraph, Settings
from inovasi_kg.cli import cli
from inovasi_kg.core.errors import QueryError
from inovasi_kg.sparql.named import NamedQuery
from safety import ENTRY, process_gone, run

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


class Listener:
    """A TCP listener on loopback that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(1)
            try:
                self.hits.append(conn.recv(4096))
            except OSError:
                self.hits.append(b"")
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    lis = Listener()
    yield lis
    lis.close()


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    from inovasi_kg import build_store

    root = tmp_path_factory.mktemp("q")
    s = Settings.load(store=str(root / "store"), query_timeout=10)
    build_store(s)
    with KnowledgeGraph(s) as graph:
        yield graph


def _u(text: str) -> str:
    """`text` with every letter written as a SPARQL codepoint escape."""
    return "".join(f"\\u{ord(c):04X}" if c.isalpha() else c for c in text)


def _crafted(url: str) -> list[str]:
    service = f"SERVICE <{url}> {{ ?s ?p ?o }}"
    return [
        f"SELECT * WHERE {{ {service} }}",
        f"select * where {{ sErViCe <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ {service} }} }}",
        f"SELECT * WHERE {{ {{ ?x ?y ?z }} UNION {{ {service} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ {service} }} }} }}",
        f"ASK {{ {service} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {service} }}",
        f"DESCRIBE ?s WHERE {{ {service} }}",
        f"SELECT * WHERE {{ FILTER EXISTS {{ {service} }} }}",
        f"SELECT * WHERE {{ #comment\n SERVICE\n#x\n<{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {_u('SERVICE')} <{url}> {{ ?s ?p ?o }} }}",
        f'SELECT * WHERE {{ ?s ?p "a\\u0022 . {service} ?s ?p "b" }}',  # an escaped quote that closes the string
        f"PREFIX e: <{url[:-6]}>\nSELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
        f"BASE <{url[:-6]}>\nSELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{url}>",
        f"load silent <{url}> into graph <urn:x>",
        f"{_u('LOAD')} <{url}>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ {service} }}",
        f"PREFIX x: <http://x/> CLEAR ALL ; LOAD <{url}>",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
    ]


def test_no_crafted_query_reaches_the_network(kg: KnowledgeGraph, listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/sparql"
    refused = 0
    for text in _crafted(url):
        with pytest.raises(QueryError) as err:
            kg.sparql(text)
        assert "refused" in str(err.value) or "is an update" in str(err.value) or "not in the store" in str(err.value), \
            (text, str(err.value))
        refused += 1
    time.sleep(0.3)
    assert listener.hits == []
    assert refused == len(_crafted(url))


def test_service_allowed_on_request_reaches_the_listener(kg: KnowledgeGraph) -> None:
    """The positive control: the listener does see a SERVICE call when one is allowed."""
    lis = Listener()
    try:
        allowed = KnowledgeGraph(dataclasses.replace(kg.settings, allow_service=True, query_timeout=5))
        with allowed, pytest.raises(QueryError):
            allowed.sparql(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{lis.port}/sparql> {{ ?s ?p ?o }} }}")
        deadline = time.monotonic() + 3
        while not lis.hits and time.monotonic() < deadline:
            time.sleep(0.05)
        assert lis.hits and lis.hits[0].startswith(b"POST /sparql HTTP/1.1")
    finally:
        lis.close()


_NOISE = st.sampled_from(["", " ", "\n", "# SERVICE <x> {}\n", "#c\n", "\t"])
_WORD = st.sampled_from(["SERVICE", "service", "Service", "SeRvIcE", "SERVICE SILENT", "service silent"]) | \
    st.just("SERVICE").map(_u)


@hsettings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=_NOISE, word=_WORD, between=_NOISE, after=_NOISE,
       wrapper=st.sampled_from(["{X}", "{ ?a ?b ?c OPTIONAL {X} }", "{ { ?a ?b ?c } UNION {X} }", "{ MINUS {X} }",
                                "{ { SELECT * WHERE {X} LIMIT 1 } }", '{ ?a ?b "\\u0022" . {X} }']))
def test_random_text_around_a_service_clause_never_reaches_the_network(
        kg: KnowledgeGraph, listener: Listener, before: str, word: str, between: str, after: str, wrapper: str) -> None:
    clause = f"{{ {before}{word}{between}<http://127.0.0.1:{listener.port}/sparql>{after} {{ ?s ?p ?o }} }}"
    text = "SELECT * WHERE " + wrapper.replace("{X}", clause)
    with pytest.raises(QueryError):
        kg.sparql(text)
    assert listener.hits == []


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_arbitrary_text_gets_a_query_error_or_an_answer_never_a_crash(kg: KnowledgeGraph, listener: Listener,
                                                                     text: str) -> None:
    try:
        kg.sparql(text)
    except QueryError as err:
        assert str(err) and "Traceback" not in str(err)
    assert listener.hits == []


def test_service_in_strings_and_comments_is_only_text(kg: KnowledgeGraph) -> None:
    text = ('# SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }\n'
            'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }" AS ?x) }')
    assert kg.sparql(text).values() == [{"x": "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }"}]


def test_from_the_store_s_own_graph_is_allowed(kg: KnowledgeGraph) -> None:
    result = kg.sparql("SELECT (COUNT(*) AS ?n) FROM <urn:inovasi-kg:build> WHERE { ?s ?p ?o }")
    assert result.values() == [{"n": 1}]


NESTED = "SELECT * WHERE " + "{ " * 400 + "?s ?p ?o" + " }" * 400
BAD_TEXT = [
    (b"", "error: the query is empty; give a SELECT, ASK, CONSTRUCT or DESCRIBE query\n"),
    (b"   \n\t\n", "error: the query is empty; give a SELECT, ASK, CONSTRUCT or DESCRIBE query\n"),
    (b"# only a comment\n  # and another\n", "error: the query has only comments; give a SELECT, ASK, CONSTRUCT or "
                                            "DESCRIBE query\n"),
    (b"SELECT * WHERE { ?s ?p \"\xe9\" }", "error: <stdin>:1: the query is not UTF-8 (byte 0xe9 at offset 24); save it as "
                                           "UTF-8\n"),
    (NESTED.encode(), "error: the query nests groups more deeply than the parser can take; flatten it\n"),
    (b"SELECT * WHERE { ?s ?p \"\\u005Cu0041\" }", "error: the query has a codepoint escape that expands into another "
                                                  "escape (such as \\u005Cu0041); write the character itself\n"),
    (b"SELECT * WHERE { ?s ?p \"\\uD800\" }", "error: invalid codepoint escape '\\\\uD800'\n"),
]


@pytest.mark.parametrize("stdin,message", BAD_TEXT, ids=["empty", "blank", "comments", "not-utf8", "nested", "escape",
                                                         "surrogate"])
def test_bad_query_text_gets_a_clear_message(kg: KnowledgeGraph, stdin: bytes, message: str) -> None:
    result = run("query", "-", "--store", kg.settings.store, stdin=stdin)
    assert result.returncode == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_a_query_file_that_is_not_utf8_names_the_file_and_line(kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_bytes(b"SELECT *\nWHERE { ?s ?p \"caf\xe9\" }\n")
    result = run("query", "--file", str(path), "--store", kg.settings.store)
    assert result.returncode == 2
    assert result.stderr == f"error: {path}:2: the query is not UTF-8 (byte 0xe9 at offset 27); save it as UTF-8\n"


# --- 3. time limit, memory cap and owner ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "-inf", "abc", ""])
def test_timeout_accepts_only_positive_finite_numbers(kg: KnowledgeGraph, value: str) -> None:
    result = CliRunner().invoke(cli, ["query", "peringkat-penghargaan", "--timeout", value, "--store", kg.settings.store])
    assert result.exit_code == 2
    if value in ("abc", ""):
        assert f"Invalid value for '--timeout': {value!r} is not a valid float." in result.stderr
    else:
        assert result.stderr.startswith("error: query_timeout must be a positive finite number of seconds, got ")


def test_named_queries_obey_the_time_limit(kg: KnowledgeGraph) -> None:
    slow = NamedQuery("lambat", Path("lambat.rq"), "Lambat", "Slow", "A query that runs for minutes.", (), SLOW)
    limited = KnowledgeGraph(dataclasses.replace(kg.settings, query_timeout=0.5))
    limited.named_queries["lambat"] = slow
    with limited:
        started = time.monotonic()
        with pytest.raises(QueryError, match=r"^the query ran longer than 0.5 s and was stopped"):
            limited.query("lambat")
        assert time.monotonic() - started < 5
        # the killed worker is replaced: the next query answers
        assert [r["peringkat"] for r in limited.query("peringkat-penghargaan").values()] == list(range(1, 11))


def test_a_worker_over_its_memory_cap_is_stopped_and_replaced(kg: KnowledgeGraph) -> None:
    capped = KnowledgeGraph(dataclasses.replace(kg.settings, query_memory_mb=100, query_timeout=60))
    with capped:
        with pytest.raises(QueryError, match=r"^the query needed more than the 100 MiB memory limit and was stopped"):
            capped.sparql("SELECT (GROUP_CONCAT(STR(?a)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?f }")
        assert capped.sparql("ASK { ?s ?p ?o }").boolean is True


def test_one_pool_worker_serves_many_queries(kg: KnowledgeGraph) -> None:
    kg.query("peringkat-penghargaan")
    pool = kg.backend._pool  # type: ignore[attr-defined]
    assert pool is not None
    first = pool.pids()
    for _ in range(5):
        kg.query("dasar-hukum")
    assert pool.pids() == first and len(first) == 1


def _children(task: Path) -> list[str]:
    """The child pids of one thread; none when the thread ended between listing and reading (a race)."""
    try:
        return (task / "children").read_text().split()
    except (FileNotFoundError, ProcessLookupError):
        return []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL], ids=["TERM", "HUP", "KILL"])
def test_a_worker_never_outlives_the_command(kg: KnowledgeGraph, sig: signal.Signals) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}
    proc = subprocess.Popen([*ENTRY, "query", "-", "--timeout", "300", "--store", kg.settings.store], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None
    proc.stdin.write(SLOW.encode())
    proc.stdin.close()
    workers: list[int] = []
    deadline = time.monotonic() + 30
    while not workers and time.monotonic() < deadline:
        time.sleep(0.1)
        workers = [int(p) for task in Path(f"/proc/{proc.pid}/task").glob("*")  # workers start from a thread of their own
                   for p in _children(task)]
    assert workers, "the command started no worker"
    time.sleep(0.5)  # the worker is now busy with the query
    proc.send_signal(sig)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 3
    while not all(process_gone(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(process_gone(w) for w in workers)


def test_queries_checked_from_many_threads_at_once() -> None:
    """The web server checks queries from a thread pool; rdflib's parser must not be used by two at once."""
    from concurrent.futures import ThreadPoolExecutor

    from inovasi_kg.sparql.policy import check_query

    texts = [f"SELECT ?l WHERE {{ ?s skos:prefLabel ?l FILTER(LANG(?l) = 'id') }} LIMIT {n}" for n in range(1, 81)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(check_query, texts))
    assert results == texts


def test_an_ad_hoc_query_is_parsed_once(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The policy's checks, whether it reads the store and whether it looks light all come from one parse
    of a new text; the same text again is not parsed at all."""
    from inovasi_kg.sparql import policy

    parsed: list[str] = []
    real = policy._parse_unlocked
    monkeypatch.setattr(policy, "_parse_unlocked", lambda text: parsed.append(text) or real(text))
    text = f"# {time.time_ns()}\nSELECT ?s WHERE {{ ?s a <https://w3id.org/inovasi-daerah/ontology#Kota> }} LIMIT 3"
    with KnowledgeGraph(settings) as kg:
        assert len(kg.sparql(text).rows) == 3
        assert len(parsed) == 1
        assert len(kg.sparql(text).rows) == 3
        assert len(parsed) == 1
    assert policy.looks_light(text) and policy.reads_store(text)
    assert not policy.looks_light(text.replace("?s a <", "?s ?p ?o . ?x a <"))  # a cross product: parsed, not light
    assert len(parsed) == 2


def _light_by_algebra(text: str) -> bool:
    """`looks_light` as rdflib's algebra reads it (the reference the policy's reading of the parse tree
    must agree with): every basic graph pattern connected, no repeating path, no pattern of three free terms."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, Path, SequencePath
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import BNode, Variable

    from inovasi_kg.sparql import policy

    def repeats(path: object) -> bool:
        if isinstance(path, MulPath):
            return path.mod in ("*", "+") or repeats(path.path)
        if isinstance(path, (SequencePath, AlternativePath)):
            return any(repeats(p) for p in path.args)
        return isinstance(path, InvPath) and repeats(path.arg)

    def free(term: object) -> bool:
        return isinstance(term, (Variable, BNode))

    from inovasi_kg.sparql.text import prologue

    for node in policy._walk(translateQuery(parseQuery(prologue() + text)).algebra):
        if node.name != "BGP":
            continue
        groups: list[set[object]] = []
        for s, p, o in node.get("triples") or []:
            if (isinstance(p, Path) and repeats(p)) or (free(s) and free(p) and free(o)):
                return False
            names = {t for t in (s, p, o) if free(t)}
            groups = [g for g in groups if not g & names] + [names.union(*[g for g in groups if g & names])]
        if len([g for g in groups if g]) > 1:
            return False
    return True


_TERM = st.sampled_from(["?a", "?b", "?c", "?d", "[]", ":x", "\"t\"", "3"])
_PREDICATE = st.sampled_from(["?p", "?q", ":p", "a", ":p/:q", ":p*", "(:p|:q)+", "^:p", ":p?", "!:p", "(:p/:q*)"])
_TRIPLE = st.builds(lambda s, p, o: f"{s} {p} {o}", st.sampled_from(["?a", "?b", "?c", "[]", ":x"]), _PREDICATE, _TERM)


def _group(depth: int) -> st.SearchStrategy[str]:
    parts = [st.lists(_TRIPLE, min_size=1, max_size=3).map(" . ".join),
             st.sampled_from(["FILTER(?a != ?b)", "BIND(1 AS ?z)", "VALUES ?a { :x }", "?a :p [ :q ?b ]",
                              "?a :p (1 ?b)"])]
    if depth > 0:
        inner = _group(depth - 1)
        parts += [inner.map(lambda g: f"OPTIONAL {g}"), st.tuples(inner, inner).map(lambda t: f"{t[0]} UNION {t[1]}"),
                  inner.map(lambda g: f"MINUS {g}"), inner.map(lambda g: f"GRAPH ?g {g}"),
                  inner.map(lambda g: f"{{ SELECT * WHERE {g} }}")]
    return st.lists(st.one_of(parts), min_size=0, max_size=4).map(lambda ps: "{ " + " . ".join(ps) + " }")


@hsettings(max_examples=300, deadline=None)
@given(form=st.sampled_from(["SELECT * WHERE {g}", "ASK {g}", "CONSTRUCT {{ ?a :p ?b }} WHERE {g}",
                             "DESCRIBE ?a WHERE {g}"]), group=_group(2))
def test_looks_light_reads_the_parse_tree_as_the_algebra_would(form: str, group: str) -> None:
    """Property: the policy's lightness, read off the parse tree, equals the one read off rdflib's algebra
    (the policy used to translate every ad-hoc query for it: as long as the parse itself). The patterns of
    FILTER (NOT) EXISTS are left out here: the tree reading counts them, the algebra reading did not
    (test_looks_light_counts_the_patterns_of_exists)."""
    from inovasi_kg.sparql import policy

    text = "PREFIX : <http://example.org/>\n" + form.format(g=group)
    with policy._PARSER:
        tree = policy._parse_unlocked(text)
    assert policy._light(tree) == _light_by_algebra(text), text


def test_looks_light_counts_the_patterns_of_exists() -> None:
    """A pattern of three free terms or a cross product inside FILTER (NOT) EXISTS is evaluated for every
    solution: not light. Bound by what it names, it is."""
    from inovasi_kg.sparql import policy

    light = "ASK {{ ?s a <urn:x:C> FILTER {0}EXISTS {{ {1} }} }}"
    assert policy.looks_light(light.format("", "?s <urn:x:p> ?o"))
    assert policy.looks_light(light.format("NOT ", "?s <urn:x:p> ?o . ?o <urn:x:q> ?z"))
    assert not policy.looks_light(light.format("NOT ", "?a ?p ?b"))
    assert not policy.looks_light(light.format("", "?s <urn:x:p> ?o . ?x <urn:x:q> ?z"))
    assert not policy.looks_light(light.format("", "?s <urn:x:p>+ ?o"))


def test_looks_light_agrees_with_the_algebra_on_every_named_query() -> None:
    from inovasi_kg.sparql import policy
    from inovasi_kg.sparql.named import catalogue

    for name, query in sorted(catalogue().items()):
        text = policy._expand_escapes(query.text)
        with policy._PARSER:
            tree = policy._parse_unlocked(text)
        assert policy._light(tree) == _light_by_algebra(text), name
