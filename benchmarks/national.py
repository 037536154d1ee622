"""Benchmark: the whole country. Build, validation, export, named queries and start-up, each as a ratio
to a baseline measured in the same run on the same machine (these machines are noisy).

Run: .venv/bin/python benchmarks/national.py [--innovations-per-year 30000] [--years 5] [--work DIR]
     [--build-only]

- build: `inovasi-kg build` of the synthetic national set (fresh process; wall time, peak memory) against
  pyoxigraph's own `Store.bulk_load` of the same triples from an N-Triples file (fresh process);
- validation: the build's own stage time (SHACL as SPARQL plus the quality queries);
- export: `inovasi-kg export --format ntriples` against `Store.dump` to N-Triples (fresh processes);
- rebuild after one changed row, against the full build;
- each named query through the Python API (KnowledgeGraph.query) against the same query text on
  pyoxigraph in process, and rdflib's engine on a subset (one province of synthetic data plus the
  article: rdflib over millions of triples takes too long), with rdflib stopped at 120 s;
- start-up: `inovasi-kg query peringkat-penghargaan` on the article's graph against
  `python -c "import rdflib"`, medians of 11 runs;
- then benchmarks/remote.py on the same store: push to Virtuoso and the named queries there.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
CLI = [PY, "-m", "inovasi_kg"]
PARAMS = {  # the named queries that need a value: a typical one
    "cari-label": {"teks": "magelang"},
    "inovasi-perangkat-daerah": {"perangkat_daerah": "organisasi/33.71.balitbang"},
    "konsep-skema": {"skema": "kode:kategori-penghargaan"},
    "lingkungan-simpul": {"simpul": "organisasi/33.71.balitbang"},
    "provenans": {"simpul": "peringkat/iga-2017.kota.5"},
}


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Like `run`, with the child's own peak memory read from wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out_chunks = []
    assert proc.stdout is not None
    for chunk in iter(lambda: proc.stdout.read(65536), b""):  # type: ignore[union-attr]
        out_chunks.append(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return seconds, usage.ru_maxrss / 1024, b"".join(out_chunks).decode()


def newest_generation(store: Path) -> Path:
    return max(store.glob("gen-*"), key=lambda p: int(p.name.split("-")[1].split(".")[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--innovations-per-year", type=int, default=30_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None, help="Keep the data and stores here (a new folder).")
    parser.add_argument("--build-only", action="store_true",
                        help="Stop after the build, validation, export and rebuild figures.")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="inovasi-kg-bench-"))
    data, store, nt = work / "data", work / "store", work / "graph.nt"

    print(f"# inovasi-kg national benchmark ({args.innovations_per_year} innovations/year x {args.years} years)")
    seconds, _, _ = timed([*CLI, "generate", "--innovations-per-year", str(args.innovations_per_year),
                           "--years", str(args.years), "-o", str(data)])
    print(f"generate: {seconds:.1f} s")

    stages_code = ("import json,sys; from inovasi_kg import Settings; from inovasi_kg.api import build_store; "
                   f"r = build_store(Settings.load(data_dir={str(data)!r}, store={str(store)!r}), force=True); "
                   "print(json.dumps({'triples': r.triples, 'seconds': r.seconds}))")
    build_s, build_mb, out = timed([PY, "-c", stages_code])
    report = json.loads(out.strip().splitlines()[-1])
    triples = report["triples"]

    export_s, _, _ = timed([*CLI, "export", "--store", str(store), "--format", "ntriples", "-o", str(nt)])
    gen = newest_generation(store)
    dump_code = ("import pyoxigraph as ox,sys; s = ox.Store.read_only(sys.argv[1]); "
                 "s.dump(sys.argv[2], format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())")
    dump_s, _, _ = timed([PY, "-c", dump_code, str(gen), str(work / "dump.nt")])
    load_code = ("import pyoxigraph as ox,sys; s = ox.Store(sys.argv[1]); "
                 "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES); s.optimize()")
    load_s, load_mb, _ = timed([PY, "-c", load_code, str(work / "raw-store"), str(nt)])

    print(f"triples: {triples:,}")
    print(f"build: {build_s:.1f} s = {build_s / load_s:.2f}x bulk_load ({load_s:.1f} s)  [target 2x]")
    print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in report["seconds"].items()))
    print(f"peak memory: {build_mb:,.0f} MiB = {build_mb / load_mb:.2f}x bulk_load ({load_mb:,.0f} MiB)  [target 1.5x]")
    check_s = report["seconds"]["validate"]
    print(f"validation: {check_s:.1f} s = {check_s / load_s:.2f}x bulk_load  [target 0.5x]")
    print(f"export (N-Triples): {export_s:.1f} s = {export_s / dump_s:.2f}x Store.dump ({dump_s:.1f} s)  [target 1.3x]")

    _edit_one_row(data / "inovasi.csv")
    rebuild_s, _, _ = timed([*CLI, "build", "--data", str(data), "--store", str(store)])
    print(f"rebuild after one changed row: {rebuild_s:.1f} s = {rebuild_s / build_s:.2f}x the full build")

    if args.build_only:
        return
    _queries(store, work)
    _startup(work)
    if shutil.which("virtuoso-t"):  # the hand-over to a SPARQL server, on the same store
        subprocess.run([PY, str(Path(__file__).with_name("remote.py")), "--store", str(store)], check=True)
    else:
        print("remote: skipped (virtuoso-t is not installed; apt-get install virtuoso-opensource)")


def _edit_one_row(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    last = lines[-1]
    lines[-1] = last.replace("(sintetis)", "(sintetis diubah)", 1)
    path.write_text("".join(lines), encoding="utf-8")


QUERY_CODE = r"""
import json, sys, time
import pyoxigraph as ox
from inovasi_kg import Settings
from inovasi_kg.kg import KnowledgeGraph
from inovasi_kg.sparql.named import bind_parameters, catalogue
from inovasi_kg.sparql.text import prologue
store, gen, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
settings = Settings.load(store=store, max_rows=100_000_000)
kg = KnowledgeGraph(settings)
raw = ox.Store.read_only(gen)
out = {}
for name, q in sorted(catalogue().items()):
    p = params.get(name, {})
    kg.query(name, **p)  # warm the worker and the cache
    t = time.perf_counter(); rows = len(kg.query(name, **p).rows); api = time.perf_counter() - t
    binds = bind_parameters(q, dict(p), settings.base_iri, settings.lang)
    text = prologue() + q.text
    t = time.perf_counter(); n = len(list(raw.query(text, substitutions={ox.Variable(k): v for k, v in binds.items()})))
    direct = time.perf_counter() - t
    out[name] = [api, direct, rows, n]
