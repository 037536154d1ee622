"""The served site in Debian's Chromium (Playwright), with every request off loopback refused: the
query editor runs a query and shows the table; links lead from the home page to a linked-data page
to its graph; the language switch holds across pages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser


class Site:
    """A browser context that may only reach the server under test."""

    def __init__(self, browser: Any, origin: str) -> None:
        self.origin = origin
        self.external: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="id-ID")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        url = urlparse(route.request.url)
        if f"{url.scheme}://{url.netloc}" == self.origin or url.scheme in ("data", "blob", "about"):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def site(browser: Any, live_server: str) -> Iterator[Site]:
    s = Site(browser, live_server)
    yield s
    s.close()


def test_the_editor_runs_a_query_and_shows_the_table(site: Site) -> None:
    page = _editor(site)
    names = page.evaluate("Array.from(document.querySelectorAll('.tabsList .tab')).map(t => t.textContent.trim())")
    named = sorted(n.rstrip("✖").strip() for n in names)
    from inovasi_kg.sparql.named import catalogue

    assert named == sorted(catalogue())  # every named query is an example tab
    page.locator(".yasqe_queryButton").first.click()
    page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
    text = page.locator(".yasr").inner_text()
    assert "prov#Entity" in text or "prov:Entity" in text
    assert site.external == [] and site.errors == []


def test_plain_form_works_without_javascript(browser: Any, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="id-ID")
    page = context.new_page()
    try:
        page.goto(live_server + "/editor")
        page.locator("textarea[name=query]").fill("SELECT ?n WHERE { ?r a ida:Peringkat ; ida:nomorPeringkat ?n } ORDER BY ?n")
        page.locator("#query-form button:not([formaction])").click()
        page.wait_for_selector("#results")
        assert page.locator("#results tbody tr").count() == 10
    finally:
        context.close()


def test_links_from_home_to_a_page_to_its_graph(site: Site) -> None:
    page = site.page
    page.goto(site.origin + "/")
    with page.expect_navigation(url="**/class/PerangkatDaerah", timeout=60_000):
        page.locator("a[href='/class/PerangkatDaerah']").first.click()
    with page.expect_navigation(url="**/id/organisasi/33.71.balitbang", timeout=60_000):
        page.locator("a[href='/id/organisasi/33.71.balitbang']").click()
    assert page.locator("h1").inner_text() == "Badan Penelitian dan Pengembangan Kota Magelang"
    with page.expect_navigation(url="**/graph?*", timeout=60_000):
        page.locator("#graph-link").click()
    page.wait_for_function("window.graphReady === true", timeout=60_000)
    assert page.evaluate("window.graphNodes.length") == 12
    assert site.external == [] and site.errors == []


def test_first_visit_follows_the_browser_language(browser: Any, live_server: str) -> None:
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()


def test_language_switch_holds_across_pages(site: Site) -> None:
    page = site.page
    page.goto(site.origin + "/id/organisasi/33.71.balitbang")
    assert page.locator("html").get_attribute("lang") == "id"
    page.locator("#lang-switch").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("h1").inner_text() == "Magelang City Research and Development Agency"
    page.locator("nav a[href='/queries']").click()
    page.wait_for_url("**/queries")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Named queries"


def test_the_entity_page_shows_its_neighbourhood_frame(site: Site) -> None:
    """The page frames /graph of our own origin: the policy of both lets it load and draw (nothing refused)."""
    refused: list[str] = []
    site.page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text
                 or "Refused to" in m.text else None)
    site.page.goto(site.origin + "/id/organisasi/33.71.balitbang")
    frame = site.page.frame_locator("iframe.neighbourhood")
    handle = site.page.wait_for_selector("iframe.neighbourhood")
    inner = handle.content_frame()
    assert inner is not None and "/graph?" in inner.url
    inner.wait_for_function("window.graphReady === true", timeout=60_000)
    assert inner.evaluate("window.graphNodes.length") > 1
    assert frame.locator("canvas").count() >= 1
    assert refused == [] and site.external == [] and site.errors == []


def test_a_query_form_with_its_optional_field_left_empty_gives_every_row(site: Site) -> None:
    """The form sends its empty fields (`?kategori=`): that is no value, not a filter matching nothing;
    a code list's concepts are offered to pick from, in the site's language."""
    page = site.page
    page.goto(site.origin + "/queries/inovasi-per-kategori")
    picker = page.locator("select[name=kategori]")
    options = picker.locator("option").all_inner_texts()
    assert options == ["(semua)", "Inovasi Daerah lainnya (lainnya)", "Pelayanan Publik (pelayanan-publik)",
                       "Tata Kelola Pemerintahan (tata-kelola-pemerintahan)"]
    with page.expect_navigation():
        page.locator("#query-form button").click()
    assert "kategori=" in page.url
    assert page.locator("#results tbody tr").count() == 8
    picker = page.locator("select[name=kategori]")
    picker.select_option("bentuk-inovasi:pelayanan-publik")
    with page.expect_navigation():
        page.locator("#query-form button").click()
    assert page.locator("#results tbody tr").count() == 6
    assert page.locator("select[name=kategori]").input_value() == "bentuk-inovasi:pelayanan-publik"
    assert site.external == [] and site.errors == []


def test_a_query_pages_label_language_leaves_the_site_language_alone(site: Site) -> None:
    page = site.page
    page.goto(site.origin + "/queries/inovasi-per-kategori")
    page.locator("select[name=lang]").select_option("en")
    with page.expect_navigation():
        page.locator("#query-form button").click()
    assert page.locator("html").get_attribute("lang") == "id"  # the page stays Indonesian
    assert page.locator("#query-form button").inner_text() == "Jalankan"
    assert "Public service" in page.locator("#results").inner_text()  # the labels are English
    page.locator("nav a[href='/queries']").click()
    page.wait_for_url("**/queries")
    assert page.locator("html").get_attribute("lang") == "id" and page.locator("h1").inner_text() == "Kueri bernama"
    # the switch changes the site and comes back to the same query, labels as they were
    page.goto(site.origin + "/queries/inovasi-per-kategori?lang=en")
    page.locator("#lang-switch").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert urlparse(page.url).path == "/queries/inovasi-per-kategori" and "lang=en" in page.url
    assert page.locator("#query-form button").inner_text() == "Run"
    assert page.locator("h1").inner_text() == "Innovations by category"
    assert site.external == [] and site.errors == []


def test_query_descriptions_and_help_follow_the_site_language(site: Site) -> None:
    page = site.page
    page.goto(site.origin + "/queries/indikator-ekonomi")
    assert page.locator("main p").first.inner_text().startswith("Observasi indikator")
    assert "Batasi pada satu daerah" in page.locator("#query-form").inner_text()
    page.locator("#lang-switch").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert "Limit to one region" in page.locator("#query-form").inner_text()


def _editor(site: Site) -> Any:
    from inovasi_kg.web.pages import yasgui_installed

    if not yasgui_installed():
        if os.environ.get("CI") == "true":
            pytest.fail("the YASGUI assets are missing (make assets)")
        pytest.skip("the YASGUI assets are not installed (make assets)")
    page = site.page
    page.goto(site.origin + "/editor")
    page.wait_for_function("typeof Yasgui !== 'undefined' && document.querySelector('.yasqe') !== null", timeout=30_000)
    return page


def _run(page: Any, query: str | None = None) -> str:
    if query is not None:
        page.evaluate("q => document.querySelector('.CodeMirror').CodeMirror.setValue(q)", query)
    page.locator(".yasqe_queryButton").first.click()
    page.locator(".yasr_response_chip, .yasr table tbody tr, .yasr .errorResult").first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    return str(page.locator(".yasr").inner_text())


@pytest.mark.parametrize("query,shown", [
    ("SELECT * WHERE { ?s ?p }", "SPARQL syntax error at line 1, column 25"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "this endpoint only reads: SPARQL Update is not accepted here"),
])
def test_the_editor_shows_the_servers_error(site: Site, query: str, shown: str) -> None:
    page = _editor(site)
    assert shown in _run(page, query)
    assert site.errors == []  # YASGUI built `new URL("/sparql")` and failed before it showed anything


def test_the_editors_first_tab_answers_with_its_labels(site: Site) -> None:
    """The named queries as tabs come with their parameters bound (the label language, the defaults):
    the class statistics' names are filled, not 88 empty cells."""
    page = _editor(site)
    assert "VALUES" in page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    _run(page)
    page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
    rows = page.evaluate("""() => {
        const head = Array.from(document.querySelectorAll('.yasr table thead th')).map(th => th.innerText.trim());
        const [kelas, nama] = [head.indexOf('kelas'), head.indexOf('nama')];
        return Array.from(document.querySelectorAll('.yasr table tbody tr')).map(
            tr => [tr.children[kelas].innerText.trim(), tr.children[nama].innerText.trim()]);
    }""")
    ours = {k: n for k, n in rows if k.startswith("ida:")}  # the ontology labels its own classes
    assert len(ours) >= 10 and all(ours.values()), rows[:5]  # (the table's first page)
    assert ours["ida:Daerah"] == '"Daerah"@id' and ours["ida:PemerintahDaerah"] == '"Pemerintah Daerah"@id'
    assert site.errors == []


