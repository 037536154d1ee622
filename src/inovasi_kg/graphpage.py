"""The relationship graph as one offline HTML page (vis-network as bundled by pyvis, inlined).

Nothing loads from the network: the vis-network script and style are inlined from pyvis's own
copy, and our page (legend, search, details) is a Jinja template with autoescaping; data reaches
the page as JSON (`tojson`) and is put on screen with `textContent` only.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .graph import CLASS_STYLE

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
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110, "avoidOverlap": 0.4},
            "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 50, "fit": True},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
            "smooth": False if big else {"enabled": True, "type": "continuous"},
            "color": {"color": "#9aa3ad", "highlight": "#23395d", "hover": "#23395d"},
            "width": 1.2,
        },
        "nodes": {"shape": "dot", "size": 13, "borderWidth": 1,
                  "font": {"size": 13, "face": "DejaVu Sans, Arial, sans-serif", "color": "#222",
                           "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "keyboard": False, "multiselect": False},
    })
    return options


def _positions(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    import networkx as nx

    simple = nx.Graph(g.to_undirected(as_view=True))
    pos = nx.spring_layout(simple, seed=SEED, iterations=40)
    scale = 60.0 * math.sqrt(max(len(simple), 1))
    return {n: (float(x) * scale, float(y) * scale) for n, (x, y) in pos.items()}


def render_html(g: nx.MultiDiGraph, *, lang: str = "id", title: str | None = None) -> str:
    """One self-contained HTML page for the graph `g` (from `rdf_to_networkx`)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    precomputed = g.number_of_nodes() > PRECOMPUTE_ABOVE
    pos = _positions(g) if precomputed else {}
    nodes, details, counts = [], {}, {}
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
                      "alt": [a for a in d.get("skos:altLabel", "").split("; ") if a], "quotes": [q for q in d["quotes"].split("\n") if q]}
    edges = [{"id": i, "from": u, "to": v, "title": d["label"], "predicate": d["predicate"]}
             for i, (u, v, d) in enumerate(sorted(g.edges(data=True), key=lambda e: (e[0], e[2]["predicate"], e[1])))]
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
                                                 vis_css=vis_css, lang=lang)
    return html

