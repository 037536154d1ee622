"""Named-query parameters as a user gives them: an empty field is no value (an HTML form sends its
empty fields), a CURIE's prefix must be one of ours, a code list's parameter takes only the list's
concepts (bare notation, CURIE or full IRI), and every description and help is in both languages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from inovasi_kg import KnowledgeGraph, Settings
from inovasi_kg.cli import cli
from inovasi_kg.core.errors import QueryError
from inovasi_kg.core.prefixes import PREFIXES
from inovasi_kg.sparql.named import catalogue, parse_header, resolve_iri

BASE = "https://w3id.org/inovasi-daerah/"
FORMS = ["bentuk-inovasi:lainnya", "bentuk-inovasi:pelayanan-publik", "bentuk-inovasi:tata-kelola-pemerintahan"]
PER_FORM = {"lainnya": 0, "pelayanan-publik": 6, "tata-kelola-pemerintahan": 2}  # the article's 8 innovations
CATEGORIES = ["kabupaten", "kota", "papua", "perbatasan", "provinsi", "tertinggal", "tertinggal-perbatasan"]
BLANK = st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=6)
FUZZ = hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def graph(settings: Settings) -> Iterator[KnowledgeGraph]:
    with KnowledgeGraph(settings) as kg:
        yield kg


def _rows(kg: KnowledgeGraph, name: str, **params: str) -> list[tuple[str, ...]]:
    return [tuple(map(str, row)) for row in kg.query(name, **params).rows]


# --- empty values -----------------------------------------------------------------------------------------

@FUZZ
@given(blank=BLANK)
def test_an_empty_optional_value_is_no_value(graph: KnowledgeGraph, blank: str) -> None:
    assert _rows(graph, "inovasi-per-kategori", kategori=blank) == _rows(graph, "inovasi-per-kategori")
    assert len(_rows(graph, "inovasi-per-kategori", kategori=blank)) == 8
    assert _rows(graph, "indikator-ekonomi", daerah=blank) == _rows(graph, "indikator-ekonomi")


@FUZZ
@given(blank=BLANK)
def test_an_empty_value_takes_the_default_or_is_a_missing_parameter(graph: KnowledgeGraph, blank: str) -> None:
    assert _rows(graph, "peringkat-penghargaan", edisi=blank) == _rows(graph, "peringkat-penghargaan")
    with pytest.raises(QueryError, match=r"^query 'inovasi-perangkat-daerah' needs parameter 'perangkat_daerah'"):
        graph.query("inovasi-perangkat-daerah", perangkat_daerah=blank)


def test_every_parameter_of_every_query_treats_an_empty_value_as_none(graph: KnowledgeGraph) -> None:
    for query in catalogue().values():
        for p in query.parameters:
            if p.type == "lang" or not (p.optional or p.default is not None):
                continue
            assert _rows(graph, query.name, **{p.name: ""}) == _rows(graph, query.name), (query.name, p.name)


# --- prefixes ---------------------------------------------------------------------------------------------

@FUZZ
@given(prefix=st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True), local=st.from_regex(r"[a-z0-9-]{1,8}",
                                                                                               fullmatch=True))
def test_a_curie_with_a_prefix_not_ours_is_refused_naming_the_known_ones(prefix: str, local: str) -> None:
    if prefix in PREFIXES or prefix.lower() in ("urn", "tag", "mailto", "info", "data", "did", "doi", "isbn",
                                                "geo", "tel"):
        return
    with pytest.raises(QueryError) as caught:
        resolve_iri(f"{prefix}:{local}", BASE, what="parameter 'kategori'")
    message = str(caught.value)
    assert message.startswith(f"parameter 'kategori': unknown prefix '{prefix}:' in '{prefix}:{local}'; known prefixes: ")
    assert message.endswith("(or give a full IRI)")
    assert all(f" {known}," in message for known in ("bentuk-inovasi", "ida", "kode", "skos"))


def test_iris_paths_and_our_prefixes_still_resolve() -> None:
    assert resolve_iri("bentuk-inovasi:lainnya", BASE).value == PREFIXES["bentuk-inovasi"] + "lainnya"
    assert resolve_iri("organisasi/33.71.balitbang", BASE).value == BASE + "id/organisasi/33.71.balitbang"
    assert resolve_iri("<https://example.org/x>", BASE).value == "https://example.org/x"
    assert resolve_iri("urn:inovasi-kg:cari", BASE).value == "urn:inovasi-kg:cari"


def test_the_unknown_prefix_from_the_command_line_is_exit_2(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["query", "inovasi-per-kategori", "--store", settings.store, "-p", "kategori=xx:yy"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: parameter 'kategori': unknown prefix 'xx:' in 'xx:yy'; known prefixes: ")


# --- code lists -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("form,count", sorted(PER_FORM.items()))
def test_a_concept_is_named_by_notation_curie_or_iri(graph: KnowledgeGraph, form: str, count: int) -> None:
    spellings = [form, f"bentuk-inovasi:{form}", PREFIXES["bentuk-inovasi"] + form, f"<{PREFIXES['bentuk-inovasi']}{form}>"]
    answers = {tuple(_rows(graph, "inovasi-per-kategori", kategori=s)) for s in spellings}
    assert len(answers) == 1 and len(next(iter(answers))) == count


@FUZZ
@given(local=st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True))
def test_a_value_outside_the_code_list_is_refused_with_its_concepts(graph: KnowledgeGraph, local: str) -> None:
    if local in PER_FORM:
        return
    for value in (local, f"bentuk-inovasi:{local}", f"kode:{local}", f"organisasi/{local}"):
        with pytest.raises(QueryError) as caught:
            graph.query("inovasi-per-kategori", kategori=value)
        assert re.fullmatch(r"parameter 'kategori': \S+ is not a concept of the code list kode:bentuk-inovasi; "
                            r"its concepts: " + re.escape(", ".join(FORMS)), str(caught.value)), str(caught.value)


def test_every_code_list_parameter_takes_each_of_its_concepts(graph: KnowledgeGraph) -> None:
    checked = 0
    for query in catalogue().values():
        for p in query.parameters:
            if p.scheme is None:
                continue
            concepts = graph.concepts(p.scheme)
            assert concepts, (query.name, p.scheme)
            for concept in concepts:
                graph.query(query.name, **{p.name: concept["notasi"]})  # no error
                checked += 1
    assert checked >= 3 + len(CATEGORIES)


def test_the_concepts_of_a_code_list(graph: KnowledgeGraph) -> None:
    assert [(c["notasi"], c["label"]) for c in graph.concepts("kategori-penghargaan")] == [
        ("kabupaten", "Kabupaten"), ("kota", "Kota"), ("papua", "Klaster Papua"), ("perbatasan", "Daerah perbatasan"),
        ("provinsi", "Provinsi"), ("tertinggal", "Daerah tertinggal"),
        ("tertinggal-perbatasan", "Daerah tertinggal dan perbatasan")]
    assert [c["label"] for c in graph.in_language("en").concepts("bentuk-inovasi")] == [
        "Other regional innovation", "Public service", "Governance"]


def test_a_refused_concept_from_the_command_line_is_exit_2(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["query", "pemenang", "--store", settings.store, "-p", "kategori=desa"])
    assert result.exit_code == 2
    assert result.stderr == ("error: parameter 'kategori': kategori-penghargaan:desa is not a concept of the code "
                             "list kode:kategori-penghargaan; its concepts: "
                             + ", ".join(f"kategori-penghargaan:{c}" for c in CATEGORIES) + "\n")


# --- the header -------------------------------------------------------------------------------------------

def test_every_query_speaks_both_languages() -> None:
    for query in catalogue().values():
        assert query.description and query.description_id and query.description_id != query.description, query.name
        for p in query.parameters:
            assert p.help and p.help_id and p.help_in("id") == p.help_id and p.help_in("en") == p.help, (query.name, p)


@pytest.mark.parametrize("header,message", [
    ("# param@id: nama Nama.\n", r"x\.rq:5: '# param@id: nama' names no declared parameter \(declared: kode\)"),
    ("# param@id: kode Kode.\n# param@id: kode Lagi.\n", r"x\.rq:6: '# param@id: kode' given twice in the header"),
    ("# param: jenis (iri, scheme desa) A kind.\n", r"x\.rq:5: unknown scheme 'desa'; expected one of: bentuk-inovasi, "),
    ("# param: jenis (string, scheme bentuk-inovasi) A kind.\n", r"x\.rq:5: unknown parameter option 'scheme "
                                                                  r"bentuk-inovasi'; expected 'optional', 'default VALUE' "
                                                                  r"or \(for an iri\) 'scheme NAME'"),
])
def test_a_malformed_bilingual_header_names_file_and_line(header: str, message: str) -> None:
    text = ("# title@id: X\n# title@en: X\n# description: X.\n# param: kode (string) A code.\n" + header
            + "SELECT ?kode WHERE { ?s ?p ?kode }\n")
    with pytest.raises(QueryError, match=message):
        parse_header(Path("x.rq"), text)
