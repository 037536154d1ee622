"""The project's prefixes as plain strings, and `curie`: what reading the store needs, without rdflib.

Every namespace IRI the project writes is here, once: rdf/namespaces.py builds the rdflib namespaces
from this table.
"""

from __future__ import annotations

import functools

from inovasi_kg.core.iris import KODE_NS, ONTOLOGY_NS

__all__ = ["NAMESPACES", "PREFIXES", "SCHEMES", "curie"]

SCHEMES = ("bentuk-inovasi", "jenis-perangkat-daerah", "jenis-produk-hukum", "kategori-penghargaan", "inisiator",
            "indikator", "satuan", "agregasi", "tingkat-sasaran", "status-hasil", "ukuran-iid", "lingkup-pemda",
            "predikat-iid")

PREFIXES: dict[str, str] = {
    "ida": ONTOLOGY_NS,
    "kode": KODE_NS,
    **{scheme: f"{KODE_NS}{scheme}/" for scheme in SCHEMES},
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "dqv": "http://www.w3.org/ns/dqv#",
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "time": "http://www.w3.org/2006/time#",
}

# Namespaces the code names but does not bind as prefixes (query prologue and exports keep PREFIXES).
NAMESPACES: dict[str, str] = {
    **PREFIXES,
    "sh": "http://www.w3.org/ns/shacl#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "entailment": "http://www.w3.org/ns/entailment/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "dcatap": "http://data.europa.eu/r5r/",
    "eu-authority": "http://publications.europa.eu/resource/authority/",
    "iso639-1": "http://id.loc.gov/vocabulary/iso639-1/",
    "iana-media": "https://www.iana.org/assignments/media-types/",
}


@functools.lru_cache(maxsize=65536)  # pages shorten the same few hundred IRIs over and over; the table is fixed
def curie(iri: str) -> str:
    """Shorten an IRI with the project's prefixes: `curie(PREFIXES["skos"] + "prefLabel") == "skos:prefLabel"`."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns) and len(iri) > len(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"
