"""Each SHACL shape rejects the broken data it is there for (and the shipped data conforms)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from inovasi_kg.check.validate import shacl_findings
from inovasi_kg.core.resources import ontology_dir

ID = "https://w3id.org/inovasi-daerah/id/"
IDA = "https://w3id.org/inovasi-daerah/ontology#"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
N = ox.NamedNode


def _drop(triples: list[ox.Triple], s: str, p: str) -> list[ox.Triple]:
    out = [t for t in triples if not (t.subject.value == s and t.predicate.value == p)]
    assert len(out) < len(triples), (s, p)
    return out


def _add(triples: list[ox.Triple], s: str, p: str, o: ox.NamedNode | ox.Literal) -> list[ox.Triple]:
    return [*triples, ox.Triple(N(s), N(p), o)]


MAGELANG_RANK = ID + "peringkat/iga-2017.kota.5"
BALITBANG = ID + "organisasi/33.71.balitbang"
CASES = [
    ("Labelled: one skos:prefLabel per language",
     lambda t: _add(t, ID + "inovasi/33.71.datago", SKOS + "prefLabel", ox.Literal("DataGo 2", language="id"))),
    ("Region: exactly one Kemendagri region code",
     lambda t: _add(t, ID + "wilayah/33.71", IDA + "kodeWilayah", ox.Literal("3371"))),
    ("Agency: exactly one parent, a regional government",
     lambda t: _drop(t, BALITBANG, IDA + "indukOrganisasi")),
    ("Agency: exactly one kind (badan, dinas or kantor)",
     lambda t: _add(t, BALITBANG, IDA + "jenisPerangkatDaerah", N("https://w3id.org/inovasi-daerah/kode/jenis-perangkat-daerah/dinas"))),
    ("Post: exactly one organisation it is in",
     lambda t: _drop(t, ID + "jabatan/33.71.kasubid-phi", ORG + "postIn")),
    ("Change event: needs a dct:date",
     lambda t: _drop(t, ID + "perubahan-kelembagaan/33.71.balitbang-2017", "http://purl.org/dc/terms/date")),
    ("Innovation: exactly one form from the PP 38/2017 scheme",
     lambda t: _drop(t, ID + "inovasi/33.71.sipput", IDA + "bentukInovasi")),
    ("Innovation: attributed to at least one organisation",
     lambda t: _drop(t, ID + "inovasi/33.71.sipput", "http://www.w3.org/ns/prov#wasAttributedTo")),
    ("Programme: at most one count of works",
     lambda t: _add(t, ID + "ajang-inovasi/33.71.krenova", IDA + "jumlahKarya", ox.Literal("-1", datatype=N(XSD + "integer")))),
    ("Legal act: passed by an organisation",
     lambda t: _drop(t, "https://w3id.org/inovasi-daerah/eli/pp/2017/38", "http://data.europa.eu/eli/ontology#passed_by")),
    ("Legal act: exactly one year",
     lambda t: _drop(t, "https://w3id.org/inovasi-daerah/eli/pp/2017/38", IDA + "tahun")),
    ("Draft act: based on a legal act",
     lambda t: _add(t, "https://w3id.org/inovasi-daerah/eli/rancangan/perda/raperda-33.71-2017-inovasi-daerah",
                    IDA + "berdasarkan", N(BALITBANG))),
    ("Ranked result: exactly one score, a non-negative decimal",
     lambda t: _add(t, MAGELANG_RANK, IDA + "skor", ox.Literal("2548", datatype=N(XSD + "decimal")))),
    ("Ranked result: exactly one rank, an integer of at least 1",
     lambda t: [x for x in _drop(t, MAGELANG_RANK, IDA + "nomorPeringkat")]
     + [ox.Triple(N(MAGELANG_RANK), N(IDA + "nomorPeringkat"), ox.Literal("0", datatype=N(XSD + "integer")))]),
    ("Ranked result: exactly one recipient, a regional government",
     lambda t: _add(t, MAGELANG_RANK, IDA + "penerima", N(BALITBANG))),
    ("Observation: exactly one value (xsd:decimal)",
     lambda t: _drop(t, ID + "observasi/33.71.ipm.2011-2015", "http://purl.org/linked-data/sdmx/2009/measure#obsValue")),
    ("Quote: exactly one selector with a non-empty oa:exact",
     lambda t: _drop(t, ID + "kutipan/q-ipm/selector", "http://www.w3.org/ns/oa#exact")),
    ("Quote: exactly one source document",
     lambda t: _drop(t, ID + "kutipan/q-ipm", "http://www.w3.org/ns/oa#hasSource")),
    ("Provenance: every fact node is derived from at least one quote or source",
     lambda t: _drop(t, ID + "inovasi/33.71.datago", IDA + "kutipanSumber")),
    ("Quality annotation: needs the conflicting quote",
     lambda t: _drop(t, ID + "anotasi-mutu/iga-2017.skor-magelang", IDA + "kutipanBertentangan")),
    ("Concept: exactly one notation",
     lambda t: _drop(t, "https://w3id.org/inovasi-daerah/kode/satuan/persen", SKOS + "notation")),
]


def test_shipped_graph_conforms(triples: list[ox.Triple]) -> None:
    conforms, findings = shacl_findings(triples, ontology_dir() / "shapes.ttl")
    assert (conforms, findings) == (True, [])


@pytest.mark.parametrize("message,mutate", CASES, ids=[c[0].split(":")[0] + ": " + c[0].split(": ")[1][:30] for c in CASES])
def test_shape_rejects_broken_data(triples: list[ox.Triple], message: str, mutate) -> None:  # type: ignore[no-untyped-def]
    conforms, findings = shacl_findings(mutate(list(triples)), ontology_dir() / "shapes.ttl")
    assert conforms is False
    assert any(f.message.startswith(message) for f in findings), [f.message for f in findings]
