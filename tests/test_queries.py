"""Every named query's exact answer on the real graph, the result formats, and bad input."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from conftest import RANKING
from inovasi_kg import KnowledgeGraph, Settings
from inovasi_kg.cli import cli
from inovasi_kg.core.errors import QueryError
from inovasi_kg.core.terms import fold
from inovasi_kg.rdf.namespaces import PREFIXES
from inovasi_kg.sparql.named import catalogue, parse_header

BASE = "https://w3id.org/inovasi-daerah/"
IDA = BASE + "ontology#"
KODE = BASE + "kode/"


def expand(name: str) -> str:
    if name.startswith("<"):
        return name[1:-1]
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


def cols(result, *names: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [tuple(row[n] for n in names) for row in result.values()]


D = Decimal
ARTICLE = "http://litbang.magelangkota.go.id/index.php/struktur-organisasi/526-iga-prestasi-akhir-tahun-2017-kota-magelang"
DECREE = "Keputusan Menteri Dalam Negeri Nomor 002.6-8688 Tahun 2017"

# Every named query's exact answer on the article's graph: name -> [(parameters, columns, rows)].
# A guard below fails when a query has no entry here; each entry runs on every backend.
EXPECTED: dict[str, list[tuple[dict[str, str], tuple[str, ...], list[tuple[Any, ...]]]]] = {
    "peringkat-penghargaan": [
        ({}, ("peringkat", "pemerintah", "kode", "skor"),
         [(rank, gov, code, D(score)) for rank, gov, code, score in RANKING]),
        ({"lang": "en"}, ("peringkat", "pemerintah", "keputusan"),
         [(1, "Surabaya City Government", "Decree of the Minister of Home Affairs No. 002.6-8688 of 2017"),
          (2, "South Tangerang City Government", "Decree of the Minister of Home Affairs No. 002.6-8688 of 2017"),
          (3, "Makassar City Government", "Decree of the Minister of Home Affairs No. 002.6-8688 of 2017"),
          (4, "Bontang City Government", "Decree of the Minister of Home Affairs No. 002.6-8688 of 2017"),
          (5, "Magelang City Government", "Decree of the Minister of Home Affairs No. 002.6-8688 of 2017"),
          (6, "Surakarta City Government", "Decree of the Minister of Home Affairs No. 002.6-8688 of 2017"),
          (7, "Sawahlunto City Government", "Decree of the Minister of Home Affairs No. 002.6-8688 of 2017"),
          (8, "Probolinggo City Government", "Decree of the Minister of Home Affairs No. 002.6-8688 of 2017"),
          (9, "Pontianak City Government", "Decree of the Minister of Home Affairs No. 002.6-8688 of 2017"),
          (10, "Yogyakarta City Government", "Decree of the Minister of Home Affairs No. 002.6-8688 of 2017")]),
    ],
    "inovasi-per-kategori": [
        ({"kategori": "bentuk-inovasi:tata-kelola-pemerintahan"}, ("inovasi", "pengelola"),
         [("Smart City", "Bappeda Kota Magelang"), ("DataGo", "Dinas Komunikasi Informatika dan Statistik Kota Magelang")]),
        ({"kategori": BASE + "kode/bentuk-inovasi/pelayanan-publik"}, ("inovasi",),
         [("Kampung IT",), ("Penjaringan Kreativitas dan Inovasi Masyarakat (Krenova)",), ("Kampung Organik",),
          ("SIPPUT",), ("ATCS Audio Announcer",), ("Cek KIR Online",)]),
        ({}, ("inovasi",),
         [("Kampung IT",), ("Penjaringan Kreativitas dan Inovasi Masyarakat (Krenova)",), ("Kampung Organik",),
          ("SIPPUT",), ("ATCS Audio Announcer",), ("Cek KIR Online",), ("Smart City",), ("DataGo",)]),
    ],
    "inovasi-perangkat-daerah": [
        ({"perangkat_daerah": "organisasi/33.71.dishub"}, ("inovasi", "kategori", "ajang"),
         [("ATCS Audio Announcer", "Pelayanan Publik", "Inovasi OPD-BUMD"),
          ("Cek KIR Online", "Pelayanan Publik", "Inovasi OPD-BUMD")]),
    ],
    "struktur-organisasi": [
        ({}, ("tingkat", "organisasi", "jenis", "bagian", "jabatan"), [
            (1, "Pemerintah Kota Magelang", None, None, "Wakil Walikota Magelang"),
            (1, "Pemerintah Kota Magelang", None, None, "Walikota Magelang"),
            (2, "Badan Penelitian dan Pengembangan Kota Magelang", "Badan", None, "Kepala Balitbang Kota Magelang"),
            (2, "Badan Penelitian dan Pengembangan Kota Magelang", "Badan", "Subbidang PHI Balitbang Kota Magelang",
             "Kasubid PHI Balitbang Kota Magelang"),
            (2, "Bappeda Kota Magelang", "Badan", None, None),
            (2, "Dinas Komunikasi Informatika dan Statistik Kota Magelang", "Dinas", None, None),
            (2, "Dinas Lingkungan Hidup Kota Magelang", "Dinas", None, None),
            (2, "Dinas Perhubungan Kota Magelang", "Dinas", None, None),
            (2, "Kantor Penelitian Pengembangan dan Statistik Kota Magelang", "Kantor", None, None)]),
        # in 2016 the Kantor, not yet Balitbang (formed 1 January 2017, when the Kantor ended)
        ({"tahun": "2016"}, ("tingkat", "organisasi"), [
            (1, "Pemerintah Kota Magelang"), (1, "Pemerintah Kota Magelang"), (2, "Bappeda Kota Magelang"),
            (2, "Dinas Komunikasi Informatika dan Statistik Kota Magelang"), (2, "Dinas Lingkungan Hidup Kota Magelang"),
            (2, "Dinas Perhubungan Kota Magelang"), (2, "Kantor Penelitian Pengembangan dan Statistik Kota Magelang")]),
        # in 2017 Balitbang, and the Kantor no longer
        ({"tahun": "2017"}, ("tingkat", "organisasi"), [
            (1, "Pemerintah Kota Magelang"), (1, "Pemerintah Kota Magelang"),
            (2, "Badan Penelitian dan Pengembangan Kota Magelang"), (2, "Badan Penelitian dan Pengembangan Kota Magelang"),
            (2, "Bappeda Kota Magelang"), (2, "Dinas Komunikasi Informatika dan Statistik Kota Magelang"),
            (2, "Dinas Lingkungan Hidup Kota Magelang"), (2, "Dinas Perhubungan Kota Magelang")]),
        # in 2007 neither: the Kantor dates from 2008
        ({"tahun": "2007"}, ("organisasi",), [
            ("Pemerintah Kota Magelang",), ("Pemerintah Kota Magelang",), ("Bappeda Kota Magelang",),
            ("Dinas Komunikasi Informatika dan Statistik Kota Magelang",), ("Dinas Lingkungan Hidup Kota Magelang",),
            ("Dinas Perhubungan Kota Magelang",)]),
    ],
    "dasar-hukum": [
        ({}, ("produk", "nomor", "tahun", "status", "berdasarkan", "penetap", "tentang"), [
            (DECREE, "002.6-8688", "2017", "berlaku", None, "Menteri Dalam Negeri Republik Indonesia",
             "Penghargaan Pemerintah Daerah Inovatif Tahun 2017"),
            ("Peraturan Pemerintah Nomor 38 Tahun 2017", "38", "2017", "berlaku", None, "Presiden Republik Indonesia", None),
            # the decrees the pages of later editions name (tests/test_real_data.py)
            ("Keputusan Menteri Dalam Negeri Nomor 002.6-5848 Tahun 2021", "002.6-5848", "2021", "berlaku", None,
             "Menteri Dalam Negeri Republik Indonesia", "Innovative Government Award 2021"),
            ("Keputusan Menteri Dalam Negeri Nomor 400.10.11-6287 Tahun 2023", "400.10.11-6287", "2023", "berlaku", None,
             "Menteri Dalam Negeri Republik Indonesia", "Innovative Government Award 2023"),
            ("Keputusan Menteri Dalam Negeri Nomor 400.10.11-6097 Tahun 2025", "400.10.11-6097", "2025", "berlaku", None,
             "Menteri Dalam Negeri Republik Indonesia", "Innovative Government Award 2025"),
            ("Rancangan Peraturan Daerah Kota Magelang tentang Inovasi Daerah", None, "2017", "rancangan",
             "Peraturan Pemerintah Nomor 38 Tahun 2017", None, None)]),
    ],
    "malam-penghargaan": [
        ({}, ("peran", "jabatan", "atas_nama", "keputusan"), [
            ("penerima", "Wakil Walikota Magelang", "Pemerintah Kota Magelang", DECREE),
            ("pendamping", "Kasubid PHI Balitbang Kota Magelang", "Pemerintah Kota Magelang", DECREE),
            ("pendamping", "Kepala Balitbang Kota Magelang", "Pemerintah Kota Magelang", DECREE)]),
    ],
    "riwayat-kelembagaan": [
        ({"organisasi": "organisasi/33.71.balitbang"}, ("tanggal", "asal", "asal_sejak", "hasil"), [
            ("2017-01-01", "Kantor Penelitian Pengembangan dan Statistik Kota Magelang", "2008",
             "Badan Penelitian dan Pengembangan Kota Magelang")]),
        ({"organisasi": "organisasi/33.71.dishub"}, ("tanggal",), []),
    ],
    "ajang-inovasi": [
        ({}, ("singkatan", "tahun_mulai", "jumlah", "hingga_tahun"), [("Krenova", "2004", 359, "2017"), (None, "2017", 11, "2017")]),
    ],
    "profil-inovasi": [
        ({}, ("hubungan", "nilai"), [
            ("diinisiasi melalui", "Penjaringan Kreativitas dan Inovasi Masyarakat (Krenova)"),
            ("inisiator", "Anggota masyarakat"),
            ("kegiatan", "Pelatihan blogger untuk ibu-ibu"),
            ("kegiatan", "Pelatihan robotik untuk anak-anak"),
            ("pendamping", "Badan Penelitian dan Pengembangan Kota Magelang"),
            ("pengelola", "Badan Penelitian dan Pengembangan Kota Magelang"),
            ("produk", "Alat ukur kesuburan tanah"),
            ("produk", "Kentongan digital"),
            ("produk", "Sepatu tunanetra")]),
    ],
    "indikator-ekonomi": [
        ({"lang": "en", "daerah": "wilayah/33.71"}, ("indikator", "tahun_awal", "tahun_akhir", "nilai", "satuan", "agregasi"), [
            ("Decline in the poverty rate", "2011", "2015", D("0.4"), "percent per year (%/year)", "average per year"),
            ("Economic growth", "2011", "2015", D(6), "percent (%)", "average over the period"),
            ("Human development index", "2011", "2015", D("75.39"), "index value (unitless)", "average over the period")]),
    ],
    "provenans": [
        ({"simpul": "peringkat/iga-2017.kota.5"}, ("kutipan", "teks", "url"), [
            (BASE + "id/kutipan/q-kepmendagri",
             "Keputusan Menteri Dalam Negeri Republik Indonesia nomor 002.6-8688 tahun 2017 tentang Penetapan Peringkat "
             "Pemenang Penghargaan Pemerintah Daerah Inovatif Tahun 2017", ARTICLE),
            (BASE + "id/kutipan/q-peringkat-5", "Kota Magelang peringkat 5 skor 2478", ARTICLE),
            (BASE + "id/kutipan/q-sepuluh-kota", "perolehan peringkat 10 Kota penerima Innovative Goverment Award 2017",
             ARTICLE)]),
        # a fact from another source document (no quote) still shows its source
        ({"simpul": "organisasi/presiden"}, ("teks", "sumber"), [
            (None, "Undang-Undang Nomor 12 Tahun 2011 tentang Pembentukan Peraturan Perundang-undangan, Pasal 1 angka 5")]),
    ],
    "temuan-mutu": [
        # the seed's two, by quotes; the claims of third-party pages that disagree, by their pages
        ({}, ("sasaran", "nilai_disimpan", "nilai_bertentangan", "kutipan_bertentangan"), [
            *[(BASE + "id/" + target, kept, other, None) for target, kept, other in [
                ("angka-iid/iid-2020.inovasi.semua", "14897", "17779"), ("angka-iid/iid-2020.peserta.semua", "484", "485"),
                ("angka-iid/iid-2023.inovasi.semua", "28539", "27111 (interim count, July 2023)"),
                ("angka-iid/iid-2023.peserta.semua", "527", "521 (interim count, July 2023)"),
                ("angka-iid/iid-2025.inovasi.semua", "36742", "36374 (collected up to August 2025)"),
                ("angka-iid/iid-2025.peserta.kabupaten", "400", "416"), ("angka-iid/iid-2025.peserta.semua", "531", "541"),
                ("angka-iid/iid-2025.sangat-inovatif.kabupaten", "69", "70"),
                ("edisi-penghargaan/iga-2020", "10 kabupaten terinovatif (Liputan6 names ten)",
                 "a numbered list of at least 23 kabupaten under the heading Kabupaten Terinovatif (Gpriority)"),
                ("edisi-penghargaan/iga-2020", "kategori daerah tertinggal dan kategori daerah perbatasan, terpisah (BSKDN)",
                 "satu kategori gabungan 'Daerah Tertinggal dan Perbatasan Terinovatif' (Teropong Selatan)"),
                ("edisi-penghargaan/iga-2022", "3 (three named)", "4 (count announced before the ceremony)"),
                ("edisi-penghargaan/iga-2023", "16 kabupaten", "10 kabupaten"),
                ("edisi-penghargaan/iga-2025", "20 kabupaten (of 43 winners)", "10 kabupaten"),
                ("edisi-penghargaan/iga-2025", "2025-12-10", "2025-12-09 (Tuesday evening)"),
                ("hasil-penghargaan/iga-2021.kabupaten.16.03.2", "4 (Kabupaten Muara Enim)", "4 (Kabupaten Tabalong)"),
                ("hasil-penghargaan/iga-2025.kota.35.78.2", "1 (Kota Surabaya)", "no ranking, only winners")]],
            (BASE + "id/peringkat/iga-2017.kota.5", "2478", "2548",
             "berhasil menempati urutan kelima dari 10 (sepuluh) pemenang dengan skor sebanyak 2548"),
            (BASE + "id/sumber/tabel-kode-wilayah", "Kepmendagri No 300.2.2-2138 Tahun 2025",
             "Kepmendagri No. 300.2.2-2430 Tahun 2025",
             "**db/wilayah.sql** sesuai dengan Kepmendagri No. 300.2.2-2430 Tahun 2025")]),
    ],
    "ikhtisar-provinsi": [  # the province of the article's city (the other 37 are counted by the skeleton tests)
        ({}, ("provinsi", "kelas", "jumlah"), [(BASE + "id/wilayah/33", IDA + k, n) for k, n in [
            ("InovasiDaerah", 8), ("Kabupaten", 29), ("Kota", 6), ("ObservasiIndikator", 3), ("PemerintahDaerah", 36),
            ("PerangkatDaerah", 6), ("Peringkat", 2)]]),
    ],
    "cari-label": [
        ({"teks": "KAMPÚNG it"}, ("simpul", "label", "teks"),
         [(BASE + "id/inovasi/33.71.kampung-it", "Kampung IT", "kampung it"),
          (BASE + "id/inovasi/33.71.kampung-it", "Kampung IT (IT village)", "kampung it")]),
        ({"teks": "soil fertility"}, ("simpul", "label"),
         [(BASE + "id/hasil-inovasi/33.71.kampung-it.alat-ukur-kesuburan-tanah", "Soil fertility meter")]),
        ({"teks": "tidak ada label seperti ini"}, ("simpul",), []),
    ],
    "lingkungan-simpul": [
        ({"simpul": "inovasi/33.71.smart-city"}, ("arah", "properti", "tetangga"), [
            ("keluar", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/prov#Entity"),
            ("keluar", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://schema.org/CreativeWork"),
            ("keluar", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", IDA + "InovasiDaerah"),
            ("keluar", IDA + "ajang", BASE + "id/ajang-inovasi/33.71.inovasi-opd-bumd"),
            ("keluar", IDA + "bentukInovasi", BASE + "kode/bentuk-inovasi/tata-kelola-pemerintahan"),
            ("keluar", IDA + "kutipanSumber", BASE + "id/kutipan/q-inovasi-opd-2017"),
            ("keluar", IDA + "kutipanSumber", BASE + "id/kutipan/q-tata-kelola"),
            ("keluar", IDA + "mendukungPenghargaan", BASE + "id/edisi-penghargaan/iga-2017"),
            ("keluar", IDA + "pengelola", BASE + "id/organisasi/33.71.bappeda"),
            ("masuk", IDA + "sasaranAnotasi", BASE + "id/penafsiran/tafsir.inovasi-iga-2017")]),
    ],
    "daerah-provinsi": [
        ({"kode": "35"}, ("kodeDaerah", "nama", "jenis", "menang"),
         [("35.07", "Kabupaten Malang", "Kabupaten", 5), ("35.10", "Kabupaten Banyuwangi", "Kabupaten", 8),
          ("35.12", "Kabupaten Situbondo", "Kabupaten", 5), ("35.15", "Kabupaten Sidoarjo", "Kabupaten", 3),
          ("35.76", "Kota Mojokerto", "Kota", 5), ("35.78", "Kota Surabaya", "Kota", 5)]),
        ({"lang": "en"}, ("kodeDaerah", "nama", "jenis", "menang", "indeksPertama", "indeksTerakhir"),
         [("33.71", "Magelang City", "City", 3, "2023", "2025")]),
    ],
    "ringkasan-daerah": [
        ({}, ("perangkatDaerah", "inovasi", "observasi"), [(6, 8, 3)]),
        ({"kode": "35.10"}, ("perangkatDaerah", "inovasi", "observasi"), [(0, 0, 0)]),
    ],
    "konsep-skema": [
        ({"skema": "kode:bentuk-inovasi"}, ("konsep", "notasi", "label"),
         [(KODE + "bentuk-inovasi/lainnya", "lainnya", "Inovasi Daerah lainnya"),
          (KODE + "bentuk-inovasi/pelayanan-publik", "pelayanan-publik", "Pelayanan Publik"),
          (KODE + "bentuk-inovasi/tata-kelola-pemerintahan", "tata-kelola-pemerintahan", "Tata Kelola Pemerintahan")]),
        ({"skema": "kode:status-hasil", "lang": "en"}, ("notasi", "label"),
         [("nominasi", "Nominee"), ("pemenang", "Winner")]),
    ],
    "jumlah-per-kelas": [
        ({}, ("kelas", "jumlah"), [(IDA + k, n) for k, n in [
            ("Daerah", 552), ("PemerintahDaerah", 552), ("HasilPenghargaan", 439), ("Kabupaten", 416), ("ArtikelSumber", 240),
            ("NilaiIndeksDaerah", 148), ("Kota", 98), ("AngkaIndeksNasional", 86), ("Kutipan", 45), ("Provinsi", 38),
            ("Penafsiran", 29), ("AnotasiMutu", 18), ("Peringkat", 10), ("EdisiPenghargaan", 9), ("InovasiDaerah", 8),
            ("PerangkatDaerah", 6), ("Jabatan", 5), ("ProdukHukum", 5), ("ObservasiIndikator", 3), ("ProdukInovasi", 3),
            ("AjangInovasi", 2), ("InstansiPusat", 2), ("KegiatanInovasi", 2), ("Periode", 2), ("AcaraPenyerahan", 1),
            ("Penghargaan", 1), ("PerubahanKelembagaan", 1), ("RancanganProdukHukum", 1), ("UnitKerja", 1), ("Visi", 1)]]),
    ],
    "statistik-kelas": [
        ({}, ("kelas", "jumlah"), [(expand(k), n) for k, n in [
            ("prov:Entity", 2159), ("org:Organization", 561), ("cv:PublicOrganisation", 560), ("org:FormalOrganization", 560),
            ("schema:GovernmentOrganization", 560), ("schema:Organization", 560), ("dct:Location", 553),
            ("schema:AdministrativeArea", 552), ("ida:Daerah", 552), ("ida:PemerintahDaerah", 552), ("schema:ListItem", 449),
            ("ida:HasilPenghargaan", 439), ("ida:Kabupaten", 416), ("void:Dataset", 301), ("schema:CreativeWork", 249),
            ("ida:ArtikelSumber", 240), ("ida:NilaiIndeksDaerah", 148), ("schema:City", 98), ("ida:Kota", 98),
            ("ida:AngkaIndeksNasional", 86), ("owl:ObjectProperty", 60), ("skos:Concept", 54), ("dqv:QualityAnnotation", 47),
            ("oa:Annotation", 47), ("oa:SpecificResource", 45), ("oa:TextQuoteSelector", 45), ("ida:Kutipan", 45),
            ("ida:Provinsi", 38), ("owl:DatatypeProperty", 34), ("owl:Class", 30), ("ida:Penafsiran", 29), ("ida:AnotasiMutu",
            18), ("skos:ConceptScheme", 16), ("prov:Activity", 13), ("prov:Agent", 11), ("schema:Event", 10),
            ("schema:PropertyValue", 10), ("ida:Peringkat", 10), ("ida:EdisiPenghargaan", 9), ("ida:InovasiDaerah", 8),
            ("eli:LegalResource", 6), ("qb:ComponentSpecification", 6), ("schema:Legislation", 6), ("ida:PerangkatDaerah", 6),
            ("org:Post", 5), ("ida:Jabatan", 5), ("ida:ProdukHukum", 5), ("dct:MediaType", 4), ("dct:MediaTypeOrExtent", 4),
            ("dcat:Distribution", 4), ("eli:ResourceType", 3), ("dct:PeriodOfTime", 3), ("qb:DimensionProperty", 3),
            ("qb:Observation", 3), ("schema:Product", 3), ("ida:ObservasiIndikator", 3), ("ida:ProdukInovasi", 3), ("eli:Agent",
            2), ("dct:Agent", 2), ("dct:LinguisticSystem", 2), ("dct:Standard", 2), ("qb:AttributeProperty", 2), ("time:Interval",
            2), ("time:TemporalEntity", 2), ("schema:EducationEvent", 2), ("schema:EventSeries", 2), ("ida:AjangInovasi", 2),
            ("ida:InstansiPusat", 2), ("ida:KegiatanInovasi", 2), ("ida:Periode", 2), ("dct:LicenseDocument", 1),
            ("dct:RightsStatement", 1), ("qb:DataSet", 1), ("qb:DataStructureDefinition", 1), ("qb:MeasureProperty", 1),
            ("owl:Ontology", 1), ("<http://www.w3.org/2006/vcard/ns#Kind>", 1), ("<http://www.w3.org/2006/vcard/ns#Organization>",
            1), ("dcat:Catalog", 1), ("dcat:DataService", 1), ("dcat:Dataset", 1), ("org:ChangeEvent", 1),
            ("org:OrganizationalUnit", 1), ("<http://xmlns.com/foaf/0.1/Agent>", 1), ("<http://xmlns.com/foaf/0.1/Document>", 1),
            ("ida:AcaraPenyerahan", 1), ("ida:Penghargaan", 1), ("ida:PerubahanKelembagaan", 1), ("ida:RancanganProdukHukum", 1),
            ("ida:UnitKerja", 1), ("ida:Visi", 1)]]),
        ({"lang": "en"}, ("kelas", "nama"), [(IDA + "Kutipan", "Quotation")]),
    ],
    "visi-daerah": [
        ({}, ("visi", "tahun_awal", "tahun_akhir", "komitmen", "ajang"), [
            ("Visi Kota Magelang 2016-2021", "2016", "2021", "Walikota Magelang", "Inovasi OPD-BUMD"),
            ("Visi Kota Magelang 2016-2021", "2016", "2021", "Walikota Magelang",
             "Penjaringan Kreativitas dan Inovasi Masyarakat (Krenova)")]),
    ],
    "organisasi-penghargaan": [
        ({}, ("peringkat",), [(rank,) for rank in range(1, 11)]),
    ],
    # the real national data (tests/test_real_data.py checks its rows against their pages)
    "pemenang": [
        ({"tahun": "2022", "kategori": "kategori-penghargaan:provinsi"}, ("peringkat", "daerah", "kode"), [
            (1, "Provinsi Jawa Timur", "35"), (2, "Provinsi Jawa Tengah", "33"), (3, "Provinsi Sumatera Selatan", "16"),
            (4, "Provinsi Jawa Barat", "32"), (5, "Provinsi Nusa Tenggara Barat", "52"), (6, "Provinsi Sumatera Barat", "13"),
            (7, "Provinsi Bali", "51")]),
    ],
    "riwayat-penghargaan": [
        ({"kode": "33.71"}, ("tahun", "namaKategori", "status", "peringkat", "skor"), [
            ("2017", "Kota", "Nominasi", None, None), ("2017", "Kota", "Pemenang", 5, D(2478)),
            ("2018", "Kota", "Nominasi", None, None), ("2018", "Kota", "Pemenang", None, None),
            ("2019", "Kota", "Nominasi", None, None), ("2019", "Kota", "Pemenang", None, None)]),
    ],
    "klasemen-daerah": [  # the first five: Kabupaten Bogor and Banyuwangi won in 8 editions, Jabar and Jatim in 7
        ({}, ("kode", "edisi_dimenangkan"), [("32.01", 8), ("35.10", 8), ("32", 7), ("35", 7), ("13", 6)]),
    ],
    "klasemen-provinsi": [  # the first three
        ({}, ("kode", "kemenangan", "menang_provinsi", "daerah_pemenang"), [("35", 52, 7, 18), ("32", 31, 7, 7),
                                                                           ("33", 29, 4, 11)]),
    ],
    "peta-provinsi": [  # the provinces with an index figure of their own government that year (all 38 are rows)
        ({"tahun": "2021"}, ("kode", "kemenangan", "menang_provinsi", "skor", "predikat", "daerah_sangat_inovatif"), [
            ("16", 14, 6, D("79.51"), None, 0), ("32", 31, 7, D("62.82"), None, 3), ("33", 29, 4, D("62.57"), None, 0),
            ("35", 52, 7, D("63.15"), None, 2), ("52", 7, 3, D("75.67"), None, 0)]),
        ({"tahun": "2025", "lang": "en"}, ("kode", "provinsi", "skor", "predikat", "daerah_sangat_inovatif"), [
            ("33", "Central Java Province", None, BASE + "kode/predikat-iid/sangat-inovatif", 6),
            ("52", "West Nusa Tenggara Province", None, BASE + "kode/predikat-iid/sangat-inovatif", 2)]),
    ],
    "iid-nasional": [
        ({"ukuran": "ukuran-iid:rata-rata-skor"}, ("tahun", "nilai"), [("2024", D("46.01")), ("2025", D("49.43"))]),
    ],
    "iid-daerah": [
        ({"kode": "33.71", "lang": "en"}, ("tahun", "skor", "predikat"), [
            ("2023", D("59.28"), "Innovative"), ("2024", D("71.87"), "Very innovative"), ("2024", None, "Very innovative"),
            ("2025", None, "Very innovative")]),
    ],
    "klaim-berbeda": [  # the seed's own and one of the third-party pages'
        ({"lang": "en"}, ("nilai_disimpan", "nilai_bertentangan", "sumber_disimpan", "sumber_bertentangan"), [
            ("36742", "36374 (collected up to August 2025)",
             "https://m.jpnn.com/news/kemendagri-mengumumkan-43-daerah-terinovatif-penerima-penghargaan-iga-2025",
             "https://nusaterkini.com/validasi-inovasi-daerah-2025-bskdn-nilai-balangan-penuhi-kriteria-daerah-dengan-"
             "ekosistem-inovasi-kuat"),
            ("2478", "2548", ARTICLE, ARTICLE)]),
    ],
    "label-tanpa-inggris": [({}, ("simpul", "label"), [])],
    "rujukan-menggantung": [({}, ("s", "p", "o"), [])],
}


def _cases() -> list[tuple[str, dict[str, str], tuple[str, ...], list[tuple[Any, ...]]]]:
    return [(name, params, columns, rows) for name, cases in EXPECTED.items() for params, columns, rows in cases]


@pytest.mark.parametrize("name,params,columns,rows", _cases(),
                         ids=[f"{c[0]}:{','.join(f'{k}={v}' for k, v in c[1].items())}" for c in _cases()])
def test_named_query_gives_the_exact_answer(kg: KnowledgeGraph, name: str, params: dict[str, str],
                                            columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    result = kg.query(name, **params)
    if name == "statistik-kelas" and "nama" in columns:  # one row checked for the label language
        assert [r for r in cols(result, *columns) if r[0] == IDA + "Kutipan"] == rows
        return
    if name in ("klasemen-daerah", "klasemen-provinsi"):  # a leaderboard: its head
        assert cols(result, *columns)[: len(rows)] == rows
        return
    if name == "klaim-berbeda":  # two of the disagreements, by their targets
        got = dict(zip(cols(result, "sasaran"), cols(result, *columns), strict=True))
        assert [got[(BASE + "id/angka-iid/iid-2025.inovasi.semua",)], got[(BASE + "id/peringkat/iga-2017.kota.5",)]] == rows
        return
    if name == "daerah-provinsi":  # the regions with wins (Jawa Timur), or the article's city
        got = [r for r in cols(result, *columns) if r[0] in {row[0] for row in rows}]
        assert got == rows and len(result.rows) == (38 if params.get("kode") == "35" else 35)
        return
    if name == "peta-provinsi":
        assert [r for r in cols(result, *columns) if r[columns.index("skor")] is not None
                or r[columns.index("predikat")] is not None] == rows
        assert len(result.rows) == 38 and len({r[0] for r in cols(result, "kode")}) == 38  # one row per province
        return
    if name == "ikhtisar-provinsi":
        assert [r for r in cols(result, *columns) if r[0] == BASE + "id/wilayah/33"] == rows
        assert len({r[0] for r in cols(result, *columns)}) == 38  # every province
        return
    assert cols(result, *columns) == rows


def test_every_named_query_has_an_expected_answer() -> None:
    assert sorted(EXPECTED) == sorted(catalogue())
    assert len(catalogue()) >= 15


def test_the_table_leaves_out_parameter_columns(kg: KnowledgeGraph) -> None:
    result = kg.query("peringkat-penghargaan")
    assert result.hidden == ("edisi", "lang")
    assert result.table(width=200).splitlines()[0].split(" | ")[0].strip() == "peringkat"
    assert "edisi" not in result.table(width=200).splitlines()[0]
    assert "edisi" in result.variables  # the results formats keep every column


def test_no_named_query_needs_an_engine_specific_function() -> None:
    for q in catalogue().values():
        assert "urn:inovasi-kg:fn:" not in q.text, q.name


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
    assert out.output.startswith(f"<{BASE}id/organisasi/33.71.balitbang>\n  label@id: Badan Litbang\n")
    assert "  label@id: Balitbang\n" in out.output
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
    if not text.strip():  # an empty value is no value: a needed parameter is missing
        with pytest.raises(QueryError, match=r"^query 'cari-label' needs parameter 'teks'"):
            kg.query("cari-label", teks=text)
        return
    result = kg.query("cari-label", teks=text)
    assert result.variables == ["simpul", "label", "kelas", "teks"]
    assert all(row["teks"] == fold(text) for row in result.values())
    try:
        iri_result = kg.query("provenans", simpul=text)
    except QueryError as err:
        assert "is not a valid IRI" in str(err) or "unknown prefix" in str(err), str(err)
    else:
        assert iri_result.variables == ["kutipan", "teks", "sumber", "url", "simpul"]


def test_python_api_example(settings: Settings) -> None:
    from inovasi_kg import open_graph

    with open_graph(settings) as kg:
        result = kg.query("peringkat-penghargaan")
    assert result.values()[4]["skor"] == Decimal("2478")
    raw = io.BytesIO(result.serialize("json"))
    assert json.load(raw)["head"]["vars"][0] == "peringkat"
