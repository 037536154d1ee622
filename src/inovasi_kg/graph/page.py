"""The relationship graph as one offline HTML page (vis-network as bundled by pyvis, inlined).

Nothing loads from the network: the vis-network script and style are inlined from pyvis's own
copy, and our page (legend, search, details) is a Jinja template with autoescaping; data reaches
the page as JSON (`tojson`) and is put on screen with `textContent` only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inovasi_kg.graph.network import CLASS_STYLE

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["PRECOMPUTE_ABOVE", "page_options", "render_html"]

# Above this many nodes the layout is computed in Python (seeded) and physics stays off.
PRECOMPUTE_ABOVE = 300
SEED = 42


def _vis_assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def page_options(n_nodes: int, precomputed: bool) -> dict[str, Any]:
    """vis-network options, starting from pyvis's defaults (seeded, physics frozen once stable)."""
    import json

    from pyvis.network import Network

    options: dict[str, Any] = json.loads(Network(directed=True, cdn_resources="in_line").options.to_json())
    big = n_nodes > PRECOMPUTE_ABOVE
    options.update({
        "layout": {"randomSeed": SEED, "improvedLayout": n_nodes <= 150},
        "physics": {
            "enabled": not precomputed,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -80, "centralGravity": 0.01, "springLength": 110,
                                 "springConstant": 0.08, "avoidOverlap": 0.7},
            "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 50, "fit": True},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
            "smooth": False if big else {"enabled": True, "type": "continuous"},
            "color": {"color": "#9aa3ad", "highlight": "#23395d", "hover": "#23395d"},
            "width": 1.2,
        },
        "nodes": {"shape": "dot", "size": 14, "borderWidth": 1,
                  "font": {"size": 19, "face": "DejaVu Sans, Arial, sans-serif", "color": "#222",
                           "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "keyboard": False, "multiselect": False},
    })
    return options


def _positions(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Seeded positions for large graphs, clustered: hubs (e.g. category concepts) are set aside, each
    remaining connected cluster (e.g. one region with its government, agencies and innovations) gets
    its own small force layout, clusters are packed in rows, and hubs sit at their neighbours' centre."""
    import networkx as nx

    simple = nx.Graph(g.to_undirected(as_view=True))
    cut = max(20, int(4 * math.sqrt(max(len(simple), 1))))
    hubs = sorted(n for n, d in simple.degree() if d > cut)
    rest = simple.subgraph(set(simple) - set(hubs))
    clusters = sorted((sorted(c) for c in nx.connected_components(rest)), key=lambda c: (-len(c), c[0]))
    spacing = 70.0
    row_width = spacing * 3 * math.sqrt(len(simple))
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for members in clusters:
        radius = spacing * math.sqrt(len(members)) / 1.5
        if x + 2 * radius > row_width and x > 0:
            x, y, row_height = 0.0, y + row_height + spacing, 0.0
        if len(members) == 1:
            local = {members[0]: (0.0, 0.0)}
        else:
            local = {n: (float(px), float(py))
                     for n, (px, py) in nx.spring_layout(rest.subgraph(members), seed=SEED, iterations=50).items()}
        for n, (px, py) in local.items():
            pos[n] = (x + radius + px * radius, y + radius + py * radius)
        x += 2 * radius + spacing
        row_height = max(row_height, 2 * radius)
    for k, hub in enumerate(hubs):
        near = [pos[m] for m in simple[hub] if m in pos]
        cx = sum(p[0] for p in near) / len(near) if near else 0.0
        cy = sum(p[1] for p in near) / len(near) if near else 0.0
        pos[hub] = (cx + spacing * math.cos(k), cy + spacing * math.sin(k))
    return pos


def render_html(g: nx.MultiDiGraph, *, lang: str = "id", title: str | None = None,
                page_of: Callable[[str], str | None] | None = None, nav: list[dict[str, str]] | None = None) -> str:
    """One self-contained HTML page for the graph `g` (from `rdf_to_networkx`).

    `page_of` maps a node's IRI to its linked-data page on the server (a path starting with `/`);
    served pages link each node's details to it. `nav`: the site's links for a served page (href,
    label, and `switch` for the language switch); a published file has none.
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    precomputed = g.number_of_nodes() > PRECOMPUTE_ABOVE
    pos = _positions(g) if precomputed else {}
    nodes: list[dict[str, Any]] = []
    details: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for n, d in sorted(g.nodes(data=True)):
        counts[d["kelas"]] = counts.get(d["kelas"], 0) + 1
        colour = d["color"]
        node: dict[str, Any] = {
            "id": n, "label": d["label"], "kelas": d["kelas"],
            "title": f"{d['label']}\n{d['kelas_label']}",
            "color": {"background": colour, "border": "#333333",
                      "highlight": {"background": colour, "border": "#000000"},
                      "hover": {"background": colour, "border": "#000000"}},
        }
        if n in pos:
            node["x"], node["y"] = pos[n]
        nodes.append(node)
        attrs = [[k, v] for k, v in sorted(d.items()) if k.startswith("ida:") or k.startswith("skos:")]
        details[n] = {"label_id": d["label_id"], "label_en": d["label_en"], "kelas_label": d["kelas_label"],
                      "iri": d["iri"], "attrs": attrs,
                      "alt": [a for a in d.get("skos:altLabel", "").split("; ") if a],
                      "quotes": [q for q in d["quotes"].split("\n") if q]}
        page = page_of(n) if page_of else None
        if page and page.startswith("/"):
            details[n]["page"] = page
    ordered = sorted(g.edges(data=True), key=lambda e: (e[0], e[2]["predicate"], e[1]))
    edges = [{"id": i, "from": u, "to": v, "title": d["label"], "predicate": d["predicate"]}
             for i, (u, v, d) in enumerate(ordered)]
    legend = [{"kelas": k, "color": c, "label_id": li, "label_en": le, "count": counts[k]}
              for k, (c, li, le) in CLASS_STYLE.items() if k in counts]
    vis_js, vis_css = _vis_assets()
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(["html"]))
    title = title or "Graf Pengetahuan Inovasi Daerah · Regional Innovation Knowledge Graph"
    subtitle = f"{len(nodes)} simpul / nodes · {len(edges)} relasi / links"
    data = {"nodes": nodes, "edges": edges, "details": details, "legend": legend,
            "options": page_options(len(nodes), precomputed)}
    html = env.get_template("graph.html").render(title=title, subtitle=subtitle, data=data, vis_js=vis_js,
                                                 vis_css=vis_css, lang=lang, nav=nav or [])
    return html

