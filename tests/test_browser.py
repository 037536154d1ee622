"""The graph page in a real headless Chromium (Debian's), with the network blocked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import XSS
from inovasi_kg import Settings, render_graph
from inovasi_kg.graph.network import rdf_to_networkx

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ID = "https://w3id.org/inovasi-daerah/id/"


class Page:
    """A page opened offline: every non-file request is aborted and recorded, console errors collected."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.external: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
        self.page = self.context.new_page()
        self.context.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.graphReady === true", timeout=60_000)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def page_file(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "graph.html"
    path.write_bytes(render_graph(settings))
    return path


def test_page_loads_offline_without_errors_and_shows_every_node(browser: Any, page_file: Path, backend: Any) -> None:
    p = Page(browser, page_file)
    try:
        assert p.external == []
        assert p.errors == []
        assert p.page.evaluate("window.graphNodes.length") == rdf_to_networkx(backend).number_of_nodes() == 126
        assert p.page.evaluate("network.body.data.edges.length") == 283
        # Edge labels show on hover (the edge title) and edges point the way the triple goes.
        assert p.page.evaluate("network.body.data.edges.get().filter(e => e.title === 'pengelola').length") == 8
        assert p.page.evaluate("network.body.edges[0].options.arrows.to.enabled") is True
        # The picture stays put: physics is off once stable.
        assert p.page.evaluate("network.physics.physicsEnabled") is False
        legend = p.page.locator("#legend li").all_inner_texts()
        assert legend[0].replace("\n", " ").split() == ["Pemerintah", "daerah", "/", "Regional", "government", "10"]
        ARTIFACTS.mkdir(exist_ok=True)
        p.page.screenshot(path=str(ARTIFACTS / "graph.png"))
        assert (ARTIFACTS / "graph.png").stat().st_size > 10_000
    finally:
        p.close()


def test_search_selects_and_centres_the_node(browser: Any, page_file: Path) -> None:
    p = Page(browser, page_file)
    try:
        p.page.fill("#search", "Magelang")
        p.page.press("#search", "Enter")
        assert p.page.evaluate("network.getSelectedNodes()") == [ID + "wilayah/33.71"]
        assert p.page.locator("#details h3").inner_text() == "Kota Magelang"
        p.page.fill("#search", "balitbang")
        p.page.click("#search-button")
        assert p.page.evaluate("network.getSelectedNodes()") == [ID + "organisasi/33.71.balitbang"]
        centre = p.page.evaluate("network.getViewPosition()")
        node = p.page.evaluate(f"network.getPositions(['{ID}organisasi/33.71.balitbang'])")
        pos = next(iter(node.values()))
        assert abs(centre["x"] - pos["x"]) < 1 and abs(centre["y"] - pos["y"]) < 1
        p.page.fill("#search", "regional innovation")  # English label
        p.page.press("#search", "Enter")
        assert p.page.locator("#search-status").inner_text() == "1 ditemukan / found"
    finally:
        p.close()


def test_click_shows_details_with_quote(browser: Any, page_file: Path) -> None:
    p = Page(browser, page_file)
    try:
        target = ID + "peringkat/iga-2017.kota.5"
        p.page.evaluate(f"network.focus('{target}', {{scale: 1.5, animation: false}})")
        dom = p.page.evaluate(f"network.canvasToDOM(network.getPositions(['{target}'])['{target}'])")
        box = p.page.locator("#mynetwork").bounding_box()
        p.page.mouse.click(box["x"] + dom["x"], box["y"] + dom["y"])
        details = p.page.locator("#details").inner_text()
        assert "IGA 2017 kategori kota peringkat 5: Kota Magelang" in details
        assert "IGA 2017 city category rank 5: Magelang" in details
        assert "ida:skor\n2478" in details
        assert "“Kota Magelang peringkat 5 skor 2478”" in details
        assert "→ penerima: Pemerintah Kota Magelang" in details
    finally:
        p.close()


def test_legend_toggles_a_class(browser: Any, page_file: Path) -> None:
    p = Page(browser, page_file)
    try:
        p.page.click("#legend li[data-kelas='Peringkat']")
        hidden = p.page.evaluate("window.graphNodes.get({filter: n => n.hidden === true}).length")
        assert hidden == 10
        p.page.click("#legend li[data-kelas='Peringkat']")
        assert p.page.evaluate("window.graphNodes.get({filter: n => n.hidden === true}).length") == 0
    finally:
        p.close()


def test_xss_label_runs_nothing(browser: Any, tmp_path: Path, xss_settings: Settings) -> None:
    evil = XSS
    s = xss_settings
    page_path = tmp_path / "evil.html"
    page_path.write_bytes(render_graph(s))
    p = Page(browser, page_path)
    try:
        p.page.fill("#search", "onerror")
        p.page.press("#search", "Enter")
        sid = ID + "inovasi/33.71.sipput"
        assert p.page.evaluate("network.getSelectedNodes()") == [sid]
        pos = p.page.evaluate(f"network.canvasToDOM(network.getPositions(['{sid}'])['{sid}'])")
        box = p.page.locator("#mynetwork").bounding_box()
        p.page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
        p.page.wait_for_timeout(400)
        assert p.page.locator("#details h3").inner_text() == evil
        assert p.page.evaluate("window.__xss") is None
        assert p.page.locator("#details img").count() == 0
        assert p.external == []
    finally:
        p.close()
