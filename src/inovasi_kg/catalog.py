"""The DCAT 3 / VoID description of the dataset itself (one node, its distributions)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .formats import Format, fmt
from .iris import dataset_iri, distribution_iri, dump_url, id_space, rights_iri
from .namespaces import DCAT, DCTERMS, IDA, IDA_NS, PREFIXES, RDF, RDFS, SCHEMA, VOID, XSD

if TYPE_CHECKING:
    from .store import Reader

__all__ = ["DISTRIBUTIONS", "LICENSE", "Distribution", "catalog_only", "catalog_quads", "catalog_triples"]

LICENSE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Distribution:
    """One published file of the dataset."""

    format: Format
    title_id: str
    title_en: str

    @property
    def key(self) -> str:
        return self.format.name

    @property
    def file_name(self) -> str:
        return f"inovasi-daerah.{self.format.extension}"


DISTRIBUTIONS: tuple[Distribution, ...] = (
    Distribution(fmt("turtle"), "Graf lengkap dalam Turtle", "Full graph in Turtle"),
    Distribution(fmt("ntriples"), "Graf lengkap dalam N-Triples", "Full graph in N-Triples"),
    Distribution(fmt("jsonld"), "Graf lengkap dalam JSON-LD", "Full graph in JSON-LD"),
    Distribution(fmt("rdfxml"), "Graf lengkap dalam RDF/XML", "Full graph in RDF/XML"),
)

_VOCABULARIES = ("org", "cv", "schema", "eli", "skos", "prov", "oa", "dqv", "qb", "dcat", "void", "dct", "time")


def catalog_triples(base: str, data_triples: int, sources: list[ox.NamedNode],
                    spatial: list[ox.NamedNode]) -> list[ox.Triple]:
    """The description; `void:triples` counts the whole export, this description included."""
    n = ox.NamedNode
    ds = n(dataset_iri(base))
    rights = n(rights_iri(base))

    def lit(text: str, lang: str) -> ox.Literal:
        return ox.Literal(text, language=lang)

    triples = [
        ox.Triple(ds, n(str(RDF.type)), n(str(DCAT.Dataset))),
        ox.Triple(ds, n(str(RDF.type)), n(str(VOID.Dataset))),
        ox.Triple(ds, n(str(DCTERMS.title)), lit("Graf Pengetahuan Inovasi Daerah", "id")),
        ox.Triple(ds, n(str(DCTERMS.title)), lit("Regional Innovation Knowledge Graph", "en")),
        ox.Triple(ds, n(str(DCTERMS.description)), lit(
            "Inovasi pemerintah daerah Indonesia: Kota Magelang pada Innovative Government Award 2017, Balitbang dan "
            "perangkat daerahnya, inovasi dan kategorinya, produk hukum, peringkat sepuluh kota, serta indikator "
            "ekonomi; setiap fakta merujuk ke kutipan sumbernya.", "id")),
        ox.Triple(ds, n(str(DCTERMS.description)), lit(
            "Indonesian regional-government innovation: Kota Magelang at the Innovative Government Award 2017, its "
            "research agency and agencies, innovations and their categories, legal acts, the ranking of ten cities "
            "and economic indicators; every fact points to the quote it comes from.", "en")),
        ox.Triple(ds, n(str(DCTERMS.license)), n(LICENSE)),
        ox.Triple(n(LICENSE), n(str(RDF.type)), n(str(DCTERMS.LicenseDocument))),
        ox.Triple(ds, n(str(DCTERMS.rights)), rights),
        ox.Triple(rights, n(str(RDF.type)), n(str(DCTERMS.RightsStatement))),
        ox.Triple(rights, n(str(RDFS.label)), lit(
            "Data kurasi berlisensi CC BY 4.0; kutipan tetap milik penerbit sumbernya.", "id")),
        ox.Triple(rights, n(str(RDFS.label)), lit(
            "Curated data under CC BY 4.0; quotations remain their source publisher's.", "en")),
        ox.Triple(ds, n(str(DCTERMS.conformsTo)), n(str(IDA_NS).rstrip("#"))),
        ox.Triple(n(str(IDA_NS).rstrip("#")), n(str(RDF.type)), n(str(DCTERMS.Standard))),
        ox.Triple(ds, n(str(VOID.uriSpace)), ox.Literal(id_space(base))),
        ox.Triple(ds, n(str(DCAT.keyword)), lit("inovasi daerah", "id")),
        ox.Triple(ds, n(str(DCAT.keyword)), lit("regional innovation", "en")),
    ]
    for code in ("id", "en"):
        language = n(f"http://id.loc.gov/vocabulary/iso639-1/{code}")
        triples += [ox.Triple(ds, n(str(DCTERMS.language)), language),
                    ox.Triple(language, n(str(RDF.type)), n(str(DCTERMS.LinguisticSystem)))]
    triples += [ox.Triple(ds, n(str(DCTERMS.source)), s) for s in sources]
    triples += [ox.Triple(ds, n(str(DCTERMS.spatial)), s) for s in spatial]
    triples += [ox.Triple(ds, n(str(VOID.vocabulary)), n(PREFIXES[p])) for p in _VOCABULARIES]
    for dist in DISTRIBUTIONS:
        d = n(distribution_iri(base, dist.key))
        media = f"https://www.iana.org/assignments/media-types/{dist.format.media_type}"
        triples += [
            ox.Triple(ds, n(str(DCAT.distribution)), d),
            ox.Triple(d, n(str(RDF.type)), n(str(DCAT.Distribution))),
            ox.Triple(d, n(str(DCTERMS.title)), lit(dist.title_id, "id")),
            ox.Triple(d, n(str(DCTERMS.title)), lit(dist.title_en, "en")),
            ox.Triple(d, n(str(DCAT.mediaType)), n(media)),
            ox.Triple(n(media), n(str(RDF.type)), n(str(DCTERMS.MediaType))),
            ox.Triple(d, n(str(DCAT.downloadURL)), n(dump_url(base, dist.file_name))),
            ox.Triple(d, n(str(DCTERMS.license)), n(LICENSE)),
        ]
        if dist.key == "ntriples":
            triples.append(ox.Triple(ds, n(str(VOID.dataDump)), n(dump_url(base, dist.file_name))))
    total = data_triples + len(triples) + 1
    triples.append(ox.Triple(ds, n(str(VOID.triples)), ox.Literal(str(total), datatype=n(str(XSD.integer)))))
    return triples


def catalog_quads(reader: Reader, base: str) -> Iterator[ox.Quad]:
    """The description of the graph in `reader`, as default-graph quads to add to it."""
    n_data = reader.count()
    sources = sorted({t.object for t in reader.triples(None, ox.NamedNode(str(SCHEMA.url)), None)}, key=str)
    regions = sorted({t.subject for t in reader.triples(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(IDA.Kota)))},
                     key=str)
    for t in catalog_triples(base, n_data, sources, regions):  # type: ignore[arg-type]
        yield ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())


def catalog_only(triples: list[ox.Triple], base: str) -> list[ox.Triple]:
    """The dataset's own description: the dataset, its distributions and rights statement, and the
    types of every node they refer to (so the catalog is self-contained)."""
    ds, dist, rights = dataset_iri(base), distribution_iri(base, ""), rights_iri(base)
    own = [t for t in triples if t.subject.value in (ds, rights) or t.subject.value.startswith(dist)]
    referred = {t.object.value for t in own if isinstance(t.object, ox.NamedNode)}
    rdf_type = str(RDF.type)
    typed = [t for t in triples if t.predicate.value == rdf_type and t.subject.value in referred
             and t.subject.value not in (ds, rights) and not t.subject.value.startswith(dist)]
    return own + typed
