"""Every named query's exact answer on the real graph, the result formats, and bad input."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from inovasi_kg import KnowledgeGraph, Settings, open_graph
from inovasi_kg.cli import cli
from inovasi_kg.errors import QueryError
from inovasi_kg.queries import load_queries, parse_header
from inovasi_kg.resources import queries_dir

BASE = "https://w3id.org/inovasi-daerah/"


@pytest.fixture(scope="module")
def kg(settings: Settings) -> KnowledgeGraph:
    return open_graph(settings)


def cols(result, *names: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [tuple(row[n] for n in names) for row in result.values()]


def test_library_has_at_least_fifteen_queries() -> None:
    assert len(load_queries(queries_dir())) >= 15


def test_ranking(kg: KnowledgeGraph) -> None:
    rows = cols(kg.query("peringkat-penghargaan"), "peringkat", "pemerintah", "kode", "skor")
    assert rows == [
        (1, "Pemerintah Kota Surabaya", "35.78", Decimal(2690)), (2, "Pemerintah Kota Tangerang Selatan", "36.74", Decimal(2643)),
        (3, "Pemerintah Kota Makassar", "73.71", Decimal(2617)), (4, "Pemerintah Kota Bontang", "64.74", Decimal(2548)),
        (5, "Pemerintah Kota Magelang", "33.71", Decimal(2478)), (6, "Pemerintah Kota Surakarta", "33.72", Decimal(2307)),
        (7, "Pemerintah Kota Sawahlunto", "13.73", Decimal(2285)), (8, "Pemerintah Kota Probolinggo", "35.74", Decimal(2260)),
        (9, "Pemerintah Kota Pontianak", "61.71", Decimal(2249)), (10, "Pemerintah Kota Yogyakarta", "34.71", Decimal(2199)),
    ]
    en = kg.query("peringkat-penghargaan", lang="en").values()
    assert en[4]["pemerintah"] == "Magelang City Government"
    assert en[4]["keputusan"] == "Decree of the Minister of Home Affairs No. 002.6-8688 of 2017"


def test_innovations_by_category(kg: KnowledgeGraph) -> None:
    tk = kg.query("inovasi-per-kategori", kategori="bentuk-inovasi:tata-kelola-pemerintahan")
    assert cols(tk, "inovasi", "pengelola") == [
        ("Smart City", "Bappeda Kota Magelang"), ("DataGo", "Dinas Komunikasi Informatika dan Statistik Kota Magelang")]
    pp = kg.query("inovasi-per-kategori", kategori=BASE.replace("inovasi-daerah/", "inovasi-daerah/kode/")
                  + "bentuk-inovasi/pelayanan-publik")
    assert [r[0] for r in cols(pp, "inovasi")] == [
        "Kampung IT", "Penjaringan Kreativitas dan Inovasi Masyarakat (Krenova)", "Kampung Organik", "SIPPUT",
        "ATCS Audio Announcer", "Cek KIR Online"]
    assert len(kg.query("inovasi-per-kategori").rows) == 8


def test_innovations_of_one_agency(kg: KnowledgeGraph) -> None:
    r = kg.query("inovasi-perangkat-daerah", perangkat_daerah="organisasi/33.71.dishub")
    assert cols(r, "inovasi", "kategori", "ajang") == [
        ("ATCS Audio Announcer", "Pelayanan Publik", "Inovasi OPD-BUMD"), ("Cek KIR Online", "Pelayanan Publik", "Inovasi OPD-BUMD")]


def test_organisation_tree(kg: KnowledgeGraph) -> None:
    rows = cols(kg.query("struktur-organisasi"), "tingkat", "organisasi", "jenis", "bagian", "jabatan")
    assert rows == [
        (1, "Pemerintah Kota Magelang", None, None, "Wakil Walikota Magelang"),
        (1, "Pemerintah Kota Magelang", None, None, "Walikota Magelang"),
        (2, "Badan Penelitian dan Pengembangan Kota Magelang", "Badan", None, "Kepala Balitbang Kota Magelang"),
        (2, "Badan Penelitian dan Pengembangan Kota Magelang", "Badan", "Subbidang PHI Balitbang Kota Magelang",
         "Kasubid PHI Balitbang Kota Magelang"),
        (2, "Bappeda Kota Magelang", "Badan", None, None),
        (2, "Dinas Komunikasi Informatika dan Statistik Kota Magelang", "Dinas", None, None),
        (2, "Dinas Lingkungan Hidup Kota Magelang", "Dinas", None, None),
        (2, "Dinas Perhubungan Kota Magelang", "Dinas", None, None),
        (2, "Kantor Penelitian Pengembangan dan Statistik Kota Magelang", "Kantor", None, None),
    ]


def test_legal_basis(kg: KnowledgeGraph) -> None:
    rows = cols(kg.query("dasar-hukum"), "produk", "nomor", "tahun", "status", "berdasarkan", "penetap", "tentang")
    assert rows == [
        ("Keputusan Menteri Dalam Negeri Nomor 002.6-8688 Tahun 2017", "002.6-8688", "2017", "berlaku", None,
         "Kementerian Dalam Negeri Republik Indonesia", "Penghargaan Pemerintah Daerah Inovatif 2017"),
        ("Peraturan Pemerintah Nomor 38 Tahun 2017", "38", "2017", "berlaku", None, "Presiden Republik Indonesia", None),
        ("Rancangan Peraturan Daerah Kota Magelang tentang Inovasi Daerah", None, "2017", "rancangan",
         "Peraturan Pemerintah Nomor 38 Tahun 2017", None, None),
    ]


def test_award_night(kg: KnowledgeGraph) -> None:
    rows = cols(kg.query("malam-penghargaan"), "peran", "jabatan", "atas_nama", "keputusan")
    decree = "Keputusan Menteri Dalam Negeri Nomor 002.6-8688 Tahun 2017"
    assert rows == [("penerima", "Wakil Walikota Magelang", "Pemerintah Kota Magelang", decree),
                    ("pendamping", "Kasubid PHI Balitbang Kota Magelang", "Pemerintah Kota Magelang", decree),
                    ("pendamping", "Kepala Balitbang Kota Magelang", "Pemerintah Kota Magelang", decree)]


def test_restructuring_history(kg: KnowledgeGraph) -> None:
    r = kg.query("riwayat-kelembagaan", organisasi="organisasi/33.71.balitbang")
    assert cols(r, "tanggal", "asal", "asal_sejak", "hasil") == [
        ("2017-01-01", "Kantor Penelitian Pengembangan dan Statistik Kota Magelang", "2008",
         "Badan Penelitian dan Pengembangan Kota Magelang")]
    assert kg.query("riwayat-kelembagaan", organisasi="organisasi/33.71.dishub").rows == []


def test_programmes(kg: KnowledgeGraph) -> None:
    assert cols(kg.query("ajang-inovasi"), "singkatan", "tahun_mulai", "jumlah", "hingga_tahun") == [
        ("Krenova", "2004", 359, "2017"), (None, "2017", 11, "2017")]


def test_kampung_it(kg: KnowledgeGraph) -> None:
    assert cols(kg.query("profil-inovasi"), "hubungan", "nilai") == [
        ("diinisiasi melalui", "Penjaringan Kreativitas dan Inovasi Masyarakat (Krenova)"),
        ("inisiator", "Anggota masyarakat"),
        ("kegiatan", "Pelatihan blogger untuk ibu-ibu"),
        ("kegiatan", "Pelatihan robotik untuk anak-anak"),
        ("pendamping", "Badan Penelitian dan Pengembangan Kota Magelang"),
        ("pengelola", "Badan Penelitian dan Pengembangan Kota Magelang"),
        ("produk", "Alat ukur kesuburan tanah"),
        ("produk", "Kentongan digital"),
        ("produk", "Sepatu tunanetra"),
    ]


def test_indicators(kg: KnowledgeGraph) -> None:
    assert cols(kg.query("indikator-ekonomi", lang="en", daerah="wilayah/33.71"),
                "indikator", "tahun_awal", "tahun_akhir", "nilai", "satuan", "agregasi") == [
        ("Decline in the poverty rate", "2011", "2015", Decimal("0.4"), "percent per year (%/year)", "average per year"),
        ("Economic growth", "2011", "2015", Decimal(6), "percent (%)", "average over the period"),
        ("Human development index", "2011", "2015", Decimal("75.39"), "index value (unitless)", "average over the period"),
    ]


def test_provenance(kg: KnowledgeGraph) -> None:
    article = "http://litbang.magelangkota.go.id/index.php/struktur-organisasi/526-iga-prestasi-akhir-tahun-2017-kota-magelang"
    assert cols(kg.query("provenans", simpul="peringkat/iga-2017.kota.5"), "kutipan", "teks", "url") == [
        (BASE + "id/kutipan/q-kepmendagri",
         "Keputusan Menteri Dalam Negeri Republik Indonesia nomor 002.6-8688 tahun 2017 tentang Penetapan Peringkat "
         "Pemenang Penghargaan Pemerintah Daerah Inovatif Tahun 2017", article),
        (BASE + "id/kutipan/q-peringkat-5", "Kota Magelang peringkat 5 skor 2478", article),
    ]
    # A fact from another source document (no quote) still shows its source.
    assert cols(kg.query("provenans", simpul="organisasi/presiden"), "teks", "sumber") == [
        (None, "Undang-Undang Nomor 12 Tahun 2011 tentang Pembentukan Peraturan Perundang-undangan, Pasal 1 angka 5")]


def test_quality_findings(kg: KnowledgeGraph) -> None:
    assert cols(kg.query("temuan-mutu"), "sasaran", "nilai_disimpan", "nilai_bertentangan", "kutipan_bertentangan") == [
        (BASE + "id/peringkat/iga-2017.kota.5", "2478", "2548",
         "berhasil menempati urutan kelima dari 10 (sepuluh) pemenang dengan skor sebanyak 2548")]


def test_label_search_ignores_case_and_accents(kg: KnowledgeGraph) -> None:
    hits = {r["simpul"] for r in kg.query("cari-label", teks="KAMPÚNG it").values()}
    assert hits == {BASE + "id/inovasi/33.71.kampung-it"}
    english = {r["simpul"] for r in kg.query("cari-label", teks="soil fertility").values()}
    assert english == {BASE + "id/hasil-inovasi/33.71.kampung-it.alat-ukur-kesuburan-tanah"}


def test_neighbourhood(kg: KnowledgeGraph) -> None:
    rows = cols(kg.query("lingkungan-simpul", simpul="inovasi/33.71.smart-city"), "arah", "properti", "tetangga")
    assert rows == [
        ("keluar", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/prov#Entity"),
        ("keluar", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://schema.org/CreativeWork"),
        ("keluar", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://w3id.org/inovasi-daerah/ontology#InovasiDaerah"),
        ("keluar", "https://w3id.org/inovasi-daerah/ontology#ajang", BASE + "id/ajang-inovasi/33.71.inovasi-opd-bumd"),
        ("keluar", "https://w3id.org/inovasi-daerah/ontology#bentukInovasi",
         "https://w3id.org/inovasi-daerah/kode/bentuk-inovasi/tata-kelola-pemerintahan"),
        ("keluar", "https://w3id.org/inovasi-daerah/ontology#kutipanSumber", BASE + "id/kutipan/q-tata-kelola"),
        ("keluar", "https://w3id.org/inovasi-daerah/ontology#pengelola", BASE + "id/organisasi/33.71.bappeda"),
    ]


def test_counts_by_class(kg: KnowledgeGraph) -> None:
    counts = {r["kelas"].rsplit("#", 1)[1]: r["jumlah"] for r in kg.query("jumlah-per-kelas").values()}
    assert counts == {"Kutipan": 37, "Daerah": 11, "Kota": 10, "PemerintahDaerah": 10, "Peringkat": 10,
                      "InovasiDaerah": 8, "PerangkatDaerah": 6, "Jabatan": 4, "ArtikelSumber": 3,
                      "ObservasiIndikator": 3, "ProdukInovasi": 3, "AjangInovasi": 2, "InstansiPusat": 2,
                      "KegiatanInovasi": 2, "Periode": 2, "ProdukHukum": 2, "AcaraPenyerahan": 1, "AnotasiMutu": 1,
                      "EdisiPenghargaan": 1, "Penghargaan": 1, "PerubahanKelembagaan": 1, "Provinsi": 1,
                      "RancanganProdukHukum": 1, "UnitKerja": 1, "Visi": 1}


def test_vision_and_awards_received(kg: KnowledgeGraph) -> None:
    assert cols(kg.query("visi-daerah"), "visi", "tahun_awal", "tahun_akhir", "komitmen", "ajang") == [
        ("Visi Kota Magelang 2016-2021", "2016", "2021", "Walikota Magelang", "Inovasi OPD-BUMD"),
        ("Visi Kota Magelang 2016-2021", "2016", "2021", "Walikota Magelang",
         "Penjaringan Kreativitas dan Inovasi Masyarakat (Krenova)")]
    assert [r["peringkat"] for r in kg.query("organisasi-penghargaan").values()] == list(range(1, 11))


@pytest.mark.parametrize("fmt,rformat", [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                                         ("csv", ox.QueryResultsFormat.CSV), ("tsv", ox.QueryResultsFormat.TSV)])
def test_result_formats_parse_back(settings: Settings, fmt: str, rformat: ox.QueryResultsFormat) -> None:
    result = CliRunner().invoke(cli, ["query", "peringkat-penghargaan", "--store", settings.store, "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "csv":  # lossy by design: pyoxigraph refuses to parse it, so read it as plain CSV
        import csv

        rows = [(r["peringkat"], r["skor"]) for r in csv.DictReader(io.StringIO(result.stdout_bytes.decode()))]
    else:
        parsed = ox.parse_query_results(result.stdout_bytes, format=rformat)
        rows = [(s["peringkat"].value, s["skor"].value) for s in parsed]
    assert rows[4] == ("5", "2478") and len(rows) == 10


def test_xml_results_read_by_elementtree(settings: Settings) -> None:
    import xml.etree.ElementTree as ET

    out = CliRunner().invoke(cli, ["query", "peringkat-penghargaan", "--store", settings.store, "--format", "xml"])
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(out.stdout_bytes)
    names = [b.find("r:literal", ns).text for b in root.iterfind(".//r:binding[@name='pemerintah']", ns)]  # type: ignore[union-attr]
    assert names[:2] == ["Pemerintah Kota Surabaya", "Pemerintah Kota Tangerang Selatan"] and len(names) == 10


def test_construct_as_turtle(settings: Settings) -> None:
    q = "CONSTRUCT { ?r ida:skor ?s } WHERE { ?r a ida:Peringkat ; ida:skor ?s }"
    out = CliRunner().invoke(cli, ["query", "-", "--store", settings.store, "--format", "turtle"], input=q)
    assert out.exit_code == 0, out.output
    assert len(list(ox.parse(out.stdout_bytes, format=ox.RdfFormat.TURTLE))) == 10


def test_list_shows_titles_and_parameters(settings: Settings) -> None:
    out = CliRunner().invoke(cli, ["query", "--list"])
    assert out.exit_code == 0
    assert "peringkat-penghargaan\n    Peringkat penghargaan / Award ranking\n" in out.output
    assert "parameters: edisi (iri, default {base}id/edisi-penghargaan/iga-2017); lang (lang)" in out.output


def test_table_output(settings: Settings) -> None:
    out = CliRunner().invoke(cli, ["query", "ajang-inovasi", "--store", settings.store, "--lang", "en"])
    assert [c.strip() for c in out.output.splitlines()[0].split(" | ")][:3] == ["ajang", "singkatan", "tahun_mulai"]
    assert out.output.endswith("2 rows\n")


BAD = [
    (["query", "-"], "SELECT * WHERE {\n  ?s ?p }\n", "SPARQL syntax error at line 3, column 1"),
    (["query", "-"], "SELECT ?s WHERE {\n  ?s ?p ?o . FILTR(?s)\n}\n",
     "SPARQL syntax error at line 2, column 22: expected OPTIONAL\n      ?s ?p ?o . FILTR(?s)\n                         ^"),
    (["query", "peringkat"], None, "no named query 'peringkat'; did you mean: peringkat-penghargaan?"),
    (["query", "inovasi-perangkat-daerah"], None, "query 'inovasi-perangkat-daerah' needs parameter 'perangkat_daerah'; "
                                                  "it takes: perangkat_daerah (iri); lang (lang)"),
    (["query", "ajang-inovasi", "-p", "tahun=2004"], None, "query 'ajang-inovasi' has no parameter 'tahun'; it takes: lang (lang)"),
    (["query", "provenans", "-p", "simpul=<x y>"], None, "parameter 'simpul': '<x y>' is not a valid IRI"),
    (["query", "-"], "INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT DATA is an update; queries here only read (SELECT, ASK, CONSTRUCT, DESCRIBE)"),
    (["query", "-"], "PREFIX x: <http://x/>\nCLEAR ALL", "CLEAR is an update"),
    (["query", "-"], "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE <http://example.org/sparql> (a federated call to another endpoint) is refused"),
    (["query", "-", "--timeout", "0.5"], "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
     "the query ran longer than 0.5 s and was stopped"),
    (["describe", "Kota"], None, "nodes match 'Kota'; name one of them:"),
]


@pytest.mark.parametrize("args,stdin,message", BAD, ids=[b[2][:40] for b in BAD])
def test_bad_queries_get_a_message_and_exit_2(settings: Settings, args: list[str], stdin: str | None, message: str) -> None:
    out = CliRunner().invoke(cli, [*args, "--store", settings.store], input=stdin)
    assert out.exit_code == 2, out.output
    assert message in out.stderr
    assert "Traceback" not in out.output


def test_describe_by_label(settings: Settings) -> None:
    out = CliRunner().invoke(cli, ["describe", "Balitbang", "--store", settings.store])
    assert out.exit_code == 0, out.output
    assert out.output.startswith(f"<{BASE}id/organisasi/33.71.balitbang>\n  label@id: Balitbang\n")
    assert "  linked from:\n" in out.output and "ida:organisasiHasil" in out.output
    assert '    "satu-satunya Badan Litbang Kota Magelang yang ada di Provinsi Jawa Tengah"' in out.output


def test_malformed_header_names_file_and_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.rq"
    text = "# title@id: X\n# title@en: X\n# description: d\n# param: a (colour) bad\nSELECT ?a WHERE {}\n"
    with pytest.raises(QueryError, match=r"x.rq:4: unknown parameter type 'colour'"):
        parse_header(path, text)
    with pytest.raises(QueryError, match="parameter 'a' must be projected"):
        parse_header(path, text.replace("(colour)", "(string)").replace("SELECT ?a", "SELECT ?b"))


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
       | st.sampled_from(['"}', "> } #", '" . ?s ?p ?o }', "\n#", "' } UNION { ?x ?y ?z"]))
def test_parameters_can_never_change_the_query_shape(kg: KnowledgeGraph, text: str) -> None:
    result = kg.query("cari-label", teks=text)
    assert result.variables == ["simpul", "label", "kelas", "teks"]
    assert all(row["teks"] == text for row in result.values())
    try:
        iri_result = kg.query("provenans", simpul=text)
    except QueryError as err:
        assert "is not a valid IRI" in str(err)
    else:
        assert iri_result.variables == ["kutipan", "teks", "sumber", "url", "simpul"]


def test_python_api_example(settings: Settings) -> None:
    kg = open_graph(settings)
    result = kg.query("peringkat-penghargaan")
    assert result.values()[4]["skor"] == Decimal("2478")
    raw = io.BytesIO(result.serialize("json"))
    assert json.load(raw)["head"]["vars"][0] == "peringkat"


def test_every_named_query_has_an_exact_answer_test() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [name for name in load_queries(queries_dir()) if f'"{name}"' not in source]
    assert untested == []
