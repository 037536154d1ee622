"""The map of the provinces (/map): every shape of the boundary source matched to its province by the
region matcher, coloured by the chosen figure with the same numbers the named queries give, the four
provinces created in 2022 listed as having no shape, bad parameters refused with a 400 naming the
known values, the geometry simplified without drift; in the browser: pan and zoom by the buttons (and
the keyboard), each province a link to its page."""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from conftest import Client
from inovasi_kg import Settings
from inovasi_kg.kg import KnowledgeGraph, open_graph
from inovasi_kg.web import create_app
from inovasi_kg.web.maps import SHAPES, bins, read_shapes, simplify

NEW_IN_2022 = {"93", "94", "95", "96"}  # Papua Selatan, Papua Tengah, Papua Pegunungan, Papua Barat Daya


@pytest.fixture(scope="module")
def shapes() -> Any:
    drawn = read_shapes()
    if drawn is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the map's shapes are missing (make assets)")
        pytest.skip("the map's shapes are not installed (make assets)")
    return drawn


@pytest.fixture(scope="module")
def client(settings: Settings, shapes: Any) -> Iterator[Client]:
    app = create_app(dataclasses.replace(settings, workers=2))
    yield Client(app)
    app.state.kg.close()


@pytest.fixture(scope="module")
def graph(settings: Settings) -> Iterator[KnowledgeGraph]:
    kg = open_graph(settings)
    yield kg
    kg.close()


def _links(html: str) -> dict[str, tuple[str, str]]:
    """Each province shape's code -> (colour class, accessible name)."""
    return {m["kode"]: (m["css"], unescape(m["name"])) for m in re.finditer(
        r'<a href="[^"]+" aria-label="(?P<name>[^"]+)" data-kode="(?P<kode>[^"]+)"><path class="(?P<css>[^"]+)"', html)}


def _table(html: str) -> dict[str, tuple[str, str]]:
    """Each table row's code -> (colour class, figure shown)."""
    body = html[html.index('id="map-table"'):]
    return {m["kode"]: (m["css"], unescape(m["shown"])) for m in re.finditer(
        r'<tr data-kode="(?P<kode>[^"]+)">.*?<span class="swatch (?P<css>[^"]+)" aria-hidden="true"></span>'
        r'(?P<shown>[^<]*)</td></tr>', body)}


def _legend(html: str) -> list[str]:
    body = html[html.index('id="map-legend"'):html.index("</figcaption>")]
    return [unescape(label) for label in re.findall(r'</span>([^<]+)</li>', body)]


def test_every_shape_is_a_province_and_every_province_is_in_the_table(client: Client, graph: KnowledgeGraph,
                                                                       shapes: Any) -> None:
    html = client.get("/map").text
    provinces = {r["kode"] for r in graph.query("peta-provinsi").values()}
    assert len(provinces) == 38
    links = _links(html)
    assert len(shapes[1]) == 34 and len(links) == 34 and set(links) == provinces - NEW_IN_2022
    assert 'id="map-problems"' not in html
    without = html[html.index('id="map-without"'):]
    without = without[:without.index("</p>")]
    assert sorted(re.findall(r"\((\d\d)\)", without)) == sorted(NEW_IN_2022)
    assert set(_table(html)) == provinces


def test_wins_are_coloured_by_the_leaderboard_numbers(client: Client, graph: KnowledgeGraph) -> None:
    html = client.get("/map?ukuran=kemenangan").text
    board = {r["kode"]: r["kemenangan"] for r in graph.query("klasemen-provinsi").values()}
    table = _table(html)
    assert {k: int(shown) for k, (_, shown) in table.items() if shown != "0"} == board
    assert table["35"] == ("q5", "52") and table["32"] == ("q3", "31") and table["62"] == ("q0", "0")
    assert table["13"] == ("q2", "19") and table["14"] == ("q1", "7")
    assert _legend(html) == ["0", "1–11", "12–22", "23–33", "34–44", "45–52", "tidak ada data"]
    links = _links(html)
    assert links["35"] == ("q5", "Provinsi Jawa Timur: 52") and links["31"][0] == "q1"  # "Jakarta Raya" in the source


