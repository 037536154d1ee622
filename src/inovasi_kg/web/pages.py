"""HTML pages (Indonesian by default, English by a switch kept in a cookie) and the linked-data
resources behind every IRI we mint, with content negotiation.

    {base_path}id/..., {base_path}eli/...   a node: HTML, or its description in any RDF format
                                           (Accept, or a suffix: .ttl .jsonld .nt .rdf)
    /kode/, /kode/SCHEME[/NOTATION]        code lists as Skosmos would show them (hierarchy, search)
    /ontology                              the ontology's classes and properties
    /class/NAME                            a class's instances, paged
    /queries, /queries/NAME[.json|.csv|.tsv]  named queries: form, SPARQL, results
    /editor, /search, /graph, /            the query editor, label search, graph page, home
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from inovasi_kg.core import iris
from inovasi_kg.core.errors import QueryError
from inovasi_kg.core.formats import RDF, RESULTS
from inovasi_kg.core.prefixes import PREFIXES, curie
from inovasi_kg.core.settings import LANGUAGES
from inovasi_kg.kg import KnowledgeGraph, PageReader
from inovasi_kg.sparql.named import NamedQuery
from inovasi_kg.web.common import HTTPError, blocking, by_name, first, language, light, negotiate, params, timing
from inovasi_kg.web.i18n import text

__all__ = ["class_page", "code_page", "editor_page", "graph_page", "home", "not_found", "ontology_page", "query_list",
           "query_page", "resource", "search"]

_PREF, _ALT = PREFIXES["skos"] + "prefLabel", PREFIXES["skos"] + "altLabel"
_TYPE, _RDFS_LABEL = PREFIXES["rdf"] + "type", PREFIXES["rdfs"] + "label"
_QUOTE = iris.ONTOLOGY_NS + "kutipanSumber"  # shown once, in the page's quotes section
_SUFFIXES = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
PAGE_SIZE = 50


def _templates() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    folder = Path(__file__).resolve().parent / "templates"
    # The templates ship with the package: checking their files for changes on every page is wasted work.
    return Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(["html"]), auto_reload=False)


_ENV: Any = None


def render(request: Request, template: str, lang: str, status: int = 200, *, lang_is_a_parameter: bool = False,
           **context: Any) -> HTMLResponse:
    """A page in `lang`; `?lang=` is remembered in a cookie for the next pages, except where `lang` is a
    parameter of the page's own (a named query's label language: `lang_is_a_parameter`). The language
    switch goes through /bahasa/LANG, which sets the cookie and comes back to this page as it is."""
    global _ENV
    if _ENV is None:
        _ENV = _templates()
    context.setdefault("alternates", [])
    other = "id" if lang == "en" else "en"
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang" or lang_is_a_parameter]
    back = request.url.path + ("?" + urlencode(kept) if kept else "")
    switch = f"/bahasa/{other}?" + urlencode({"kembali": back})
    html = _ENV.get_template(template).render(lang=lang, t=lambda key: text(key, lang), switch_href=switch, **context)
    response = HTMLResponse(html, status_code=status)
    asked = request.query_params.get("lang")
    if asked in LANGUAGES and not lang_is_a_parameter:
        response.set_cookie("lang", asked, max_age=365 * 24 * 3600, samesite="lax")
    response.headers["Content-Language"] = lang
    return response


def _kg(request: Request, lang: str) -> KnowledgeGraph:
    return request.app.state.kg.in_language(lang)  # type: ignore[no-any-return]


def page_of(request: Request, iri: str) -> str | None:
    """The path of the page for one of our IRIs on this server, or None for a foreign IRI."""
    settings = request.app.state.settings
    if iri.startswith(iris.ONTOLOGY_NS) or iri == iris.ONTOLOGY_NS.rstrip("#"):
        return "/ontology" + (("#" + iri[len(iris.ONTOLOGY_NS):]) if iri.startswith(iris.ONTOLOGY_NS) else "")
    if iri.startswith(iris.KODE_NS):
        return "/kode/" + quote(iri[len(iris.KODE_NS):], safe="/.-_~")
    named = iris.parse(iri, settings.base_iri)
    if named is None or named.kind == "dump":
        return "/dump/" + named.key if named else None
    return settings.base_path + quote(iri[len(settings.base_iri):], safe="/.-_~")


def _label(r: PageReader, iri: str, lang: str) -> str:
    return r.label(iri, lang)


def _exists(r: PageReader, iri: str) -> bool:
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    return next(r.links(node, None, None), None) is not None


def _rdf_response(triples: list[ox.Triple], name: str, headers: dict[str, str] | None = None) -> Response:
    from inovasi_kg.rdf.export import serialize_sorted

    fmt = by_name(name, (RDF,))
    assert fmt.rdf is not None
    charset = "; charset=utf-8" if fmt.media_type.startswith("text/") else ""
    return Response(serialize_sorted(triples, fmt.rdf), media_type=fmt.media_type + charset, headers=headers)


def _alternates(path: str) -> list[dict[str, str]]:
    out = [{"name": "HTML", "type": "text/html", "href": path}]
    for ext, name in _SUFFIXES.items():
        out.append({"name": ext, "type": by_name(name, (RDF,)).media_type, "href": f"{path}.{ext}"})
    return out


def _link_header(path: str) -> str:
    return ", ".join(f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in _alternates(path))


@dataclass
class _Document:
    iri: str
    path: str
    suffix: str | None


def _locate(request: Request, kg: KnowledgeGraph, iri: str, path: str, r: PageReader | None = None
            ) -> _Document | None:
    r = r or kg.page_reader()
    if _exists(r, iri):
        return _Document(iri, path, None)
    for ext in (*_SUFFIXES, "html"):
        if iri.endswith("." + ext) and _exists(r, iri[: -len(ext) - 1]):
            return _Document(iri[: -len(ext) - 1], path[: -len(ext) - 1], ext)
    return None


async def resource(request: Request) -> Response:
    """A node we mint: its page, or its description by content negotiation or suffix."""
    settings = request.app.state.settings
    given = params(request, {"lang"})
    lang = language(request, first(given, "lang"))
    kg = _kg(request, lang)
    path = request.url.path
    iri = settings.base_iri + path[len(settings.base_path):]
    quick = kg.memory_page_reader()
    if quick is not None and _small(quick, iri):  # on the event loop: a hop to a thread costs more
        started = time.perf_counter()
        response = _located_node(request, kg, iri, path, lang, quick)
        ms = (time.perf_counter() - started) * 1000
    else:
        response, ms = await blocking(request, _located_node, request, kg, iri, path, lang)
    if response is None:
        return await not_found(request)
    return timing(response, ms)


# A node with at most this many triples out and in, read from memory, has its page made on the event loop
# (a few ms). A hop to a query thread and back costs more than such a page: the loop and the thread
# then contend for the interpreter lock (uncached, 16 clients: about 250 pages/s by threads, 500 inline).
_SMALL = 200
# Pages that run aggregate queries beyond the node's own triples (a region's history and index, a
# province's members) always go to the query threads.
_AGGREGATED = frozenset(iris.ONTOLOGY_NS + k for k in ("Provinsi", "Kabupaten", "Kota", "PemerintahDaerah"))


def _small(r: PageReader, iri: str) -> bool:
    """Whether the node is in the graph and its page reads only a small neighbourhood (see _SMALL)."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    out = list(itertools.islice(r.links(node, None, None), _SMALL + 1))
    if not out or len(out) > _SMALL:
        return False
    if any(t.predicate.value == _TYPE and t.object.value in _AGGREGATED for t in out):
        return False
    return sum(1 for _ in itertools.islice(r.links(None, None, node), _SMALL + 1)) <= _SMALL


