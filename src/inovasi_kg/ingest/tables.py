"""The authoring format: one CSV table per kind of thing, declared once here.

Each `Table` names its file (`data/<name>.csv`), the IRI segment of its rows
(`{base}id/<segment>/<id>`), the classes of every row, and its columns. A `Column` says how a
cell is checked (load stage) and which triple it becomes (build stage), so the two never drift.

Cell conventions: UTF-8; empty cell = no value; several values separated by ';';
references name the `id` of a row in another table; concepts name a notation of a code list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib.term import URIRef

from inovasi_kg.core.iris import draft_act_iri, legal_act_iri, selector_iri
from inovasi_kg.rdf.namespaces import DCTERMS, DQV, IDA, OA, QB, RDF, SCHEMA, SKOS, XSD

# The extra triples of a row beyond its columns: (row, its IRI, the IRIs of all rows by id) -> triples.

@dataclass
class Row:
    """One checked row: its table, physical line, id and parsed cells (lists of values)."""

    table: Table
    line: int
    id: str
    cells: dict[str, list[Any]]
    # values worked out across rows at load (e.g. the properties a `kolom` cell names), by column
    resolved: dict[str, list[Any]] = field(default_factory=dict)

    def first(self, column: str) -> Any:
        values = self.cells.get(column) or []
        return values[0] if values else None

Extra = Callable[[Row, ox.NamedNode, Mapping[str, ox.NamedNode]], Iterator[ox.Quad]]

__all__ = ["TABLES", "Column", "Table", "table"]

SOURCE_TABLES = ("kutipan", "sumber")
ORG_TABLES = ("organisasi",)


@dataclass(frozen=True)
class Column:
    """One CSV column: its kind, whether it is required or repeated, and the triple it makes.

    kinds: id, text (language-tagged; `lang`), alt (altLabel @id), str, int, decimal, date, year,
    iri, bool (ya/tidak), concept (`target` = scheme), ref (`target` = tables), class (`choices`), property.
    """

    name: str
    kind: str
    predicate: URIRef | None = None
    target: tuple[str, ...] = ()
    lang: str | None = None
    required: bool = False
    many: bool = False
    inverse: bool = False
    choices: dict[str, tuple[URIRef, ...]] = field(default_factory=dict)
    datatype: URIRef | None = None  # for int cells: the literal's datatype when not xsd:integer


@dataclass(frozen=True)
class Table:
    """One authoring table."""

    name: str
    segment: str
    classes: tuple[URIRef, ...]
    columns: tuple[Column, ...]
    constants: tuple[tuple[URIRef, URIRef], ...] = ()
    # (earlier, later): the first column's value may not be after the second's (a period's start and end)
    order: tuple[tuple[str, str], ...] = ()
    # (a, b): no value may appear in both columns (a change from an organisation to itself)
    disjoint: tuple[tuple[str, str], ...] = ()
    # (a, b): each value of column a names a column of the table of every row that column b refers to
    names_column_of: tuple[str, str] | None = None
    # the IRI of a row when it is not {base}id/{segment}/{id}: (row, base) -> IRI
    iri: Callable[[Row, str], str] | None = None
    extra: Extra | None = None
    # (printed, ref): a region name as the source prints it, resolved at load to the government it names
    # in the ref column (filled in when empty, checked when given)
    printed: tuple[str, str] | None = None
    # labels worked out at load from the row and the rows it names: (row, rows by id) -> (label@id, label@en)
    label: Callable[[Row, Mapping[str, Row]], tuple[str, str]] | None = None

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _base(*, source: bool = True, source_required: bool = True) -> tuple[Column, ...]:
    cols = [
        Column("id", "id", required=True),
        Column("label_id", "text", SKOS.prefLabel, lang="id", required=True),
        Column("label_en", "text", SKOS.prefLabel, lang="en"),
    ]
    if source:
        cols.append(Column("sumber", "ref", IDA.kutipanSumber, SOURCE_TABLES, required=source_required, many=True))
        # the source's own spelling of the name where the label corrects or completes it: findable, not shown
        cols.append(Column("ejaan_sumber", "alt", SKOS.hiddenLabel, lang="id", many=True))
    return tuple(cols)


def _ref(name: str, predicate: URIRef, *tables: str, required: bool = False, many: bool = False,
         inverse: bool = False) -> Column:
    return Column(name, "ref", predicate, tables, required=required, many=many, inverse=inverse)


def _concept(name: str, predicate: URIRef, scheme: str, required: bool = False) -> Column:
    return Column(name, "concept", predicate, (scheme,), required=required)


def _text(name: str, predicate: URIRef, lang: str) -> Column:
    return Column(name, "text", predicate, lang=lang)


_ALT = Column("singkatan", "alt", SKOS.altLabel, lang="id", many=True)
_N = ox.NamedNode


def _t(s: ox.NamedNode, p: URIRef, o: ox.NamedNode | ox.Literal) -> ox.Quad:
    return ox.Quad(s, _N(str(p)), o)  # in the default graph


def _legal_act(row: Row, base: str) -> str:
    """Enacted acts ELI-style by type/year/number; drafts by their id."""
    jenis = row.first("jenis")
    if row.first("kelas") == "berlaku" and row.first("nomor") and row.first("tahun"):
        return legal_act_iri(base, jenis, row.first("tahun"), row.first("nomor"))
    return draft_act_iri(base, jenis, row.id)


def _quote(row: Row, subject: ox.NamedNode, iris: Mapping[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    text = str(row.first("teks"))
    selector = _N(selector_iri(subject.value))
    yield _t(subject, OA.hasSelector, selector)
    yield _t(selector, RDF.type, _N(str(OA.TextQuoteSelector)))
    yield _t(selector, OA.exact, ox.Literal(text))
    yield _t(subject, SKOS.prefLabel, ox.Literal(text, language="id"))


def _region(row: Row, subject: ox.NamedNode, iris: Mapping[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    yield _t(subject, IDA.kodeWilayah, ox.Literal(row.id))  # the id of a region row is its Kemendagri code


def _ranking(row: Row, subject: ox.NamedNode, iris: Mapping[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    # Shortcut like Wikidata's truthy wdt:P166: recipient -> award edition.
    yield _t(iris[row.first("penerima")], IDA.menerimaPenghargaan, iris[row.first("edisi")])


def _interpretation(row: Row, subject: ox.NamedNode, iris: Mapping[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    for target in row.cells.get("sasaran", []):
        yield _t(iris[target], DQV.hasQualityAnnotation, subject)
    for predicate in row.resolved.get("kolom", []):  # the properties the column names mean (resolved at load)
        yield _t(subject, IDA.propertiTerdampak, _N(predicate))


def _annotation(row: Row, subject: ox.NamedNode, iris: Mapping[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    yield _t(iris[row.first("sasaran")], DQV.hasQualityAnnotation, subject)


def _labels(row: Row, subject: ox.NamedNode, iris: Mapping[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    label_id, label_en = row.resolved["label"]
    yield _t(subject, SKOS.prefLabel, ox.Literal(label_id, language="id"))
    yield _t(subject, SKOS.prefLabel, ox.Literal(label_en, language="en"))


def _printed(row: Row, subject: ox.NamedNode, iris: Mapping[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    yield from _labels(row, subject, iris)
    for spelling in row.resolved.get("hidden", []):  # the printed name, findable on the government it names
        yield _t(iris[row.first("penerima")], SKOS.hiddenLabel, ox.Literal(spelling, language="id"))


_CATEGORY = {"provinsi": ("provinsi", "province"), "kabupaten": ("kabupaten", "regency"), "kota": ("kota", "city"),
             "perbatasan": ("daerah perbatasan", "border region"), "tertinggal": ("daerah tertinggal", "underdeveloped region"),
             "papua": ("klaster Papua", "Papua cluster"),
             "tertinggal-perbatasan": ("daerah tertinggal dan perbatasan", "underdeveloped and border region")}
_STATUS = {"pemenang": ("pemenang", "winner"), "nominasi": ("nominasi", "nominee")}
_MEASURE = {"peserta": ("pemda peserta", "participating governments"),
            "partisipasi-persen": ("partisipasi (persen)", "participation (percent)"),
            "inovasi": ("inovasi dilaporkan", "innovations reported"),
            "sangat-inovatif": ("pemda sangat inovatif", "governments rated very innovative"),
            "inovatif": ("pemda inovatif", "governments rated innovative"),
            "kurang-inovatif": ("pemda kurang inovatif", "governments rated less innovative"),
            "tidak-dapat-dinilai": ("pemda tidak dapat dinilai", "governments not rated"),
            "rata-rata-skor": ("rata-rata skor", "mean score")}
_SCOPE = {"semua": ("semua pemda", "all governments"), "provinsi": ("provinsi", "provinces"),
          "kabupaten": ("kabupaten", "regencies"), "kota": ("kota", "cities")}


def _names(row: Row, rows: Mapping[str, Row]) -> tuple[str, str]:
    """The recipient's names: its region's labels (Kabupaten Pati / Pati Regency)."""
    org = rows.get(row.first("penerima") or "")
    region = rows.get(org.first("wilayah") or "") if org is not None else None
    if region is None:
        return str(row.first("nama_tercetak")), str(row.first("nama_tercetak"))
    english = region.first("label_en") or region.first("label_id")
    return " ".join(str(region.first("label_id")).split()), " ".join(str(english).split())


def _result_label(row: Row, rows: Mapping[str, Row]) -> tuple[str, str]:
    edition = rows[row.first("edisi")]
    year = edition.first("tahun")
    cat_id, cat_en = _CATEGORY.get(row.first("kategori"), (row.first("kategori"), row.first("kategori")))
    st_id, st_en = _STATUS[row.first("status")]
    rank = row.first("nomor_peringkat")
    name_id, name_en = _names(row, rows)
    where_id = f"peringkat {rank}" if rank is not None else st_id
    where_en = f"rank {rank}" if rank is not None else st_en
    return (f"IGA {year} kategori {cat_id} {where_id}: {name_id}", f"IGA {year} {cat_en} category {where_en}: {name_en}")


def _figure_label(row: Row, rows: Mapping[str, Row]) -> tuple[str, str]:
    m_id, m_en = _MEASURE[row.first("ukuran")]
    s_id, s_en = _SCOPE[row.first("lingkup")]
    year = row.first("tahun")
    return f"IID {year}: {m_id}, {s_id}", f"Innovation index {year}: {m_en}, {s_en}"


def _score_label(row: Row, rows: Mapping[str, Row]) -> tuple[str, str]:
    name_id, name_en = _names(row, rows)
    year = row.first("tahun")
    return f"IID {year}: {name_id}", f"Innovation index {year}: {name_en}"


TABLES: tuple[Table, ...] = (
    Table("sumber", "sumber", (IDA.ArtikelSumber,), (
        *_base(source_required=False),
        _ref("penerbit", IDA.penerbit, *ORG_TABLES),
        Column("tahun", "year", IDA.tahun),
        Column("url", "iri", SCHEMA.url),
        Column("sesuai_dengan", "str", IDA.sesuaiDengan),  # the decree a reference table says it follows
        Column("sintetis", "bool", IDA.sintetis),  # "ya" for generated data, never real
        Column("nama_penerbit", "str", IDA.namaPenerbit),  # a publisher the graph has no organisation for
        Column("tanggal_terbit", "date", IDA.tanggalTerbit),
        Column("tanggal_dibaca", "date", IDA.tanggalDibaca),
        Column("lisensi", "iri", DCTERMS.license),  # the licence a reused work (e.g. the map's boundaries) is under
    )),
    Table("kutipan", "kutipan", (IDA.Kutipan,), (
        Column("id", "id", required=True),
        _ref("sumber_dokumen", IDA.sumberDokumen, "sumber", required=True),
        Column("teks", "str", required=True),
    ), extra=_quote),
    Table("wilayah", "wilayah", (), (
        *_base(),
        Column("kelas", "class", required=True, choices={
            "provinsi": (IDA.Provinsi,), "kabupaten": (IDA.Kabupaten,), "kota": (IDA.Kota,),
        }),
        _ref("bagian_dari", IDA.bagianDari, "wilayah"),
    ), extra=_region),
    Table("organisasi", "organisasi", (), (
        *_base(),
        Column("kelas", "class", required=True, choices={
            "pemda": (IDA.PemerintahDaerah,),
            "perangkat-daerah": (IDA.PerangkatDaerah,),
            "instansi-pusat": (IDA.InstansiPusat,),
        }),
        _ALT,
        _ref("induk", IDA.indukOrganisasi, "organisasi"),
        _ref("wilayah", IDA.wilayah, "wilayah"),
        _concept("jenis", IDA.jenisPerangkatDaerah, "jenis-perangkat-daerah"),
        Column("tanggal_berdiri", "date", IDA.tanggalBerdiri),
        Column("tahun_berdiri", "year", IDA.tahunBerdiri),
        Column("tanggal_berakhir", "date", IDA.tanggalBerakhir),
        _text("peran_id", IDA.peran, "id"),
        _text("peran_en", IDA.peran, "en"),
        _text("keterangan_id", IDA.keterangan, "id"),
        _text("keterangan_en", IDA.keterangan, "en"),
    ), order=(("tanggal_berdiri", "tanggal_berakhir"),)),
    Table("unit_kerja", "unit-kerja", (IDA.UnitKerja,), (
        *_base(), _ALT, _ref("unit_dari", IDA.unitDari, "organisasi", required=True),
    )),
    Table("jabatan", "jabatan", (IDA.Jabatan,), (
        *_base(), _ref("jabatan_di", IDA.jabatanDi, "organisasi", "unit_kerja", required=True),
    )),
    Table("perubahan", "perubahan-kelembagaan", (IDA.PerubahanKelembagaan,), (
        *_base(),
        _ref("asal", IDA.organisasiAsal, "organisasi", required=True, many=True),
        _ref("hasil", IDA.organisasiHasil, "organisasi", required=True, many=True),
        Column("tanggal", "date", IDA.tanggalPerubahan, required=True),
        _ref("wujud_komitmen", IDA.wujudKomitmen, "visi"),
    ), disjoint=(("asal", "hasil"),)),
    Table("produk_hukum", "produk-hukum", (), (
        *_base(),
        Column("kelas", "class", required=True, choices={
            "berlaku": (IDA.ProdukHukum,), "rancangan": (IDA.RancanganProdukHukum,),
        }),
        _concept("jenis", IDA.jenisProdukHukum, "jenis-produk-hukum", required=True),
        Column("nomor", "str", IDA.nomor),
        Column("tahun", "year", IDA.tahun),
        Column("tahun_penyusunan", "year", IDA.tahunPenyusunan),
        _ALT,
        _text("judul_id", IDA.judul, "id"),
        _ref("ditetapkan_oleh", IDA.ditetapkanOleh, *ORG_TABLES, "jabatan"),  # a body, or a post (the Minister)
        _ref("disusun_oleh", IDA.disusunOleh, *ORG_TABLES),
        _ref("berdasarkan", IDA.berdasarkan, "produk_hukum", many=True),
        _ref("tentang", IDA.tentang, "edisi_penghargaan", many=True),
        _ref("wilayah", IDA.wilayah, "wilayah"),
        Column("letak", "str", IDA.letakDalamSumber),
    ), iri=_legal_act),
    Table("periode", "periode", (IDA.Periode,), (
        *_base(),
        Column("tahun_awal", "year", IDA.tahunAwal, required=True),
        Column("tahun_akhir", "year", IDA.tahunAkhir, required=True),
    ), order=(("tahun_awal", "tahun_akhir"),)),
    Table("visi", "visi", (IDA.Visi,), (
        *_base(),
        _ref("wilayah", IDA.wilayah, "wilayah", required=True),
        _ref("periode", IDA.periode, "periode", required=True),
        _ref("pemilik_komitmen", IDA.pemilikKomitmen, "jabatan"),
        _ref("keikutsertaan_sejalan", IDA.keikutsertaanSejalan, "edisi_penghargaan", many=True),
        _text("keterangan_id", IDA.keterangan, "id"),
        _text("keterangan_en", IDA.keterangan, "en"),
    )),
    Table("ajang", "ajang-inovasi", (IDA.AjangInovasi,), (
        *_base(), _ALT,
        Column("juga_inovasi", "class", choices={"ya": (IDA.InovasiDaerah,), "tidak": ()}),
        _concept("bentuk", IDA.bentukInovasi, "bentuk-inovasi"),
        _concept("tingkat", IDA.tingkatSasaran, "tingkat-sasaran"),
        _ref("pengelola", IDA.pengelola, *ORG_TABLES),
        _ref("penyelenggara", IDA.penyelenggara, *ORG_TABLES),
        _ref("diprakarsai_oleh", IDA.diprakarsaiOleh, "jabatan"),
        _ref("sejalan_dengan", IDA.sejalanDengan, "produk_hukum", many=True),
        _ref("visi", IDA.visi, "visi"),
        _ref("mendukung", IDA.mendukungPenghargaan, "edisi_penghargaan", many=True),
        Column("tahun_mulai", "year", IDA.tahunMulai),
        Column("jumlah_karya", "int", IDA.jumlahKarya),
        Column("jumlah_hingga_tahun", "year", IDA.jumlahHinggaTahun),
    ), order=(("tahun_mulai", "jumlah_hingga_tahun"),)),
    Table("inovasi", "inovasi", (IDA.InovasiDaerah,), (
        *_base(),
        _concept("bentuk", IDA.bentukInovasi, "bentuk-inovasi", required=True),
        _ref("pengelola", IDA.pengelola, *ORG_TABLES, required=True, many=True),
        _ref("ajang", IDA.ajang, "ajang"),
        _ref("diinisiasi_melalui", IDA.diinisiasiMelalui, "ajang"),
        _concept("inisiator", IDA.inisiator, "inisiator"),
        _ref("pendamping", IDA.pendamping, *ORG_TABLES, many=True),
        _ref("mendukung", IDA.mendukungPenghargaan, "edisi_penghargaan", many=True),
        _text("keterangan_id", IDA.keterangan, "id"),
        _text("keterangan_en", IDA.keterangan, "en"),
        Column("tahun", "year", IDA.tahun),  # the year the innovation was reported
        _concept("tahapan", IDA.tahapanInovasi, "tahapan-inovasi"),
    )),
    Table("hasil_inovasi", "hasil-inovasi", (), (
        *_base(),
        Column("kelas", "class", required=True, choices={
            "produk": (IDA.ProdukInovasi,), "kegiatan": (IDA.KegiatanInovasi,),
        }),
        _ref("dihasilkan_oleh", IDA.menghasilkan, "inovasi", "ajang", required=True, inverse=True),
    )),
    Table("penghargaan", "penghargaan", (IDA.Penghargaan,), (
        *_base(), _ALT, _ref("pemberi", IDA.pemberi, *ORG_TABLES, required=True),
    )),
    Table("edisi_penghargaan", "edisi-penghargaan", (IDA.EdisiPenghargaan,), (
        *_base(),
        _ref("penghargaan", IDA.penghargaan, "penghargaan", required=True),
        Column("tahun", "year", IDA.tahun, required=True),
        _ref("penyelenggara", IDA.penyelenggara, *ORG_TABLES),
        _ref("peserta", IDA.peserta, *ORG_TABLES, many=True),
        Column("jumlah_pemenang", "int", IDA.jumlahPemenang),
        Column("tanggal", "date", IDA.tanggalPenganugerahan),
        Column("tempat", "str", IDA.tempat),
        Column("kategori", "concept", IDA.kategoriPenghargaan, ("kategori-penghargaan",), many=True),
        _text("cakupan_id", IDA.catatanCakupan, "id"),
        _text("cakupan_en", IDA.catatanCakupan, "en"),
        Column("letak", "str", IDA.letakDalamSumber),
    )),
    Table("acara", "acara", (IDA.AcaraPenyerahan,), (
        *_base(),
        _ref("edisi", IDA.edisi, "edisi_penghargaan", required=True),
        _ref("dihadiri_oleh", IDA.dihadiriOleh, *ORG_TABLES, many=True),
        _ref("atas_nama", IDA.atasNama, *ORG_TABLES),
        _ref("diterima_oleh_jabatan", IDA.diterimaOlehJabatan, "jabatan", many=True),
        _ref("didampingi_oleh_jabatan", IDA.didampingiOlehJabatan, "jabatan", many=True),
        Column("tahun", "year", IDA.tahun),
        _text("keterangan_id", IDA.keterangan, "id"),
        _text("keterangan_en", IDA.keterangan, "en"),
    )),
    Table("peringkat", "peringkat", (IDA.Peringkat,), (
        *_base(),
        _ref("edisi", IDA.edisi, "edisi_penghargaan", required=True),
        _concept("kategori", IDA.kategoriPenghargaan, "kategori-penghargaan", required=True),
        Column("nomor_peringkat", "int", IDA.nomorPeringkat, required=True),
        _ref("penerima", IDA.penerima, *ORG_TABLES, required=True),
        Column("skor", "int", IDA.skor, required=True, datatype=XSD.decimal),  # a whole score, typed as decimal
        _ref("ditetapkan_dengan", IDA.ditetapkanDengan, "produk_hukum"),
    ), extra=_ranking),
    # One claim of one source about an award: who won (or was shortlisted) in a category of an edition.
    Table("hasil_penghargaan", "hasil-penghargaan", (IDA.HasilPenghargaan,), (
        Column("id", "id", required=True),
        _ref("edisi", IDA.edisi, "edisi_penghargaan", required=True),
        _concept("kategori", IDA.kategoriPenghargaan, "kategori-penghargaan", required=True),
        _concept("status", IDA.statusHasil, "status-hasil", required=True),
        Column("nomor_peringkat", "int", IDA.nomorPeringkat),
        Column("nama_tercetak", "str", IDA.namaTercetak, required=True),
        _ref("penerima", IDA.penerima, *ORG_TABLES),
        Column("skor", "decimal", IDA.skorIndeks),
        _ref("sumber", IDA.kutipanSumber, *SOURCE_TABLES, required=True, many=True),
        Column("letak", "str", IDA.letakDalamSumber, required=True),
    ), printed=("nama_tercetak", "penerima"), label=_result_label, extra=_printed),
    # One national figure of the innovation index in one year, as one source gives it.
    Table("angka_iid", "angka-iid", (IDA.AngkaIndeksNasional,), (
        Column("id", "id", required=True),
        Column("tahun", "year", IDA.tahun, required=True),
        _concept("ukuran", IDA.ukuranIndeks, "ukuran-iid", required=True),
        _concept("lingkup", IDA.lingkupPemda, "lingkup-pemda", required=True),
        Column("nilai", "decimal", IDA.angka, required=True),
        _ref("sumber", IDA.kutipanSumber, *SOURCE_TABLES, required=True, many=True),
        Column("letak", "str", IDA.letakDalamSumber, required=True),
    ), label=_figure_label, extra=_labels),
    # One region's index score and/or rating in one year, as one source gives it.
    Table("nilai_iid", "nilai-iid", (IDA.NilaiIndeksDaerah,), (
        Column("id", "id", required=True),
        Column("tahun", "year", IDA.tahun, required=True),
        Column("nama_tercetak", "str", IDA.namaTercetak, required=True),
        # the kind of government the source lists the name under ("Kota Sangat Inovatif: Bandung")
        _concept("lingkup", IDA.lingkupPemda, "lingkup-pemda"),
        _ref("penerima", IDA.pemerintahDinilai, *ORG_TABLES),
        Column("skor", "decimal", IDA.skorIndeks),
        _concept("predikat", IDA.predikatIndeks, "predikat-iid"),
        _ref("sumber", IDA.kutipanSumber, *SOURCE_TABLES, required=True, many=True),
        Column("letak", "str", IDA.letakDalamSumber, required=True),
    ), printed=("nama_tercetak", "penerima"), label=_score_label, extra=_printed),
    Table("statistik", "dataset-statistik", (QB.DataSet,), (
        *_base(), _ref("wilayah", IDA.wilayah, "wilayah"),
    ), constants=((QB.structure, IDA.dsdIndikator),)),
    Table("observasi", "observasi", (IDA.ObservasiIndikator,), (
        *_base(),
        _ref("dataset", QB.dataSet, "statistik", required=True),
        _concept("indikator", IDA.indikator, "indikator", required=True),
        _ref("daerah_acuan", IDA.daerahAcuan, "wilayah", required=True),
        _ref("periode_acuan", IDA.periodeAcuan, "periode", required=True),
        Column("nilai", "decimal", IDA.nilai, required=True),
        _concept("satuan", IDA.satuan, "satuan", required=True),
        _concept("agregasi", IDA.statistikAgregasi, "agregasi"),
    )),
    Table("anotasi_mutu", "anotasi-mutu", (IDA.AnotasiMutu,), (
        *_base(source=False),
        _ref("sasaran", IDA.sasaranAnotasi, "*", required=True),
        Column("properti", "property", IDA.propertiTerdampak, required=True),
        Column("nilai_disimpan", "str", IDA.nilaiDisimpan, required=True),
        Column("nilai_bertentangan", "str", IDA.nilaiBertentangan, required=True),
        _ref("kutipan_disimpan", IDA.kutipanSumber, *SOURCE_TABLES, required=True, many=True),
        _ref("kutipan_bertentangan", IDA.kutipanBertentangan, *SOURCE_TABLES, required=True, many=True),
        _text("keterangan_id", IDA.keterangan, "id"),
        _text("keterangan_en", IDA.keterangan, "en"),
    ), constants=((OA.motivatedBy, DQV.qualityAssessment),), extra=_annotation),
    # A fact the sources do not state in so many words: a correction of the source's spelling, a reading of
    # an ambiguous sentence, or a link inferred from other facts. Names the facts (rows and columns) and
    # the quotes or sources it is drawn from; the note says how.
    Table("penafsiran", "penafsiran", (IDA.Penafsiran,), (
        *_base(source=False),
        _ref("sasaran", IDA.sasaranAnotasi, "*", required=True, many=True),
        Column("kolom", "str", None, required=True, many=True),
        _ref("disimpulkan_dari", IDA.disimpulkanDari, *SOURCE_TABLES, required=True, many=True),
        _text("keterangan_id", IDA.keterangan, "id"),
        _text("keterangan_en", IDA.keterangan, "en"),
    ), constants=((OA.motivatedBy, DQV.qualityAssessment), (OA.motivatedBy, OA.describing)),
        names_column_of=("kolom", "sasaran"), extra=_interpretation),
)

_BY_NAME = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    """The table declared under `name` (KeyError if none)."""
    return _BY_NAME[name]

