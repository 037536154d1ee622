"""RDF -> NetworkX, focused views, exports re-read by networkx, and the offline HTML page."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from conftest import XSS_EN
from inovasi_kg import Settings, render_graph
from inovasi_kg.cli import cli
from inovasi_kg.graph.network import CLASS_STYLE, rdf_to_networkx, select_view

ID = "https://w3id.org/inovasi-daerah/id/"


@pytest.fixture(scope="module")
def g(backend) -> nx.MultiDiGraph:  # type: ignore[no-untyped-def]
    return rdf_to_networkx(backend, "id")


def test_nodes_are_resources_with_class_label_and_iri(g: nx.MultiDiGraph) -> None:
    # the article's facts, and of the national skeleton only the provinces of the ranked cities they reach;
    # of the national layer only the 2017 edition's three categories (two more codes, three more edges)
    assert g.number_of_nodes() == 126
    assert g.number_of_edges() == 283
    counts: dict[str, int] = {}
    for _, d in g.nodes(data=True):
        counts[d["kelas"]] = counts.get(d["kelas"], 0) + 1
    assert counts == {"AcaraPenyerahan": 1, "AjangInovasi": 1, "AnotasiMutu": 2, "DataSetStatistik": 1,
                      "EdisiPenghargaan": 1, "InovasiDaerah": 8, "InstansiPusat": 2, "Jabatan": 5, "KegiatanInovasi": 2,
                      "Konsep": 22, "Kota": 10, "ObservasiIndikator": 3, "PemerintahDaerah": 10, "Penafsiran": 22, "Penghargaan": 1,
                      "PerangkatDaerah": 6, "Periode": 2, "Peringkat": 10, "PerubahanKelembagaan": 1,
                      "ProdukHukum": 2, "ProdukInovasi": 3, "Provinsi": 8, "RancanganProdukHukum": 1, "UnitKerja": 1,
                      "Visi": 1}
    rank = g.nodes[ID + "peringkat/iga-2017.kota.5"]
    assert (rank["label"], rank["label_en"], rank["kelas"], rank["ida:skor"], rank["ida:nomorPeringkat"]) == (
        "IGA 2017 kategori kota peringkat 5: Kota Magelang", "IGA 2017 city category rank 5: Magelang", "Peringkat",
        "2478", "5")
    assert "Kota Magelang peringkat 5 skor 2478" in rank["quotes"].split("\n")


def test_literals_are_attributes_not_nodes(g: nx.MultiDiGraph) -> None:
    assert all(n.startswith("https://") for n in g.nodes)
    # Equal years do not join things: the year is an attribute of each node that has it.
    assert g.nodes[ID + "edisi-penghargaan/iga-2017"]["ida:tahun"] == "2017"
    assert g.nodes[ID + "ajang-inovasi/33.71.krenova"]["ida:tahunMulai"] == "2004"


def test_edges_carry_predicate_and_label(g: nx.MultiDiGraph) -> None:
    edges = g.get_edge_data(ID + "inovasi/33.71.smart-city", ID + "organisasi/33.71.bappeda")
    assert {k: (d["predicate"], d["label"]) for k, d in edges.items()} == {
        "ida:pengelola": ("https://w3id.org/inovasi-daerah/ontology#pengelola", "pengelola")}


def test_english_labels(backend) -> None:  # type: ignore[no-untyped-def]
    en = rdf_to_networkx(backend, "en")
    assert en.nodes[ID + "organisasi/33.71.balitbang"]["label"] == "Magelang City Research and Development Agency"
    assert en.nodes[ID + "organisasi/33.71.balitbang"]["kelas_label"] == "Agency"


def test_focus_on_balitbang(g: nx.MultiDiGraph) -> None:
    view = select_view(g, focus=ID + "organisasi/33.71.balitbang", depth=1)
    assert sorted(view.nodes[n]["label"] for n in view) == sorted([
        "Badan Penelitian dan Pengembangan Kota Magelang", "Badan", "Pemerintah Kota Magelang", "Kota Magelang",
        "Kampung IT", "Penjaringan Kreativitas dan Inovasi Masyarakat (Krenova)", "Inovasi OPD-BUMD",
        "Kepala Balitbang Kota Magelang", "Subbidang PHI Balitbang Kota Magelang",
        "Satu-satunya Badan Litbang kota di Jawa Tengah",
        "Malam Penyerahan Penghargaan Innovative Government Award 2017",
        "Pembentukan Balitbang Kota Magelang dari Kantor Penelitian Pengembangan dan Statistik (2017)"])


def test_class_filters(g: nx.MultiDiGraph) -> None:
    only = select_view(g, classes=["InovasiDaerah", "PerangkatDaerah"])
    assert only.number_of_nodes() == 14
    assert {d["kelas"] for _, d in only.nodes(data=True)} == {"InovasiDaerah", "PerangkatDaerah"}
    # pengelola x8, Kampung IT's pendamping, Krenova's penyelenggara, Kampung IT initiated through Krenova
    assert only.number_of_edges() == 11
    without = select_view(g, exclude=["Konsep", "Kota"])
    assert without.number_of_nodes() == 126 - 22 - 10


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cyjs"])
def test_exports_reopen_with_networkx(g: nx.MultiDiGraph, fmt: str) -> None:
    from inovasi_kg.graph.network import write_network

    data = write_network(g, fmt)
    if fmt == "graphml":
        back = nx.read_graphml(io.BytesIO(data))
    elif fmt == "gexf":
        back = nx.read_gexf(io.BytesIO(data))
    else:
        back = nx.cytoscape_graph(json.loads(data))
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    node = back.nodes[ID + "organisasi/33.71.balitbang"]
    assert node["label"] == "Badan Penelitian dan Pengembangan Kota Magelang"
    if fmt == "gexf":
        assert node["viz"]["color"] == {"r": 0x17, "g": 0xBE, "b": 0xCF, "a": 1.0}
    assert all(isinstance(v, str | int | float) for _, d in back.nodes(data=True) for k, v in d.items() if k != "viz")


def test_page_is_offline_and_self_contained(settings: Settings) -> None:
    html = render_graph(settings).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""", html)
    assert refs == []
    assert "bootstrap" not in html and "cdnjs" not in html and "jsdelivr" not in html
    for colour, _label_id, _label_en in list(CLASS_STYLE.values())[:3]:
        assert colour in html


