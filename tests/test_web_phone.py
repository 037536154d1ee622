"""The served site on a phone and for everyone (Debian's Chromium through Playwright, every request off
loopback refused): at 375 px no page scrolls sideways and the graph's canvas keeps a usable size; a skip
link leads to the main content; the graph's legend, search results and details work by keyboard; dark
mode follows the system; axe-core (pinned in web/assets, read from its node_modules) finds nothing
serious or critical on any page type, in either colour scheme."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
# One page of each type the site serves.
PAGES = ["/", "/id/organisasi/33.71.balitbang", "/id/wilayah/33.71", "/class/Kota", "/queries",
         "/queries/peringkat-penghargaan", "/editor", "/search?q=kota", "/ontology", "/kode/bentuk-inovasi",
         "/halaman-yang-tidak-ada", "/graph", "/catalog", "/id/wilayah/35", "/docs", "/map",
         "/map?ukuran=predikat-iid&tahun=2025"]
AXE = Path(__file__).resolve().parents[1] / "src" / "inovasi_kg" / "web" / "assets" / "node_modules" / "axe-core" / "axe.min.js"


class Site:
    """A browser context that may only reach the server under test."""

    def __init__(self, browser: Any, origin: str, **options: Any) -> None:
        self.origin = origin
        self.external: list[str] = []
        self.errors: list[str] = []
        options.setdefault("viewport", PHONE)
        options.setdefault("locale", "id-ID")
        self.context = browser.new_context(**options)
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

    def open(self, path: str) -> Any:
        """Go to `path` and wait until it is drawn (the graph: until its layout is done)."""
        self.page.goto(self.origin + path)
        if path.startswith("/graph"):
            self.page.wait_for_function("() => window.graphReady === true", timeout=60_000)
        elif path == "/editor":
            self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def phone(browser: Any, live_server: str) -> Iterator[Site]:
    s = Site(browser, live_server)
    yield s
    s.close()


def test_no_page_scrolls_sideways_on_a_phone(phone: Site) -> None:
    widths = {path: phone.open(path).evaluate("document.documentElement.scrollWidth") for path in PAGES}
    assert {p: w for p, w in widths.items() if w > PHONE["width"]} == {}
    assert phone.external == [] and phone.errors == []


def test_wide_tables_scroll_inside_their_own_box(phone: Site) -> None:
    """The query's table keeps its columns: it scrolls itself, the page does not."""
    page = phone.open("/queries/peringkat-penghargaan")
    box = page.evaluate("""(() => { const t = document.querySelector('#results');
        return {overflow: getComputedStyle(t).overflowX, width: t.getBoundingClientRect().width}; })()""")
    assert box["overflow"] == "auto" and box["width"] <= PHONE["width"]


def test_the_graph_canvas_keeps_a_usable_size_on_a_phone(phone: Site) -> None:
    page = phone.open("/graph")
    canvas = page.locator("#mynetwork canvas").bounding_box()
    assert canvas is not None
    assert canvas["height"] >= 300 and canvas["width"] >= PHONE["width"] - 2
    panel = page.locator("aside").bounding_box()
    assert panel is not None and panel["y"] >= canvas["y"] + canvas["height"] - 1  # below, not beside
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize(("locale", "words"), [("id-ID", "Langsung ke isi"), ("en-US", "Skip to content")])
def test_a_skip_link_leads_to_the_main_content(browser: Any, live_server: str, locale: str, words: str) -> None:
    site = Site(browser, live_server, locale=locale)
    try:
        for path in ["/", "/id/organisasi/33.71.balitbang", "/queries/peringkat-penghargaan", "/graph"]:
            page = site.open(path)
            page.keyboard.press("Tab")
            link = page.evaluate("""(() => { const a = document.activeElement, r = a.getBoundingClientRect();
                return {href: a.getAttribute('href'), text: a.textContent.trim(), w: r.width, h: r.height,
                        top: r.top, left: r.left}; })()""")
            assert (path, link["href"], link["text"]) == (path, "#main", words)
            assert link["w"] > 20 and link["h"] > 10 and link["top"] >= 0 and link["left"] >= 0  # visible on focus
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.tagName + '#' + document.activeElement.id") == "MAIN#main"
        assert site.external == [] and site.errors == []
    finally:
        site.close()


def _tab_to(page: Any, selector: str, presses: int = 80) -> None:
    """Press Tab until the focused element matches `selector`; fail if it never does."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reaches {selector}")


def test_the_graph_legend_search_and_details_work_by_keyboard(phone: Site) -> None:
    page = phone.open("/graph")
    _tab_to(page, "#legend button")
    kelas = page.evaluate("document.activeElement.dataset.kelas")
    shown = "(k) => window.graphNodes.get({filter: n => n.kelas === k && !n.hidden}).length"
    before = page.evaluate(shown, kelas)
    assert before > 0
    page.keyboard.press("Enter")
    assert page.evaluate(shown, kelas) == 0
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "false"
    page.keyboard.press(" ")
    assert page.evaluate(shown, kelas) == before
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"

    page.locator("#search").focus()
    page.keyboard.type("kota")
    page.keyboard.press("Enter")
    assert page.locator("#search-results button").count() >= 2
    _tab_to(page, "#search-results button:nth-child(2)")
    wanted = page.evaluate("document.activeElement.dataset.node")
    page.keyboard.press("Enter")
    assert page.evaluate("window.selectedNode") == wanted
    assert page.evaluate("window.network.getSelectedNodes()") == [wanted]
    _tab_to(page, "#details a#open-page")
    assert phone.external == [] and phone.errors == []


def _luminance(rgb: str) -> float:
    """WCAG relative luminance of a CSS `rgb(r, g, b)` colour."""
    parts = [int(float(x)) / 255 for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("path", ["/", "/graph"])
def test_dark_mode_follows_the_system(browser: Any, live_server: str, path: str) -> None:
    site = Site(browser, live_server, color_scheme="dark")
    try:
        page = site.open(path)
        colours = page.evaluate("""(() => { const s = getComputedStyle(document.body),
            m = getComputedStyle(document.querySelector('main'));
            return [s.backgroundColor, s.color, m.color]; })()""")
        back, text, main_text = (_luminance(c) for c in colours)
        assert back < 0.05 and text > 0.6 and main_text > 0.6, colours
        assert (text + 0.05) / (back + 0.05) >= 7, colours
    finally:
        site.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is missing (make assets)")
        pytest.skip("axe-core is not installed (make assets)")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_any_page(browser: Any, live_server: str, axe_source: str, scheme: str) -> None:
    """axe-core on each page type: no violation of impact serious or critical. The context bypasses the
    pages' script policy only to inject axe itself; frames are left out (the framed graph is /graph)."""
    site = Site(browser, live_server, color_scheme=scheme, bypass_csp=True)
    found: dict[str, list[str]] = {}
    try:
        for path in PAGES:
            page = site.open(path)
            page.add_script_tag(content=axe_source)
            # YASGUI's own markup included: editor.js mends its labels, tab roles and focusable scroller
            violations = page.evaluate("""async () => (await axe.run(document, {iframes: false})).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | '))""")
            if violations:
                found[path] = violations
        assert found == {}, "\n".join(f"{p}: {v}" for p, vs in found.items() for v in vs)
        assert site.external == [] and site.errors == []
    finally:
        site.close()