def test_the_index_of_a_year_colours_only_the_provinces_a_source_rates(client: Client) -> None:
    scores = _table(client.get("/map?ukuran=skor-iid&tahun=2021&lang=en").text)
    assert {k: shown for k, (css, shown) in scores.items() if css != "na"} == {
        "16": "79.51", "32": "62.82", "33": "62.57", "35": "63.15", "52": "75.67"}
    assert scores["16"][0] == "q5" and scores["33"][0] == "q4" and scores["11"] == ("na", "no data")
    html = client.get("/map?ukuran=predikat-iid&tahun=2025&lang=en").text
    ratings = _table(html)
    assert {k: v for k, v in ratings.items() if v[0] != "na"} == {
        "33": ("r-sangat-inovatif", "Very innovative"), "52": ("r-sangat-inovatif", "Very innovative")}
    assert _legend(html) == ["Very innovative", "Innovative", "Less innovative", "Not rated", "no data"]
    assert "Innovation index rating of the province government (2025)" in html
    counts = _table(client.get("/map?ukuran=sangat-inovatif&tahun=2025").text)
    assert counts["33"][1] == "6" and counts["35"][1] == "9" and counts["52"][1] == "2"


@pytest.mark.parametrize("query,words", [
    ("ukuran=jumlah", "ukuran='jumlah' is not a figure of the map; known: kemenangan, menang-provinsi"),
    ("tahun=20x1", "tahun='20x1' is not a year"),
    ("tahun=2021&tahun=2022", "tahun"),
    ("warna=merah", "warna"),
])
def test_bad_parameters_are_a_400_naming_what_is_known(client: Client, query: str, words: str) -> None:
    r = client.get(f"/map?{query}")
    assert r.status_code == 400 and words in r.json()["error"]["message"], r.text[:300]


def test_a_blank_field_is_the_default(client: Client) -> None:
    assert _table(client.get("/map?ukuran=&tahun=").text) == _table(client.get("/map").text)


def test_the_shapes_resolve_through_the_region_matcher(graph: KnowledgeGraph,
                                                                             shapes: Any) -> None:
    rows = graph.query("peta-provinsi").values()
    regions = [(r["kode"], "provinsi", r["nama_id"]) for r in rows]
    spellings = [(s, r["kode"]) for r in rows for s in (r["ejaan"] or "").split("|") if s]
    names = [s.name for s in shapes[1]]
    found, problems = graph.match_regions(names, regions, spellings)
    assert problems == [] and len(set(found.values())) == 34
    assert found["Jakarta Raya"] == "31" and found["Yogyakarta"] == "34" and found["Bangka Belitung"] == "19"
    _, unknown = graph.match_regions(["Jawa Raya", "Papua Barat Laut"], regions, spellings)
    assert unknown == ["no provinsi named 'Jawa Raya' in the region table",
                       "no provinsi named 'Papua Barat Laut' in the region table; "
                       "did you mean provinsi Papua (91) or provinsi Papua Barat (92)?"]


def test_the_boundary_source_and_its_licence_are_data(graph: KnowledgeGraph) -> None:
    node = "https://w3id.org/inovasi-daerah/id/sumber/peta-svg-indonesia"
    assert graph.sparql(f"PREFIX dct: <http://purl.org/dc/terms/> ASK {{ <{node}> "
                        "dct:license <https://creativecommons.org/licenses/by/4.0/> ; "
                        "<https://schema.org/url> <https://github.com/VictorCazanave/svg-maps/tree/master/packages/indonesia> }"
                        ).boolean is True


def test_the_geometry_is_lighter_and_every_shape_keeps_its_rings(shapes: Any) -> None:
    raw = SHAPES.read_text(encoding="utf-8")
    originals = re.findall(r'\sd="([^"]+)"', raw)
    assert len(originals) == 34
    simplified = sum(len(s.path) for s in shapes[1])
    assert simplified < 0.6 * sum(len(d) for d in originals)
    for original, shape in zip(originals, shapes[1], strict=True):
        assert shape.path.count("M") == original.lower().count("m")


