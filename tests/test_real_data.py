"""The real national data: award results, index figures and their sources, as loaded from data/."""

from __future__ import annotations

import csv
import re
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import select
from inovasi_kg import KnowledgeGraph
from inovasi_kg.core.errors import DataError

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# Distinct winning governments per (edition year, category), as the store holds them
# (the 2017 city ranking is the seed's Kepmendagri table); checked against the source rows below.
WINNERS = {(2017, "kabupaten"): 10, (2017, "kota"): 10, (2017, "provinsi"): 3, (2018, "kabupaten"): 9, (2018, "kota"): 4,
           (2018, "provinsi"): 3, (2018, "tertinggal"): 1, (2019, "kabupaten"): 10, (2019, "kota"): 9,
           (2019, "perbatasan"): 3, (2019, "provinsi"): 5, (2019, "tertinggal"): 2, (2020, "kabupaten"): 10,
           (2020, "kota"): 10, (2020, "perbatasan"): 1, (2020, "provinsi"): 5, (2020, "tertinggal-perbatasan"): 6,
           (2021, "kabupaten"): 10, (2021, "kota"): 8, (2021, "perbatasan"): 1, (2021, "provinsi"): 5,
           (2021, "tertinggal"): 3, (2022, "kabupaten"): 12, (2022, "kota"): 12, (2022, "perbatasan"): 5,
           (2022, "provinsi"): 7, (2022, "tertinggal"): 3, (2023, "kabupaten"): 10, (2023, "kota"): 10,
           (2023, "perbatasan"): 3, (2023, "provinsi"): 7, (2023, "tertinggal"): 5, (2024, "kabupaten"): 5,
           (2024, "kota"): 3, (2024, "perbatasan"): 1, (2024, "provinsi"): 2, (2024, "tertinggal"): 1,
           (2025, "kabupaten"): 14, (2025, "kota"): 9, (2025, "papua"): 2, (2025, "perbatasan"): 3, (2025, "provinsi"): 6}


def test_winners_per_edition_and_category(store: ox.Store) -> None:
    rows = select(store, """PREFIX status-hasil: <https://w3id.org/inovasi-daerah/kode/status-hasil/>
        SELECT ?year ?cat (COUNT(DISTINCT ?gov) AS ?n) WHERE {
          { ?h a ida:HasilPenghargaan ; ida:statusHasil status-hasil:pemenang } UNION { ?h a ida:Peringkat }
          ?h ida:edisi/ida:tahun ?year ; ida:kategoriPenghargaan/skos:notation ?cat ; ida:penerima ?gov .
        } GROUP BY ?year ?cat""")
    assert {(int(y), c): int(n) for y, c, n in rows} == WINNERS


_NOTE_WORDS = {"provinsi": "provinsi", "kabupaten": "kabupaten", "kota": "kota", "daerah perbatasan": "perbatasan",
               "daerah tertinggal": "tertinggal", "klaster Papua": "papua",
               "kategori gabungan daerah tertinggal dan perbatasan": "tertinggal-perbatasan"}


@pytest.mark.parametrize("year", range(2017, 2026))
def test_each_editions_coverage_note_counts_the_winners_loaded(year: int) -> None:
    """The note says how many winners of each category the sources gave (and of how many announced): its
    counts are the rows loaded, so a new row cannot leave the note behind; a category the edition had
    with no winner found says 0, and every category of the edition is in the note."""
    row = next(r for r in _rows("edisi_penghargaan") if r["id"] == f"iga-{year}")
    found = row["cakupan_id"].split(": ", 1)[1].split(". ", 1)[0]
    counts = {}
    for part in found.split("; "):
        m = re.fullmatch(r"(?P<what>[a-zA-Z ]+?) (?P<n>\d+)(?: dari (?P<of>\d+))?(?: \(.*\))?", part)
        assert m, part
        counts[_NOTE_WORDS[m["what"]]] = int(m["n"])
        assert m["of"] is None or int(m["of"]) >= int(m["n"]), part
    loaded = {c: n for (y, c), n in WINNERS.items() if y == year}
    assert {c: n for c, n in counts.items() if n} == loaded
    assert set(row["kategori"].split(";")) <= set(counts), counts


