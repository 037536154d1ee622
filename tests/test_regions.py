"""The region-name matcher: every region of the skeleton under every spelling sources print."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inovasi_kg.ingest.regions import MatchError, RegionMatcher, split_kind

DATA = Path(__file__).resolve().parent.parent / "data"
with (DATA / "wilayah.csv").open(encoding="utf-8", newline="") as _file:
    ROWS = list(csv.DictReader(_file))
MATCHER = RegionMatcher.from_labels([(r["id"], r["kelas"], r["label_id"]) for r in ROWS],
                                    [(r["label_en"], r["id"]) for r in ROWS])
PREFIX = {"provinsi": ("Provinsi", "Prov.", "Pemprov", "Pemerintah Provinsi"),
          "kabupaten": ("Kabupaten", "Kab.", "Kab", "Pemkab", "Pemerintah Kabupaten"),
          "kota": ("Kota", "Pemkot", "Pemerintah Kota")}


def _place(row: dict[str, str]) -> str:
    kind, place = split_kind(row["label_id"])
    assert kind == row["kelas"], row
    return place


def test_every_region_by_its_label_and_english_label() -> None:
    assert len(ROWS) == 552
    for row in ROWS:
        assert MATCHER.match(row["label_id"]).code == row["id"]
        assert MATCHER.match(row["label_en"]).code == row["id"]


@pytest.mark.parametrize("kind", ["provinsi", "kabupaten", "kota"])
def test_every_region_by_each_kind_word(kind: str) -> None:
    for row in (r for r in ROWS if r["kelas"] == kind):
        for prefix in PREFIX[kind]:
            assert MATCHER.match(f"{prefix} {_place(row).title()}").code == row["id"], (prefix, row["label_id"])
        # the bare name, where the context (an award category) names the kind
        assert MATCHER.match(_place(row).upper(), (kind,)).code == row["id"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ROWS), st.sampled_from(["", " ", "  "]), st.sampled_from([str.lower, str.upper, str.title]),
       st.sampled_from(["-", " ", "  "]))
def test_spacing_case_and_hyphens_do_not_matter(row: dict[str, str], pad: str, case, joiner: str) -> None:  # type: ignore[no-untyped-def]
    printed = pad + case(row["label_id"].replace(" ", joiner, 1) if joiner != "-" else row["label_id"]) + pad
    assert MATCHER.match(printed).code == row["id"]


@pytest.mark.parametrize(("printed", "allowed", "code"), [
    # every spelling met in the real data that is not a plain label
    ("Kab. Bogor", ("kabupaten",), "32.01"), ("Kota Tangsel", ("kota",), "36.74"), ("Tangerang Selatan", ("kota",), "36.74"),
    ("Provinsi Jawa Barat", ("provinsi",), "32"), ("Jabar", ("provinsi",), "32"), ("Jatim", ("provinsi",), "35"),
    ("Sumsel", ("provinsi",), "16"), ("DKI Jakarta", ("provinsi",), "31"), ("Jakarta Raya", ("provinsi",), "31"), ("DIY", ("provinsi",), "34"),
    ("Sumatra Selatan", ("provinsi",), "16"), ("West Java Province", ("provinsi",), "32"),
    ("The Provincial Government of West Java", ("provinsi",), "32"), ("Provinsi Nusa Tenggara Barat (NTB)", ("provinsi",), "52"),
    ("Kabupaten Pangkajene dan Kepulauan (Pangkep)", ("kabupaten",), "73.10"), ("Pemkab Banyuwangi", ("kabupaten",), "35.10"),
    ("Kota Batam", ("kabupaten", "kota"), "21.71"), ("Kabupaten Sumba Timur", ("kabupaten", "kota"), "53.11"),
    ("Tolitoli", ("kabupaten",), "72.04"), ("Toli-Toli", ("kabupaten",), "72.04"), ("Kota Bau-Bau", ("kota",), "74.72"),
    ("Pemerintah Kota Surabaya", ("kota",), "35.78"), ("Pemda Kota Cirebon", ("kota",), "32.74"), ("Propinsi Riau", ("provinsi",), "14"),
    ("Makasar", ("kota",), "73.71"), ("the city of Bandung", ("kota",), "32.73"), ("Kulonprogo", ("kabupaten",), "34.01"),
])
def test_spellings_met_in_sources(printed: str, allowed: tuple[str, ...], code: str) -> None:
    assert MATCHER.match(printed, allowed).code == code


@pytest.mark.parametrize(("printed", "allowed", "message"), [
    ("Sorong", ("kabupaten", "kota"),
     "'Sorong' is ambiguous: it could be kabupaten Sorong (96.01) or kota Sorong (96.71); write the kind "
     "(Kabupaten ... or Kota ...) or give the region code"),
    ("Bengkulu", ("provinsi", "kabupaten", "kota"),
     "'Bengkulu' is ambiguous: it could be provinsi Bengkulu (17) or kota Bengkulu (17.71); write the kind "
     "(Kabupaten ... or Kota ...) or give the region code"),
    ("Pariaman", ("kabupaten",),
     "no kabupaten named 'Pariaman' in the region table; did you mean kabupaten Padang Pariaman (13.05)?"),
    ("Atlantis", ("kota",), "no kota named 'Atlantis' in the region table"),
    ("Kota Batam", ("kabupaten",), "'Kota Batam' names a kota (kota Batam (21.71)), but here only kabupaten can be meant"),
])
def test_no_match_or_several_is_an_error_naming_the_candidates(printed: str, allowed: tuple[str, ...], message: str) -> None:
    with pytest.raises(MatchError) as err:
        MATCHER.match(printed, allowed)
    assert str(err.value) == message
