"""Class 5 and 6 of the safety issue: numbers mean one thing, self-references are errors, and every
error is one line that says what to do (no knock-on lines, no silently ignored options)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from inovasi_kg.cli import cli
from inovasi_kg.core.errors import DataError
from inovasi_kg.core.resources import data_dir, ontology_dir
from inovasi_kg.ingest.load import load_tables, readings
from inovasi_kg.rdf.ontology import load_ontology
from safety import snapshot

CONCEPTS = load_ontology(ontology_dir()).concepts


def _set_cell(folder: Path, table: str, row_id: str, column: str, value: str) -> int:
    """Set one cell of a CSV table; returns its 1-based column number."""
    path = folder / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    col = rows[0].index(column)
    for row in rows[1:]:
        if row and row[0] == row_id:
            row[col] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return col + 1


def _errors(folder: Path) -> list[str]:
    try:
        load_tables(folder, CONCEPTS)
    except DataError as err:
        return [str(e) for e in [err, *err.others]]
    return []


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(shutil.copytree(data_dir(), tmp_path_factory.mktemp("tpl") / "data"))


@pytest.fixture()
def folder(template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "data"))


# --- 5. numbers mean one thing ------------------------------------------------------------------------------


def _id_style(value: Decimal) -> str:
    whole, _, frac = format(value, "f").partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + ".".join(groups) + (f",{frac}" if frac else "")


def _en_style(value: Decimal) -> str:
    return _id_style(value).replace(".", "\0").replace(",", ".").replace("\0", ",")


_AMOUNTS = st.decimals(min_value=Decimal("-99999999"), max_value=Decimal("99999999"), places=3, allow_nan=False,
                       allow_infinity=False)


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_AMOUNTS, style=st.sampled_from(["id", "en", "plain"]))
def test_a_decimal_cell_is_taken_only_when_it_reads_the_same_both_ways(folder: Path, value: Decimal, style: str) -> None:
    text = {"id": _id_style, "en": _en_style, "plain": lambda v: format(v, "f")}[style](value)
    col = _set_cell(folder, "observasi", "33.71.ipm.2011-2015", "nilai", text)
    errors = _errors(folder)
    meanings = set(readings(text).values())
    where = f"observasi.csv:3:{col}: "
    if len(meanings) > 1:
        assert len(errors) == 1 and where + f"ambiguous number {text!r}: " in errors[0], errors
        for conv, v in readings(text).items():
            assert f"in {conv} writing it is {format(v, 'f')}" in errors[0]
    elif re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        assert errors == [], (text, errors)
        assert Decimal(text) == value
    else:
        assert len(errors) == 1, errors
        assert where + f"expected a decimal number with '.' as the decimal point and no grouping, got {text!r}: " in errors[0]


@hsettings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.from_regex(r"-?[0-9]{1,4}([.,][0-9]{1,4}){0,2}", fullmatch=True))
def test_a_whole_number_column_takes_digits_only(folder: Path, text: str) -> None:
    col = _set_cell(folder, "peringkat", "iga-2017.kota.5", "skor", text)
    errors = _errors(folder)
    if text.lstrip("-").isdigit():
        assert errors == []
    else:
        assert len(errors) == 1, errors
        assert f"peringkat.csv:6:{col}: expected a whole number (digits only, no separators), got {text!r}" in errors[0]


LIMITS = [
    ("observasi", "33.71.ipm.2011-2015", "nilai", "0.1234567890123456789",
     "'0.1234567890123456789' has 19 digits after the point; the store keeps 18 (it is refused, not rounded)"),
    ("observasi", "33.71.ipm.2011-2015", "nilai", "999999999999999999999",
     "'999999999999999999999' is larger than the store keeps (at most 170141183460469231731.687303715884105727)"),
    ("peringkat", "iga-2017.kota.5", "skor", "9223372036854775808",
     "the whole number 9223372036854775808 is outside what the store keeps (-9223372036854775808 to 9223372036854775807)"),
    ("periode", "2011-2015", "tahun_awal", "0000", "expected a year as YYYY (0001 to 9999), got '0000'"),
]


@pytest.mark.parametrize("table,row,column,value,message", LIMITS, ids=["places", "size", "int64", "year0"])
def test_values_beyond_what_the_store_keeps_are_refused(folder: Path, table: str, row: str, column: str, value: str,
                                                       message: str) -> None:
    _set_cell(folder, table, row, column, value)
    errors = _errors(folder)
    assert len(errors) == 1 and errors[0].endswith(message), errors


SELF = [
    ("a region part of itself", "wilayah", "33.71", "bagian_dari", "33.71",
     "wilayah.csv:7:5: row '33.71' refers to itself in column 'bagian_dari'"),
    ("a legal act based on itself", "produk_hukum", "pp-2017-38", "berdasarkan", "pp-2017-38",
     "produk_hukum.csv:2:13: row 'pp-2017-38' refers to itself in column 'berdasarkan'"),
    ("an agency its own parent", "organisasi", "33.71.balitbang", "induk", "33.71.balitbang",
     "refers to itself in column 'induk'"),
    ("a change from an organisation to itself", "perubahan", "33.71.balitbang-2017", "hasil",
     "33.71.kantor-litbang-statistik",
     "perubahan.csv:2:5: '33.71.kantor-litbang-statistik' is in both 'asal' and 'hasil'; a change cannot go from an "
     "organisation to itself"),
    ("a period that ends before it starts", "periode", "2011-2015", "tahun_akhir", "2010",
     "periode.csv:2:5: tahun_akhir 2010 is before tahun_awal 2011; a period cannot end before it starts"),
]


@pytest.mark.parametrize("name,table,row,column,value,message", SELF, ids=[s[0] for s in SELF])
def test_self_references_are_errors(folder: Path, name: str, table: str, row: str, column: str, value: str,
                                    message: str) -> None:
    _set_cell(folder, table, row, column, value)
    errors = _errors(folder)
    assert len(errors) == 1 and message in errors[0], errors


def test_a_cycle_of_references_is_an_error(folder: Path) -> None:
    _set_cell(folder, "wilayah", "33", "bagian_dari", "33.71")
    _set_cell(folder, "wilayah", "33.71", "bagian_dari", "33")
    errors = _errors(folder)
    assert len(errors) == 1 and "column 'bagian_dari' goes round in a circle: 33 -> 33.71 -> 33" in errors[0], errors


# --- 6. one line per real problem; no silently ignored options ----------------------------------------------


def test_a_broken_table_gives_one_line_not_dozens_of_knock_ons(folder: Path) -> None:
    path = folder / "kutipan.csv"
    path.write_bytes(path.read_bytes().replace(b"Magelang", b"Mag\xe9lang", 1))
    result = CliRunner().invoke(cli, ["build", "--data", str(folder), "--store", str(folder.parent / "store")])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    assert "kutipan.csv:" in lines[0] and "not UTF-8 (byte 0xe9" in lines[0]
    assert lines[1].startswith("error: ") and "reference(s) into this table (from " in lines[1]
    assert lines[1].endswith("they were not checked one by one because the table has errors (above): fix those first")
    assert not (folder.parent / "store").exists()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "store"
    assert CliRunner().invoke(cli, ["build", "--store", str(path)]).exit_code == 0
    return str(path)


def test_lang_as_a_parameter_works_and_conflicts_are_errors(store: str) -> None:
    en = CliRunner().invoke(cli, ["query", "peringkat-penghargaan", "-p", "lang=en", "--store", store, "--format", "csv"])
    assert en.exit_code == 0, en.output
    assert "Magelang City Government" in en.output
    same = CliRunner().invoke(cli, ["query", "peringkat-penghargaan", "--lang", "en", "--store", store, "--format", "csv"])
    assert same.output == en.output
    clash = CliRunner().invoke(cli, ["query", "peringkat-penghargaan", "--lang", "id", "-p", "lang=en", "--store", store])
    assert clash.exit_code == 2
    assert clash.stderr == "error: --lang id and -p lang=en disagree; give one of them\n"


MISUSE = [
    (["query", "peringkat-penghargaan", "-p", "edisi=iga-2017", "-p", "edisi=iga-2018"],
     "error: parameter 'edisi' given more than once\n"),
    (["query", "peringkat-penghargaan", "--file", "x.rq"], "error: give either a query NAME ('peringkat-penghargaan') or "
                                                           "--file, not both\n"),
    (["query", "--list", "peringkat-penghargaan"], "error: --list takes no query name, --file or --param\n"),
    (["query", "--format", "csv", "--format", "json", "peringkat-penghargaan"],
     "Error: option --format given more than once (first as --format)\n"),
    (["query", "peringkat-penghargaan", "--timeout=5", "--timeout", "6"],
     "Error: option --timeout given more than once (first as --timeout)\n"),
    (["graph", "--depth", "1", "-o", "/dev/null"], "error: --depth applies to --focus; give the node to start from with "
                                                   "--focus\n"),
    (["graph", "-o", "/dev/null", "--output", "/dev/null"], "Error: option --output given more than once (first as -o)\n"),
    (["describe", ""], "error: describe needs a text to look for: a label, an IRI, a CURIE or an id path\n"),
    (["describe", "   "], "error: describe needs a text to look for: a label, an IRI, a CURIE or an id path\n"),
    (["stats", "--bogus"], "Error: No such option '--bogus'.\n"),
    (["query", "peringkat-penghargaan", "-p", "lang=fr"], "error: parameter 'lang': expected 'id' or 'en', got 'fr'\n"),
]


@pytest.mark.parametrize("args,message", MISUSE, ids=[" ".join(m[0])[:50] for m in MISUSE])
def test_misused_options_are_errors(store: str, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, [*args, "--store", store])
    assert result.exit_code == 2, result.output
    assert result.stderr.endswith(message), result.stderr
    assert "Traceback" not in result.output


def test_no_input_to_the_query_command_prints_a_traceback(store: str, tmp_path: Path) -> None:
    """A sample of hostile inputs: every one ends with a message and exit 2, never a traceback."""
    before = snapshot(Path(store))
    inputs = [["query", "-"], ["query", "--file", str(tmp_path)], ["query", "--file", str(tmp_path / "none.rq")],
              ["query", "provenans", "-p", "simpul=<\n>"],
              ["query", "peringkat-penghargaan", "-p", "=x"], ["query", "peringkat-penghargaan", "-p", "edisi"],
              ["query", "peringkat-penghargaan", "--max-rows", "0"], ["query", "peringkat-penghargaan", "--memory-limit", "-5"],
              ["describe", "\x00"], ["graph", "--focus", "tidak-ada-simpul-ini", "-o", "/dev/null"],
              ["export", "--format", "turtle", "-o", str(tmp_path)]]
    for args in inputs:
        result = CliRunner().invoke(cli, [*args, "--store", store], input="SELECT")
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith(("error: ", "Usage: ")), (args, result.stderr)
        assert "Traceback" not in result.output and "internal error" not in result.output, (args, result.output)
    assert snapshot(Path(store)) == before