def test_page_escapes_labels(xss_settings: Settings) -> None:
    html = render_graph(xss_settings).decode("utf-8")
    assert "<img src=x" not in html and XSS_EN not in html
    assert "\\u003cimg src=x onerror=" in html


def test_graph_command_writes_each_format(settings: Settings, tmp_path: Path) -> None:
    for fmt, name in [("html", "g.html"), ("graphml", "g.graphml"), ("gexf", "g.gexf"), ("cyjs", "g.json")]:
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["graph", "--store", settings.store, "--format", fmt, "-o", str(out),
                                          "--focus", "edisi-penghargaan/iga-2017", "--depth", "1"])
        assert result.exit_code == 0, result.output
        assert result.output == f"wrote {out}\n"
    reread = nx.read_graphml(tmp_path / "g.graphml")
    # the edition, its award, organiser, decree and ceremony, ten rankings, ten governments (award received)
    # the eight innovations that supported it, and the vision Magelang's participation was in line with (34);
    # and what the pages report of it: its other results (winners and nominees), the governments and the two
    # categories they name
    assert reread.number_of_nodes() == 67


def test_graph_command_bad_class(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["graph", "--store", settings.store, "--class", "Inovasi", "-o", "/dev/null"])
    assert result.exit_code == 2
    assert "unknown class 'Inovasi'; expected one of: PemerintahDaerah" in result.stderr