print(json.dumps(out))
"""

RDFLIB_CODE = r"""
import json, sys, time
import pyoxigraph as ox, rdflib
from inovasi_kg import Settings
from inovasi_kg.sparql.named import bind_parameters, catalogue
from inovasi_kg.sparql.text import prologue
gen, name, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
raw = ox.Store.read_only(gen)
g = rdflib.Graph()
g.parse(data=raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
q = catalogue()[name]
settings = Settings.load()
ox_binds = bind_parameters(q, dict(params), settings.base_iri, settings.lang)
def to_rdflib(v):
    if isinstance(v, ox.NamedNode):
        return rdflib.URIRef(v.value)
    if v.language:
        return rdflib.Literal(v.value, lang=v.language)
    return rdflib.Literal(v.value, datatype=v.datatype.value)
text = prologue() + q.text
t = time.perf_counter()
n = len(list(g.query(text, initBindings={k: to_rdflib(v) for k, v in ox_binds.items()})))
rd = time.perf_counter() - t
t = time.perf_counter()
m = len(list(raw.query(text, substitutions={ox.Variable(k): v for k, v in ox_binds.items()})))
ours = time.perf_counter() - t
print(json.dumps([rd, ours, n, m]))
"""


def _queries(store: Path, work: Path) -> None:
    gen = newest_generation(store)
    _, _, out = timed([PY, "-c", QUERY_CODE, str(store), str(gen), json.dumps(PARAMS)])
    results = json.loads(out.strip().splitlines()[-1])
    # rdflib on a subset: the article plus one province of synthetic data
    subset = work / "subset"
    timed([*CLI, "generate", "--innovations-per-year", "200", "--years", "2", "--province", "75", "-o", str(subset / "data")])
    timed([*CLI, "build", "--data", str(subset / "data"), "--store", str(subset / "store")])
    sub_gen = newest_generation(subset / "store")
    print("named queries (full set: API vs pyoxigraph; subset: rdflib vs pyoxigraph)  [targets 1.2x, >= 10x]")
    print(f"  {'query':28} {'api ms':>9} {'raw ms':>9} {'api/raw':>8} {'rows':>7} | "
          f"{'rdflib ms':>10} {'ox ms':>8} {'rdflib/ox':>10}")
    for name, (api, direct, rows, _) in results.items():
        try:
            rd_out = subprocess.run([PY, "-c", RDFLIB_CODE, str(sub_gen), name, json.dumps(PARAMS.get(name, {}))],
                                    capture_output=True, text=True, timeout=120, check=True).stdout
            rd, ox_s, _, _ = json.loads(rd_out.strip().splitlines()[-1])
            rd_text = f"{rd * 1000:10.1f} {ox_s * 1000:8.1f} {rd / max(ox_s, 1e-6):9.1f}x"
        except subprocess.TimeoutExpired:
            rd_text = f"{'>120000':>10} {'':>8} {'':>10}"
        except subprocess.CalledProcessError as err:
            rd_text = f"rdflib failed: {err.stderr.strip().splitlines()[-1][:60]}"
        print(f"  {name:28} {api * 1000:9.1f} {direct * 1000:9.1f} {api / max(direct, 1e-6):7.2f}x {rows:7d} | {rd_text}")


def _startup(work: Path) -> None:
    store = work / "article-store"
    timed([*CLI, "build", "--store", str(store)])
    cli = str(Path(PY).parent / "inovasi-kg")
    ours = [timed([cli, "query", "peringkat-penghargaan", "--store", str(store)])[0] for _ in range(11)]
    base = [timed([PY, "-c", "import rdflib"])[0] for _ in range(11)]
    a, b = statistics.median(ours), statistics.median(base)
    print(f"start-up: `inovasi-kg query peringkat-penghargaan` {a * 1000:.0f} ms = {a / b:.2f}x "
          f"`python -c 'import rdflib'` ({b * 1000:.0f} ms)  [target 1.3x]")


if __name__ == "__main__":
    main()