def _points(path: str) -> list[list[tuple[float, float]]]:
    """The absolute points of each ring of a path of the form simplify() writes."""
    rings = []
    for ring in path.split("M")[1:]:
        ring = ring.rstrip("z ")
        start, _, rest = ring.partition("l")
        x, y = (float(v) for v in start.split(","))
        points = [(x, y)]
        for step in rest.split():
            dx, dy = (float(v) for v in step.split(","))
            x, y = x + dx, y + dy
            points.append((x, y))
        rings.append(points)
    return rings


_coordinate = st.floats(min_value=-50, max_value=50, allow_nan=False).map(lambda v: round(v, 3))


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.tuples(_coordinate, _coordinate), min_size=2, max_size=40), min_size=1, max_size=5),
       st.booleans(), st.sampled_from([0.0, 0.5, 2.0]))
def test_simplify_never_drifts(rings: list[list[tuple[float, float]]], relative: bool, tolerance: float) -> None:
    """Each kept point lies within a rounding step of an input point of its ring, in order; the first and
    last point of every ring are kept; with tolerance 0 every distinct rounded point is kept."""
    parts = []
    absolute: list[list[tuple[float, float]]] = []
    x = y = 0.0
    for ring in rings:
        if relative:
            pts = []
            for dx, dy in ring:
                x, y = x + dx, y + dy
                pts.append((x, y))
            parts.append("m " + " ".join(f"{dx},{dy}" for dx, dy in ring) + " z")
            x, y = pts[0]  # after z the current point is the ring's start
        else:
            pts = list(ring)
            parts.append("M " + " ".join(f"{px},{py}" for px, py in ring) + " Z")
        absolute.append(pts)
    got = _points(simplify(" ".join(parts), tolerance))
    assert len(got) == len(absolute)
    slack = 0.05 * math.sqrt(2) + 1e-6  # half a tenth on each axis
    for kept, source in zip(got, absolute, strict=True):
        assert math.dist(kept[0], source[0]) <= slack
        position = 0
        for point in kept:
            while position < len(source) and math.dist(point, source[position]) > slack:
                position += 1
            assert position < len(source), (point, source)
        assert math.dist(kept[-1], source[-1]) <= slack or kept[-1] == kept[0]


def test_bins_cover_every_value_once() -> None:
    for values in ([1], [5, 51], [0, 2, 3], [62.82, 75.67, 79.51]):
        classes = bins(values)
        for v in values:
            if v > 0:
                assert sum(1 for lo, hi, _ in classes if lo < v <= hi) == 1, (values, v)


# ---- in the browser -------------------------------------------------------------------------------

@pytest.mark.browser
def test_the_map_zooms_by_its_buttons_and_keyboard_and_links_to_the_provinces(browser: Any, live_server: str) -> None:
    from test_web_phone import Site

    site = Site(browser, live_server, viewport={"width": 1200, "height": 900})
    try:
        page = site.open("/map")
        page.wait_for_selector("#map-tools:not([hidden])")
        assert page.evaluate("window.provinceMap.getZoom()") == pytest.approx(1, abs=0.01)
        page.focus("#map-zoom-in")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        zoomed = page.evaluate("window.provinceMap.getZoom()")
        assert zoomed > 1.5
        page.click("#map-zoom-out")
        assert page.evaluate("window.provinceMap.getZoom()") < zoomed
        page.click("#map-reset")
        assert page.evaluate("window.provinceMap.getZoom()") == pytest.approx(1, abs=0.01)
        box = page.locator("#peta-svg").bounding_box()
        assert box is not None and box["width"] > 1000 and box["height"] > 300
        # every shape is inside the drawn box after fitting (nothing cut at the edges)
        outside = page.evaluate("""(() => { const b = document.querySelector('#peta-svg').getBoundingClientRect();
            return [...document.querySelectorAll('#peta-svg path')].filter(p => { const r = p.getBoundingClientRect();
              return r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1; })
              .map(p => p.dataset.shape); })()""")
        assert outside == []
        link = page.locator('#peta-svg a[data-kode="33"]')
        link.focus()
        assert page.evaluate("document.activeElement.getAttribute('data-kode')") == "33"
        page.keyboard.press("Enter")
        page.wait_for_url("**/id/wilayah/33")
        assert "Jawa Tengah" in page.locator("h1").inner_text()
        assert site.errors == [] and site.external == []
    finally:
        site.close()