def test_scaffolding_is_left_out_by_default_and_shown_on_request(backend, g: nx.MultiDiGraph) -> None:  # type: ignore[no-untyped-def]
    onto = "https://w3id.org/inovasi-daerah/ontology#"
    assert not any(n.startswith(onto) for n in g)
    full = rdf_to_networkx(backend, scaffolding=True)
    counts: dict[str, int] = {}
    for _, d in full.nodes(data=True):
        counts[d["kelas"]] = counts.get(d["kelas"], 0) + 1
    assert (counts["KelasOntologi"], counts["PropertiOntologi"], counts["SkemaKode"], counts["StrukturData"]) == (31, 94, 14, 7)
    assert "rdfs:subClassOf" in full.get_edge_data(onto + "Kota", onto + "Daerah")
    assert "rdf:type" in full.get_edge_data(ID + "inovasi/33.71.datago", onto + "InovasiDaerah")
    # and the 30 code-list entries nothing in the overview uses, and the note about the ontology's own term
    assert full.number_of_nodes() == 126 + 31 + 94 + 14 + 7 + 31


# --- the graph page's views of the national layer: one edition's winners, one region's history ----------

DATA = Path(__file__).resolve().parents[1] / "data"
_RESULT_ID = re.compile(r"iga-(\d{4})\.(?:nominasi\.)?([a-z-]+)\.(\d\d(?:\.\d\d)?)(?:\.\d+)?")
_INDEX_ID = re.compile(r"iid-\d{4}\.(\d\d(?:\.\d\d)?)(?:\..+)?")


def _data(name: str) -> list[dict[str, str]]:
    import csv

    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _results() -> list[tuple[str, str, str, str, str]]:
    """(IRI, edition, category, status, region code) of every award result and ranking row in data/."""
    out = []
    for r in _data("hasil_penghargaan"):
        m = _RESULT_ID.fullmatch(r["id"])
        assert m and m[2] == r["kategori"], r["id"]
        out.append((ID + "hasil-penghargaan/" + r["id"], r["edisi"], r["kategori"], r["status"], m[3]))
    for r in _data("peringkat"):
        out.append((ID + "peringkat/" + r["id"], r["edisi"], r["kategori"], "pemenang", r["penerima"].removeprefix("pemda-")))
    return out


def _linked(g: nx.MultiDiGraph, node: str, key: str) -> list[str]:
    return sorted(v for _, v, k in g.out_edges(node, keys=True) if k == key)


@pytest.mark.parametrize("year", range(2017, 2026))
def test_edition_view_draws_each_winner_with_its_category_and_government(kg, year: int) -> None:  # type: ignore[no-untyped-def]
    edition = f"iga-{year}"
    g = kg.edition_picture(str(year))
    wins = {(iri, cat, code) for iri, e, cat, status, code in _results() if e == edition and status == "pemenang"}
    drawn = {n for n, d in g.nodes(data=True) if d["kelas"] in ("HasilPenghargaan", "Peringkat")}
    assert drawn == {iri for iri, _, _ in wins}
    for iri, cat, code in wins:
        assert _linked(g, iri, "ida:edisi") == [ID + f"edisi-penghargaan/{edition}"]
        assert _linked(g, iri, "ida:kategoriPenghargaan") == [f"https://w3id.org/inovasi-daerah/kode/kategori-penghargaan/{cat}"]
        assert _linked(g, iri, "ida:penerima") == [ID + f"organisasi/pemda-{code}"]
    kinds = Counter(d["kelas"] for _, d in g.nodes(data=True))
    assert kinds == {"EdisiPenghargaan": 1, "Konsep": len({c for _, c, _ in wins}),
                     "PemerintahDaerah": len({c for _, _, c in wins}), **Counter(
                         "Peringkat" if "/peringkat/" in i else "HasilPenghargaan" for i, _, _ in wins)}
    # every name the edition can be given by draws the same picture
    for name in (edition, ID + f"edisi-penghargaan/{edition}", f"edisi-penghargaan/{edition}"):
        assert set(kg.edition_picture(name).nodes) == set(g.nodes)


# every 7th region a result or a score names, the article's city, the region with most results, one with none
_CODES = sorted({code for *_, code in _results()} | {_INDEX_ID.fullmatch(r["id"])[1] for r in _data("nilai_iid")})  # type: ignore[index]


