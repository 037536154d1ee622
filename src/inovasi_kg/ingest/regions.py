"""Match region names as sources print them ("Kab. Bogor", "Kota Tangsel", "Jabar") to region codes.

A name is split into its kind word (provinsi, kabupaten, kota, with their short and government forms:
"Kab.", "Pemkab", "Pemprov", "Pemerintah Kota") and the place name, which is compared letters only
("Toli-Toli" = "Tolitoli", "Bau Bau" = "Baubau"). Known short forms ("Jatim", "DIY", "Tangsel") are
expanded first. The kind is the printed one, else the one the context allows (an award category).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MatchError", "Region", "RegionMatcher", "normalize", "split_kind"]

KINDS = ("provinsi", "kabupaten", "kota")

# Printed kind words, longest first, normalized to lower case and single spaces.
_KIND_WORDS: tuple[tuple[str, str], ...] = tuple(sorted((
    ("pemerintah provinsi", "provinsi"), ("pemprov", "provinsi"), ("propinsi", "provinsi"), ("provinsi", "provinsi"),
    ("prov", "provinsi"),
    ("pemerintah kabupaten", "kabupaten"), ("pemerintah kab", "kabupaten"),
    ("pemkab", "kabupaten"),
    ("kabupaten administrasi", "kabupaten"), ("kabupaten", "kabupaten"), ("kab", "kabupaten"),
    ("pemerintah kota", "kota"), ("pemkot", "kota"), ("kota administrasi", "kota"), ("kota", "kota"),
    ("pemda provinsi", "provinsi"), ("pemda kabupaten", "kabupaten"), ("pemda kab", "kabupaten"), ("pemda kota", "kota"),
    ("the provincial government of", "provinsi"), ("provincial government of", "provinsi"), ("province of", "provinsi"),
    ("the regency government of", "kabupaten"), ("regency government of", "kabupaten"),
    ("the city government of", "kota"), ("city government of", "kota"), ("the city of", "kota"), ("city of", "kota"),
), key=lambda pair: -len(pair[0])))

# Short forms of place names, as Indonesian writing uses them (key: letters only, lower case).
_SHORT: dict[str, tuple[str, str]] = {
    "jabar": ("provinsi", "Jawa Barat"), "jateng": ("provinsi", "Jawa Tengah"), "jatim": ("provinsi", "Jawa Timur"),
    "diy": ("provinsi", "Daerah Istimewa Yogyakarta"), "yogyakarta": ("provinsi", "Daerah Istimewa Yogyakarta"),
    "diyogyakarta": ("provinsi", "Daerah Istimewa Yogyakarta"),
    "dki": ("provinsi", "Daerah Khusus Ibukota Jakarta"), "dkijakarta": ("provinsi", "Daerah Khusus Ibukota Jakarta"),
    "jakarta": ("provinsi", "Daerah Khusus Ibukota Jakarta"),
    "jakartaraya": ("provinsi", "Daerah Khusus Ibukota Jakarta"),  # the older name (DKI Jakarta Raya)
    "dkijakartaraya": ("provinsi", "Daerah Khusus Ibukota Jakarta"),
    "daerahkhususjakarta": ("provinsi", "Daerah Khusus Ibukota Jakarta"),
    "sumut": ("provinsi", "Sumatera Utara"), "sumbar": ("provinsi", "Sumatera Barat"),
    "sumsel": ("provinsi", "Sumatera Selatan"), "kalbar": ("provinsi", "Kalimantan Barat"),
    "kalteng": ("provinsi", "Kalimantan Tengah"), "kalsel": ("provinsi", "Kalimantan Selatan"),
    "kaltim": ("provinsi", "Kalimantan Timur"), "kaltara": ("provinsi", "Kalimantan Utara"),
    "sulut": ("provinsi", "Sulawesi Utara"), "sulteng": ("provinsi", "Sulawesi Tengah"),
    "sulsel": ("provinsi", "Sulawesi Selatan"), "sultra": ("provinsi", "Sulawesi Tenggara"),
    "sulbar": ("provinsi", "Sulawesi Barat"), "ntb": ("provinsi", "Nusa Tenggara Barat"),
    "ntt": ("provinsi", "Nusa Tenggara Timur"), "babel": ("provinsi", "Kepulauan Bangka Belitung"),
    "bangkabelitung": ("provinsi", "Kepulauan Bangka Belitung"), "kepri": ("provinsi", "Kepulauan Riau"),
    "malut": ("provinsi", "Maluku Utara"),
    "tangsel": ("kota", "Tangerang Selatan"), "jaksel": ("kota", "Jakarta Selatan"),
    "jakpus": ("kota", "Jakarta Pusat"), "jaktim": ("kota", "Jakarta Timur"), "jakbar": ("kota", "Jakarta Barat"),
    "jakut": ("kota", "Jakarta Utara"), "hss": ("kabupaten", "Hulu Sungai Selatan"),
    "pangkep": ("kabupaten", "Pangkajene dan Kepulauan"),
}


def normalize(text: str) -> str:
    """Lower case, accents off, punctuation to spaces, single spaces.

        >>> normalize("  Kab.  Toli-Toli ")
        'kab toli toli'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# Spellings of one word that sources mix (English "Sumatra", the older "Bau-Bau"): the key uses the first.
