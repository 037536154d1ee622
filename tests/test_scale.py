"""Synthetic national data, the build over it, and the graph view at scale (overview, drill-down, limit).

A small synthetic set (one province, Gorontalo, code 75) keeps this fast; `make bench` runs the default
national set (30,000 innovations a year for 5 years) and prints the ratios.
"""

from __future__ import annotations

import csv
import filecmp
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from inovasi_kg import Settings, build_store
from inovasi_kg.check.shacl import sparql_findings
from inovasi_kg.check.validate import shacl_findings
from inovasi_kg.cli import cli
from inovasi_kg.core.errors import UsageError
from inovasi_kg.ingest.generate import generate
from inovasi_kg.kg import KnowledgeGraph
from inovasi_kg.pipeline import graph_quads, load_inputs
from inovasi_kg.store.memory import MemoryBackend

REPO = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/inovasi-daerah/"
IDA = BASE + "ontology#"
GORONTALO = ["75", "75.01", "75.02", "75.03", "75.04", "75.05", "75.71"]


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sintetis") / "data"
    generate(folder, innovations_per_year=120, years=2, seed=7, provinces=["75"])
    return folder


@pytest.fixture(scope="module")
def synthetic_graph(synthetic: Path, tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    settings = Settings.load(data_dir=str(synthetic), store=str(tmp_path_factory.mktemp("st") / "store"))
    report = build_store(settings)
    assert not report.skipped and report.triples > 0
    return KnowledgeGraph(settings)


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path, synthetic: Path) -> None:
    again = tmp_path / "again"
    generate(again, innovations_per_year=120, years=2, seed=7, provinces=["75"])
    names = sorted(p.name for p in synthetic.glob("*.csv"))
    assert names == sorted(p.name for p in again.glob("*.csv")) == sorted(p.name for p in (REPO / "data").glob("*.csv"))
    assert all(filecmp.cmp(synthetic / n, again / n, shallow=False) for n in names)
    other = tmp_path / "other"
    generate(other, innovations_per_year=120, years=2, seed=8, provinces=["75"])
    assert not filecmp.cmp(synthetic / "inovasi.csv", other / "inovasi.csv", shallow=False)


def test_the_tables_are_the_real_ones_plus_rows_marked_synthetic(synthetic: Path) -> None:
    for name in ("inovasi", "organisasi", "peringkat", "observasi", "statistik", "edisi_penghargaan"):
        real = _rows(REPO / "data", name)
        rows = _rows(synthetic, name)
        assert rows[:len(real)] == real  # the real rows first, unchanged
        added = rows[len(real):]
        assert added, name
        for row in added:
            assert "sintetis" in row["sumber"].split(";"), (name, row["id"])
            assert row["label_id"].endswith("(sintetis)") and row["label_en"].endswith("(synthetic)"), row["id"]
    innovations = _rows(synthetic, "inovasi")[len(_rows(REPO / "data", "inovasi")):]
    assert len(innovations) == 240
    assert Counter(r["tahun"] for r in innovations) == {"2020": 120, "2021": 120}
    assert all(r["bentuk"] and r["tahapan"] and r["inisiator"] and r["pengelola"] for r in innovations)


def test_each_government_has_10_to_40_agencies_of_its_own(synthetic: Path) -> None:
    agencies = [r for r in _rows(synthetic, "organisasi") if ".sint-opd-" in r["id"]]
    per_government = Counter(r["induk"] for r in agencies)
    assert set(per_government) == {f"pemda-{code}" for code in GORONTALO}
    assert all(10 <= n <= 40 for n in per_government.values())
    assert all(r["wilayah"] == r["induk"].removeprefix("pemda-") for r in agencies)


