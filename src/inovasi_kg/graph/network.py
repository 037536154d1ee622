"""Network stage: the stored RDF as a NetworkX MultiDiGraph, focused views, and files for Gephi/Cytoscape.

Resources become nodes; literals become node attributes (so equal years or scores never join
unrelated things); edges carry the predicate IRI and its label. Ontology scaffolding (classes,
properties, shapes, code-list schemes, the catalog) and provenance nodes (quotes, selectors,
sources) stay out of the picture; a node's supporting quotes become its `quotes` attribute.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from inovasi_kg.core import iris
from inovasi_kg.core.errors import UsageError
from inovasi_kg.core.formats import NETWORK, names
from inovasi_kg.dataset.catalog import CATALOG_SEGMENTS
from inovasi_kg.rdf.namespaces import IDA, IDA_NS, OA, PREFIXES, QB, RDF, SKOS, curie

if TYPE_CHECKING:
    import networkx as nx


__all__ = ["CLASS_STYLE", "class_style", "rdf_to_networkx", "select_view", "write_network"]

_NS = str(IDA_NS)

# One fixed mapping: class local name -> (colour, Indonesian label, English label). The legend, the
# node colours and the GEXF colours all come from here, in this order.
CLASS_STYLE: dict[str, tuple[str, str, str]] = {
    "PemerintahDaerah": ("#1f77b4", "Pemerintah daerah", "Regional government"),
    "PerangkatDaerah": ("#17becf", "Perangkat daerah (OPD)", "Agency"),
    "InstansiPusat": ("#393b79", "Instansi pusat", "Central government body"),
    "UnitKerja": ("#9edae5", "Unit kerja", "Organisational unit"),
    "Jabatan": ("#8c564b", "Jabatan", "Post"),
    "PerubahanKelembagaan": ("#c49c94", "Perubahan kelembagaan", "Restructuring"),
    "Kota": ("#2ca02c", "Kota (wilayah)", "City (place)"),
    "Kabupaten": ("#74c476", "Kabupaten (wilayah)", "Regency (place)"),
    "Provinsi": ("#98df8a", "Provinsi (wilayah)", "Province (place)"),
    "InovasiDaerah": ("#ff7f0e", "Inovasi daerah", "Innovation"),
    "AjangInovasi": ("#ffbb78", "Ajang inovasi", "Innovation programme"),
    "ProdukInovasi": ("#e7ba52", "Produk inovasi", "Innovation product"),
    "KegiatanInovasi": ("#bcbd22", "Kegiatan inovasi", "Innovation activity"),
    "Konsep": ("#9467bd", "Kategori / kode", "Category / code"),
    "ProdukHukum": ("#d62728", "Produk hukum", "Legal act"),
    "RancanganProdukHukum": ("#ff9896", "Rancangan produk hukum", "Draft legal act"),
    "Penghargaan": ("#e377c2", "Penghargaan", "Award"),
    "EdisiPenghargaan": ("#f7b6d2", "Edisi penghargaan", "Award edition"),
    "AcaraPenyerahan": ("#ad494a", "Acara penyerahan", "Award ceremony"),
    "Peringkat": ("#7b4173", "Peringkat", "Ranked result"),
    "HasilPenghargaan": ("#a55194", "Hasil penghargaan", "Award result"),
    "AngkaIndeksNasional": ("#8c6d31", "Angka IID nasional", "National index figure"),
    "NilaiIndeksDaerah": ("#bd9e39", "Nilai IID daerah", "Regional index result"),
    "AnotasiMutu": ("#000000", "Anotasi mutu data", "Data-quality annotation"),
    "Penafsiran": ("#5a5a5a", "Penafsiran", "Interpretation"),
    "Visi": ("#637939", "Visi daerah", "Regional vision"),
    "Periode": ("#cedb9c", "Periode", "Period"),
    "ObservasiIndikator": ("#843c39", "Observasi indikator", "Indicator observation"),
    "DataSetStatistik": ("#d6616b", "Dataset statistik", "Statistical dataset"),
    "KelasOntologi": ("#525252", "Kelas ontologi", "Ontology class"),
    "PropertiOntologi": ("#969696", "Properti ontologi", "Ontology property"),
    "SkemaKode": ("#6b6ecf", "Skema kode", "Code list"),
    "StrukturData": ("#bdbdbd", "Struktur data statistik", "Statistical data structure"),
    "Lainnya": ("#7f7f7f", "Lainnya", "Other"),
}

# Ontology scaffolding, by the class that marks it and the legend class it gets when shown.
_SCAFFOLDING = {
    PREFIXES["owl"] + "Class": "KelasOntologi", PREFIXES["owl"] + "Ontology": "KelasOntologi",
    PREFIXES["owl"] + "ObjectProperty": "PropertiOntologi", PREFIXES["owl"] + "DatatypeProperty": "PropertiOntologi",
    str(SKOS.ConceptScheme): "SkemaKode",
    str(QB.DataStructureDefinition): "StrukturData", str(QB.ComponentSpecification): "StrukturData",
}
# Never nodes: provenance (a node's quotes become its `quotes` attribute) and the catalog.
_HIDDEN = {str(IDA.Kutipan), str(IDA.ArtikelSumber), str(OA.TextQuoteSelector),
           PREFIXES["dcat"] + "Dataset", PREFIXES["dcat"] + "Distribution",
           *(PREFIXES["dct"] + c for c in ("LicenseDocument", "LinguisticSystem", "MediaType", "RightsStatement"))}
_SCAFFOLDING_EDGES = {str(RDF.type), PREFIXES["rdfs"] + "subClassOf", PREFIXES["rdfs"] + "subPropertyOf",
                      str(SKOS.inScheme), str(QB.component), str(QB.structure)}
_EXTRA_EDGES = {str(QB.dataSet): "dataset", PREFIXES["dqv"] + "hasQualityAnnotation": "anotasi mutu"}
_PROVENANCE = {str(IDA.kutipanSumber), str(IDA.kutipanBertentangan)}

# The national skeleton (regions and their governments): shown where facts reach them.
SKELETON_CLASSES = frozenset({"Provinsi", "Kabupaten", "Kota", "PemerintahDaerah"})
NOTE_CLASSES = frozenset({"Penafsiran", "AnotasiMutu"})
# The national layer (every edition's results and the index, from third-party pages): shown with the skeleton,
# and around a node (its neighbourhood); the overview stays the article's graph.
NATIONAL_CLASSES = frozenset({"HasilPenghargaan", "AngkaIndeksNasional", "NilaiIndeksDaerah"})
_FRAME = frozenset({"Penghargaan", "InstansiPusat", "Konsep", "Jabatan", "EdisiPenghargaan", "ProdukHukum", "KelasOntologi",
                    "PropertiOntologi", "SkemaKode", "StrukturData"})

_LABEL = str(SKOS.prefLabel)
_ALT = str(SKOS.altLabel)
_TYPE = str(RDF.type)


def class_style(name: str) -> tuple[str, str, str]:
    return CLASS_STYLE.get(name, CLASS_STYLE["Lainnya"])


def _most_specific(types: set[str], parents: dict[str, set[str]]) -> str:
    """The local class of the node that has no subclass among the node's other types."""
    for marker, name in _SCAFFOLDING.items():
        if marker in types:
            return name
    local = {t for t in types if t.startswith(_NS)}
    if str(QB.DataSet) in types:
        return "DataSetStatistik"
    if str(SKOS.Concept) in types and not local:
        return "Konsep"
    candidates = [t for t in local if not any(o in parents.get(t, set()) for o in local if o != t)]
    order = list(CLASS_STYLE)
    names = sorted((t[len(_NS):] for t in candidates), key=lambda n: order.index(n) if n in order else len(order))
    return names[0] if names else "Lainnya"