def test_result_rows_match_the_source_rows(store: ox.Store) -> None:
    rows = _rows("hasil_penghargaan")
    got = select(store, """
        SELECT ?h ?printed ?code ?status WHERE {
          ?h a ida:HasilPenghargaan ; ida:namaTercetak ?printed ; ida:penerima/ida:wilayah/ida:kodeWilayah ?code ;
             ida:statusHasil/skos:notation ?status .
        }""")
    assert len(got) == len(rows)
    by_id = {h.rsplit("/", 1)[1]: (p, c, s) for h, p, c, s in got}
    for row in rows:
        printed, code, status = by_id[row["id"]]
        assert (printed, status) == (row["nama_tercetak"], row["status"])
        assert f".{code}" in row["id"] or row["penerima"] == f"pemda-{code}"  # ids are edition.category.code
    assert Counter(r["status"] for r in rows) == Counter(s for *_, s in got)


@pytest.mark.parametrize(("year", "category", "rank", "code", "host"), [
    (2017, "kabupaten", None, "35.25", "pontianak.tribunnews.com"),   # Kabupaten Gresik
    (2021, "provinsi", 1, "16", None),                                 # Sumatera Selatan
    (2022, "provinsi", 1, "35", "smartcity.ui.ac.id"),                 # Jawa Timur
    (2022, "kabupaten", 8, "13.05", "smartcity.ui.ac.id"),             # Padang Pariaman
    (2022, "kota", 1, "35.76", "smartcity.ui.ac.id"),                  # Kota Mojokerto
    (2022, "perbatasan", 4, "21.71", "smartcity.ui.ac.id"),            # Kota Batam
    (2022, "tertinggal", None, "96.01", "jurnal3.net"),                # Sorong, read as the regency
    (2025, "kota", 1, "35.78", "jatim.jpnn.com"),                      # Surabaya
    (2020, "kabupaten", 1, "35.12", "www.antaranews.com"),             # Situbondo, first of ten in order
    (2020, "kabupaten", 10, "35.29", "www.antaranews.com"),            # Sumenep, tenth
    (2020, "tertinggal-perbatasan", None, "53.14", "teropongselatan.com"),  # the joint category as printed
    (2020, "tertinggal-perbatasan", None, "82.07", "teropongselatan.com"),  # "Morotai", read as Pulau Morotai
    (2024, "kabupaten", None, "35.15", "republikjatim.com"),           # Sidoarjo
    (2021, "perbatasan", None, "21.01", "ppid.bintankab.go.id"),       # Bintan, counted from "third in a row"
])
def test_sample_winners_by_the_named_query(kg: KnowledgeGraph, year: int, category: str, rank: int | None, code: str,
                                           host: str | None) -> None:
    rows = kg.query("pemenang", **{"tahun": str(year), "kategori": f"kategori-penghargaan:{category}"}).values()
    hits = [r for r in rows if r["kode"] == code and r["peringkat"] == rank]
    assert hits, rows
    if host is not None:
        assert any(host in (r["sumber"] or "") for r in hits)
    assert all(r["letak"] for r in hits)


def test_every_real_row_cites_a_dated_page_never_the_synthetic_source() -> None:
    sources = {r["id"]: r for r in _rows("sumber")}
    quotes = {r["id"]: r for r in _rows("kutipan")}
    for table in ("hasil_penghargaan", "angka_iid", "nilai_iid"):
        for row in _rows(table):
            assert row["letak"], (table, row["id"])
            for sid in row["sumber"].split(";"):
                source = sources[sid] if sid in sources else sources[quotes[sid]["sumber_dokumen"]]
                assert source["url"].startswith(("http://", "https://")), sid
                assert source["tanggal_dibaca"] or source["id"] == "artikel-iga-2017", sid
                assert source["sintetis"] != "ya", sid
    assert not [r for r in sources.values() if r["sintetis"] == "ya"]


def test_national_index_series(kg: KnowledgeGraph) -> None:
    rows = kg.query("iid-nasional", **{"ukuran": "ukuran-iid:inovasi"}).values()
    series = {(r["tahun"], str(r["nilai"])) for r in rows}
    assert {("2020", "14897"), ("2020", "17779"), ("2022", "26900"), ("2023", "28539"), ("2024", "31719"),
            ("2025", "36742")} <= series
    mean = {r["tahun"]: str(r["nilai"]) for r in kg.query("iid-nasional", **{"ukuran": "ukuran-iid:rata-rata-skor"}).values()}
    assert mean["2025"] == "49.43" and mean["2024"] == "46.01"