@pytest.mark.parametrize("code", sorted({*_CODES[::7], "33.71", "35.10", "11.01"}))
def test_history_view_draws_every_result_and_index_score_of_the_region(kg, code: str) -> None:  # type: ignore[no-untyped-def]
    g = kg.history_picture(code)
    results = {(iri, e, cat) for iri, e, cat, _, c in _results() if c == code}
    scores = {ID + "nilai-iid/" + r["id"] for r in _data("nilai_iid") if _INDEX_ID.fullmatch(r["id"])[1] == code}  # type: ignore[index]
    by_class: dict[str, set[str]] = {}
    for n, d in g.nodes(data=True):
        by_class.setdefault(d["kelas"], set()).add(n)
    assert by_class.get("HasilPenghargaan", set()) | by_class.get("Peringkat", set()) == {i for i, _, _ in results}
    assert by_class.get("NilaiIndeksDaerah", set()) == scores
    assert by_class.get("EdisiPenghargaan", set()) == {ID + f"edisi-penghargaan/{e}" for _, e, _ in results}
    assert by_class["PemerintahDaerah"] == {ID + f"organisasi/pemda-{code}"}
    place = {n for k in ("Provinsi", "Kabupaten", "Kota") for n in by_class.get(k, set())}
    assert place == {ID + f"wilayah/{code}"}
    for iri, _, _ in results:
        assert _linked(g, iri, "ida:penerima") == [ID + f"organisasi/pemda-{code}"]


@pytest.mark.parametrize(("name", "code"), [("Kota Magelang", "33.71"), ("Kab. Banyuwangi", "35.10"), ("Jabar", "32"),
                                            ("Provinsi Jawa Barat", "32"), ("Kota Tangsel", "36.74"),
                                            (ID + "organisasi/pemda-35.10", "35.10"), ("wilayah/33.71", "33.71")])
def test_history_view_takes_a_region_as_sources_print_it(kg, name: str, code: str) -> None:  # type: ignore[no-untyped-def]
    assert set(kg.history_picture(name).nodes) == set(kg.history_picture(code).nodes)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"edition": "1999"}, "'1999' is not an award edition; give a year or one of: iga-2017, iga-2018, iga-2019, "
                          "iga-2020, iga-2021, iga-2022, iga-2023, iga-2024, iga-2025"),
    ({"edition": "Kota Magelang"}, "'Kota Magelang' is not an award edition; give a year or one of: iga-2017,"),
    ({"history": "Bogor"}, "'Bogor' is ambiguous: it could be kabupaten Bogor (32.01) or kota Bogor (32.71); write the "
                           "kind (Kabupaten ... or Kota ...) or give the region code"),
    ({"history": "Atlantis"}, "no provinsi or kabupaten or kota named 'Atlantis' in the region table"),
    ({"history": "ida:HasilPenghargaan"}, "'ida:HasilPenghargaan' is neither a region nor a regional government"),
    ({"history": " "}, "give a region's Kemendagri code (e.g. 33.71) or its name"),
    ({"history": "33.71", "edition": "2019"}, "choose one view: a focus node, an edition, a region's history or the overview"),
    ({"edition": "2019", "focus": "Kota Magelang"}, "choose one view: a focus node, an edition, a region's history or the overview"),
])
def test_view_errors_say_what_to_give(settings: Settings, kwargs: dict[str, str], message: str) -> None:
    from inovasi_kg.core.errors import UsageError

    with pytest.raises(UsageError) as e:
        render_graph(settings, **kwargs)  # type: ignore[arg-type]
    assert str(e.value).startswith(message)


def test_graph_command_draws_an_edition_and_a_history(settings: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    for args, expected in ((["--edition", "2019"], "Innovative Government Award 2019"),
                           (["--history", "Kab. Banyuwangi"], "Pemerintah Kabupaten Banyuwangi")):
        out = tmp_path / "view.graphml"
        result = runner.invoke(cli, ["graph", *args, "--format", "graphml", "-o", str(out), "--store", settings.store])
        assert result.exit_code == 0, result.output
        picture = nx.read_graphml(out)
        assert expected in {d["label"] for _, d in picture.nodes(data=True)}
    result = runner.invoke(cli, ["graph", "--edition", "1999", "-o", str(tmp_path / "x.html"), "--store", settings.store])
    assert result.exit_code == 2 and "'1999' is not an award edition" in result.output
    assert not (tmp_path / "x.html").exists()