def test_generate_refuses_a_folder_with_files_and_an_unknown_province(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError, match="not an empty folder"):
        generate(tmp_path, innovations_per_year=1, years=1)
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
    with pytest.raises(UsageError, match="unknown province code"):
        generate(tmp_path / "new", innovations_per_year=1, years=1, provinces=["99"])
    assert not (tmp_path / "new").exists()  # refused before anything was written
    result = CliRunner().invoke(cli, ["generate", "--innovations-per-year", "1", "--years", "1", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "not an empty folder" in result.output


def test_a_generate_that_fails_midway_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import inovasi_kg.ingest.generate as gen

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gen, "_awards", broken)
    with pytest.raises(OSError):
        generate(tmp_path / "new", innovations_per_year=5, years=1)
    assert not (tmp_path / "new").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(OSError):
        generate(tmp_path / "empty", innovations_per_year=5, years=1)
    assert (tmp_path / "empty").is_dir() and list((tmp_path / "empty").iterdir()) == []  # the user's folder stays


def test_the_synthetic_source_says_it_is_synthetic(synthetic_graph: KnowledgeGraph) -> None:
    rows = synthetic_graph.sparql(f"""SELECT ?sumber ?flag (COUNT(?inovasi) AS ?n) WHERE {{
        ?inovasi a <{IDA}InovasiDaerah> ; <{IDA}kutipanSumber> ?sumber . ?sumber <{IDA}sintetis> ?flag }}
        GROUP BY ?sumber ?flag""").values()
    assert rows == [{"sumber": BASE + "id/sumber/sintetis", "flag": True, "n": 240}]


def test_shapes_as_sparql_agree_with_pyshacl_on_the_synthetic_set(synthetic: Path) -> None:
    settings = Settings.load(data_dir=str(synthetic))
    inputs = load_inputs(settings)
    with MemoryBackend().replacing() as new:
        new.add(q for q in graph_quads(inputs, settings.base_iri) if q.graph_name == ox.DefaultGraph())
        ours = sparql_findings(new, inputs.shapes)
        theirs = shacl_findings(list(new.triples()), inputs.shapes)
    assert ours[0] is theirs[0] is True
    assert Counter(ours[1]) == Counter(theirs[1]) == Counter()


def test_the_overview_counts_each_province_by_class(synthetic_graph: KnowledgeGraph, synthetic: Path) -> None:
    g = synthetic_graph.overview()
    counts = {(d["iri"].rsplit("/", 1)[1], d["kelas"]): d["jumlah"] for n, d in g.nodes(data=True) if "#" in n}
    agencies = sum(1 for r in _rows(synthetic, "organisasi") if r["kelas"] == "perangkat-daerah" and r["wilayah"] in GORONTALO)
    assert counts[("75", "Kabupaten")] == 5 and counts[("75", "Kota")] == 1
    assert counts[("75", "PemerintahDaerah")] == 7 and counts[("75", "PerangkatDaerah")] == agencies
    assert counts[("75", "InovasiDaerah")] == 240
    assert counts[("33", "InovasiDaerah")] == 8  # the article's, by their agencies in Kota Magelang
    provinces = [n for n, d in g.nodes(data=True) if d["kelas"] == "Provinsi"]
    assert len(provinces) == 38


def test_a_view_past_the_node_limit_is_refused_with_advice(synthetic_graph: KnowledgeGraph) -> None:
    with pytest.raises(UsageError, match=r"--overview .* --focus NODE --depth 1"):
        synthetic_graph.render("html", node_limit=100)
    page = synthetic_graph.render("html", overview=True, node_limit=400)
    assert b"Provinsi Gorontalo" in page


def test_drill_down_to_one_government_reads_only_its_neighbourhood(synthetic_graph: KnowledgeGraph,
                                                                  synthetic: Path) -> None:
    from inovasi_kg.graph.network import select_view

    iri = BASE + "id/organisasi/pemda-75.71"
    g = synthetic_graph._neighbourhood(iri, 1, 2000, False)
    view = select_view(g, focus=iri, depth=1)
    agencies = {BASE + "id/organisasi/" + r["id"] for r in _rows(synthetic, "organisasi") if r["induk"] == "pemda-75.71"}
    kinds = Counter(d["kelas"] for _, d in view.nodes(data=True))
    assert {n for n, d in view.nodes(data=True) if d["kelas"] == "PerangkatDaerah"} == agencies
    assert kinds["Kota"] == 1 and kinds["PemerintahDaerah"] == 1
    with pytest.raises(UsageError, match="more than"):
        synthetic_graph.render("html", focus="organisasi/pemda-75.71", depth=2, node_limit=20)


def test_the_graph_command_refuses_past_the_limit_and_writes_nothing(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    result = CliRunner().invoke(cli, ["graph", "--store", settings.store, "--node-limit", "50", "-o", str(out)])
    assert result.exit_code == 2 and "--overview" in result.output and not out.exists()
    result = CliRunner().invoke(cli, ["graph", "--store", settings.store, "-o", str(out)])
    assert result.exit_code == 0 and out.exists()


def test_the_fast_n_triples_export_is_the_sorted_serialization() -> None:
    """The store writes N-Triples and the lines are sorted: the same bytes as sorting the triples first,
    for literals that are prefixes of each other, language tags, datatypes, escapes and non-ASCII text."""
    import random

    from inovasi_kg.rdf.export import serialize_sorted

    rnd = random.Random(3)
    texts = ["x", "x ", "x@", "xy", "x\ty", 'x"y', "x\\y", "x\ny", "é", "ē", "\U0001f600", "", "a b", "A", "Z"]
    backend = MemoryBackend()
    quads = []
    for i in range(400):
        s = ox.NamedNode(f"https://example.org/{rnd.choice(['a', 'a/b', 'ab', 'a-b', 'é'])}/{rnd.randrange(5)}")
        p = ox.NamedNode(f"https://example.org/p{rnd.randrange(3)}")
        kind = rnd.randrange(4)
        text = rnd.choice(texts) + rnd.choice(texts)
        o: ox.NamedNode | ox.Literal = (ox.Literal(text) if kind == 0 else ox.Literal(text, language=rnd.choice(["id", "en"]))
                                        if kind == 1 else ox.Literal(str(i), datatype=ox.NamedNode(
                                            "http://www.w3.org/2001/XMLSchema#integer")) if kind == 2
                                        else ox.NamedNode(f"https://example.org/o{rnd.randrange(50)}"))
        quads.append(ox.Quad(s, p, o, ox.DefaultGraph()))
    backend.store.extend(quads)
    expected = serialize_sorted(list(backend.triples()), ox.RdfFormat.N_TRIPLES)
    assert backend.dump("ntriples") == expected
    assert expected.count(b"\n") == len(set(quads))


def test_a_named_query_on_the_command_line_stops_at_its_time_limit(synthetic_graph: KnowledgeGraph) -> None:
    """`query NAME` runs in the command's own process (no worker to start); its watchdog still stops it."""
    import subprocess

    from safety import ENTRY

    store = synthetic_graph.settings.store
    slow = subprocess.run([*ENTRY, "query", "rujukan-menggantung", "--store", store, "--timeout", "0.02"],
                          capture_output=True, text=True, timeout=60)
    assert (slow.returncode, slow.stdout) == (2, "")
    assert slow.stderr == ("error: the query ran longer than 0.02 s and was stopped (raise --timeout or the "
                           "query_timeout setting to allow more)\n")
    fine = subprocess.run([*ENTRY, "query", "rujukan-menggantung", "--store", store, "--format", "csv"],
                          capture_output=True, text=True, timeout=60)
    assert (fine.returncode, fine.stdout.splitlines()) == (0, ["s,p,o,awalan"])