class TripleSource(Protocol):
    """Anything that yields triples by pattern: a store reader, or a set of triples read from one."""

    def triples(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                obj: Any = None) -> Iterator[ox.Triple]: ...


def rdf_to_networkx(reader: TripleSource, lang: str = "id", *, scaffolding: bool = False, skeleton: bool = False,
                    base: str = "https://w3id.org/inovasi-daerah/") -> nx.MultiDiGraph:
    """The stored graph as a MultiDiGraph with string node ids (IRIs) and scalar attributes.

    With `scaffolding`, ontology classes, properties, code lists and the data structure are shown too,
    linked by rdf:type, rdfs:subClassOf, rdfs:subPropertyOf, skos:inScheme and the Data Cube links.
    With `skeleton`, every region and regional government is shown, not only those the facts reach.
    """
    import networkx as nx

    quads = list(reader.triples())
    ours = (base + "id/", base + "eli/", iris.ONTOLOGY_NS.rstrip("#"), iris.KODE_NS)
    catalog = tuple(iris.instance_iri(base, segment, "") for segment in CATALOG_SEGMENTS)
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    parents: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        s, p, o = q.subject.value, q.predicate.value, q.object
        if p == _TYPE:
            types[s].add(o.value)
        elif p == _LABEL and isinstance(o, ox.Literal):
            labels[s][o.language or ""] = o.value
        elif p == PREFIXES["rdfs"] + "subClassOf":
            parents[o.value].add(s)  # the direct subclasses of o
    exact = {q.subject.value: q.object.value for q in quads if q.predicate.value == str(OA.exact)}
    quote_of = {q.subject.value: exact.get(q.object.value, "") for q in quads if q.predicate.value == str(OA.hasSelector)}

    def keep(iri: str) -> bool:
        t = types.get(iri, set())
        if iri.startswith(catalog) or not iri.startswith(ours):  # the dataset's description, others' IRIs
            return False
        return bool(t) and not (t & _HIDDEN) and (scaffolding or not (t & _SCAFFOLDING.keys()))

    def edge(p: str) -> bool:
        return p.startswith(_NS) or p in _EXTRA_EDGES or (scaffolding and p in _SCAFFOLDING_EDGES)

    g = nx.MultiDiGraph()
    attrs: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    quotes: dict[str, list[str]] = defaultdict(list)
    for q in quads:
        s, p, o = q.subject.value, q.predicate.value, q.object
        if not keep(s):
            continue
        if p == _TYPE and not scaffolding:
            continue
        if p in _PROVENANCE:
            if quote_of.get(o.value):
                quotes[s].append(quote_of[o.value])
        elif isinstance(o, ox.Literal):
            if p.startswith(_NS) or p == _ALT:
                attrs[s][curie(p)].append(o.value)
        elif edge(p) and keep(o.value):
            label = labels.get(p, {}).get(lang) or _EXTRA_EDGES.get(p) or curie(p)
            g.add_edge(s, o.value, key=curie(p), predicate=p, label=label)
    for iri in sorted(t for t in types if keep(t)):
        cls = _most_specific(types[iri], parents)
        ls = labels.get(iri, {})
        label = ls.get(lang) or ls.get("id") or ls.get("en") or curie(iri)
        node: dict[str, Any] = {
            "label": label, "label_id": ls.get("id", ""), "label_en": ls.get("en", ""), "iri": iri,
            "kelas": cls, "kelas_label": class_style(cls)[1 if lang == "id" else 2], "color": class_style(cls)[0],
            "quotes": "\n".join(sorted(set(quotes.get(iri, [])))),
        }
        for key, values in sorted(attrs.get(iri, {}).items()):
            node[key] = "; ".join(sorted(set(values)))
        g.add_node(iri, **node)
    unused = [n for n, d in g.nodes(data=True) if d["kelas"] == "Konsep" and g.degree(n) == 0 and not scaffolding]
    g.remove_nodes_from(unused)  # code-list entries nothing refers to
    if not skeleton:
        g.remove_nodes_from(_national_layer(g))
        g.remove_nodes_from(_unreached_skeleton(g))
        g.remove_nodes_from([n for n, d in g.nodes(data=True) if d["kelas"] == "Konsep" and g.degree(n) == 0])
    return g