_WORDS = {"sumatra": "sumatera", "jogjakarta": "yogyakarta", "jogja": "yogyakarta", "makasar": "makassar"}

# English kind words as English-language pages print them after the name ("West Java Province").
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("provincial government", "provinsi"), ("regency government", "kabupaten"), ("city government", "kota"),
    ("administrative regency", "kabupaten"), ("administrative city", "kota"),
    ("province", "provinsi"), ("regency", "kabupaten"), ("city", "kota"),
)


def _key(place: str) -> str:
    return "".join(_WORDS.get(word, word) for word in normalize(place).split())


@dataclass(frozen=True)
class Region:
    """One region of the skeleton: its Kemendagri code, kind and name without the kind word."""

    code: str
    kind: str
    name: str


class MatchError(ValueError):
    """A printed name that matches no region, or more than one."""


def split_kind(printed: str) -> tuple[str | None, str]:
    """The kind word a printed name starts with (if any) and the rest.

        >>> split_kind("Kab. Bogor")
        ('kabupaten', 'bogor')
        >>> split_kind("Pemerintah Kota Tangerang Selatan")
        ('kota', 'tangerang selatan')
        >>> split_kind("West Java Province")
        ('provinsi', 'west java')
        >>> split_kind("Bogor")
        (None, 'bogor')
    """
    text = normalize(printed)
    for word, kind in _KIND_WORDS:
        if text == word:
            return kind, ""
        if text.startswith(word + " "):
            return kind, text[len(word) + 1:]
    for word, kind in _SUFFIXES:
        if text.endswith(" " + word):
            return kind, text[: -len(word) - 1]
    return None, text


class RegionMatcher:
    """Resolve printed names against the regions of the skeleton."""

    def __init__(self, regions: Iterable[Region], aliases: Iterable[tuple[str, str]] = ()) -> None:
        self._by_key: dict[tuple[str, str], list[Region]] = {}
        self._codes: dict[str, Region] = {}
        for region in regions:
            self._codes[region.code] = region
            self._add(_key(region.name), region)
        for spelling, code in aliases:  # a source's own spelling recorded on a region (skos:hiddenLabel)
            known = self._codes.get(code)
            if known is not None:
                kind, place = split_kind(spelling)
                if kind in (None, known.kind) and place:
                    self._add(_key(place), known)

    def _add(self, key: str, region: Region) -> None:
        bucket = self._by_key.setdefault((region.kind, key), [])
        if region not in bucket:
            bucket.append(region)

    @classmethod
    def from_labels(cls, rows: Iterable[tuple[str, str, str]],
                    aliases: Iterable[tuple[str, str]] = ()) -> RegionMatcher:
        """From (code, kind, label) triples such as the wilayah table's ("32.01", "kabupaten", "Kabupaten Bogor")."""
        regions = []
        for code, kind, label in rows:
            printed_kind, place = split_kind(label)
            regions.append(Region(code, kind, place if printed_kind == kind else normalize(label)))
        return cls(regions, aliases)

    def match(self, printed: str, allowed: Iterable[str] = KINDS) -> Region:
        """The one region `printed` names; `allowed` are the kinds the context admits.

        Raises MatchError naming the candidates when there are none or several.
        """
        allowed = tuple(allowed)
        kind, place = split_kind(re.sub(r"\([^()]*\)", " ", printed))  # "Pangkajene dan Kepulauan (Pangkep)"
        short = _SHORT.get(_key(place))
        kinds = (kind,) if kind is not None else allowed
        found: list[Region] = []
        for k in kinds:
            found += self._by_key.get((k, _key(place)), [])
        if not found and short is not None and short[0] in kinds:
            found = self._by_key.get((short[0], _key(short[1])), [])
        if kind is not None and kind not in allowed and found:
            raise MatchError(f"{printed!r} names a {kind} ({_show(found)}), but here only "
                             f"{' or '.join(allowed)} can be meant")
        if len(found) == 1:
            return found[0]
        if not found:
            near = self._near(place, kinds)
            hint = f"; did you mean {near}?" if near else ""
            return _raise(f"no {' or '.join(kinds)} named {printed!r} in the region table{hint}")
        return _raise(f"{printed!r} is ambiguous: it could be {_show(found)}; write the kind "
                      f"(Kabupaten ... or Kota ...) or give the region code")

    def _near(self, place: str, kinds: tuple[str, ...]) -> str:
        key = _key(place)
        if len(key) < 3:
            return ""
        hits = [r for (k, name), regions in self._by_key.items() if k in kinds and (key in name or name in key)
                for r in regions if len(name) >= 3]
        return _show(hits[:4]) if hits else ""


def _show(regions: Iterable[Region]) -> str:
    return " or ".join(f"{r.kind} {r.name.title()} ({r.code})" for r in regions)


def _raise(message: str) -> Region:
    raise MatchError(message)