@pytest.mark.parametrize("javascript", [True, False])
def test_the_editor_downloads_its_results_as_a_spreadsheet(browser: Any, live_server: str, javascript: bool) -> None:
    """With YASGUI the download buttons take the current tab's query; without JavaScript the plain form's
    buttons take its text. Both give /sparql's XLSX of the same rows."""
    import io

    from openpyxl import load_workbook

    query = ("PREFIX ida: <https://w3id.org/inovasi-daerah/ontology#> "
             "SELECT ?peringkat ?skor WHERE { ?r a ida:Peringkat ; ida:nomorPeringkat ?peringkat ; ida:skor ?skor } "
             "ORDER BY ?peringkat LIMIT 3")
    site = Site(browser, live_server)
    try:
        if javascript:
            page = _editor(site)
            page.evaluate("q => document.querySelector('.CodeMirror').CodeMirror.setValue(q)", query)
            button = page.locator('#download-form button[value="xlsx"]')
        else:
            site.context.close()
            site.context = browser.new_context(java_script_enabled=False)
            site.context.route("**/*", site._route)
            page = site.page = site.context.new_page()
            page.goto(site.origin + "/editor")
            assert page.locator("#download-form").is_hidden()  # it needs the script
            page.fill("#query-form textarea[name=query]", query)
            button = page.locator('#query-form button[value="xlsx"]')
        with page.expect_download() as info:
            button.click()
        download = info.value
        assert download.suggested_filename == "hasil-sparql.xlsx"
        sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
        assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
            ["peringkat", "skor"], [1, 2690], [2, 2643], [3, 2617]]
        assert site.errors == [] and site.external == []
    finally:
        site.close()


