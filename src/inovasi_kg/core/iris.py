"""Every IRI the project mints, and the way back from an IRI to what it names.

    {base}id/{segment}/{key}             a row of a table (segment declared with the table)
    {base}id/{segment}/{key}/selector    the text selector of a quote
    {base}eli/{type}/{year}/{number}     an enacted legal act, ELI-style
    {base}eli/rancangan/{type}/{key}     a draft legal act
    {base}id/dataset/{key}               the dataset; {base}id/distribusi/{key} its distributions
    {base}dump/{file}                    a downloadable dump
    {kode}{scheme}/{notation}            a code-list concept; {kode}{scheme} its scheme
    {ontology}#{term}                    an ontology term

This module imports nothing, so the query workers can use it too.

    >>> parse("https://w3id.org/inovasi-daerah/eli/pp/2017/38", "https://w3id.org/inovasi-daerah/")
    Named(kind='legal-act', segment='pp', key='2017/38')
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DATASET_KEY",
    "FINGERPRINT",
    "FOLD_FUNCTION",
    "KODE_NS",
    "META_GRAPH",
    "ONTOLOGY_NS",
    "SEARCH_ENTRY",
    "SEARCH_GRAPH",
    "Named",
    "concept_iri",
    "dataset_iri",
    "distribution_iri",
    "draft_act_iri",
    "dump_url",
    "id_space",
    "instance_iri",
    "legal_act_iri",
    "ontology_term",
    "ontology_version",
    "parse",
    "rights_iri",
    "scheme_iri",
    "selector_iri",
]

# The vocabulary's own namespaces: fixed, whatever the base IRI of the data.
ONTOLOGY_NS = "https://w3id.org/inovasi-daerah/ontology#"
KODE_NS = "https://w3id.org/inovasi-daerah/kode/"
IDA_NS, KODE = ONTOLOGY_NS, KODE_NS

# Internal IRIs of the store, never exported: the build's own named graph and fingerprint, the
# graph of folded search labels and its property, and the engine function that folds text.
META_GRAPH = "urn:inovasi-kg:build"
FINGERPRINT = "urn:inovasi-kg:fingerprint"
SEARCH_GRAPH = "urn:inovasi-kg:cari"
SEARCH_ENTRY = "urn:inovasi-kg:label-cari"
FOLD_FUNCTION = "urn:inovasi-kg:fn:fold"

DATASET_KEY = "inovasi-daerah"
_SELECTOR = "/selector"


def id_space(base: str) -> str:
    """The namespace of every row's IRI (VoID's uriSpace)."""
    return f"{base}id/"


def instance_iri(base: str, segment: str, key: str) -> str:
    return f"{id_space(base)}{segment}/{key}"


def legal_act_iri(base: str, kind: str, year: str, number: str) -> str:
    return f"{base}eli/{kind}/{year}/{number}"


def draft_act_iri(base: str, kind: str, key: str) -> str:
    return f"{base}eli/rancangan/{kind}/{key}"


def selector_iri(quote_iri: str) -> str:
    return quote_iri + _SELECTOR


def dataset_iri(base: str) -> str:
    return instance_iri(base, "dataset", DATASET_KEY)


def distribution_iri(base: str, key: str) -> str:
    return instance_iri(base, "distribusi", key)


def rights_iri(base: str) -> str:
    """The rights statement of the dataset (a dct:RightsStatement node)."""
    return instance_iri(base, "hak", DATASET_KEY)


def dump_url(base: str, file_name: str) -> str:
    return f"{base}dump/{file_name}"


def scheme_iri(scheme: str) -> str:
    return f"{KODE}{scheme}"


def concept_iri(scheme: str, notation: str) -> str:
    """IRI of a code-list concept: `concept_iri("bentuk-inovasi", "pelayanan-publik")`."""
    return f"{KODE}{scheme}/{notation}"


def ontology_version(version: str) -> str:
    """The IRI of one release of the ontology (its owl:versionIRI)."""
    return f"{str(IDA_NS).rstrip('#')}/{version}"


def ontology_term(local: str) -> str:
    return f"{IDA_NS}{local}"


@dataclass(frozen=True)
class Named:
    """What a minted IRI names: its kind, the segment (table, act type, scheme) and the key."""

    kind: str  # instance, selector, legal-act, draft-act, dump, concept, scheme, ontology-term, ontology,
    # ontology-version, home, service
    segment: str
    key: str


def parse(iri: str, base: str) -> Named | None:
    """What `iri` names, or None when it is not one we mint (nothing is looked up in the store)."""
    if iri.startswith(str(IDA_NS)):
        local = iri[len(str(IDA_NS)):]
        return Named("ontology-term", "", local) if local else None
    if iri == str(IDA_NS).rstrip("#"):
        return Named("ontology", "", "")
    if iri.startswith(str(IDA_NS).rstrip("#") + "/"):  # a release: ontology/0.1.0
        return Named("ontology-version", "", iri[len(str(IDA_NS).rstrip("#")) + 1:])
    if iri.startswith(str(KODE)):
        scheme, _, notation = iri[len(str(KODE)):].partition("/")
        if not scheme:
            return None
        return Named("concept", scheme, notation) if notation else Named("scheme", scheme, "")
    if not iri.startswith(base):
        return None
    path = iri[len(base):]
    if path in ("", "sparql"):
        return Named("home" if not path else "service", "", path)
    parts = path.split("/")
    if parts[0] == "id" and len(parts) >= 3 and all(parts[1:3]):
        key = "/".join(parts[2:])
        if key.endswith(_SELECTOR) and len(parts) == 4:
            return Named("selector", parts[1], key[: -len(_SELECTOR)])
        return Named("instance", parts[1], key) if len(parts) == 3 else None
    if parts[0] == "eli" and len(parts) == 4 and all(parts[1:]):
        if parts[1] == "rancangan":
            return Named("draft-act", parts[2], parts[3])
        return Named("legal-act", parts[1], f"{parts[2]}/{parts[3]}")
    if parts[0] == "dump" and len(parts) == 2 and parts[1]:
        return Named("dump", "", parts[1])
    return None