def _national_layer(g: nx.MultiDiGraph) -> set[str]:
    """The national results and index, the editions and decrees only they reach, and the notes about them."""
    kinds = {n: d["kelas"] for n, d in g.nodes(data=True)}
    layer = {n for n, k in kinds.items() if k in NATIONAL_CLASSES}
    for kind in ("EdisiPenghargaan", "ProdukHukum"):  # an edition first: a decree is kept by a kept edition
        for n in (n for n, k in kinds.items() if k == kind):
            near = (set(g.successors(n)) | set(g.predecessors(n))) - layer
            if not any((kinds[m] not in _FRAME and kinds[m] not in NOTE_CLASSES)
                       or (kinds[m] == "EdisiPenghargaan" and kind == "ProdukHukum") for m in near):
                layer.add(n)
    scaffolding = set(_SCAFFOLDING.values()) | {"StrukturData"}
    for note in (n for n, k in kinds.items() if k in NOTE_CLASSES):
        near = {m for m in set(g.successors(note)) | set(g.predecessors(note)) if kinds[m] not in scaffolding}
        if near and near <= layer:
            layer.add(note)
    return layer


def _unreached_skeleton(g: nx.MultiDiGraph) -> set[str]:
    """The regions and regional governments of the national skeleton that no fact reaches, and the notes
    (interpretations, quality annotations) about nothing else.

    From the facts, links are followed forwards (a ranking to its recipient government, a government to
    its region, a region to its province), so the skeleton shows only where the facts lead, never all 552
    regions because one of them is in a ranking. A note reaches nothing: it is about the facts it names."""
    kinds = {n: d["kelas"] for n, d in g.nodes(data=True)}
    reached = {n for n, k in kinds.items() if k not in SKELETON_CLASSES and k not in NOTE_CLASSES}
    stack = list(reached)
    while stack:
        for target in g.successors(stack.pop()):
            if target not in reached and kinds[target] in SKELETON_CLASSES:
                reached.add(target)
                stack.append(target)
    unreached = {n for n, k in kinds.items() if k in SKELETON_CLASSES} - reached
    for note in (n for n, k in kinds.items() if k in NOTE_CLASSES):
        near = set(g.successors(note)) | set(g.predecessors(note))
        if near and near <= unreached:
            unreached.add(note)
    return unreached