def test_disagreements_are_listed_with_both_sources(kg: KnowledgeGraph) -> None:
    rows = kg.query("klaim-berbeda", **{"lang": "en"}).values()
    by_target = {(r["sasaran"].rsplit("/", 1)[1], r["properti"].rsplit("#", 1)[1]): r for r in rows}
    two = by_target[("iid-2025.inovasi.semua", "angka")]
    assert (two["nilai_disimpan"], two["nilai_bertentangan"]) == ("36742", "36374 (collected up to August 2025)")
    assert "jpnn.com" in two["sumber_disimpan"] and "nusaterkini.com" in two["sumber_bertentangan"]
    assert ("iga-2017.kota.5", "skor") in by_target  # the seed's own contradiction, by quotes


def test_award_history_and_leaderboards(kg: KnowledgeGraph) -> None:
    history = kg.query("riwayat-penghargaan", **{"kode": "35.10", "lang": "id"}).values()  # Kabupaten Banyuwangi
    assert {r["tahun"] for r in history if r["status"] == "Pemenang"} >= {"2018", "2021", "2022", "2024", "2025"}
    leaders = kg.query("klasemen-daerah", **{"lang": "id"}).values()
    top = {r["kode"]: int(r["edisi_dimenangkan"]) for r in leaders}
    assert top["35.10"] == max(top.values())
    provinces = kg.query("klasemen-provinsi", **{"lang": "id"}).values()
    assert provinces[0]["kode"] == "35"  # Jawa Timur and its regions won most


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


