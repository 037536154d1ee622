"""Every kind of bad input stops the build with file:row:column, exit 2, and keeps the old store."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from inovasi_kg.cli import cli


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _malformed_row(d: Path) -> None:
    _edit(d / "peringkat.csv", "iga-2017.kota.3,", "iga-2017.kota.3,extra,")


def _unknown_reference(d: Path) -> None:
    _edit(d / "inovasi.csv", "33.71.smart-city,Smart City,Smart City,tata-kelola-pemerintahan,33.71.bappeda",
          "33.71.smart-city,Smart City,Smart City,tata-kelola-pemerintahan,33.71.bapeda")


def _duplicate_id(d: Path) -> None:
    _edit(d / "inovasi.csv", "33.71.datago,", "33.71.sipput,")


def _bad_number(d: Path) -> None:
    _edit(d / "peringkat.csv", "pemda-33.71,2478,", "pemda-33.71,\"2,478\",")


def _bad_date(d: Path) -> None:
    _edit(d / "perubahan.csv", "2017-01-01", "2017-13-01")


def _missing_quote(d: Path) -> None:
    _edit(d / "inovasi.csv", "33.71.datago,", "33.71.datago-x,")
    _edit(d / "inovasi.csv", ",,,,,q-tata-kelola;q-inovasi-opd-2017,iga-2017,,\n33.71.sipput", ",,,,,,iga-2017,,\n33.71.sipput")


def _bad_iri_character(d: Path) -> None:
    _edit(d / "hasil_inovasi.csv", "33.71.kampung-it.kentongan-digital,", "33.71.kampung-it.kentongan digital>,")


def _unknown_concept(d: Path) -> None:
    _edit(d / "inovasi.csv", "ATCS Audio Announcer,ATCS Audio Announcer,pelayanan-publik",
          "ATCS Audio Announcer,ATCS Audio Announcer,pelayanan")


def _not_utf8(d: Path) -> None:
    (d / "jabatan.csv").write_bytes((d / "jabatan.csv").read_bytes().replace(b"Walikota", b"Wal\xe9kota", 1))


CASES: list[tuple[str, Callable[[Path], None], str]] = [
    ("malformed row", _malformed_row, "peringkat.csv:4: expected 10 fields as in the header, got 11"),
    ("unknown reference", _unknown_reference, "inovasi.csv:2:5: unknown reference '33.71.bapeda' in column 'pengelola'; "
                                              "no such id in organisasi.csv"),
    ("duplicate id", _duplicate_id, "inovasi.csv:4:1: duplicate id '33.71.sipput'; first defined at inovasi.csv:3"),
    ("bad number", _bad_number, "peringkat.csv:6:8: expected a whole number (digits only, no separators), got '2,478': "
                                "in Indonesian writing it is 2.478; in English writing it is 2478; write 2478 (digits only)"),
    ("bad date", _bad_date, "perubahan.csv:2:6: expected a date as YYYY-MM-DD, got '2017-13-01'"),
    ("missing quote", _missing_quote, "inovasi.csv:3:12: missing quote: column 'sumber' must name at least one quote"),
    ("invalid IRI character", _bad_iri_character, "hasil_inovasi.csv:6:1: invalid IRI character(s) ' >' in id "
                                                  "'33.71.kampung-it.kentongan digital>'"),
    ("unknown concept", _unknown_concept, "inovasi.csv:7:4: unknown bentuk-inovasi code 'pelayanan'; expected one of: "
                                          "lainnya, pelayanan-publik, tata-kelola-pemerintahan"),
    ("not UTF-8", _not_utf8, "jabatan.csv:2: not UTF-8 (byte 0xe9"),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """One store built once for the module; each test gets a copy."""
    store = tmp_path_factory.mktemp("bad-input") / "store"
    result = CliRunner().invoke(cli, ["build", "--store", str(store)])
    assert result.exit_code == 0, result.output
    before = CliRunner().invoke(cli, ["export", "--store", str(store), "--format", "ntriples"]).stdout_bytes
    return store, before


@pytest.fixture()
def built(template: tuple[Path, bytes], tmp_path: Path) -> tuple[Path, bytes]:
    store = Path(shutil.copytree(template[0], tmp_path / "store"))
    return store, template[1]


@pytest.mark.parametrize("name,mutate,message", CASES, ids=[c[0] for c in CASES])
def test_bad_data_stops_the_build_and_keeps_the_store(
    built: tuple[Path, bytes], data_copy: Path, name: str, mutate: Callable[[Path], None], message: str
) -> None:
    store, before = built
    mutate(data_copy)
    result = CliRunner().invoke(cli, ["build", "--store", str(store), "--data", str(data_copy)])
    assert result.exit_code == 2, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: ") and message in first, result.stderr
    assert "Traceback" not in result.output
    after = CliRunner().invoke(cli, ["export", "--store", str(store), "--format", "ntriples"]).stdout_bytes
    assert after == before
    assert sorted(p.name for p in store.parent.iterdir()) == ["data", "store"]  # no temporary store left


def test_broken_turtle_in_ontology(built: tuple[Path, bytes], ontology_copy: Path) -> None:
    store, before = built
    _edit(ontology_copy / "kode.ttl", "skos:notation \"badan\" ;", "skos:notation \"badan ;")
    result = CliRunner().invoke(cli, ["build", "--store", str(store), "--ontology", str(ontology_copy)])
    assert result.exit_code == 2, result.output
    assert "kode.ttl:57: broken Turtle: Parser error at line 57" in result.stderr
    after = CliRunner().invoke(cli, ["export", "--store", str(store), "--format", "ntriples"]).stdout_bytes
    assert after == before


def test_all_errors_of_a_folder_are_listed(data_copy: Path, tmp_path: Path) -> None:
    _bad_date(data_copy)
    _unknown_concept(data_copy)
    result = CliRunner().invoke(cli, ["build", "--store", str(tmp_path / "s"), "--data", str(data_copy)])
    assert result.exit_code == 2
    assert len([line for line in result.stderr.splitlines() if line.startswith("error: ")]) == 2


def test_unknown_table_file(data_copy: Path, tmp_path: Path) -> None:
    (data_copy / "inovasii.csv").write_text("id\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--data", str(data_copy)])
    assert result.exit_code == 2
    assert "inovasii.csv: unknown table 'inovasii.csv'" in result.stderr


def test_missing_data_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--store", str(tmp_path / "s"), "--data", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("nope: data folder not found")


def test_export_without_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "no store at" in result.stderr and "inovasi-kg build" in result.stderr


def test_non_conforming_data_stops_the_build_with_exit_1(built: tuple[Path, bytes], data_copy: Path) -> None:
    store, before = built
    _edit(data_copy / "peringkat.csv", "pemda-33.71,2478,", "pemda-33.71,-2478,")
    result = CliRunner().invoke(cli, ["build", "--store", str(store), "--data", str(data_copy)])
    assert result.exit_code == 1, result.output
    assert "error: the built graph does not conform:" in result.stderr
    assert "Ranked result: exactly one score, a non-negative decimal" in result.stderr
    after = CliRunner().invoke(cli, ["export", "--store", str(store), "--format", "ntriples"]).stdout_bytes
    assert after == before