def _located_node(request: Request, kg: KnowledgeGraph, iri: str, path: str, lang: str,
                  r: PageReader | None = None) -> Response | None:
    """The node's response, or None when the store has no such node: the whole page in one go (finding
    the node, reading it and rendering it), so that a query thread is a single hop."""
    doc = _locate(request, kg, iri, path, r)
    return None if doc is None else _node(request, kg, doc, lang, r)


async def _serve_node(request: Request, kg: KnowledgeGraph, doc: _Document, lang: str) -> Response:
    response, ms = await blocking(request, _node, request, kg, doc, lang)
    return timing(response, ms)


def _node(request: Request, kg: KnowledgeGraph, doc: _Document, lang: str, r: PageReader | None = None) -> Response:
    """A node's page or its description in an RDF format (negotiated, or named by its suffix)."""
    r = r or kg.page_reader()
    if doc.suffix in _SUFFIXES:
        name = _SUFFIXES[doc.suffix]
    elif doc.suffix == "html":
        name = "html"
    else:
        name = negotiate(request, (RDF,), "html", extra={"text/html": "html", "application/xhtml+xml": "html"})
    headers = {"Vary": "Accept", "Link": _link_header(doc.path)}
    if name != "html":
        triples = sorted(r.triples(ox.NamedNode(doc.iri), None, None), key=str)
        ext = next(e for e, n in _SUFFIXES.items() if n == name)
        headers["Content-Location"] = f"{doc.path}.{ext}"
        return _rdf_response(triples, name, headers)
    view = _describe(request, kg, doc.iri, lang, r)
    response = render(request, "resource.html", lang, d=view, alternates=_alternates(doc.path))
    response.headers.update(headers)
    response.headers["Content-Location"] = doc.path
    return response


def _describe(request: Request, kg: KnowledgeGraph, iri: str, lang: str, r: PageReader | None = None
              ) -> dict[str, Any]:
    r = r or kg.page_reader()  # every read of the page from one generation, labels remembered per generation
    node = ox.NamedNode(iri)
    labels: list[dict[str, Any]] = []
    types: list[dict[str, Any]] = []
    props: list[tuple[str, Any]] = []
    for t in sorted(r.links(node, None, None), key=str):
        p, o = t.predicate.value, t.object
        if p in (_PREF, _ALT) and isinstance(o, ox.Literal):
            labels.append({"text": o.value, "lang": o.language or "", "alt": p == _ALT})
        elif p == _TYPE:
            href = page_of(request, o.value)
            if o.value.startswith(iris.ONTOLOGY_NS):
                href = "/class/" + o.value[len(iris.ONTOLOGY_NS):]
            types.append({"curie": curie(o.value), "label": _label(r, o.value, lang), "href": href})
        elif p != _RDFS_LABEL:
            props.append((p, o))
    supers = kg.superproperties()
    outbound = [_cell(request, r, p, o, lang, also) for p, o, also in _fold(props, supers) if p != _QUOTE]
    inbound = [_cell(request, r, p, s, lang, also) for p, s, also in
               _fold([(t.predicate.value, t.subject) for t in sorted(r.links(None, None, node), key=str)], supers)]
    quotes, seen = [], set()
    try:
        for row in r.query("provenans", simpul=iri).values():
            if row["teks"] and (row["teks"], row["sumber"]) not in seen:  # one quote may back several facts
                seen.add((row["teks"], row["sumber"]))
                quotes.append({"text": row["teks"], "source": row["sumber"], "url": row["url"]})
    except QueryError:
        pass
    type_iris = {t.object.value for t in r.links(node, ox.NamedNode(_TYPE), None)}
    awards, index, awards_svg = _region_history(r, iri, type_iris, lang)
    members = _province_members(request, r, iri, type_iris, lang)
    summary = _region_summary(kg, r, node, type_iris, awards, index, members, lang)
    title = next((x["text"] for x in labels if x["lang"] == lang and not x["alt"]), None) or \
        next((x["text"] for x in labels if not x["alt"]), None) or curie(iri)
    graph = "/graph?" + urlencode({"focus": iri, "depth": 1, "lang": lang})
    return {"iri": iri, "title": title, "labels": labels, "types": types, "properties": outbound, "inbound": inbound,
            "quotes": quotes, "graph_href": graph, "awards": awards, "index": index, "awards_svg": awards_svg,
            "members": members, "summary": summary, "views": _graph_views(r, node, type_iris, lang)}


_REGION_KINDS = frozenset(iris.ONTOLOGY_NS + k for k in ("Provinsi", "Kabupaten", "Kota"))


def _graph_views(r: PageReader, node: ox.NamedNode, types: set[str], lang: str) -> list[dict[str, str]]:
    """The graph page's views of this node: an edition's winners by category, a region's history."""
    if iris.ONTOLOGY_NS + "EdisiPenghargaan" in types:
        key = node.value.rsplit("/", 1)[-1]
        return [{"href": "/graph?" + urlencode({"edisi": key, "lang": lang}), "label": text("graph_edition", lang)}]
    place = node
    if iris.ONTOLOGY_NS + "PemerintahDaerah" in types:
        place = next((t.object for t in r.triples(node, ox.NamedNode(iris.ONTOLOGY_NS + "wilayah"), None)
                      if isinstance(t.object, ox.NamedNode)), node)
    elif not types & _REGION_KINDS:
        return []
    code = next((t.object.value for t in r.triples(place, ox.NamedNode(iris.ONTOLOGY_NS + "kodeWilayah"), None)), None)
    if code is None:
        return []
    return [{"href": "/graph?" + urlencode({"riwayat": code, "lang": lang}), "label": text("graph_history", lang)}]