@pytest.mark.parametrize(("printed", "message"), [
    ("Sorong", "'Sorong' is ambiguous: it could be kabupaten Sorong (96.01) or kota Sorong (96.71)"),
    ("Kota Atlantis", "no kota named 'Kota Atlantis' in the region table"),
])
def test_a_name_that_does_not_resolve_is_a_located_error(tmp_path: Path, printed: str, message: str) -> None:
    from inovasi_kg.core.resources import ontology_dir
    from inovasi_kg.ingest.load import load_tables
    from inovasi_kg.rdf.ontology import load_ontology

    folder = _copy(tmp_path)
    path = folder / "hasil_penghargaan.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = next(csv.reader([lines[1]]))
    row[header.index("kategori")], row[header.index("nama_tercetak")], row[header.index("penerima")] = "perbatasan", printed, ""
    lines.append(",".join(f'"{c}"' if "," in c else c for c in ["iga-2022.perbatasan.x", *row[1:]]) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_tables(folder, load_ontology(ontology_dir()).concepts)
    located = [e for e in [err.value, *err.value.others] if e.row == len(lines)]
    assert len(located) == 1
    assert (located[0].column, located[0].file.endswith("hasil_penghargaan.csv")) == (header.index("nama_tercetak") + 1, True)
    assert message in str(located[0])


@pytest.fixture(scope="module")
def client(settings):  # type: ignore[no-untyped-def]
    import dataclasses

    from conftest import Client
    from inovasi_kg.web import create_app

    app = create_app(dataclasses.replace(settings, workers=2))
    yield Client(app)
    app.state.kg.close()


def test_a_region_page_shows_its_award_history_and_index(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/id/organisasi/pemda-33.71", headers={"accept": "text/html"}, params={"lang": "en"})
    assert page.status_code == 200
    history = re.search(r'<table id="award-history">(.*?)</table>', page.text, re.S)
    assert history is not None
    years = re.findall(r"<tr><td>(\d{4})</td><td>City</td><td>(Winner|Nominee)</td>", history.group(1))
    assert years == [("2017", "Nominee"), ("2017", "Winner"), ("2018", "Nominee"), ("2018", "Winner"),
                     ("2019", "Nominee"), ("2019", "Winner")]
    index = re.search(r'<table id="index-history">(.*?)</table>', page.text, re.S)
    assert index is not None and "<td>2024</td><td>71.87</td><td>Very innovative</td>" in index.group(1)
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in page.text.split('id="awards"')[1]
    other = client.get("/id/organisasi/33.71.balitbang", headers={"accept": "text/html"})
    assert 'id="awards"' not in other.text  # an agency, not a region: no award history


def test_the_home_page_shows_the_national_series_and_wins_per_province(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/", headers={"accept": "text/html"}, params={"lang": "en"}).text
    series = re.findall(r"<tr><td>(\d{4})</td><td>(\d+)</td></tr>", page.split('id="national-index"')[1].split("</table>")[0])
    assert ("2020", "14897") in series and ("2025", "36742") in series
    assert [y for y, _ in series] == sorted(y for y, _ in series)
    first = re.search(r'id="province-wins">.*?<tbody><tr><td>([^<]+)</td><td>(\d+)</td>', page, re.S)
    assert first is not None and first.groups() == ("East Java Province", "52")


def _regions_of(province: str) -> list[tuple[str, str]]:
    with (DATA / "wilayah.csv").open(encoding="utf-8") as f:
        return sorted((r["id"], r["label_id"]) for r in csv.DictReader(f) if r["bagian_dari"] == province)


@pytest.mark.parametrize("province", ["33", "35", "91", "11"])
def test_a_province_page_lists_its_regencies_and_cities(client, province: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/id/wilayah/{province}", headers={"accept": "text/html"})
    table = re.search(r'<table class="results" id="member-list">(.*?)</table>', page.text, re.S)
    assert table is not None
    rows = re.findall(r'<tr><td>(\d\d\.\d\d)</td><td><a href="/id/wilayah/\1">([^<]+)</a></td><td>(Kabupaten|Kota)</td>',
                      table.group(1))
    assert [(code, name) for code, name, _ in rows] == _regions_of(province)
    assert all(kind == name.split()[0] for _, name, kind in rows)
    assert f"Graf memuat {len(rows)} kabupaten dan kota di dalamnya." in page.text


def test_the_editions_won_agree_with_each_regions_history(settings) -> None:  # type: ignore[no-untyped-def]
    with KnowledgeGraph(settings) as kg:
        members = kg.query("daerah-provinsi", kode="35").values()
        assert len(members) == 38
        for m in members:
            history = kg.query("riwayat-penghargaan", kode=m["kodeDaerah"]).values()
            won = {str(h["tahun"]) for h in history if h["status"] == "Pemenang"}
            assert (m["menang"] or 0) == len(won), m["kodeDaerah"]
        banyuwangi = next(m for m in members if m["kodeDaerah"] == "35.10")
        assert (banyuwangi["menang"], str(banyuwangi["indeksPertama"])) == (8, "2021")


def test_a_region_page_opens_with_a_plain_summary(client) -> None:  # type: ignore[no-untyped-def]
    def summary(path: str, lang: str) -> str:
        page = client.get(path, headers={"accept": "text/html", "cookie": f"lang={lang}"}).text
        found = re.search(r'<p id="summary" class="summary">(.*?)</p>', page)
        assert found is not None and page.index('id="summary"') < page.index("<h2>")
        return found.group(1)

    assert summary("/id/wilayah/35.10", "id") == (
        "Kabupaten Banyuwangi (kode 35.10) adalah kabupaten di Provinsi Jawa Timur. Pemerintah daerahnya memenangkan "
        "IGA pada 8 tahun (2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025). Masuk nominasi pada: 2018, 2019, 2021. "
        "Hasil Indeks Inovasi Daerah: 2021.")
    assert summary("/id/wilayah/33.71", "en") == (
        "Magelang City (code 33.71) is a city in Central Java Province. The graph holds 6 of its agencies, 8 "
        "innovation(s) they run and 3 indicator observation(s). Its government won the IGA in 3 year(s) "
        "(2017, 2018, 2019). Nominated in: 2017, 2018, 2019. Regional innovation index results: 2023, 2024, 2025.")
    assert summary("/id/wilayah/91.05", "id") == ("Kabupaten Kepulauan Yapen (kode 91.05) adalah kabupaten di Provinsi "
                                                  "Papua. Belum tercatat kemenangan IGA pemerintah daerahnya.")
