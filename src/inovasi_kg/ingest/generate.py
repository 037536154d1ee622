"""Synthetic national data over the real skeleton, in exactly the authoring format of data/.

For load tests and demonstrations at the scale of Kemendagri's innovation index (about 550 regional
governments, tens of thousands of innovations a year). The real tables (the article and the national
skeleton) are copied as they are; synthetic rows are appended: 10-40 agencies per government,
innovations with form, stage, agency, year and initiator, an award edition per year with a top ten
per category (city, regency, province), yearly indicator observations for every region, and a quote
for each innovation. Every synthetic row cites the source `sintetis` (ida:sintetis true) and says
"(sintetis)" in its labels, so it can never be mistaken for real data. The same seed gives the same
bytes.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inovasi_kg.core import resources
from inovasi_kg.core.errors import UsageError

__all__ = ["SOURCE", "GenerateReport", "generate"]

SOURCE = "sintetis"

# (name, kind, English): the agencies a government may have, in the order they are taken
AGENCIES = [
    ("Dinas Pendidikan", "dinas", "Education Service"), ("Dinas Kesehatan", "dinas", "Health Service"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "dinas", "Public Works and Spatial Planning Service"),
    ("Dinas Perumahan dan Kawasan Permukiman", "dinas", "Housing and Settlement Service"),
    ("Dinas Sosial", "dinas", "Social Service"), ("Dinas Tenaga Kerja", "dinas", "Manpower Service"),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "dinas", "Women's Empowerment and Child Protection Service"),
    ("Dinas Ketahanan Pangan", "dinas", "Food Security Service"), ("Dinas Lingkungan Hidup", "dinas", "Environment Service"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "dinas", "Population and Civil Registration Service"),
    ("Dinas Pemberdayaan Masyarakat dan Desa", "dinas", "Community and Village Empowerment Service"),
    ("Dinas Pengendalian Penduduk dan Keluarga Berencana", "dinas", "Population Control and Family Planning Service"),
    ("Dinas Perhubungan", "dinas", "Transport Service"), ("Dinas Komunikasi dan Informatika", "dinas",
                                                         "Communication and Informatics Service"),
    ("Dinas Koperasi dan Usaha Mikro", "dinas", "Cooperatives and Micro Enterprises Service"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "dinas", "Investment and One-Stop Service"),
    ("Dinas Kepemudaan dan Olahraga", "dinas", "Youth and Sports Service"), ("Dinas Pariwisata", "dinas", "Tourism Service"),
    ("Dinas Kebudayaan", "dinas", "Culture Service"), ("Dinas Perpustakaan dan Kearsipan", "dinas",
                                                       "Library and Archives Service"),
    ("Dinas Perikanan", "dinas", "Fisheries Service"), ("Dinas Pertanian", "dinas", "Agriculture Service"),
    ("Dinas Perdagangan", "dinas", "Trade Service"), ("Dinas Perindustrian", "dinas", "Industry Service"),
    ("Dinas Pemadam Kebakaran", "dinas", "Fire Service"), ("Dinas Kesatuan Bangsa dan Politik", "dinas",
                                                           "National Unity and Politics Service"),
    ("Badan Perencanaan Pembangunan Daerah", "badan", "Regional Development Planning Agency"),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "badan", "Regional Finance and Asset Management Agency"),
    ("Badan Pendapatan Daerah", "badan", "Regional Revenue Agency"),
    ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "badan", "Civil Service and Human Resources Agency"),
    ("Badan Penelitian dan Pengembangan", "badan", "Research and Development Agency"),
    ("Badan Penanggulangan Bencana Daerah", "badan", "Regional Disaster Management Agency"),
    ("Badan Kesatuan Bangsa", "badan", "National Unity Agency"), ("Inspektorat", "badan", "Inspectorate"),
    ("Satuan Polisi Pamong Praja", "badan", "Civil Service Police Unit"),
    ("Kantor Pelayanan Pajak Daerah", "kantor", "Regional Tax Office"),
    ("Kantor Arsip Daerah", "kantor", "Regional Archives Office"), ("Kantor Statistik Daerah", "kantor",
                                                                    "Regional Statistics Office"),
    ("Kantor Pertanahan Daerah", "kantor", "Regional Land Office"), ("Kantor Layanan Digital", "kantor",
                                                                     "Digital Services Office"),
]
FORMS = ("tata-kelola-pemerintahan", "pelayanan-publik", "lainnya")
STAGES = ("inisiatif", "uji-coba", "penerapan")
INITIATORS = ("kepala-daerah", "anggota-dprd", "asn", "perangkat-daerah", "masyarakat")
THEMES = ["Layanan", "Sistem", "Aplikasi", "Gerakan", "Kampung", "Klinik", "Pojok", "Sekolah", "Pasar", "Rumah"]
TOPICS = ["Digital", "Sehat", "Cerdas", "Hijau", "Mandiri", "Terpadu", "Bersih", "Tangguh", "Kreatif", "Sejahtera"]
INDICATORS = (("pertumbuhan-ekonomi", "persen", "Pertumbuhan ekonomi", "Economic growth", 2.0, 8.0, 2),
              ("ipm", "indeks", "IPM", "Human development index", 60.0, 82.0, 2),
              ("penurunan-kemiskinan", "persen-per-tahun", "Penurunan kemiskinan", "Poverty decline", 0.0, 1.5, 2))
CATEGORIES = {"kota": ("kota", "Kota", "city"), "kabupaten": ("kabupaten", "Kabupaten", "regency"),
              "provinsi": ("provinsi", "Provinsi", "province")}


@dataclass
class GenerateReport:
    """What `generate` wrote: rows per table and the output folder."""

    folder: Path
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class _Tables:
    """Append-only writers for every table of the output folder, seeded with the real tables."""

    def __init__(self, source: Path, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, tuple[Path, list[str]]] = {}
        self.rows: dict[str, int] = {}
        self.real: dict[str, list[dict[str, str]]] = {}
        for path in sorted(source.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                columns = list(reader.fieldnames or [])
                self.real[path.stem] = list(reader)
            self.files[path.stem] = (folder / path.name, columns)
        self.handles = {}
        for name, (path, columns) in self.files.items():
            handle = path.open("w", encoding="utf-8", newline="")
            writer = csv.DictWriter(handle, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(self.real[name])
            self.handles[name] = (handle, writer)
            self.rows[name] = 0

    def add(self, table: str, **cells: object) -> None:
        writer = self.handles[table][1]
        writer.writerow({k: "" if v is None else str(v) for k, v in cells.items()})
        self.rows[table] += 1

    def close(self) -> None:
        for handle, _ in self.handles.values():
            handle.close()


def generate(folder: Path, *, innovations_per_year: int = 30_000, years: int = 5, seed: int = 0,
             first_year: int = 2020, source: Path | None = None, provinces: list[str] | None = None,
             progress: Callable[[int, int], None] | None = None) -> GenerateReport:
    """Write the real tables plus synthetic rows into `folder` (new or empty; UsageError otherwise).

    `provinces` (codes such as "33") limits the synthetic rows to the governments of those provinces."""
    if innovations_per_year < 0 or years < 1 or not 1 <= first_year <= 9999 - years:
        raise UsageError("--innovations-per-year must be 0 or more, --years 1 or more, years within 0001-9999")
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} is not an empty folder; generate writes only into a new or empty folder")
    source = Path(source) if source else resources.data_dir()
    with (source / "wilayah.csv").open(encoding="utf-8", newline="") as f:
        known = {r["id"] for r in csv.DictReader(f) if r["kelas"] == "provinsi"}
    unknown = sorted(set(provinces or []) - known)
    if unknown:
        raise UsageError(f"unknown province code(s): {', '.join(unknown)} (e.g. 33 for Jawa Tengah)")
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    tables = _Tables(source, folder)
    try:
        try:
            _fill(tables, random.Random(seed), innovations_per_year, years, seed, first_year, progress, provinces)
        finally:
            tables.close()
    except BaseException:
        for path, _ in tables.files.values():  # only what this run wrote; the folder too if it made it
            path.unlink(missing_ok=True)
        if created:
            folder.rmdir()
        raise
    return GenerateReport(folder, dict(tables.rows))


def _fill(t: _Tables, rnd: random.Random, per_year: int, years: int, seed: int, first_year: int,
          progress: Callable[[int, int], None] | None, provinces: list[str] | None) -> None:
    regions = {r["id"]: r for r in t.real["wilayah"]}
    wanted = set(provinces or [])

    def province_of(region: dict[str, str]) -> str:
        return region["id"] if region["kelas"] == "provinsi" else region["bagian_dari"]

    governments = sorted((r for r in t.real["organisasi"] if r["kelas"] == "pemda"
                          and (not wanted or province_of(regions[r["wilayah"]]) in wanted)), key=lambda r: r["wilayah"])
    t.add("sumber", id=SOURCE, label_id=f"Data sintetis inovasi-kg (benih {seed}), bukan data nyata",
          label_en=f"inovasi-kg synthetic data (seed {seed}), not real data", sintetis="ya")
    agencies: dict[str, list[str]] = {}
    for gov in governments:
        region = regions[gov["wilayah"]]
        ids = []
        for i, (name, kind, english) in enumerate(AGENCIES[:rnd.randint(10, 40)], 1):
            agency = f"{region['id']}.sint-opd-{i:02d}"
            ids.append(agency)
            t.add("organisasi", id=agency, kelas="perangkat-daerah", label_id=f"{name} {region['label_id']} (sintetis)",
                  label_en=f"{region['label_en']} {english} (synthetic)", induk=gov["id"], wilayah=region["id"],
                  jenis=kind, sumber=SOURCE)
        agencies[gov["id"]] = ids
    existing_periods = {r["id"] for r in t.real["periode"]}
    total, done = per_year * years, 0
    for year in range(first_year, first_year + years):
        period = str(year)
        if period not in existing_periods:
            t.add("periode", id=period, label_id=period, label_en=period, tahun_awal=year, tahun_akhir=year,
                  sumber=SOURCE)
        for n in range(1, per_year + 1):
            gov = governments[rnd.randrange(len(governments))]
            region = regions[gov["wilayah"]]
            agency = rnd.choice(agencies[gov["id"]])
            ident = f"sint.{year}.{n:06d}"
            name = f"{rnd.choice(THEMES)} {rnd.choice(TOPICS)} {n}"
            form, stage, initiator = rnd.choice(FORMS), rnd.choice(STAGES), rnd.choice(INITIATORS)
            quote = f"q-{ident}"
            t.add("kutipan", id=quote, sumber_dokumen=SOURCE,
                  teks=f"(sintetis) {name}, inovasi {form} oleh {agency} ({region['label_id']}), "
                       f"tahap {stage}, inisiator {initiator}, tahun {year}.")
            t.add("inovasi", id=ident, label_id=f"{name} {region['label_id']} (sintetis)",
                  label_en=f"{name} {region['label_en']} (synthetic)", bentuk=form, pengelola=agency,
                  inisiator=initiator, tahun=year, tahapan=stage, sumber=f"{quote};{SOURCE}")
            done += 1
            if progress is not None and done % 5000 == 0:
                progress(done, total)
        _awards(t, rnd, year, governments, regions)
    for region in t.real["wilayah"]:
        if not wanted or province_of(region) in wanted:
            _indicators(t, rnd, region, first_year, years)
    if progress is not None:
        progress(total, total)


def _awards(t: _Tables, rnd: random.Random, year: int, governments: list[dict[str, str]],
            regions: dict[str, dict[str, str]]) -> None:
    edition = f"iga-{year}-sintetis"
    t.add("edisi_penghargaan", id=edition, label_id=f"Penghargaan Pemerintah Daerah Inovatif {year} (sintetis)",
          label_en=f"Innovative Government Award {year} (synthetic)", penghargaan="iga", tahun=year,
          penyelenggara="kemendagri", sumber=SOURCE)
    for level, (category, name_id, name_en) in CATEGORIES.items():
        pool = [g for g in governments if regions[g["wilayah"]]["kelas"] == level]
        winners = rnd.sample(pool, min(10, len(pool)))
        scores = sorted(rnd.sample(range(2000, 3000), len(winners)), reverse=True)
        for rank, (gov, score) in enumerate(zip(winners, scores, strict=True), 1):
            region = regions[gov["wilayah"]]
            t.add("peringkat", id=f"{edition}.{category}.{rank}",
                  label_id=f"IGA {year} kategori {name_id.lower()} peringkat {rank}: {region['label_id']} (sintetis)",
                  label_en=f"IGA {year} {name_en} category rank {rank}: {region['label_en']} (synthetic)",
                  edisi=edition, kategori=category, nomor_peringkat=rank, penerima=gov["id"], skor=score,
                  sumber=SOURCE)


def _indicators(t: _Tables, rnd: random.Random, region: dict[str, str], first_year: int, years: int) -> None:
    dataset = f"{region['id']}.sint-indikator"
    t.add("statistik", id=dataset, label_id=f"Indikator ekonomi {region['label_id']} (sintetis)",
          label_en=f"{region['label_en']} economic indicators (synthetic)", wilayah=region["id"], sumber=SOURCE)
    for year in range(first_year, first_year + years):
        for code, unit, name_id, name_en, low, high, digits in INDICATORS:
            value = round(rnd.uniform(low, high), digits)
            t.add("observasi", id=f"{region['id']}.sint.{code}.{year}",
                  label_id=f"{name_id} {region['label_id']} {year} (sintetis)",
                  label_en=f"{name_en}, {region['label_en']} {year} (synthetic)", dataset=dataset, indikator=code,
                  daerah_acuan=region["id"], periode_acuan=str(year), nilai=f"{value:.{digits}f}", satuan=unit,
                  sumber=SOURCE)