def _province_members(request: Request, r: PageReader, iri: str, types: set[str], lang: str
                      ) -> list[dict[str, Any]]:
    """A province's regencies and cities with what the graph knows of each (named query daerah-provinsi)."""
    if iris.ONTOLOGY_NS + "Provinsi" not in types:
        return []
    try:
        rows = r.query("daerah-provinsi", kode=iri.rsplit("/", 1)[1], lang=lang).values()
    except QueryError:
        return []
    return [{**r, "href": page_of(request, r["daerah"])} for r in rows]


def _region_summary(kg: KnowledgeGraph, r: PageReader, node: ox.NamedNode, types: set[str], awards: list[dict[str, Any]],
                    index: list[dict[str, Any]], members: list[dict[str, Any]], lang: str) -> str:
    """What the graph knows of a region, in one or two plain sentences (before the raw properties)."""
    kinds = [k for k in ("Provinsi", "Kabupaten", "Kota") if iris.ONTOLOGY_NS + k in types]
    if not kinds:
        return ""
    name = _label(r, node.value, lang)
    code = node.value.rsplit("/", 1)[1]
    kind = _label(r, iris.ONTOLOGY_NS + kinds[0], lang).lower()
    part_of = next(r.triples(node, ox.NamedNode(iris.ONTOLOGY_NS + "bagianDari"), None), None)
    where = ""
    if part_of is not None:
        where = (f" in {_label(r, part_of.object.value, lang)}" if lang == "en"
                 else f" di {_label(r, part_of.object.value, lang)}")
    try:
        held = r.query("ringkasan-daerah", kode=code).values()[0]
    except (QueryError, IndexError):
        held = {"perangkatDaerah": 0, "inovasi": 0, "observasi": 0}
    agencies, innovations, observations = held["perangkatDaerah"] or 0, held["inovasi"] or 0, held["observasi"] or 0
    winner = text("winner", lang)
    won = sorted({str(a["tahun"]) for a in awards if a["status"] == winner})
    nominated = sorted({str(a["tahun"]) for a in awards if a["status"] != winner})
    years = sorted({str(r["tahun"]) for r in index})
    if lang == "en":
        parts = [f"{name} (code {code}) is a {kind}{where}."]
        if kinds[0] == "Provinsi":
            parts.append(f"It has {len(members)} regencies and cities in the graph.")
        if agencies or observations:
            parts.append(f"The graph holds {agencies} of its agencies, {innovations} innovation(s) they run and "
                         f"{observations} indicator observation(s).")
        parts.append(f"Its government won the IGA in {len(won)} year(s) ({', '.join(won)})." if won
                     else "No IGA win of its government is recorded.")
        if nominated:
            parts.append(f"Nominated in: {', '.join(nominated)}.")
        if years:
            parts.append(f"Regional innovation index results: {', '.join(years)}.")
    else:
        parts = [f"{name} (kode {code}) adalah {kind}{where}."]
        if kinds[0] == "Provinsi":
            parts.append(f"Graf memuat {len(members)} kabupaten dan kota di dalamnya.")
        if agencies or observations:
            parts.append(f"Graf memuat {agencies} perangkat daerahnya, {innovations} inovasi yang dikelolanya dan "
                         f"{observations} observasi indikator.")
        parts.append(f"Pemerintah daerahnya memenangkan IGA pada {len(won)} tahun ({', '.join(won)})." if won
                     else "Belum tercatat kemenangan IGA pemerintah daerahnya.")
        if nominated:
            parts.append(f"Masuk nominasi pada: {', '.join(nominated)}.")
        if years:
            parts.append(f"Hasil Indeks Inovasi Daerah: {', '.join(years)}.")
    return " ".join(parts)


_REGION_TYPES = {iris.ONTOLOGY_NS + c for c in ("PemerintahDaerah", "Provinsi", "Kabupaten", "Kota")}


def _region_history(r: PageReader, iri: str, types: set[str], lang: str
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """A region's (or its government's) IGA results and index over the years, and a chart of them."""
    from inovasi_kg.web.charts import bar_chart

    if not types & _REGION_TYPES:
        return [], [], ""
    code = iri.rsplit("/", 1)[1].removeprefix("pemda-")
    try:
        awards = r.query("riwayat-penghargaan", kode=code, lang=lang).values()
        index = r.query("iid-daerah", kode=code, lang=lang).values()
    except QueryError:
        return [], [], ""
    for row in awards:  # GROUP_CONCAT has no order: the same sources in the same order on every engine and copy
        if row.get("sumber"):
            row["sumber"] = " ".join(sorted(set(str(row["sumber"]).split())))
    per_year: dict[str, int] = {}
    for row in awards:
        per_year[str(row["tahun"])] = per_year.get(str(row["tahun"]), 0) + 1
    scores = [(str(r["tahun"]), float(r["skor"])) for r in index if r["skor"] is not None]
    if scores:
        svg = bar_chart([(y, s, False) for y, s in scores], title=text("index", lang), width=420)
    elif per_year:
        svg = bar_chart([(y, float(n), False) for y, n in sorted(per_year.items())], title=text("wins_per_year", lang),
                        width=420)
    else:
        svg = ""
    return awards, index, svg


def _fold(pairs: list[tuple[str, Any]], supers: dict[str, frozenset[str]]) -> list[tuple[str, Any, list[str]]]:
    """(predicate, value) pairs with the ones materialized from another pair folded into it: a value
    stated by ida:keterangan is not shown again as dct:description (its super-property), but named on
    the keterangan row. Each row: predicate, value, the super-properties folded into it (CURIEs)."""
    by_value: dict[Any, set[str]] = {}
    for p, o in pairs:
        by_value.setdefault(o, set()).add(p)
    rows = []
    for p, o in pairs:
        if any(p in supers.get(q, ()) for q in by_value[o] if q != p):
            continue  # implied by a more specific property with the same value
        rows.append((p, o, sorted(curie(q) for q in by_value[o] if q in supers.get(p, ()))))
    return rows


def _cell(request: Request, r: PageReader, predicate: str, term: Any, lang: str,
          also: list[str] | None = None) -> dict[str, Any]:
    label = _label(r, predicate, lang)
    common = {"iri": predicate, "label": label, "curie": curie(predicate), "also": also or []}
    if isinstance(term, ox.Literal):
        value = term.value + (f" @{term.language}" if term.language else "")
        return {**common, "value": value, "href": None}
    return {**common, "value": _label(r, term.value, lang), "href": page_of(request, term.value)}


async def not_found(request: Request) -> Response:
    """404: a page with close matches for a browser, one JSON error shape for everything else."""
    accept = request.headers.get("accept", "")
    if "text/html" not in accept.split(",")[0]:
        return JSONResponse404(request.url.path)
    lang = language(request, request.query_params.get("lang") if request.query_params.get("lang") in LANGUAGES else None)
    words = [w for w in request.url.path.replace(".", "/").replace("-", " ").split("/") if len(w) > 2][-1:]
    suggestions = []
    if words:
        kg = _kg(request, lang)
        try:
            hits, _ = await blocking(request, kg.query, "cari-label", teks=words[0])
        except QueryError:
            hits = None
        seen = set()
        for row in (hits.values() if hits else [])[:20]:
            if row["simpul"] not in seen and page_of(request, row["simpul"]):
                seen.add(row["simpul"])
                suggestions.append({"href": page_of(request, row["simpul"]), "label": row["label"]})
    return render(request, "list.html", lang, status=404, heading=text("not_found", lang),
                  intro=request.url.path, items=[], q=None, suggestions=suggestions[:10])


_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>(.*?)</script>", re.S)


def script_policy(page: bytes | str) -> str:
    """The site's content security policy for `page`, allowing its inline scripts by their SHA-256 and
    framing by our own pages."""
    from inovasi_kg.web.common import CSP

    data = page.encode("utf-8") if isinstance(page, str) else page
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(m).digest()).decode()}'"
                      for m in _INLINE_SCRIPT.findall(data))
    return (CSP.replace("script-src 'self'", f"script-src 'self' {hashes}".rstrip())
            .replace("frame-ancestors 'none'", "frame-ancestors 'self'"))


