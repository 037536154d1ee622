"""Benchmark: how long the graph page takes to become stable in headless Chromium, by size.

Run: .venv/bin/python benchmarks/graph_page.py [--sizes 500,2000,5000]
Prints seconds to render (Python) and to stabilise (browser, from script start to the page's
`graphReady`), and each size's ratio to the article-sized baseline measured in the same run.
Synthetic graphs mimic the real one's shape: regions with governments, agencies, innovations,
categories and rankings, so degree distribution and class mix resemble a national data set.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from inovasi_kg import Settings, build_store
from inovasi_kg.graph.network import class_style, rdf_to_networkx
from inovasi_kg.graph.page import render_html
from inovasi_kg.store.embedded import EmbeddedBackend

CHROMIUM = "/usr/bin/chromium"


def synthetic(n: int, seed: int = 7) -> nx.MultiDiGraph:
    rnd = random.Random(seed)
    g = nx.MultiDiGraph()

    def add(node: str, kelas: str, label: str) -> None:
        colour, lid, _ = class_style(kelas)
        g.add_node(node, label=label, label_id=label, label_en=label, iri=node, kelas=kelas, kelas_label=lid,
                   color=colour, quotes="")

    for c in ("tata-kelola", "pelayanan-publik", "lainnya"):
        add(f"k:{c}", "Konsep", c)
    i = 0
    while g.number_of_nodes() < n:
        i += 1
        region, gov = f"w:{i}", f"p:{i}"
        add(region, "Kota", f"Kota {i}")
        add(gov, "PemerintahDaerah", f"Pemerintah Kota {i}")
        g.add_edge(gov, region, key="ida:wilayah", predicate="ida:wilayah", label="wilayah")
        for a in range(rnd.randint(2, 5)):
            opd = f"o:{i}.{a}"
            add(opd, "PerangkatDaerah", f"Dinas {a} Kota {i}")
            g.add_edge(opd, gov, key="ida:indukOrganisasi", predicate="ida:indukOrganisasi", label="induk organisasi")
            for k in range(rnd.randint(1, 4)):
                inv = f"i:{i}.{a}.{k}"
                add(inv, "InovasiDaerah", f"Inovasi {k} Dinas {a} Kota {i}")
                g.add_edge(inv, opd, key="ida:pengelola", predicate="ida:pengelola", label="pengelola")
                cat = rnd.choice(["tata-kelola", "pelayanan-publik", "lainnya"])
                g.add_edge(inv, f"k:{cat}", key="ida:bentukInovasi", predicate="ida:bentukInovasi", label="bentuk")
    return g


def stabilise(browser: object, html: str) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, encoding="utf-8") as f:
        f.write(html)
        path = Path(f.name)
    page = browser.new_page()  # type: ignore[attr-defined]
    start = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("window.graphReady === true", timeout=600_000, polling=50)
    elapsed = time.perf_counter() - start
    page.close()
    path.unlink()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,2000,5000")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        s = Settings.load(store=f"{tmp}/store")
        build_store(s)
        backend = EmbeddedBackend(Path(s.store))
        article = rdf_to_networkx(backend)
        backend.close()
    cases = [("article", article)] + [(f"synthetic-{n}", synthetic(int(n))) for n in args.sizes.split(",")]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                   "--disable-background-networking"])
        base_render = base_stable = None
        print(f"{'case':<16}{'nodes':>7}{'edges':>7}{'render s':>10}{'ratio':>8}{'stable s':>10}{'ratio':>8}")
        for name, g in cases:
            t = time.perf_counter()
            html = render_html(g)
            render = time.perf_counter() - t
            stable = stabilise(browser, html)
            base_render = base_render or render
            base_stable = base_stable or stable
            print(f"{name:<16}{g.number_of_nodes():>7}{g.number_of_edges():>7}{render:>10.2f}{render / base_render:>8.1f}"
                  f"{stable:>10.2f}{stable / base_stable:>8.1f}", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
