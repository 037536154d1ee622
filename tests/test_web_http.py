"""HTTP semantics on every route (the app in process): HEAD as GET without a body, OPTIONS and 405 from
the route's own methods, CORS preflights per the Fetch standard, errors in the one shape (HTML for a
browser), redirects never built from Host, and the content security policy."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest

from conftest import Client
from inovasi_kg import Settings
from inovasi_kg.web import create_app

# One published path per route; a route without one here fails test_every_route_has_an_example.
EXAMPLES = {
    "/": "/", "/healthz": "/healthz", "/static": "/static", "/sparql": "/sparql?query=ASK%20%7B%7D",
    "/sparql/": "/sparql/?query=ASK%20%7B%7D", "/editor": "/editor", "/queries": "/queries",
    "/queries.json": "/queries.json", "/queries.ttl": "/queries.ttl", "/queries/{name}": "/queries/dasar-hukum.csv",
    "/openapi.json": "/openapi.json", "/docs": "/docs", "/search": "/search?q=kampung", "/graph": "/graph?focus=https%3A%2F%2Fw3id.org%2Finovasi-daerah%2Fid%2Forganisasi%2F33.71.balitbang&depth=1",
    "/catalog.{ext}": "/catalog.ttl", "/catalog": "/catalog", "/.well-known/void": "/.well-known/void", "/sitemap.xml": "/sitemap.xml",
    "/dump/{file}": "/dump/inovasi-daerah.nt", "/ontology": "/ontology", "/ontology.{ext}": "/ontology.ttl",
    "/kode/{path:path}": "/kode/bentuk-inovasi", "/class/{name}": "/class/Kota",
    "/id/{path:path}": "/id/organisasi/33.71.balitbang", "/eli/{path:path}": "/eli/pp/2017/38",
    "/static/": "/static/site.css", "/bahasa/{lang}": "/bahasa/en?kembali=/queries",
    "/map": "/map",
}
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[Client]:
    app = create_app(dataclasses.replace(settings, workers=2))
    yield Client(app)
    app.state.kg.close()


def _routes(client: Client) -> list[str]:
    from starlette.routing import Mount

    return [r.path + "/" if isinstance(r, Mount) else r.path for r in client.app.router.routes]


def test_every_route_has_an_example(client: Client) -> None:
    assert sorted(_routes(client)) == sorted(EXAMPLES)


@pytest.mark.parametrize("route", sorted(EXAMPLES))
def test_head_is_get_without_a_body(client: Client, route: str) -> None:
    path = EXAMPLES[route]
    get, head = client.get(path), client.request("HEAD", path)
    assert get.status_code in (200, 303, 308) and head.status_code == get.status_code, (path, get.text[:200])
    assert head.content == b""
    for name in ("content-type", "content-length", "location", "etag"):
        assert head.headers.get(name) == get.headers.get(name), name


@pytest.mark.parametrize("route", sorted(EXAMPLES))
def test_options_405_and_allow_agree(client: Client, route: str) -> None:
    path = EXAMPLES[route]
    options = client.request("OPTIONS", path)
    assert options.status_code == 204 and options.content == b""
    allow = [m.strip() for m in options.headers["allow"].split(",")]
    assert {"GET", "HEAD", "OPTIONS"} <= set(allow) and set(allow) <= set(METHODS)
    for method in METHODS:
        r = client.request(method, path, content=b"" if method in ("POST", "PUT", "PATCH") else None)
        if method in allow:
            assert r.status_code != 405, (method, path)
        else:
            assert r.status_code == 405, (method, path, r.status_code)
            assert r.json()["error"]["status"] == 405 and r.headers["allow"] == options.headers["allow"]
            html = client.request(method, path, headers={"accept": "text/html"})
            assert html.status_code == 405 and html.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("route", sorted(EXAMPLES))
def test_cors_preflight_follows_the_route(client: Client, route: str) -> None:
    path = EXAMPLES[route]
    allow = [m.strip() for m in client.request("OPTIONS", path).headers["allow"].split(",")]
    origin = {"origin": "https://portal.example"}
    for method in ("GET", "POST", "DELETE"):
        pre = client.request("OPTIONS", path, headers={**origin, "access-control-request-method": method,
                                                       "access-control-request-headers": "Content-Type, If-None-Match"})
        if method in allow:
            assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == "*"
            assert method in pre.headers["access-control-allow-methods"].split(", ")
            assert set(pre.headers["access-control-allow-methods"].split(", ")) == set(allow) - {"OPTIONS"}
            assert {"content-type", "if-none-match"} <= {h.lower() for h in
                                                          pre.headers["access-control-allow-headers"].split(", ")}
            assert pre.headers["access-control-max-age"] == "600" and "access-control-allow-credentials" not in pre.headers
        else:
            assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers
            assert pre.json()["error"]["status"] == 403 and method in pre.json()["error"]["message"]
    refused = client.request("OPTIONS", path, headers={**origin, "access-control-request-method": "GET",
                                                       "access-control-request-headers": "X-Secret"})
    assert refused.status_code == 403 and "X-Secret" in refused.json()["error"]["message"]
    # the actual cross-origin read carries the origin header, no credentials
    if route not in ("/static",):
        r = client.get(path, headers=origin)
        assert r.headers["access-control-allow-origin"] == "*" and "access-control-allow-credentials" not in r.headers


def test_a_preflight_for_nothing_is_404(client: Client) -> None:
    r = client.request("OPTIONS", "/tidak-ada", headers={"origin": "https://a.example",
                                                         "access-control-request-method": "GET"})
    assert r.status_code == 404 and r.json()["error"]["status"] == 404


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8443", "127.0.0.1:1"])
def test_redirects_are_not_built_from_host(client: Client, host: str) -> None:
    r = client.get("/static", headers={"host": host}, follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/static/"
    for path in ("/sparql/", "/queries/", "/id/organisasi/33.71.balitbang/"):
        r = client.get(path, headers={"host": host}, follow_redirects=False)
        assert host not in r.headers.get("location", ""), path


def _directives(csp: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in csp.split(";")) if d}


@pytest.mark.parametrize("path", ["/", "/editor", "/queries", "/queries/peringkat-penghargaan", "/search?q=kampung",
                                  "/id/organisasi/33.71.balitbang", "/class/Kota", "/ontology", "/graph", "/tidak-ada"])
def test_no_inline_script_is_allowed_and_framing_only_by_us(client: Client, path: str) -> None:
    r = client.get(path, headers={"accept": "text/html"})
    policy = _directives(r.headers["content-security-policy"])
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    extra = [s for s in policy["script-src"] if s != "'self'"]
    assert all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]+=*'", s) for s in extra), extra
    # every inline script on the page is one the policy names by hash
    import base64
    import hashlib

    # scripts the browser runs (data blocks such as application/ld+json are not run and need no hash)
    runs = r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>(.*?)</script>"
    for body in re.findall(runs, r.text, flags=re.S):
        digest = "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        assert digest in extra, (path, body[:80])
    if path == "/graph":  # embedded by the entity page's neighbourhood frame
        assert policy["frame-ancestors"] == ["'self'"] and r.headers["x-frame-options"] == "SAMEORIGIN"
    else:
        assert policy["frame-ancestors"] == ["'none'"] and r.headers["x-frame-options"] == "DENY"


def test_the_entity_page_frames_the_graph_of_our_own_origin(client: Client) -> None:
    r = client.get("/id/organisasi/33.71.balitbang", headers={"accept": "text/html"})
    frames = re.findall(r'<iframe[^>]*src="([^"]+)"', r.text)
    assert frames and all(f.startswith("/graph?") for f in frames)
    policy = _directives(r.headers["content-security-policy"])
    assert policy.get("frame-src", policy["default-src"]) == ["'self'"]
