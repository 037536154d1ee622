"""Benchmark: handing the graph to a SPARQL server (Debian's Virtuoso, started here on loopback).

Run: .venv/bin/python benchmarks/remote.py --store DIR   (a built store, e.g. the national benchmark's)

- push through the Graph Store Protocol (50,000 triples a batch, staging graph, MOVE, fingerprint)
  against POSTing the same N-Triples in the same batches straight into a graph (the least a loader
  can do; one POST of the whole dump left Virtuoso hanging);
- push again (up to date: nothing sent);
- each named query on the server (through the Python API) against the same query on the embedded store.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

BATCH = 50000  # triples per POST (one POST of the whole 900 MB dump left Virtuoso 7.2 hanging)
from national import PARAMS  # noqa: E402  (the named queries that need a value: the same typical ones)


def main() -> None:
    import httpx
    import pyoxigraph as ox

    from inovasi_kg import Settings
    from inovasi_kg.api import push_graph
    from inovasi_kg.core.errors import InovasiKGError
    from inovasi_kg.kg import KnowledgeGraph
    from inovasi_kg.sparql.named import catalogue
    from inovasi_kg.store.embedded import EmbeddedBackend
    from virtuoso_server import start_virtuoso

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="A store built by `inovasi-kg build`.")
    parser.add_argument("--timeout", type=float, default=600.0, help="Seconds each request may take.")
    args = parser.parse_args()
    local = Settings.load(store=str(args.store), query_timeout=args.timeout)
    source = EmbeddedBackend(args.store)
    data = source.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    triples = data.count(b"\n")
    source.close()
    print(f"# inovasi-kg remote benchmark: {triples:,} triples from {args.store} to Virtuoso")

    server = start_virtuoso(Path(tempfile.mkdtemp(prefix="inovasi-kg-virtuoso-")), buffers=340000)
    try:
        lines = data.splitlines(keepends=True)
        del data
        auth = httpx.DigestAuth(server.user, server.password)
        start = time.perf_counter()
        with httpx.Client(auth=auth, timeout=args.timeout) as client:
            for k in range(0, len(lines), BATCH):
                client.post(server.graph_store, params={"graph": "urn:bench:raw"}, content=b"".join(lines[k:k + BATCH]),
                            headers={"Content-Type": "application/n-triples"}).raise_for_status()
            raw_s = time.perf_counter() - start  # (the raw graph stays: dropping 5M triples keeps Virtuoso busy)
        del lines

        remote = server.settings(local.graph_iri, query_timeout=args.timeout)
        pushing = Settings.load(store=str(args.store), remote_graph=remote.remote_graph,
                                remote_update=remote.remote_update, remote_user=server.user,
                                remote_password=server.password, query_timeout=args.timeout)
        report = push_graph(pushing, server.query, graph_store=server.graph_store, batch=BATCH)
        print(f"push (Graph Store Protocol, {report.batches} batches): {report.seconds:.1f} s = "
              f"{report.seconds / raw_s:.2f}x POSTing the same N-Triples in the same batches straight into a "
              f"graph ({raw_s:.1f} s)")
        again = push_graph(pushing, server.query, graph_store=server.graph_store)
        print(f"push again: {again.seconds:.1f} s (up to date: {again.up_to_date})")

        print(f"  {'named query':28} {'Virtuoso ms':>11} {'embedded ms':>11} {'ratio':>8} {'rows':>7}")
        with KnowledgeGraph(local) as here, KnowledgeGraph(remote) as there:
            for name in sorted(catalogue()):
                params = PARAMS.get(name, {})
                try:
                    t0 = time.perf_counter()
                    rows = len(here.query(name, **params).rows)
                    t1 = time.perf_counter()
                    there.query(name, **params)
                    t2 = time.perf_counter()
                except InovasiKGError as err:
                    print(f"  {name:28} {str(err)[:80]}")
                    continue
                print(f"  {name:28} {(t2 - t1) * 1000:11.1f} {(t1 - t0) * 1000:11.1f} "
                      f"{(t2 - t1) / max(t1 - t0, 1e-6):7.2f}x {rows:7d}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
