"""Data fidelity: every fact the data states is stated by a quote it cites, or marked as an interpretation.

For each row and each fact column (a literal, a link, a code), one of the row's cited quotes must
contain the value (numbers also in the Indonesian form, dates as the article writes them) or a
label of the linked node or code (preferred, alternative or hidden), after case and whitespace
folding. Otherwise a `penafsiran` (interpretation) row must name that row and column and say what
it is drawn from. The source's own spellings (hidden labels) must stand verbatim in a cited quote.
Columns that are not claims of the source are left out, each for a reason given in SKIPPED.

A row that cites a third-party page (a `sumber` row read on a date, never quoted: only the seed
article is quoted) is a located claim instead: it names where on the page it stands (`letak`);
tests/test_real_data.py checks those rows against their pages' records.
"""

from __future__ import annotations

import csv
import re
import shutil
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from inovasi_kg import Settings
from inovasi_kg.core.errors import DataError
from inovasi_kg.core.iris import concept_iri
from inovasi_kg.ingest.load import LoadedData
from inovasi_kg.ingest.tables import Row
from inovasi_kg.ingest.triples import row_iri
from inovasi_kg.pipeline import graph_quads, load_inputs

REPO = Path(__file__).resolve().parents[1]
SKOS = "http://www.w3.org/2004/02/skos/core#"
LABELS = tuple(ox.NamedNode(SKOS + p) for p in ("prefLabel", "altLabel", "hiddenLabel"))

SKIPPED = {
    "id": "an identifier we mint",
    "sumber": "the citation itself",
    "ejaan_sumber": "checked verbatim on its own (test_source_spellings_are_verbatim_in_a_cited_quote)",
    "label_en": "an English rendering (reviewed in test_english_labels)",
    "peran_en": "an English rendering",
    "keterangan_id": "a note that summarizes cited facts; notes are not facts",
    "keterangan_en": "an English rendering of a note",
    "judul_en": "an English rendering",
    "singkatan": "a name in common use (an official abbreviation), which the source need not use",
}
# Tables whose label is a title composed from the row's own facts (each of which is checked).
TITLED = {"peringkat", "observasi", "statistik", "perubahan", "periode", "visi", "acara"}
# Tables that are not facts of the source: the sources themselves, and notes about facts.
NOT_FACTS = {"kutipan", "sumber", "anotasi_mutu", "penafsiran"}
REGION_TABLE = "tabel-kode-wilayah"
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _forms(value: object) -> set[str]:
    """The ways the article may write a literal value."""
    if isinstance(value, date):
        return {f"{value.day} {BULAN[value.month - 1]} {value.year}"}
    if isinstance(value, Decimal):
        plain = format(value.normalize(), "f")
        return {plain, plain.replace(".", ",")}
    return {str(value)}


class Facts:
    """The loaded data and the labels of every node and code, as the build makes them."""

    def __init__(self, data_dir: Path, reference: dict[str, dict[str, str]]) -> None:
        settings = Settings(data_dir=str(data_dir))
        self.inputs = load_inputs(settings)
        self.base = settings.base_iri
        self.store = ox.Store()
        self.store.extend(list(graph_quads(self.inputs, self.base)))
        self.data: LoadedData = self.inputs.data
        self.quotes = {r.id: str(r.first("teks")) for r in self.data.rows["kutipan"]}
        # a row of the region code table states a region's code, name, level and province
        self.table_rows = {kode: " | ".join([kode, r["nama"], r["tingkat"], r["induk"],
                                             reference[r["induk"]]["nama"] if r["induk"] else ""])
                           for kode, r in reference.items()}
        # third-party pages (read on a date; never quoted): a row citing one states where on the page (letak)
        self.pages = {r.id for r in self.data.rows["sumber"] if r.first("tanggal_dibaca") is not None}
        self.interpreted = {(target, column) for r in self.data.rows.get("penafsiran", [])
                            for target in r.cells["sasaran"] for column in r.cells["kolom"]}

    def labels(self, iri: str) -> set[str]:
        return {q.object.value for p in LABELS for q in self.store.quads_for_pattern(ox.NamedNode(iri), p, None, None)}

    def candidates(self, row: Row, column: str, value: object) -> set[str]:
        col = row.table.column(column)
        if col.kind == "ref":
            return self.labels(row_iri(self.data.by_id[str(value)], self.base))
        if col.kind == "concept":
            return self.labels(concept_iri(col.target[0], str(value)))
        if column == "label_id":
            return self.labels(row_iri(row, self.base))
        return _forms(value)

    def texts(self, row: Row) -> list[str]:
        """The cited quotes, and the row of the region code table a region or its government cites."""
        texts = [self.quotes[q] for q in row.cells.get("sumber", []) if q in self.quotes]
        if REGION_TABLE in row.cells.get("sumber", []):
            kode = row.id if row.table.name == "wilayah" else str(row.first("wilayah"))
            texts.append(self.table_rows[kode])
        return texts

    def cited(self, row: Row) -> list[str]:
        return [fold(text) for text in self.texts(row)]

    def unsupported(self) -> list[str]:
        """Every fact that no cited quote states and no interpretation names, as file:line:column: value."""
        found = []
        for row in self.data:
            if row.table.name in NOT_FACTS:
                continue
            texts = self.cited(row)
            located = bool(set(row.cells.get("sumber", [])) & self.pages) and row.first("letak") is not None
            for col in row.table.columns:
                if col.name in SKIPPED or col.kind == "class" or (col.name == "label_id" and row.table.name in TITLED):
                    continue
                if (row.id, col.name) in self.interpreted:
                    continue
                for value in row.cells.get(col.name, []):
                    forms = {fold(c) for c in self.candidates(row, col.name, value)}
                    if not any(f and f in text for f in forms for text in texts) and not located:
                        found.append(f"{row.table.file}:{row.line}:{col.name}: {value!s}")
        return found