def error_html(request: Request, response: Response) -> Response:
    """A JSON error response as a small page in the site's language (same status and headers)."""
    body = json.loads(bytes(response.body))["error"]
    lang = language(request, None)
    page = render(request, "list.html", lang, status=response.status_code, heading=f"{body['status']} {body['title']}",
                  intro=body["message"], items=[], q=None, suggestions=[])
    for key in ("allow", "retry-after"):
        if key in response.headers:
            page.headers[key] = response.headers[key]
    return page


def JSONResponse404(path: str) -> Response:
    from inovasi_kg.web.common import error_response

    return error_response(HTTPError(404, f"nothing is published at {path}"))


async def home(request: Request) -> Response:
    from inovasi_kg.web.charts import bar_chart

    given = params(request, {"lang", "kota"})
    lang = language(request, first(given, "lang"))
    chosen = (first(given, "kota") or "33.71")
    kg = _kg(request, lang)

    def gather() -> dict[str, Any]:
        ranking = kg.query("peringkat-penghargaan").values()
        indicators = kg.query("indikator-ekonomi", daerah="wilayah/33.71").values()
        stats = kg.stats()
        series = kg.query("iid-nasional", ukuran="ukuran-iid:inovasi").values()
        provinces = kg.query("klasemen-provinsi").values()
        r = kg.page_reader()
        year, edition = ox.NamedNode(iris.ONTOLOGY_NS + "tahun"), ox.NamedNode(iris.ONTOLOGY_NS + "EdisiPenghargaan")
        nodes = [ox.NamedNode(e.subject.value) for e in r.triples(None, ox.NamedNode(_TYPE), edition)]
        editions = sorted((t.object.value, t.subject.value.rsplit("/", 1)[-1]) for n in nodes for t in r.triples(n, year, None))
        return {"ranking": ranking, "indicators": indicators, "stats": stats, "triples": kg.backend.count(),
                "series": series, "provinces": provinces, "editions": editions}

    # The figures depend only on the store's generation: computed once per generation, language and city,
    # so the home page never waits behind the query workers once it has been shown.
    generation, _ = await light(kg.backend.fingerprint)
    cache = request.app.state.home
    key = (generation, lang, chosen)
    if generation is not None and key in cache:
        data, ms = cache[key], 0.0
    else:
        data, ms = await blocking(request, gather)
        if generation is not None:
            if len(cache) >= 64:
                cache.clear()
            cache[key] = data
    rows = [{"rank": r["peringkat"], "name": r["pemerintah"], "score": r["skor"], "chosen": r["kode"] == chosen,
             "href": page_of(request, r["pemerintah_iri"]) if "pemerintah_iri" in r else None} for r in data["ranking"]]
    for row, r in zip(rows, data["ranking"], strict=True):
        if row["href"] is None:
            row["href"] = "/search?" + urlencode({"q": r["pemerintah"]})
    ranking_svg = bar_chart([(str(r["rank"]) + ". " + r["name"], float(r["score"]), r["chosen"]) for r in rows],
                            title=text("ranking", lang))
    indicators = [{"name": r["indikator"], "period": f"{r['tahun_awal']}-{r['tahun_akhir']}", "value": r["nilai"],
                   "unit": r["satuan"]} for r in data["indicators"]]
    indicators_svg = bar_chart([(f"{r['name']} ({r['unit']})", float(r["value"]), False) for r in indicators],
                               title=text("indicators", lang))
    kept: dict[str, float] = {}  # per year the figure of the row without a source suffix (the one kept)
    for r in data["series"]:
        if r["angka"].rsplit("/", 1)[1] == f"iid-{r['tahun']}.inovasi.semua":
            kept[str(r["tahun"])] = float(r["nilai"])
    national_svg = bar_chart([(y, v, False) for y, v in sorted(kept.items())], title=text("national_index", lang))
    province_svg = bar_chart([(r["provinsi"], float(r["kemenangan"]), False) for r in data["provinces"][:10]],
                             title=text("province_wins", lang))
    ours = [c for c in data["stats"] if c.iri.startswith(iris.ONTOLOGY_NS)]
    top = [{"name": c.iri[len(iris.ONTOLOGY_NS):], "label": c.label or curie(c.iri), "count": c.count} for c in ours[:20]]
    settings = request.app.state.settings
    origin = f"{request.url.scheme}://{request.url.netloc}"
    dumps = [{"name": f"inovasi-daerah.{ext}", "href": f"/dump/inovasi-daerah.{ext}"} for ext in ("ttl", "nt", "jsonld", "rdf")]
    dataset = {
        "@context": PREFIXES["schema"], "@type": "Dataset", "@id": iris.dataset_iri(settings.base_iri),
        "name": text("site", lang), "description": text("tagline", lang), "inLanguage": ["id", "en"],
        "license": "https://creativecommons.org/licenses/by/4.0/", "isAccessibleForFree": True,
        "spatialCoverage": {"@type": "Place", "name": "Indonesia"},
        "distribution": [{"@type": "DataDownload", "encodingFormat": by_name(n, (RDF,)).media_type,
                          "contentUrl": f"{origin}/dump/inovasi-daerah.{e}"} for e, n in _SUFFIXES.items()],
        "url": origin + "/",
    }
    response = render(request, "home.html", lang, triples=data["triples"], n_classes=len(data["stats"]),
                      n_queries=len(kg.named_queries), top_classes=top, ranking=rows, ranking_svg=ranking_svg,
                      indicators=indicators, indicators_svg=indicators_svg, dumps=dumps,
                      national_svg=national_svg, national=sorted(kept.items()), province_svg=province_svg,
                      provinces=data["provinces"][:10],
                      editions=[{"year": y, "href": "/graph?" + urlencode({"edisi": k, "lang": lang})}
                                for y, k in data["editions"]],
                      dataset_jsonld=json.dumps(dataset, ensure_ascii=False).replace("</", "<\\/"),
                      alternates=[{"type": "text/turtle", "href": "/catalog.ttl"},
                                  {"type": "application/ld+json", "href": "/catalog.jsonld"}])
    return timing(response, ms)


async def search(request: Request) -> Response:
    given = params(request, {"q", "lang"})
    lang = language(request, first(given, "lang"))
    q = first(given, "q")
    items = []
    if q:
        kg = _kg(request, lang)
        result, _ = await blocking(request, kg.query, "cari-label", teks=q)
        seen: dict[str, dict[str, Any]] = {}
        for row in result.values():
            href = page_of(request, row["simpul"])
            item = seen.setdefault(row["simpul"], {"href": href, "label": row["label"], "note": curie(row["kelas"] or "")})
            if row["label"] != item["label"] and row["label"] not in item["note"]:
                item["note"] += " · " + row["label"]
        items = list(seen.values())
    return render(request, "list.html", lang, heading=text("search", lang), search_action="/search", q=q or "",
                  items=items)


async def class_page(request: Request) -> Response:
    given = params(request, {"lang", "page"})
    lang = language(request, first(given, "lang"))
    name = request.path_params["name"].removeprefix("ida:")
    kg = _kg(request, lang)
    cls = iris.ontology_term(name)
    try:
        page = int(first(given, "page") or "1")
    except ValueError:
        raise HTTPError(400, "page must be a whole number") from None

    def gather() -> tuple[int, list[dict[str, Any]], str] | None:
        r = kg.page_reader()
        everyone = sorted({t.subject.value for t in r.triples(None, ox.NamedNode(_TYPE), ox.NamedNode(cls))})
        if not everyone and not _exists(r, cls):
            return None
        shown = everyone[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        items = [{"href": page_of(request, iri), "label": _label(r, iri, lang)} for iri in shown]
        return len(everyone), items, _label(r, cls, lang)

    found, ms = await blocking(request, gather)
    if found is None:
        return await not_found(request)
    total, items, label = found
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if not 1 <= page <= pages:
        raise HTTPError(404, f"page {page} does not exist; this class has {pages} page(s)")
    pager = {"page": page, "pages": pages,
             "previous": f"?page={page - 1}" if page > 1 else None, "next": f"?page={page + 1}" if page < pages else None}
    heading = f"{label} ({total} {text('instances', lang)})"
    return timing(render(request, "list.html", lang, heading=heading, intro=cls, items=items, pager=pager, q=None), ms)


async def code_page(request: Request) -> Response:
    """/kode/: the code lists; /kode/SCHEME: its concepts as a tree, searchable; /kode/SCHEME/X: one concept."""
    given = params(request, {"lang", "q"})
    lang = language(request, first(given, "lang"))
    kg = _kg(request, lang)
    rest = request.path_params["path"]
    q = first(given, "q")
    if rest.strip("/") == "":
        items, _ = await blocking(request, _schemes, request, kg, lang)
        return render(request, "list.html", lang, heading=text("codes", lang), items=items, q=None)
    doc, _ = await blocking(request, _locate, request, kg, iris.KODE_NS + rest, request.url.path)
    if doc is None:
        return await not_found(request)
    is_scheme, _ = await blocking(request, lambda: any(True for _ in kg.page_reader().triples(
        ox.NamedNode(doc.iri), ox.NamedNode(_TYPE), ox.NamedNode(PREFIXES["skos"] + "ConceptScheme"))))
    if not is_scheme or doc.suffix or negotiate(request, (RDF,), "html", extra={"text/html": "html"}) != "html":
        return await _serve_node(request, kg, doc, lang)
    (heading, tree), ms = await blocking(request, _scheme_tree, request, kg, doc.iri, lang, q)
    return timing(render(request, "list.html", lang, heading=heading, intro=doc.iri, items=tree,
                         search_action=request.url.path, q=q, alternates=_alternates(doc.path)), ms)


def _schemes(request: Request, kg: KnowledgeGraph, lang: str) -> list[dict[str, Any]]:
    r = kg.page_reader()
    schemes = sorted({t.subject.value for t in r.triples(
        None, ox.NamedNode(_TYPE), ox.NamedNode(PREFIXES["skos"] + "ConceptScheme"))})
    return [{"href": page_of(request, s), "label": _label(r, s, lang)} for s in schemes]


def _scheme_tree(request: Request, kg: KnowledgeGraph, scheme: str, lang: str,
                 q: str | None) -> tuple[str, list[dict[str, Any]]]:
    """The concepts of a scheme as Skosmos lists them: top concepts with their narrower ones; `q` filters."""
    from inovasi_kg.core.terms import fold

    skos = PREFIXES["skos"]
    r = kg.page_reader()
    concepts = sorted({t.subject.value for t in r.triples(None, ox.NamedNode(skos + "inScheme"),
                                                                   ox.NamedNode(scheme))})
    broader = {c: [t.object.value for t in r.triples(ox.NamedNode(c), ox.NamedNode(skos + "broader"), None)]
               for c in concepts}
    labels = {c: _label(r, c, lang) for c in concepts}
    if q:
        concepts = [c for c in concepts if fold(q) in fold(labels[c]) or fold(q) in fold(c.rsplit("/", 1)[-1])]
    tops = [c for c in concepts if not any(b in concepts for b in broader[c])]
    tree: list[dict[str, Any]] = [{"href": page_of(request, c), "label": labels[c], "note": c.rsplit("/", 1)[-1],
                                   "children": [{"href": page_of(request, n), "label": labels[n],
                                                 "note": n.rsplit("/", 1)[-1]} for n in concepts if c in broader[n]]}
                                  for c in tops]
    return _label(r, scheme, lang), tree


async def ontology_page(request: Request) -> Response:
    given = params(request, {"lang"})
    lang = language(request, first(given, "lang"))
    kg = _kg(request, lang)
    ext = request.path_params.get("ext")
    if ext is not None and ext not in _SUFFIXES:
        return await not_found(request)
    name = _SUFFIXES[ext] if ext else negotiate(request, (RDF,), "html", extra={"text/html": "html"})

    triples, ms = await blocking(request, kg.ontology_terms)
    if name != "html":
        return timing(_rdf_response(triples, name, {"Vary": "Accept", "Link": _link_header("/ontology")}), ms)
    subjects = sorted({t.subject.value for t in triples if t.subject.value.startswith(iris.ONTOLOGY_NS)})
    r = kg.page_reader()
    items = [{"href": "/class/" + s[len(iris.ONTOLOGY_NS):], "label": _label(r, s, lang),
              "note": curie(s)} for s in subjects]
    return render(request, "list.html", lang, heading=text("ontology", lang), intro=iris.ONTOLOGY_NS.rstrip("#"),
                  items=items, q=None, alternates=_alternates("/ontology"))


async def graph_page(request: Request) -> Response:
    given = params(request, {"lang", "focus", "depth", "class", "edisi", "riwayat"}, repeatable={"class"})
    lang = language(request, first(given, "lang"))
    kg = _kg(request, lang)
    focus = first(given, "focus")
    try:
        depth = int(first(given, "depth") or "2")
    except ValueError:
        raise HTTPError(400, "depth must be a whole number") from None
    if first(given, "depth") is not None and focus is None:
        raise HTTPError(400, "depth applies to focus; give the node to start from with focus")
    other = "id" if lang == "en" else "en"
    back = request.url.path + ("?" + request.url.query if request.url.query else "")
    nav = [{"href": href, "label": text(key, lang)} for href, key in
           (("/", "home"), ("/queries", "queries"), ("/search", "search"), ("/catalog", "catalog"))]
    nav.append({"href": f"/bahasa/{other}?" + urlencode({"kembali": back}), "label": text("language", lang),
                "switch": "1", "hreflang": other})
    page, ms = await blocking(request, kg.render, "html", focus=focus, depth=depth, classes=given.get("class"),
                              edition=first(given, "edisi"), history=first(given, "riwayat"),
                              page_of=lambda iri: page_of(request, iri), nav=nav)
    # The page inlines vis-network and its own script (it also works as a lone file): the policy allows
    # exactly those scripts by hash, and framing by our own pages (the neighbourhood frame of an entity).
    return timing(HTMLResponse(page, headers={"Content-Language": lang, "Content-Security-Policy": script_policy(page),
                                              "X-Frame-Options": "SAMEORIGIN"}), ms)


async def query_list(request: Request) -> Response:
    given = params(request, {"lang"})
    lang = language(request, first(given, "lang"))
    kg = _kg(request, lang)
    items = [{"href": f"/queries/{q.name}", "label": q.title_in(lang), "note": q.description_in(lang)}
             for q in kg.named_queries.values()]
    return render(request, "list.html", lang, heading=text("queries", lang), items=items, q=None)


def _table(request: Request, result: Any) -> dict[str, Any]:
    from inovasi_kg.sparql.result import python_value

    if result.kind == "ask":
        return {"boolean": result.boolean}
    keep = [i for i, v in enumerate(result.variables) if v not in result.hidden]
    rows = []
    for row in result.rows:
        cells: list[dict[str, Any]] = []
        for i in keep:
            term = row[i]
            if term is None:
                cells.append({"text": ""})
            elif isinstance(term, ox.NamedNode):
                cells.append({"text": curie(term.value), "href": page_of(request, term.value)})
            else:
                cells.append({"text": str(python_value(term))})
        rows.append(cells)
    return {"boolean": None, "columns": [result.variables[i] for i in keep], "rows": rows, "count": len(result.rows),
            "truncated": result.truncated}


async def query_page(request: Request) -> Response:
    """/queries/NAME: title, description, SPARQL, a form, the results; .json, .csv, .tsv give the data."""
    raw = request.path_params["name"]
    name, _, ext = raw.rpartition(".") if raw.rsplit(".", 1)[-1] in ("json", "csv", "tsv", "xlsx", "html") else (raw, "", "")
    kg0: KnowledgeGraph = request.app.state.kg
    try:
        query = kg0.named(name)
    except QueryError:
        return await not_found(request)
    declared = [p.name for p in query.parameters]
    given = params(request, {*declared, "lang"})
    labels = first(given, "lang")  # the query's label language: the page's own language is the site's
    lang = language(request, labels if ext in ("json", "csv", "tsv", "xlsx") else None)
    kg = _kg(request, labels if labels in LANGUAGES else lang)
    values = {k: v[0] for k, v in given.items() if k != "lang" and v[0].strip()}  # an empty field is no value
    if ext == "xlsx":  # a spreadsheet of the same rows as the CSV
        from inovasi_kg.sparql.xlsx import MEDIA_TYPE, to_xlsx

        result, ms = await blocking(request, kg.query, name, **values)
        rows = [[row[v] for v in result.variables] for row in result.values()]
        return timing(Response(to_xlsx(result.variables, rows, sheet=name), media_type=MEDIA_TYPE, headers={
            "Content-Disposition": f'attachment; filename="{name}.xlsx"',
            **({"X-SPARQL-Truncated": "true"} if result.truncated else {})}), ms)
    if ext in ("json", "csv", "tsv"):
        result, ms = await blocking(request, kg.query, name, **values)
        fmt = by_name(ext, (RESULTS,))
        charset = "; charset=utf-8" if fmt.media_type.startswith("text/") else ""
        headers = {"X-SPARQL-Truncated": "true"} if result.truncated else {}
        return timing(Response(result.serialize(ext), media_type=fmt.media_type + charset, headers=headers), ms)
    needed = [p for p in query.parameters if not p.optional and p.default is None and p.type != "lang"]
    table, error, ms = None, None, 0.0
    if not needed or all(p.name in values for p in needed):
        try:
            result, ms = await blocking(request, kg.query, name, **values)
            table = _table(request, result)
        except QueryError as err:
            error = str(err)
    form = []
    for p in query.parameters:
        if p.type == "lang":
            continue
        field = {"name": p.name, "type": p.type, "optional": p.optional or p.default is not None,
                 "help": p.help_in(lang), "value": values.get(p.name, ""),
                 "placeholder": (p.default or "").replace("{base}", kg.settings.base_iri), "choices": None}
        if p.scheme is not None:  # a code list: its concepts to pick from (with "any" when optional)
            known, _ = await blocking(request, _kg(request, lang).concepts, p.scheme)  # in the page's language
            field["choices"] = [{"value": curie(c["konsep"]), "label": f'{c["label"] or c["notasi"]} ({c["notasi"]})'}
                                for c in known]
            field["value"] = _as_curie(values.get(p.name, ""), p.scheme)
        form.append(field)
    languages = [{"value": code, "label": text(f"lang_{code}", lang), "chosen": code == (labels or lang)}
                 for code in LANGUAGES] if any(p.type == "lang" for p in query.parameters) else []
    shown = {**values, **({"lang": labels} if labels else {})}
    query_string = ("?" + urlencode(shown)) if shown else ""
    alternates = [{"name": e, "type": by_name(e, (RESULTS,)).media_type, "href": f"/queries/{name}.{e}{query_string}"}
                  for e in ("json", "csv", "tsv")]
    alternates.append({"name": "xlsx", "type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       "href": f"/queries/{name}.xlsx{query_string}"})
    response = render(request, "query.html", lang, status=400 if error else 200, lang_is_a_parameter=True,
                      title=query.title_in(lang), description=query.description_in(lang), parameters=form,
                      languages=languages, sparql=query.text, editable=False, action=f"/queries/{name}",
                      result=table, error=error, alternates=alternates, yasgui=False)
    return timing(response, ms)


def _as_curie(value: str, scheme: str) -> str:
    """A parameter's value as the CURIE the code list's picker names it by (a bare notation, a CURIE
    or a full IRI of the scheme's namespace); anything else as given."""
    value = value.strip()
    namespace = PREFIXES[scheme]
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if value.startswith(namespace):
        return f"{scheme}:{value[len(namespace):]}"
    if value and ":" not in value and "/" not in value:
        return f"{scheme}:{value}"
    return value


def yasgui_installed() -> bool:
    from inovasi_kg.web.common import STATIC_DIR

    return (STATIC_DIR / "yasgui" / "yasgui.min.js").is_file() and (STATIC_DIR / "yasgui" / "yasgui.min.css").is_file()


async def editor_page(request: Request) -> Response:
    """YASGUI (served from our origin) with our prefixes and every named query as a tab; a plain form
    that runs without JavaScript below it, and alone when the assets are not installed."""
    from inovasi_kg.sparql.text import prologue

    given = params(request, {"lang", "query"})
    lang = language(request, first(given, "lang"))
    kg = _kg(request, lang)
    sparql = first(given, "query")
    table, error, ms = None, None, 0.0
    if sparql:
        try:
            result, ms = await blocking(request, kg.sparql, sparql)
            table = _table(request, result)
        except QueryError as err:
            error = str(err)
    named = sorted(kg.named_queries.values(), key=lambda q: q.name != "statistik-kelas")  # the class counts first
    examples = [{"name": q.name, "query": _example(q, lang, kg.settings.base_iri)} for q in named]
    labels = {"endpoint": text("endpoint", lang), "query": text("query_text", lang)}
    config = json.dumps({"endpoint": "/sparql", "examples": examples, "labels": labels},
                        ensure_ascii=False).replace("</", "<\\/")
    default = sparql or examples[0]["query"][len(prologue()):]
    response = render(request, "query.html", lang, status=400 if error else 200, title=text("sparql", lang),
                      description=None, parameters=[], sparql=default, editable=True, action="/editor", result=table,
                      error=error, yasgui=yasgui_installed(), yasgui_config=config)
    return timing(response, ms)


_VOID_FIGURES = ("triples", "entities", "classes", "properties", "distinctSubjects", "distinctObjects")


async def catalog_page(request: Request) -> Response:
    """/catalog for a browser: the dataset (title, description, licence, publisher, dates), its VoID
    figures, every download with format, size, licence, date and SHA-256, the named queries as CSV, and
    the catalog itself in each RDF format."""
    given = params(request, {"lang"})
    lang = language(request, first(given, "lang"))
    kg = _kg(request, lang)

    def gather() -> dict[str, Any]:
        triples = kg.catalog()
        about: dict[str, dict[str, list[Any]]] = {}
        for t in triples:
            about.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
        dataset = iris.id_space(kg.settings.base_iri) + "dataset/inovasi-daerah"
        node = about.get(dataset, {})

        def one(values: list[Any] | None) -> str:
            values = values or []
            chosen = [v for v in values if isinstance(v, ox.Literal) and v.language == lang] or values
            return chosen[0].value if chosen else ""

        dct, void = PREFIXES["dct"], PREFIXES["void"]
        figures = [{"name": f"void:{f}", "value": int(node[void + f][0].value)} for f in _VOID_FIGURES
                   if void + f in node]
        dumps = []
        for dist in kg.distributions():
            size, digest = kg.dump_digest(dist.format.name)
            info = about.get(iris.id_space(kg.settings.base_iri) + f"distribusi/{dist.key}", {})
            dumps.append({"title": dist.title_en if lang == "en" else dist.title_id, "href": f"/dump/{dist.file_name}",
                          "file": dist.file_name, "media_type": dist.format.media_type, "size": size, "sha256": digest,
                          "license": one(info.get(dct + "license")), "modified": one(node.get(dct + "modified"))})
        return {"title": one(node.get(dct + "title")), "description": one(node.get(dct + "description")),
                "license": one(node.get(dct + "license")), "issued": one(node.get(dct + "issued")),
                "modified": one(node.get(dct + "modified")), "figures": figures, "dumps": dumps}

    info, ms = await blocking(request, gather)
    queries = [{"title": q.title_in(lang), "href": f"/queries/{q.name}.csv", "xlsx": f"/queries/{q.name}.xlsx",
                "name": q.name}
               for q in kg.named_queries.values() if not [p for p in q.parameters if not p.optional
                                                           and p.default is None and p.type != "lang"]]
    alternates = [{"name": name, "type": by_name(fmt, (RDF,)).media_type, "href": f"/catalog.{ext}"}
                  for ext, fmt, name in (("ttl", "turtle", "Turtle"), ("jsonld", "jsonld", "JSON-LD"),
                                         ("rdf", "rdfxml", "RDF/XML"), ("nt", "ntriples", "N-Triples"))]
    response = render(request, "catalog.html", lang, c=info, queries=queries, alternates=alternates)
    response.headers["Vary"] = "Accept"
    return timing(response, ms)


def _example(query: NamedQuery, lang: str, base: str) -> str:
    """A named query as an editor tab: the prologue, and its parameters bound as a user of the query
    page would get them (the label language, the defaults) by inline VALUES: run as it is, it answers
    (left unbound, `FILTER(LANG(?nama) = ?lang)` would leave every label empty)."""
    from inovasi_kg.sparql.named import to_term
    from inovasi_kg.sparql.text import inline_values, prologue

    bound = {}
    for p in query.parameters:
        raw = lang if p.type == "lang" else (p.default.replace("{base}", base) if p.default else None)
        if raw is not None:
            bound[p.name] = to_term(p, raw, base)
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith(("# param:", "# param@id:")))
    return prologue() + inline_values(body, bound)


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


async def choose_language(request: Request) -> Response:
    """/bahasa/LANG?kembali=PATH: the language switch. Remembers LANG in the cookie and goes back to
    PATH (a path of this site only: never another host), so a page's own `lang` parameter (a named
    query's label language) is never what chooses the site's language."""
    chosen = request.path_params["lang"]
    if chosen not in LANGUAGES:
        raise HTTPError(404, f"no interface language {chosen!r}; the site speaks {', '.join(LANGUAGES)}")
    given = params(request, {"kembali"})
    back = first(given, "kembali") or "/"
    if not back.startswith("/") or back.startswith("//") or "\\" in back or any(ord(c) < 32 for c in back):
        raise HTTPError(400, "kembali must be a path of this site, such as /queries (never another host)")
    response = RedirectResponse(back, status_code=303, headers={"Cache-Control": "no-store"})
    response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, samesite="lax")
    return response


# The figures the map can colour provinces by: the column of named query peta-provinsi, whether it is
# of one index year, and whether it is a rating (classes by concept) rather than a number (classes by size).
_MAP_FIGURES: dict[str, tuple[str, bool, bool]] = {
    "kemenangan": ("kemenangan", False, False),
    "menang-provinsi": ("menang_provinsi", False, False),
    "daerah-pemenang": ("daerah_pemenang", False, False),
    "sangat-inovatif": ("daerah_sangat_inovatif", True, False),
    "skor-iid": ("skor", True, False),
    "predikat-iid": ("predikat", True, True),
}
_RATINGS = ("sangat-inovatif", "inovatif", "kurang-inovatif", "tidak-dapat-dinilai")


async def map_page(request: Request) -> Response:
    """/map: the provinces coloured by one figure (?ukuran=, ?tahun= for the index figures), with a legend
    and a table of every province (the four made in 2022 have no shape in the boundary source)."""
    from inovasi_kg.web.maps import Shaded, bins, read_shapes, render_map

    given = params(request, {"lang", "ukuran", "tahun"})
    lang = language(request, first(given, "lang"))
    figure = (first(given, "ukuran") or "").strip() or "kemenangan"
    if figure not in _MAP_FIGURES:
        raise HTTPError(400, f"ukuran={figure!r} is not a figure of the map; known: {', '.join(_MAP_FIGURES)}")
    year = (first(given, "tahun") or "").strip() or "2025"
    if not re.fullmatch(r"(19|20)\d\d", year):
        raise HTTPError(400, f"tahun={year!r} is not a year (four digits, e.g. 2021)")
    column, by_year, rating = _MAP_FIGURES[figure]
    kg = _kg(request, lang)

    def gather() -> dict[str, Any]:
        rows = kg.query("peta-provinsi", tahun=year).values()
        years = sorted({str(r["tahun"]) for r in kg.query("iid-nasional").values()} | {year})
        ratings = {c["notasi"]: c["label"] or c["notasi"] for c in kg.concepts("predikat-iid")}
        return {"rows": rows, "years": years, "ratings": ratings}

    data, ms = await blocking(request, gather)
    drawn = read_shapes()
    rows, ratings = data["rows"], data["ratings"]
    scale = [] if rating else bins(float(r[column]) for r in rows if r.get(column) is not None)
    none = text("map_none", lang)

    def shade(row: dict[str, Any]) -> tuple[str, str]:
        value = row.get(column)
        if value is None:
            return none, "na"
        if rating:
            notation = str(value).rsplit("/", 1)[1]
            return ratings.get(notation, notation), f"r-{notation}"
        number = float(value)
        shown = f"{number:g}" if not float(number).is_integer() else str(int(number))
        if number <= 0:
            return shown, "q0"
        return shown, f"q{next(k for k, (_, hi, _) in enumerate(scale, 1) if number <= hi or k == len(scale))}"

    codes: dict[str, str] = {}
    problems: list[str] = []
    if drawn is not None:
        _, shapes = drawn
        found, problems = kg.match_regions(
            [s.name for s in shapes], [(r["kode"], "provinsi", r.get("nama_id") or r["provinsi"]) for r in rows],
            [(spelling, r["kode"]) for r in rows for spelling in (r.get("ejaan") or "").split("|") if spelling])
        codes = {s.ident: found[s.name] for s in shapes if s.name in found}
    has_shape = set(codes.values())
    table, shaded = [], {}
    for r in rows:
        shown, css = shade(r)
        href = page_of(request, r["prov"]) or "#"
        shaded[r["kode"]] = Shaded(href, r["provinsi"], shown, css)
        table.append({"kode": r["kode"], "name": r["provinsi"], "href": href, "shown": shown, "css": css,
                      "shape": r["kode"] in has_shape})
    if rating:
        legend = [{"css": f"r-{n}", "label": ratings.get(n, n)} for n in _RATINGS]
    else:
        legend = [{"css": "q0", "label": "0"}] + [{"css": f"q{k}", "label": label}
                                                  for k, (_, _, label) in enumerate(scale, 1)]
    legend.append({"css": "na", "label": none})
    title = text(f"map_{figure}", lang) + (f" ({year})" if by_year else "")
    svg = render_map(drawn[0], drawn[1], codes, shaded, title=title) if drawn is not None else None
    choices = [{"value": key, "label": text(f"map_{key}", lang), "chosen": key == figure} for key in _MAP_FIGURES]
    data_links = {e: f"/queries/peta-provinsi.{e}?" + urlencode({"tahun": year}) for e in ("csv", "json", "xlsx")}
    response = render(request, "map.html", lang, svg=svg, title=title, legend=legend, table=table,
                      choices=choices, years=data["years"], year=year, by_year=by_year, problems=problems,
                      without=[t for t in table if not t["shape"]], data_links=data_links,
                      source_href=page_of(request, iris.id_space(kg.settings.base_iri) + "sumber/peta-svg-indonesia"))
    return timing(response, ms)