_OUTSIDE = """() => Array.from(document.querySelectorAll('svg.chart')).flatMap(svg => {
    const [x0, y0, w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
    return Array.from(svg.querySelectorAll('text')).filter(t => {
        const b = t.getBBox();
        return b.x < x0 - 0.5 || b.y < y0 - 0.5 || b.x + b.width > x0 + w + 0.5 || b.y + b.height > y0 + h + 0.5;
    }).map(t => t.textContent);
})"""


@pytest.mark.parametrize("path", ["/", "/id/wilayah/35.10", "/id/wilayah/35", "/id/organisasi/pemda-33.71"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_chart_label_is_cut(site: Site, path: str, lang: str) -> None:
    site.context.add_cookies([{"name": "lang", "value": lang, "url": site.origin}])
    site.page.goto(site.origin + path)
    assert site.page.locator("svg.chart").count() >= 1
    assert site.page.evaluate(_OUTSIDE) == []


def test_the_api_docs_render_offline_from_our_origin(site: Site) -> None:
    from inovasi_kg.web.portal import swagger_installed

    if not swagger_installed():
        if os.environ.get("CI") == "true":
            pytest.fail("the Swagger UI assets are missing (make assets)")
        pytest.skip("the Swagger UI assets are not installed (make assets)")
    refused: list[str] = []
    site.page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text
                 or "Refused to" in m.text else None)
    site.page.goto(site.origin + "/docs")
    site.page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    from inovasi_kg.sparql.named import catalogue

    blocks = site.page.locator(".swagger-ui .opblock").count()
    assert blocks == 4 * len(catalogue()) + 1 + 4  # each named query in 4 formats, /sparql, the 4 dumps
    assert "/queries/peringkat-penghargaan.xlsx" in site.page.locator("#swagger-ui").inner_text()
    assert refused == [] and site.external == [] and site.errors == []


def test_the_graph_page_leads_back_to_the_site_and_switches_language(site: Site) -> None:
    page = site.page
    page.goto(site.origin + "/graph")
    page.wait_for_selector("#mynetwork canvas", timeout=60_000)
    assert page.locator("html").get_attribute("lang") == "id"
    links = page.locator("nav.site a").evaluate_all("els => els.map(a => [a.getAttribute('href'), a.textContent])")
    assert links[:4] == [["/", "Beranda"], ["/queries", "Kueri bernama"], ["/search", "Cari"], ["/catalog", "Katalog"]]
    with page.expect_navigation(url="**/graph"):
        page.locator("#lang-switch").click()
    page.wait_for_selector("html[lang=en]")
    assert urlparse(page.url).path == "/graph"
    page.locator("nav.site a[href='/']").click()
    page.wait_for_url(site.origin + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert site.external == [] and site.errors == []


_LABEL_BOXES = """() => {
    const rect = document.getElementById('mynetwork').getBoundingClientRect();
    const ids = window.labelShown ? Object.keys(window.labelShown).filter(id => window.labelShown[id])
                                  : window.graphNodes.get().filter(n => !n.hidden).map(n => n.id);  // every label drawn
    return ids.map(id => {
        const b = window.network.getBoundingBox(id);
        const tl = window.network.canvasToDOM({x: b.left, y: b.top}), br = window.network.canvasToDOM({x: b.right, y: b.bottom});
        return [id, tl.x, tl.y, br.x, br.y, rect.width, rect.height];
    });
}"""


def _overlaps(boxes: list[list[Any]]) -> list[tuple[str, str]]:
    found = []
    for i, (a, l1, t1, r1, b1, _, _) in enumerate(boxes):
        for b, l2, t2, r2, b2, _, _ in boxes[i + 1:]:
            if l1 < r2 - 0.5 and l2 < r1 - 0.5 and t1 < b2 - 0.5 and t2 < b1 - 0.5:
                found.append((a, b))
    return found


def _placed(page: Any) -> list[list[Any]]:
    for _ in range(100):
        if page.evaluate("window.graphReady === true && window.labelsPlaced !== false"):
            break
        page.wait_for_timeout(100)
    return list(page.evaluate(_LABEL_BOXES))


@pytest.mark.parametrize("width", [1400, 375])
def test_graph_labels_never_overlap_and_are_never_cut(browser: Any, live_server: str, width: int) -> None:
    site = Site(browser, live_server)
    try:
        page = site.page
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site.origin + "/graph")
        boxes = _placed(page)
        total = page.evaluate("window.graphNodes.get().filter(n => !n.hidden).length")
        assert len(boxes) >= min(12, total)  # labels are shown, not all hidden
        assert _overlaps(boxes) == []
        assert all(left >= 0 and t >= 0 and r <= w + 0.5 and b <= h + 0.5 for _, left, t, r, b, w, h in boxes)
        page.locator("#search").fill("Magelang")
        page.locator("#search").press("Enter")
        page.locator("#search-results button").first.click()
        after = _placed(page)
        assert page.evaluate("window.selectedNode") in {b[0] for b in after}  # the chosen node's label shows
        assert _overlaps(after) == []
        page.mouse.wheel(0, -600)  # zoom in: more room, labels come back
        zoomed = _placed(page)
        assert _overlaps(zoomed) == []
        assert site.errors == []
    finally:
        site.close()


def test_from_home_to_a_province_to_a_regency(site: Site) -> None:
    page = site.page
    page.goto(site.origin + "/")
    with page.expect_navigation(url="**/class/Provinsi"):
        page.locator("#browse-provinces").click()
    with page.expect_navigation(url="**/id/wilayah/35"):
        page.locator("a[href='/id/wilayah/35']").first.click()
    assert page.locator("#member-list tbody tr").count() == 38
    with page.expect_navigation(url="**/id/wilayah/35.10"):
        page.locator("#member-list a[href='/id/wilayah/35.10']").click()
    assert page.locator("#summary").inner_text().startswith("Kabupaten Banyuwangi (kode 35.10) adalah kabupaten")
    assert site.external == [] and site.errors == []


def test_an_unknown_prefix_or_concept_is_shown_naming_the_known_ones(site: Site) -> None:
    page = site.page
    page.goto(site.origin + "/queries/provenans?simpul=xx:yy")
    alert = page.locator("[role=alert]").inner_text()
    assert alert.startswith("parameter 'simpul': unknown prefix 'xx:' in 'xx:yy'; known prefixes: ")
    assert " bentuk-inovasi," in alert and page.locator("#results").count() == 0
    page.goto(site.origin + "/queries/pemenang?kategori=desa")
    assert "kategori-penghargaan:desa is not a concept of the code list kode:kategori-penghargaan; its concepts: " \
        "kategori-penghargaan:kabupaten" in page.locator("[role=alert]").inner_text()


def test_an_entity_page_shows_each_quote_and_property_once(site: Site) -> None:
    page = site.page
    page.goto(site.origin + "/id/organisasi/33.71.balitbang")
    quotes = page.locator("blockquote").all_inner_texts()
    assert len(quotes) == 6 and len(set(quotes)) == 6
    body = page.locator("main").inner_text()
    for quote in quotes:
        assert body.count(quote.split("”")[0].strip("“")[:60]) == 1
    rows = page.locator("table.props").first.locator("tr").evaluate_all(
        "trs => trs.map(tr => [tr.querySelector('th').title, tr.querySelector('td').innerText])")
    assert len(rows) == len({tuple(r) for r in rows}) == 9
    assert "http://purl.org/dc/terms/description" not in {r[0] for r in rows}