@pytest.fixture(scope="module")
def facts(reference: dict[str, dict[str, str]]) -> Facts:
    return Facts(REPO / "data", reference)


def test_every_fact_is_stated_by_a_cited_quote_or_marked_as_interpreted(facts: Facts) -> None:
    assert facts.unsupported() == []


def test_the_check_finds_a_fact_its_quote_does_not_state(tmp_path: Path, reference: dict[str, dict[str, str]]) -> None:
    """A changed score, a re-pointed link, a dropped interpretation, and a region whose province or name
    differs from the region code table are each caught."""
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    _edit(folder / "peringkat.csv", "iga-2017.kota.3", "skor", "2618")
    _edit(folder / "inovasi.csv", "33.71.datago", "pengelola", "33.71.dishub")
    rows = _read(folder / "penafsiran.csv")
    dropped = next(r for r in rows if "33.71.krenova" in r["sasaran"].split(";") and r["kolom"] == "visi")
    _write(folder / "penafsiran.csv", [r for r in rows if r is not dropped])
    _edit(folder / "wilayah.csv", "11.01", "bagian_dari", "12")
    _edit(folder / "wilayah.csv", "96.71", "label_id", "Kota Sorong Selatan")
    assert Facts(folder, reference).unsupported() == [
        "wilayah.csv:14:bagian_dari: 12",
        "wilayah.csv:553:label_id: Kota Sorong Selatan",
        "ajang.csv:2:visi: 33.71.visi-2016-2021",
        "ajang.csv:3:visi: 33.71.visi-2016-2021",
        "inovasi.csv:3:pengelola: 33.71.dishub",
        "peringkat.csv:4:skor: 2618",
    ]


def test_an_interpretation_must_name_a_fact_column_of_its_target(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(REPO / "data", folder)
    rows = _read(folder / "penafsiran.csv")
    rows[0]["kolom"] = "skor"
    _write(folder / "penafsiran.csv", rows)
    with pytest.raises(DataError) as err:
        load_inputs(Settings(data_dir=str(folder)))
    assert str(err.value).startswith(f"{folder / 'penafsiran.csv'}:2:")
    assert "'skor' is not a fact column of" in str(err.value)


def test_source_spellings_are_verbatim_in_a_cited_quote(facts: Facts) -> None:
    """A hidden label keeps the article's own form (typos included) exactly as the article has it."""
    spellings = 0
    for row in facts.data:
        texts = facts.texts(row)
        for spelling in row.cells.get("ejaan_sumber", []):
            spellings += 1
            assert any(spelling in text for text in texts), f"{row.table.file}:{row.line}: {spelling!r}"
    assert spellings >= 10


@pytest.mark.parametrize(("typed", "expected"), [
    ("Innovative Goverment Award", "iga"),
    ("Kantor Penelitiaan Pengembangan dan Statistik", "33.71.kantor-litbang-statistik"),
    ("sepatunanetra", "33.71.kampung-it.sepatu-tunanetra"),
    ("Kemendagri", "kemendagri"),
    ("Pemkot Magelang", "pemda-33.71"),
    ("Badan Litbang", "33.71.balitbang"),
    ("PP 38 tahun 2017", "eli/pp/2017/38"),
])
def test_a_name_a_reader_would_type_finds_the_node(settings: Settings, typed: str, expected: str) -> None:
    """The label search (the named query behind the web app's search) finds the source's own spellings and
    the abbreviations in common use."""
    from inovasi_kg.kg import KnowledgeGraph

    graph = KnowledgeGraph(settings)
    hits = {row["simpul"] for row in graph.query("cari-label", teks=typed).values()}
    assert any(hit.endswith("/" + expected) for hit in hits), sorted(hits)


def test_every_label_the_source_does_not_use_is_an_interpretation(facts: Facts) -> None:
    """Where the label is not the source's own form (which stays as a hidden label), a penafsiran says why."""
    corrected = 0
    for row in facts.data:
        if not row.cells.get("ejaan_sumber") or row.table.name in NOT_FACTS | TITLED:
            continue
        if not any(fold(row.first("label_id")) in text for text in facts.cited(row)):
            corrected += 1
            assert (row.id, "label_id") in facts.interpreted, f"{row.table.file}:{row.line}: no penafsiran for the label"
    assert corrected >= 5


def _edit(path: Path, row_id: str, column: str, value: str) -> None:
    rows = _read(path)
    next(r for r in rows if r["id"] == row_id)[column] = value
    _write(path, rows)


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as src:
        return list(csv.DictReader(src))


# Indonesian forms, as patterns ("Kota" ending a proper name, as in Lima Puluh Kota Regency, is the name)
ENGLISH_NAMES = {r"Kota (?!Regency|City)": "X City", "Jawa Tengah": "Central Java",
                 "Tangerang Selatan": "South Tangerang", "Provinsi ": "X Province", "Kabupaten ": "X Regency"}


def test_english_labels(facts: Facts) -> None:
    """English texts use the English forms of place names (Magelang City, Central Java, South Tangerang);
    the Indonesian form may stand only as a quoted or bracketed name."""
    found = []
    for row in facts.data:
        for col in row.table.columns:
            if col.lang != "en":
                continue
            for text in row.cells.get(col.name, []):
                bare = re.sub(r'"[^"]*"|\([^)]*\)', "", text)
                found += [f"{row.table.file}:{row.line}:{col.name}: {name!r} in {text!r} (write {english})"
                          for name, english in ENGLISH_NAMES.items() if re.search(name, bare)]
    assert found == []