def _match_class(name: str) -> str:
    name = name.removeprefix("ida:")
    if name not in CLASS_STYLE:
        raise UsageError(f"unknown class {name!r}; expected one of: {', '.join(CLASS_STYLE)}")
    return name


def select_view(g: nx.MultiDiGraph, *, focus: str | None = None, depth: int = 2,
                classes: list[str] | None = None, exclude: list[str] | None = None) -> nx.MultiDiGraph:
    """A filtered copy: the neighbourhood of `focus` within `depth` links (either direction), then class filters."""
    import networkx as nx

    view = g
    if focus is not None:
        if focus not in g:
            raise UsageError(f"node {focus!r} is not in the graph picture")
        if depth < 0:
            raise UsageError("depth must be 0 or more")
        near = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), focus, cutoff=depth)
        view = g.subgraph(near)
    if classes:
        wanted = {_match_class(c) for c in classes}
        view = view.subgraph([n for n, d in view.nodes(data=True) if d["kelas"] in wanted or n == focus])
    if exclude:
        unwanted = {_match_class(c) for c in exclude}
        view = view.subgraph([n for n, d in view.nodes(data=True) if d["kelas"] not in unwanted or n == focus])
    return nx.MultiDiGraph(view)


def _hex_rgb(colour: str) -> dict[str, int]:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1}


def write_network(g: nx.MultiDiGraph, fmt: str) -> bytes:
    """GraphML (Cytoscape, yEd), GEXF with colours (Gephi) or Cytoscape.js JSON."""
    import io

    import networkx as nx

    if fmt == "graphml":
        buf = io.BytesIO()
        nx.write_graphml(g, buf, named_key_ids=True)
        return buf.getvalue()
    if fmt == "gexf":
        h = nx.MultiDiGraph()
        for n, d in g.nodes(data=True):
            h.add_node(n, **{k: v for k, v in d.items() if k != "color"}, viz={"color": _hex_rgb(d["color"])})
        for u, v, k, d in g.edges(keys=True, data=True):
            h.add_edge(u, v, key=f"{u}|{k}|{v}", **d)
        buf = io.BytesIO()
        nx.write_gexf(h, buf)
        return buf.getvalue()
    if fmt == "cyjs":
        data = nx.cytoscape_data(g)
        return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
    raise UsageError(f"unknown network format {fmt!r}; expected one of: {', '.join(names(NETWORK)[1:])}")
