"""The DCAT 3 / VoID description of the dataset itself (one node, its distributions)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from inovasi_kg.core.formats import Format, fmt
from inovasi_kg.core.iris import DATASET_KEY, dataset_iri, distribution_iri, dump_url, id_space, instance_iri, rights_iri
from inovasi_kg.core.prefixes import NAMESPACES
from inovasi_kg.rdf.namespaces import DCAT, DCTERMS, IDA_NS, PREFIXES, RDF, RDFS, SKOS, VOID, XSD

if TYPE_CHECKING:
    from inovasi_kg.store.base import Reader

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

_EXAMPLES = (("wilayah", "33.71"), ("organisasi", "33.71.balitbang"), ("inovasi", "33.71.kampung-it"),
             ("peringkat", "iga-2017.kota.5"))


_FOAF, _VCARD, _EU, _DCATAP = (NAMESPACES[p] for p in ("foaf", "vcard", "eu-authority", "dcatap"))
_FILE_TYPE = {"turtle": "RDF_TURTLE", "ntriples": "RDF_N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}
# The catalog's own nodes live under {base}id/ with these segments.
CATALOG_SEGMENTS = ("katalog", "dataset", "distribusi", "hak", "agen", "kontak", "cakupan-waktu", "layanan", "partisi")


def uri_pattern(base: str) -> str:
    """A regular expression matching every IRI we mint: rows, legal acts, code lists, the ontology."""
    import re

    roots = sorted({re.escape(base), re.escape(str(IDA_NS).rsplit("ontology", 1)[0])})
    return f"^({'|'.join(roots)})(id/|eli/|kode/|ontology)"


def _minted_prefixes(base: str) -> list[str]:
    """The IRI prefixes `uri_pattern` matches, one by one (for STRSTARTS in a query)."""
    roots = sorted({base, str(IDA_NS).rsplit("ontology", 1)[0]})
    return [root + segment for root in roots for segment in ("id/", "eli/", "kode/", "ontology")]


def catalog_triples(base: str, sources: list[ox.NamedNode], years: tuple[str, str],
                    vocabularies: list[str] | None = None) -> list[ox.Triple]:
    """The DCAT-AP 3 description: catalog, dataset, distributions, the SPARQL endpoint as a data service,
    publisher and contact point, licence, rights, languages, coverage in time and space, theme.

    `years` (first, last) are the years the data speaks of, so the dates come from the data and
    builds stay byte-identical; the VoID figures come from `void_statistics`.
    """
    n = ox.NamedNode
    ds = n(dataset_iri(base))
    rights = n(rights_iri(base))
    catalog, publisher = n(instance_iri(base, "katalog", DATASET_KEY)), n(instance_iri(base, "agen", "inovasi-kg"))
    contact, period = n(instance_iri(base, "kontak", "inovasi-kg")), n(instance_iri(base, "cakupan-waktu", DATASET_KEY))
    service = n(instance_iri(base, "layanan", "sparql"))
    year = n(str(XSD.gYear))
    first, last = years

    def lit(text: str, lang: str) -> ox.Literal:
        return ox.Literal(text, language=lang)

    def t(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
        return ox.Triple(s, n(p), o)

    title = (lit("Graf Pengetahuan Inovasi Daerah", "id"), lit("Regional Innovation Knowledge Graph", "en"))
    description = (
        lit("Inovasi pemerintah daerah Indonesia: Kota Magelang pada Innovative Government Award 2017, Balitbang dan "
            "perangkat daerahnya, inovasi dan kategorinya, produk hukum, peringkat sepuluh kota, serta indikator "
            "ekonomi; setiap fakta merujuk ke kutipan sumbernya.", "id"),
        lit("Indonesian regional-government innovation: Kota Magelang at the Innovative Government Award 2017, its "
            "research agency and agencies, innovations and their categories, legal acts, the ranking of ten cities "
            "and economic indicators; every fact points to the quote it comes from.", "en"))
    theme, themes = n(_EU + "data-theme/GOVE"), n(_EU + "data-theme")
    country = n(_EU + "country/IDN")
    triples = [
        t(catalog, str(RDF.type), n(str(DCAT.Catalog))),
        t(catalog, str(DCTERMS.title), lit("Katalog Graf Pengetahuan Inovasi Daerah", "id")),
        t(catalog, str(DCTERMS.title), lit("Regional Innovation Knowledge Graph catalog", "en")),
        t(catalog, str(DCTERMS.description), lit("Katalog DCAT-AP data inovasi daerah dari inovasi-kg.", "id")),
        t(catalog, str(DCTERMS.description), lit("DCAT-AP catalog of the regional innovation data of inovasi-kg.", "en")),
        t(catalog, str(DCTERMS.publisher), publisher),
        t(catalog, str(DCAT.dataset), ds),
        t(catalog, str(DCAT.service), service),
        t(catalog, str(DCAT.themeTaxonomy), themes),
        t(catalog, str(DCTERMS.license), n(LICENSE)),
        t(catalog, str(DCTERMS.language), n(NAMESPACES["iso639-1"] + "id")),
        t(catalog, str(DCTERMS.issued), ox.Literal(first, datatype=year)),
        t(catalog, str(DCTERMS.modified), ox.Literal(last, datatype=year)),
        t(catalog, _FOAF + "homepage", n(base)),
        t(n(base), str(RDF.type), n(_FOAF + "Document")),
        t(publisher, str(RDF.type), n(_FOAF + "Agent")),
        t(publisher, str(RDF.type), n(str(DCTERMS.Agent))),
        t(publisher, _FOAF + "name", lit("Proyek inovasi-kg", "id")),
        t(publisher, _FOAF + "name", lit("The inovasi-kg project", "en")),
        t(contact, str(RDF.type), n(_VCARD + "Organization")),
        t(contact, str(RDF.type), n(_VCARD + "Kind")),
        t(contact, _VCARD + "fn", lit("Proyek inovasi-kg", "id")),
        t(contact, _VCARD + "hasURL", n(base)),
        t(service, str(RDF.type), n(str(DCAT.DataService))),
        t(service, str(DCTERMS.title), lit("Titik akhir SPARQL", "id")),
        t(service, str(DCTERMS.title), lit("SPARQL endpoint", "en")),
        t(service, str(DCAT.endpointURL), n(f"{base}sparql")),
        t(service, str(DCAT.endpointDescription), n(f"{base}sparql")),
        t(service, str(DCAT.servesDataset), ds),
        t(service, str(DCTERMS.conformsTo), n("https://www.w3.org/TR/sparql11-protocol/")),
        t(n("https://www.w3.org/TR/sparql11-protocol/"), str(RDF.type), n(str(DCTERMS.Standard))),
        t(service, str(DCTERMS.license), n(LICENSE)),
        t(service, str(DCTERMS.publisher), publisher),
        t(service, str(DCAT.contactPoint), contact),
        t(service, str(DCAT.theme), theme),
        t(service, str(DCAT.keyword), lit("SPARQL", "en")),
        t(catalog, str(DCTERMS.spatial), country),
        t(ds, str(RDF.type), n(str(DCAT.Dataset))),
        t(ds, str(RDF.type), n(str(VOID.Dataset))),
        *(t(ds, str(DCTERMS.title), x) for x in title),
        *(t(ds, str(DCTERMS.description), x) for x in description),
        t(ds, str(DCTERMS.publisher), publisher),
        t(ds, str(DCAT.contactPoint), contact),
        t(ds, str(DCAT.theme), theme),
        *_concept(theme, themes, "GOVE", ("Pemerintahan dan sektor publik", "Government and public sector"),
                  ("Tema data", "Data theme")),
        t(ds, str(DCTERMS.spatial), country),
        t(country, str(RDF.type), n(str(DCTERMS.Location))),
        t(ds, str(DCTERMS.temporal), period),
        t(period, str(RDF.type), n(str(DCTERMS.PeriodOfTime))),
        t(period, str(DCAT.startDate), ox.Literal(first, datatype=year)),
        t(period, str(DCAT.endDate), ox.Literal(last, datatype=year)),
        t(ds, str(DCTERMS.issued), ox.Literal(first, datatype=year)),
        t(ds, str(DCTERMS.modified), ox.Literal(last, datatype=year)),
        t(ds, str(DCTERMS.license), n(LICENSE)),
        t(n(LICENSE), str(RDF.type), n(str(DCTERMS.LicenseDocument))),
        t(ds, str(DCTERMS.rights), rights),
        t(rights, str(RDF.type), n(str(DCTERMS.RightsStatement))),
        t(rights, str(RDFS.label), lit("Data kurasi berlisensi CC BY 4.0; kutipan tetap milik penerbit sumbernya.", "id")),
        t(rights, str(RDFS.label), lit("Curated data under CC BY 4.0; quotations remain their source publisher's.", "en")),
        t(ds, str(DCTERMS.conformsTo), n(str(IDA_NS).rstrip("#"))),
        t(n(str(IDA_NS).rstrip("#")), str(RDF.type), n(str(DCTERMS.Standard))),
        t(ds, str(VOID.uriSpace), ox.Literal(base)),
        t(ds, str(VOID.uriRegexPattern), ox.Literal(uri_pattern(base))),
        *(t(ds, str(VOID.exampleResource), n(instance_iri(base, seg, key))) for seg, key in _EXAMPLES),
        t(ds, str(VOID.sparqlEndpoint), n(f"{base}sparql")),
        t(ds, str(DCAT.keyword), lit("inovasi daerah", "id")),
        t(ds, str(DCAT.keyword), lit("regional innovation", "en")),
    ]
    for code in ("id", "en"):
        language = n(NAMESPACES["iso639-1"] + code)
        triples += [t(ds, str(DCTERMS.language), language), t(language, str(RDF.type), n(str(DCTERMS.LinguisticSystem)))]
    triples += [t(ds, str(DCTERMS.relation), s) for s in sources]
    triples += [t(ds, str(VOID.vocabulary), n(v)) for v in vocabularies or ()]
    availability = n(_EU + "planned-availability/STABLE")
    availabilities = n(_EU + "planned-availability")
    triples += _concept(availability, availabilities, "STABLE", ("Stabil", "Stable"),
                        ("Ketersediaan terencana", "Planned availability"))
    for dist in DISTRIBUTIONS:
        d = n(distribution_iri(base, dist.key))
        media = n(NAMESPACES["iana-media"] + dist.format.media_type)
        file_type = n(_EU + "file-type/" + _FILE_TYPE[dist.key])
        url = n(dump_url(base, dist.file_name))
        triples += [
            t(ds, str(DCAT.distribution), d),
            t(d, str(RDF.type), n(str(DCAT.Distribution))),
            t(d, str(DCTERMS.title), lit(dist.title_id, "id")),
            t(d, str(DCTERMS.title), lit(dist.title_en, "en")),
            t(d, str(DCTERMS.description), lit(f"Seluruh graf sebagai satu berkas {dist.format.name}.", "id")),
            t(d, str(DCTERMS.description), lit(f"The whole graph as one {dist.format.name} file.", "en")),
            t(d, str(DCAT.mediaType), media),
            t(media, str(RDF.type), n(str(DCTERMS.MediaType))),
            t(d, str(DCTERMS.format), file_type),
            t(file_type, str(RDF.type), n(str(DCTERMS.MediaTypeOrExtent))),
            t(d, str(DCAT.accessURL), url),
            t(d, str(DCAT.downloadURL), url),
            t(d, _DCATAP + "availability", availability),
            t(d, str(DCTERMS.license), n(LICENSE)),
        ]
        if dist.key == "ntriples":
            triples.append(t(ds, str(VOID.dataDump), url))
    return triples


def _concept(concept: ox.NamedNode, scheme: ox.NamedNode, notation: str, labels: tuple[str, str],
             titles: tuple[str, str]) -> list[ox.Triple]:
    """A concept of another publisher's code list (EU vocabularies), typed and labelled so the catalog
    is self-contained: (Indonesian, English) labels of the concept and titles of its scheme."""
    def lit(text: str, lang: str) -> ox.Literal:
        return ox.Literal(text, language=lang)

    def t(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
        return ox.Triple(s, ox.NamedNode(p), o)

    return [t(concept, str(RDF.type), ox.NamedNode(str(SKOS.Concept))), t(concept, str(SKOS.inScheme), scheme),
            t(concept, str(SKOS.notation), ox.Literal(notation)),
            t(concept, str(SKOS.prefLabel), lit(labels[0], "id")), t(concept, str(SKOS.prefLabel), lit(labels[1], "en")),
            t(scheme, str(RDF.type), ox.NamedNode(str(SKOS.ConceptScheme))),
            t(scheme, str(DCTERMS.title), lit(titles[0], "id")), t(scheme, str(DCTERMS.title), lit(titles[1], "en"))]


def catalog_quads(reader: Reader, base: str, years: set[str] | None = None) -> Iterator[ox.Quad]:
    """The description of the graph in `reader`, with its VoID statistics, as default-graph quads to add.

    The figures of the stored graph are aggregates the store computes (no triple is copied into Python);
    only the description's own few thousand triples are counted here. `years`, the xsd:gYear values of
    the stored graph, when the caller saw them go in (asked of the store otherwise)."""
    base_figures = _StoredFigures(reader, base, years)
    span = (base_figures.years[0], base_figures.years[-1]) if base_figures.years else ("2017", "2017")
    sources = base_figures.sources
    description = catalog_triples(base, sources, span)  # type: ignore[arg-type]
    stats = void_statistics(base, base_figures, description)
    vocabularies = _vocabularies([*description, *stats], base_figures)
    description = catalog_triples(base, sources, span, vocabularies)  # type: ignore[arg-type]
    for t in [*description, *void_statistics(base, base_figures, description)]:
        yield ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())


class _StoredFigures:
    """What VoID and DCAT need to know of the stored graph, as aggregate queries."""

    def __init__(self, reader: Reader, base: str, years: set[str] | None = None) -> None:
        self.reader = reader
        big = 100_000_000

        def rows(query: str) -> list[tuple[Any, ...]]:
            return reader.query(query, max_rows=big).rows

        from inovasi_kg.sparql.named import internal

        self.properties = {r[0].value: int(r[1].value) for r in rows(internal("tripel-per-properti"))}
        self.classes = {r[0].value: int(r[1].value) for r in rows(internal("anggota-per-kelas"))}
        self.total = sum(self.properties.values())
        prefixes = tuple(_minted_prefixes(base))  # checked here: the store would decode every triple's subject
        self.entities = sum(1 for r in rows(internal("subjek-iri")) if r[0].value.startswith(prefixes))
        if years is None:
            years = {r[0].value for r in rows(internal("tahun"))}
        self.years = sorted(years)
        self.sources = sorted((r[0] for r in rows(internal("url-sumber"))), key=str)

    def is_subject(self, iri: str) -> bool:
        return next(iter(self.reader.triples(ox.NamedNode(iri), None, None)), None) is not None

    def has(self, t: ox.Triple) -> bool:
        return next(iter(self.reader.triples(t.subject, t.predicate, t.object)), None) is not None  # type: ignore[arg-type]


def _vocabularies(triples: list[ox.Triple], stored: _StoredFigures) -> list[str]:
    """The namespaces of every property and class used, as VoID vocabularies (ours included)."""
    rdf_type = str(RDF.type)
    used = {t.predicate.value for t in triples} | {t.object.value for t in triples if t.predicate.value == rdf_type}
    used |= set(stored.properties) | set(stored.classes)
    spaces = sorted(set(PREFIXES.values()), key=len, reverse=True)
    found = set()
    for iri in used:
        ns = next((ns for ns in spaces if iri.startswith(ns)), None)
        if ns is None:
            ns = iri.rsplit("#", 1)[0] + "#" if "#" in iri else iri.rsplit("/", 1)[0] + "/"
        found.add(str(IDA_NS).rstrip("#") if ns == str(IDA_NS) else ns)  # our ontology by its own IRI
    return sorted(found)


def _slugs(iris_: list[str]) -> dict[str, str]:
    """A readable, unique path segment for each IRI (its CURIE, letters and digits kept)."""
    import hashlib
    import re

    from inovasi_kg.core.prefixes import curie

    def slug(iri: str) -> str:
        short = curie(iri)
        return re.sub(r"[^A-Za-z0-9._-]+", "-", iri if short.startswith("<") else short).strip("-")

    out = {iri: slug(iri) for iri in iris_}
    counts: dict[str, int] = {}
    for value in out.values():
        counts[value] = counts.get(value, 0) + 1
    return {iri: value if counts[value] == 1 else f"{value}-{hashlib.sha1(iri.encode()).hexdigest()[:8]}"
            for iri, value in out.items()}


def void_statistics(base: str, stored: _StoredFigures, description: list[ox.Triple]) -> list[ox.Triple]:
    """VoID figures of the whole export, these statistics included: triples, entities (IRIs we mint
    used as subjects), classes, properties, and a class and a property partition for each.

    The figures count the triples that carry them, so they are computed to a fixed point: the stored
    graph's figures plus those of the description and statistics triples it does not already hold.
    """
    n, integer = ox.NamedNode, ox.NamedNode(str(XSD.integer))
    ds = n(dataset_iri(base))
    rdf_type = str(RDF.type)
    import re

    pattern = re.compile(uri_pattern(base))
    held: dict[ox.Triple, bool] = {}

    def new_triples(stats: list[ox.Triple]) -> list[ox.Triple]:
        out = []
        for t in dict.fromkeys([*description, *stats]):  # a graph: each triple once
            if t not in held:
                held[t] = stored.has(t)
            if not held[t]:
                out.append(t)
        return out

    def figures(stats: list[ox.Triple]) -> list[ox.Triple]:
        extra = new_triples(stats)
        properties = dict(stored.properties)
        classes = dict(stored.classes)
        members: dict[str, set[str]] = {}
        for t in extra:
            properties[t.predicate.value] = properties.get(t.predicate.value, 0) + 1
            if t.predicate.value == rdf_type:
                members.setdefault(t.object.value, set()).add(t.subject.value)
        for cls, subjects in members.items():
            # a subject stored with this type already counts; with no stored triple of this type it is new
            fresh = {s for s in subjects if not stored.has(ox.Triple(n(s), n(rdf_type), n(cls)))} \
                if cls in stored.classes else subjects
            classes[cls] = classes.get(cls, 0) + len(fresh)
        new_subjects = {t.subject.value for t in extra if isinstance(t.subject, ox.NamedNode)}
        entities = stored.entities + sum(1 for s in new_subjects if pattern.match(s) and not stored.is_subject(s))
        out = [
            ox.Triple(ds, n(str(VOID.triples)), ox.Literal(str(stored.total + len(extra)), datatype=integer)),
            ox.Triple(ds, n(str(VOID.entities)), ox.Literal(str(entities), datatype=integer)),
            ox.Triple(ds, n(str(VOID.classes)), ox.Literal(str(len(classes)), datatype=integer)),
            ox.Triple(ds, n(str(VOID.properties)), ox.Literal(str(len(properties)), datatype=integer)),
        ]
        class_slugs, property_slugs = _slugs(sorted(classes)), _slugs(sorted(properties))
        for cls, count in sorted(classes.items()):
            part = n(instance_iri(base, "partisi", "kelas-" + class_slugs[cls]))
            out += [ox.Triple(ds, n(str(VOID.classPartition)), part), ox.Triple(part, n(rdf_type), n(str(VOID.Dataset))),
                    ox.Triple(part, n(str(VOID["class"])), n(cls)),
                    ox.Triple(part, n(str(VOID.entities)), ox.Literal(str(count), datatype=integer))]
        for prop, count in sorted(properties.items()):
            part = n(instance_iri(base, "partisi", "properti-" + property_slugs[prop]))
            out += [ox.Triple(ds, n(str(VOID.propertyPartition)), part), ox.Triple(part, n(rdf_type), n(str(VOID.Dataset))),
                    ox.Triple(part, n(str(VOID.property)), n(prop)),
                    ox.Triple(part, n(str(VOID.triples)), ox.Literal(str(count), datatype=integer))]
        return out

    stats: list[ox.Triple] = []
    for _ in range(10):
        new = figures(stats)
        if sorted(map(str, new)) == sorted(map(str, stats)):
            return new
        stats = new
    raise AssertionError("VoID statistics did not settle")  # pragma: no cover


def catalog_only(triples: list[ox.Triple], base: str) -> list[ox.Triple]:
    """The catalog alone: its own nodes (catalog, dataset, distributions, service, publisher, contact,
    rights, coverage) and every node they refer to, typed, so the catalog is self-contained."""
    ours = tuple(instance_iri(base, seg, "") for seg in CATALOG_SEGMENTS)
    space = id_space(base)
    by_subject: dict[str, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, []).append(t)
    out: list[ox.Triple] = []
    seen: set[str] = set()
    partitions = instance_iri(base, "partisi", "")
    stack = [iri for iri in by_subject if iri.startswith(ours) and not iri.startswith(partitions)]
    rdf_type = str(RDF.type)
    skip = {str(VOID.classPartition), str(VOID.propertyPartition)}  # VoID statistics stay in the full export
    while stack:
        iri = stack.pop()
        if iri in seen:
            continue
        seen.add(iri)
        own = iri.startswith(ours) or not (iri.startswith(space) or iri.startswith(str(IDA_NS).rstrip("#")))
        for t in by_subject.get(iri, []):
            if t.predicate.value in skip:
                continue
            if own or t.predicate.value == rdf_type:
                out.append(t)
                if own and isinstance(t.object, ox.NamedNode) and t.predicate.value != rdf_type:
                    stack.append(t.object.value)
    return sorted(out, key=str)
