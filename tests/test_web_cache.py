"""The response cache (web/cache.py): answers per store generation, validators and 304, its bounds,
and that a rebuild never serves an answer of the old contents."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import Client
from inovasi_kg import Settings, build_store
from inovasi_kg.core.resources import data_dir
from inovasi_kg.web import create_app

RANKING = "/queries/peringkat-penghargaan.json"
INDICATORS = "/queries/indikator-ekonomi.json"
SIPPUT = "/id/inovasi/33.71.sipput"
LABEL = "/sparql?" + urlencode({"query": "SELECT ?l WHERE { <https://w3id.org/inovasi-daerah/id/inovasi/33.71.sipput> "
                                   "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(LANG(?l) = 'id') }"})
ONE_ROW = "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201%20OFFSET%20"
PATHS = [RANKING, SIPPUT, LABEL, "/", "/catalog.ttl", "/ontology.ttl", "/search?q=sipput", "/kode/bentuk-inovasi",
         "/queries/dasar-hukum.csv", "/class/Inovasi", "/.well-known/void", "/sitemap.xml", "/queries.json"]
ACCEPTS = ["text/html", "application/json", "text/turtle", "*/*"]


@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Settings]:
    """One memory store and two data folders: the shipped data, and the same with SIPPUT renamed."""
    changed = Path(shutil.copytree(data_dir(), tmp_path_factory.mktemp("cache") / "data"))
    table = changed / "inovasi.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("33.71.sipput,SIPPUT,", "33.71.sipput,SIPPUT Baru,", 1),
                     encoding="utf-8")
    old = Settings.load(store="memory:cache-generations")
    new = dataclasses.replace(old, data_dir=str(changed))
    build_store(old, force=True)
    return old, new


@pytest.fixture(scope="module")
def apps(generations: tuple[Settings, Settings]) -> Iterator[tuple[Client, Client]]:
    """The app with its cache, and the same app with none, over the same store."""
    old, _ = generations
    cached, plain = create_app(old), create_app(dataclasses.replace(old, cache_bytes=0))
    yield Client(cached), Client(plain)
    cached.state.kg.close()
    plain.state.kg.close()


def test_a_repeated_request_is_a_hit_with_the_same_answer_and_validators(apps: tuple[Client, Client]) -> None:
    client, _ = apps
    first = client.get(RANKING + "?lang=en")
    second = client.get(RANKING + "?lang=en")
    assert first.status_code == second.status_code == 200
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    assert second.headers["cache-control"] == "no-cache" and second.headers["server-timing"] == 'cache;desc="hit"'
    assert {"Accept", "Accept-Language", "Cookie"} <= {v.strip() for v in second.headers["vary"].split(",")}
    # the order of parameters makes no different request
    assert client.get(INDICATORS + "?daerah=wilayah/33.71&lang=en").headers["x-cache"] == "miss"
    assert client.get(INDICATORS + "?lang=en&daerah=wilayah/33.71").headers["x-cache"] == "hit"
    head = client.request("HEAD", RANKING + "?lang=en")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == first.headers["etag"]


def test_if_none_match_and_if_modified_since_give_304(apps: tuple[Client, Client]) -> None:
    client, _ = apps
    first = client.get(SIPPUT, headers={"accept": "text/turtle"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    for headers in ({"if-none-match": etag}, {"if-none-match": f'"other", W/{etag}'}, {"if-none-match": "*"},
                    {"if-modified-since": modified}):
        again = client.get(SIPPUT, headers={"accept": "text/turtle", **headers})
        assert again.status_code == 304 and again.content == b"", headers
        assert again.headers["etag"] == etag
    for headers in ({"if-none-match": '"other"'}, {"if-modified-since": "Mon, 01 Jan 2001 00:00:00 GMT"},
                    {"if-modified-since": "not a date"}):
        again = client.get(SIPPUT, headers={"accept": "text/turtle", **headers})
        assert again.status_code == 200 and again.content == first.content, headers
    # another format of the same resource is another answer with another tag
    html = client.get(SIPPUT, headers={"accept": "text/html", "if-none-match": etag})
    assert html.status_code == 200 and html.headers["etag"] != etag


def test_what_is_not_kept(apps: tuple[Client, Client]) -> None:
    client, _ = apps
    # an answer that sets a cookie (the language chosen by ?lang=) is the client's own
    for _ in range(2):
        chosen = client.get("/?lang=en")
        assert "set-cookie" in chosen.headers and chosen.headers["x-cache"] == "miss"
    # errors are answered afresh
    for _ in range(2):
        missing = client.get("/id/tidak-ada")
        assert missing.status_code == 404 and missing.headers["x-cache"] == "miss"
    # health and static files bypass it
    assert "x-cache" not in client.get("/healthz").headers
    assert "x-cache" not in client.get("/static/site.css").headers
    # a POST is never answered from it
    posted = client.post("/sparql", data={"query": "ASK {}"})
    assert posted.status_code == 200 and "x-cache" not in posted.headers


def test_the_cache_stays_within_its_bytes(generations: tuple[Settings, Settings]) -> None:
    old, _ = generations
    app = create_app(dataclasses.replace(old, cache_bytes=40_000))
    client = Client(app)
    try:
        # the ontology (62 kB) is larger than an eighth of the cache: answered, never kept
        assert [client.get("/ontology.ttl").headers["x-cache"] for _ in range(2)] == ["miss", "miss"]
        for n in range(100):
            assert client.get(ONE_ROW + str(n)).status_code == 200
            stats = client.get("/healthz").json()["cache"]
            assert stats["bytes"] <= 40_000 and stats["limit"] == 40_000
        assert 0 < stats["entries"] < 100
        # the least recently used went first; the newest is still there
        assert client.get(ONE_ROW + "99").headers["x-cache"] == "hit"
        assert client.get(ONE_ROW + "0").headers["x-cache"] == "miss"
    finally:
        app.state.kg.close()


def _label(client: Client) -> str:
    return str(client.get(LABEL, headers={"accept": "application/sparql-results+json"}).json()
               ["results"]["bindings"][0]["l"]["value"])


def test_a_rebuild_never_serves_the_old_answer(apps: tuple[Client, Client], generations: tuple[Settings, Settings]) -> None:
    client, _ = apps
    old, new = generations
    for _ in range(2):
        assert _label(client) == "SIPPUT"  # cached now
    try:
        # there and back again: each answer belongs to the contents of the moment
        for data, label in ((new, "SIPPUT Baru"), (old, "SIPPUT"), (new, "SIPPUT Baru")):
            build_store(data, force=True)
            assert [_label(client) for _ in range(2)] == [label, label]
            page = client.get(SIPPUT, headers={"accept": "text/html"}).text
            assert f"<h1>{label}</h1>" in page
    finally:
        build_store(old, force=True)


@hypothesis_settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.one_of(st.tuples(st.sampled_from(PATHS), st.sampled_from(ACCEPTS),
                                          st.sampled_from(["", "en", "id"])),
                                st.just("rebuild")), min_size=1, max_size=10))
def test_cached_answers_equal_uncached_ones_across_rebuilds(apps: tuple[Client, Client],
                                                            generations: tuple[Settings, Settings],
                                                            steps: list[object]) -> None:
    """Property: for any mix of requests and rebuilds, the cached app answers exactly as the app without one."""
    cached, plain = apps
    old, new = generations
    current = old
    try:
        for step in steps:
            if step == "rebuild":
                current = new if current is old else old
                build_store(current, force=True)
                continue
            path, accept, lang = step  # type: ignore[misc]
            headers = {"accept": accept, **({"accept-language": lang} if lang else {})}
            a, b = cached.get(path, headers=headers), plain.get(path, headers=headers)
            assert (a.status_code, a.content) == (b.status_code, b.content), (path, headers)
            assert a.headers["content-type"] == b.headers["content-type"]
    finally:
        if current is not old:
            build_store(old, force=True)


def test_parameters_in_another_order_are_the_same_request_and_the_lang_cookie_another(apps: tuple[Client, Client]) -> None:
    cached, _ = apps
    first = cached.get("/queries/pemenang.json?tahun=2019&kategori=kategori-penghargaan:kota")
    again = cached.get("/queries/pemenang.json?kategori=kategori-penghargaan:kota&tahun=2019")
    assert (first.status_code, again.status_code, again.headers["x-cache"]) == (200, 200, "hit")
    assert again.content == first.content
    other = cached.get("/search?q=sipput", headers={"accept": "text/html", "cookie": "lang=en"})
    plain = cached.get("/search?q=sipput", headers={"accept": "text/html"})
    assert other.headers["x-cache"] == "miss" and '<html lang="en">' in other.text and '<html lang="id">' in plain.text


@hypothesis_settings(max_examples=200, deadline=None)
@given(query=st.one_of(st.binary(max_size=64), st.text(max_size=3000).map(lambda t: t.encode("utf-8", "replace"))),
       cookie=st.one_of(st.just(b""), st.sampled_from([b"lang=en", b"lang=id; x=1", b"x=1", b"lang", b'lang="en"']),
                        st.binary(max_size=3000)))
def test_the_remembered_reading_of_a_request_equals_reading_it_afresh(query: bytes, cookie: bytes) -> None:
    """The cache key remembers how it read a query string and a Cookie header (the same requests come
    again and again); remembered or not, long or short, the reading is the same."""
    from inovasi_kg.web import cache

    scope = {"type": "http", "path": "/sparql", "query_string": query, "headers": [(b"cookie", cookie)]}
    for _ in range(2):  # the second time from memory, when short enough to be remembered
        key = cache._key(scope)
        assert key[1] == cache._query_key(query) and key[4] == cache._cookie_lang(cookie)
