"""The vocabulary as code: the project ontology (`IDA`), code lists and the standard namespaces.

A misspelt ontology term raises (`IDA.Foo` -> AttributeError), and prefixes are bound here only.
"""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, QB, RDF, RDFS, SKOS, TIME, VOID, XSD, DefinedNamespace
from rdflib.term import URIRef

from inovasi_kg.core.iris import ONTOLOGY_NS
from inovasi_kg.core.prefixes import PREFIXES, curie

__all__ = [
    "CV",
    "DCAT",
    "DCTERMS",
    "DQV",
    "ELI",
    "IDA",
    "IDA_NS",
    "KODE",
    "OA",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SDMX_ATTRIBUTE",
    "SDMX_DIMENSION",
    "SDMX_MEASURE",
    "SKOS",
    "TIME",
    "VOID",
    "XSD",
    "bind_prefixes",
    "curie",
]


ONTOLOGY_IRI = ONTOLOGY_NS.rstrip("#")
# Every namespace IRI is written once, in core/prefixes.py (plain strings, no rdflib); the namespaces
# below are built from that table. rdflib's own (RDF, SKOS, DCAT, ...) are checked against it.
IDA_NS = Namespace(PREFIXES["ida"])  # the project ontology's namespace (terms: `IDA`)
KODE = Namespace(PREFIXES["kode"])
ORG = Namespace(PREFIXES["org"])
CV = Namespace(PREFIXES["cv"])
SCHEMA = Namespace(PREFIXES["schema"])
ELI = Namespace(PREFIXES["eli"])
OA = Namespace(PREFIXES["oa"])
DQV = Namespace(PREFIXES["dqv"])
SDMX_MEASURE = Namespace(PREFIXES["sdmx-measure"])
SDMX_DIMENSION = Namespace(PREFIXES["sdmx-dimension"])
SDMX_ATTRIBUTE = Namespace(PREFIXES["sdmx-attribute"])


class IDA(DefinedNamespace):
    """Terms of ontology/inovasi-daerah.ttl (a test keeps this list equal to the file)."""

    _NS = IDA_NS
    _fail = True

    # classes
    Daerah: URIRef
    Provinsi: URIRef
    Kota: URIRef
    Kabupaten: URIRef
    PemerintahDaerah: URIRef
    PerangkatDaerah: URIRef
    InstansiPusat: URIRef
    UnitKerja: URIRef
    Jabatan: URIRef
    PerubahanKelembagaan: URIRef
    InovasiDaerah: URIRef
    AjangInovasi: URIRef
    ProdukInovasi: URIRef
    KegiatanInovasi: URIRef
    Visi: URIRef
    ProdukHukum: URIRef
    RancanganProdukHukum: URIRef
    Penghargaan: URIRef
    EdisiPenghargaan: URIRef
    AcaraPenyerahan: URIRef
    Peringkat: URIRef
    HasilPenghargaan: URIRef
    AngkaIndeksNasional: URIRef
    NilaiIndeksDaerah: URIRef
    ObservasiIndikator: URIRef
    Periode: URIRef
    ArtikelSumber: URIRef
    Kutipan: URIRef
    AnotasiMutu: URIRef
    Penafsiran: URIRef
    # object properties
    statusHasil: URIRef
    pemerintahDinilai: URIRef
    ukuranIndeks: URIRef
    lingkupPemda: URIRef
    predikatIndeks: URIRef
    bagianDari: URIRef
    disimpulkanDari: URIRef
    wilayah: URIRef
    indukOrganisasi: URIRef
    jenisPerangkatDaerah: URIRef
    unitDari: URIRef
    jabatanDi: URIRef
    organisasiAsal: URIRef
    organisasiHasil: URIRef
    bentukInovasi: URIRef
    pengelola: URIRef
    penyelenggara: URIRef
    ajang: URIRef
    diinisiasiMelalui: URIRef
    inisiator: URIRef
    pendamping: URIRef
    menghasilkan: URIRef
    diprakarsaiOleh: URIRef
    sejalanDengan: URIRef
    tingkatSasaran: URIRef
    wujudKomitmen: URIRef
    keikutsertaanSejalan: URIRef
    mendukungPenghargaan: URIRef
    visi: URIRef
    pemilikKomitmen: URIRef
    periode: URIRef
    jenisProdukHukum: URIRef
    ditetapkanOleh: URIRef
    disusunOleh: URIRef
    berdasarkan: URIRef
    tentang: URIRef
    pemberi: URIRef
    penghargaan: URIRef
    peserta: URIRef
    edisi: URIRef
    penerima: URIRef
    kategoriPenghargaan: URIRef
    ditetapkanDengan: URIRef
    menerimaPenghargaan: URIRef
    dihadiriOleh: URIRef
    diterimaOlehJabatan: URIRef
    didampingiOlehJabatan: URIRef
    atasNama: URIRef
    indikator: URIRef
    daerahAcuan: URIRef
    periodeAcuan: URIRef
    satuan: URIRef
    statistikAgregasi: URIRef
    sumberDokumen: URIRef
    kutipanSumber: URIRef
    kutipanBertentangan: URIRef
    sasaranAnotasi: URIRef
    propertiTerdampak: URIRef
    penerbit: URIRef
    # datatype properties
    kodeWilayah: URIRef
    sesuaiDengan: URIRef
    sintetis: URIRef
    tahapanInovasi: URIRef
    tanggalBerdiri: URIRef
    tanggalBerakhir: URIRef
    tahunBerdiri: URIRef
    tanggalPerubahan: URIRef
    peran: URIRef
    keterangan: URIRef
    tahunMulai: URIRef
    tahunPenyusunan: URIRef
    jumlahKarya: URIRef
    jumlahPemenang: URIRef
    jumlahHinggaTahun: URIRef
    nomorPeringkat: URIRef
    namaTercetak: URIRef
    letakDalamSumber: URIRef
    tanggalTerbit: URIRef
    tanggalDibaca: URIRef
    namaPenerbit: URIRef
    tanggalPenganugerahan: URIRef
    tempat: URIRef
    catatanCakupan: URIRef
    angka: URIRef
    skorIndeks: URIRef
    skor: URIRef
    tahun: URIRef
    nomor: URIRef
    judul: URIRef
    nilai: URIRef
    tahunAwal: URIRef
    tahunAkhir: URIRef
    nilaiDisimpan: URIRef
    nilaiBertentangan: URIRef
    # data structure of indicator observations
    dsdIndikator: URIRef
    komponenDaerah: URIRef
    komponenPeriode: URIRef
    komponenIndikator: URIRef
    komponenNilai: URIRef
    komponenSatuan: URIRef
    komponenAgregasi: URIRef


# rdflib's namespace classes must name the IRIs of the prefix table
assert all(PREFIXES[p] == str(ns) for p, ns in (("rdf", RDF), ("rdfs", RDFS), ("owl", OWL), ("xsd", XSD),
                                                 ("skos", SKOS), ("dct", DCTERMS), ("org", ORG), ("cv", CV),
                                                 ("schema", SCHEMA), ("eli", ELI), ("prov", PROV), ("oa", OA),
                                                 ("dqv", DQV), ("qb", QB), ("sdmx-measure", SDMX_MEASURE),
                                                 ("sdmx-dimension", SDMX_DIMENSION), ("sdmx-attribute", SDMX_ATTRIBUTE),
                                                 ("dcat", DCAT), ("void", VOID), ("time", TIME), ("ida", IDA_NS),
                                                 ("kode", KODE)))


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes (and only them) on an rdflib graph."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph
