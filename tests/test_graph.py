"""RDF -> NetworkX, focused views, exports re-read by networkx, and the offline HTML page."""

from __future__ import annotations

import io
import json
import re
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
    # and the 29 code-list entries nothing in the overview uses, and the note about the ontology's own term
    assert full.number_of_nodes() == 126 + 31 + 94 + 14 + 7 + 30
