"""The national skeleton: every province and regency/city of the region code table, with its government.

The table in data/ must say exactly what tests/fixtures/reference-data/kode-wilayah-2025.csv says (code,
name, level, province); the article's eleven regions are rows of it, not a separate list; the
discrepancy the reference's README names is a quality note with both decree numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from inovasi_kg import Settings
from inovasi_kg.kg import KnowledgeGraph

REPO = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/inovasi-daerah/"
IDA = BASE + "ontology#"
ARTICLE_REGIONS = ["33", "35.78", "36.74", "73.71", "64.74", "33.71", "33.72", "13.73", "35.74", "61.71", "34.71"]


def _rows(name: str) -> list[dict[str, str]]:
    with (REPO / "data" / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_region_table_is_the_reference_table(reference: dict[str, dict[str, str]]) -> None:
    rows = {r["id"]: r for r in _rows("wilayah.csv")}
    assert len(reference) == 552 and set(rows) == set(reference)
    for kode, ref in reference.items():
        row = rows[kode]
        assert (row["kelas"], row["bagian_dari"]) == (ref["tingkat"], ref["induk"]), kode
        if ref["tingkat"] == "provinsi":  # the table writes "Jawa Tengah"; the label adds "Provinsi"
            assert (row["label_id"], row["ejaan_sumber"]) == ("Provinsi " + ref["nama"], ref["nama"]), kode
        else:
            assert row["label_id"] == ref["nama"], kode
        assert "tabel-kode-wilayah" in row["sumber"].split(";"), kode
    levels = [r["kelas"] for r in rows.values()]
    assert (levels.count("provinsi"), levels.count("kabupaten"), levels.count("kota")) == (38, 416, 98)


def test_the_article_regions_are_rows_of_the_national_table() -> None:
    rows = _rows("wilayah.csv")
    assert [r["id"] for r in rows[:11]] == ARTICLE_REGIONS  # kept first, with the article's quotes
    for r in rows[:11]:
        assert any(q.startswith("q-") for q in r["sumber"].split(";")), r["id"]


def test_every_region_has_one_regional_government() -> None:
    governments = [r for r in _rows("organisasi.csv") if r["kelas"] == "pemda"]
    by_region = {r["wilayah"]: r for r in governments}
    assert len(governments) == len(by_region) == 552
    assert set(by_region) == {r["id"] for r in _rows("wilayah.csv")}
    assert all(r["id"] == "pemda-" + r["wilayah"] for r in governments)


@pytest.fixture(scope="module")
def graph(settings: Settings) -> KnowledgeGraph:
    return KnowledgeGraph(settings)


def test_the_graph_counts_the_country(graph: KnowledgeGraph) -> None:
    counts = {row["kelas"].rsplit("#", 1)[1]: int(row["jumlah"]) for row in graph.query("jumlah-per-kelas").values()}
    assert (counts["Provinsi"], counts["Kabupaten"], counts["Kota"], counts["Daerah"]) == (38, 416, 98, 552)
    assert counts["PemerintahDaerah"] == 552
    # every regency and city lies in exactly one province
    rows = graph.sparql(f"""SELECT (COUNT(?d) AS ?n) WHERE {{
        ?d a ?c FILTER(?c IN (<{IDA}Kabupaten>, <{IDA}Kota>)) ?d <{IDA}bagianDari> ?p . ?p a <{IDA}Provinsi> }}""")
    assert int(rows.values()[0]["n"]) == 514


def test_the_decree_discrepancy_is_recorded_with_both_numbers(graph: KnowledgeGraph) -> None:
    note = ox.NamedNode(BASE + "id/anotasi-mutu/kode-wilayah.kepmendagri")
    facts = {(t.predicate.value, t.object.value) for t in graph.backend.triples(note, None, None)}
    assert (IDA + "nilaiDisimpan", "Kepmendagri No 300.2.2-2138 Tahun 2025") in facts
    assert (IDA + "nilaiBertentangan", "Kepmendagri No. 300.2.2-2430 Tahun 2025") in facts
    source = ox.NamedNode(BASE + "id/sumber/tabel-kode-wilayah")
    kept = {t.object.value for t in graph.backend.triples(source, ox.NamedNode(IDA + "sesuaiDengan"), None)}
    assert kept == {"Kepmendagri No 300.2.2-2138 Tahun 2025"}


def test_the_picture_shows_the_skeleton_only_where_facts_reach_it(graph: KnowledgeGraph) -> None:
    g = graph.network()
    places = sorted(n.rsplit("/", 1)[1] for n, d in g.nodes(data=True) if d["kelas"] in ("Provinsi", "Kota", "Kabupaten"))
    # the ten ranked cities and the provinces they lie in; no other region
    assert places == sorted(["13", "13.73", "33", "33.71", "33.72", "34", "34.71", "35", "35.74", "35.78", "36",
                             "36.74", "61", "61.71", "64", "64.74", "73", "73.71"])
    whole = graph.network(skeleton=True)
    assert sum(1 for _, d in whole.nodes(data=True) if d["kelas"] == "PemerintahDaerah") == 552
