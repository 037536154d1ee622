"""Throughput and latency of the web app beside rdflib-endpoint and Oxigraph's own server, in one run.

Each server serves the same graph (the article's, exported as N-Triples) on a loopback port; wrk
drives each for a fixed duration at 16 and 64 connections, for two requests:

    named query      ours: GET /queries/peringkat-penghargaan.json
                     the others: the same SPARQL (with its parameters inlined) as GET /sparql?query=
    linked-data page ours: GET /id/organisasi/33.71.balitbang with Accept: text/turtle
                     the others: the equivalent CONSTRUCT of the node's triples, as Turtle

Our server runs twice, with its response cache and without (`cache_bytes` 0), and the requests are
also the entity's HTML page and an ad-hoc query, once with the same text every time and once with a
new text on every request (nothing comes from a cache). It prints requests per second, p50 and p99
latency and each ratio to Oxigraph's server, then the targets of #20 as met or not, and appends the
figures to benchmarks/RESULTS.md (`--no-record` does not). Then, beside Oxigraph's
server, the same under load: a cheap ad-hoc query (its text differs on every request, so no answer
comes from a cache) at 16 and 64 connections while 8 slow queries run, and the time to recover after
64 clients send a slow query each and go away (until a cheap query is answered within 50 ms again).
Needs `wrk` (Debian)
and a separate environment with the anchors (`make bench-web` makes it from
benchmarks/requirements-web.txt; they are not dependencies of inovasi-kg).

    python benchmarks/web_load.py --anchors .venv-bench/bin [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parents[1]
NODE = "https://w3id.org/inovasi-daerah/id/organisasi/33.71.balitbang"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait(url: str, headers: dict[str, str] | None = None) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urlopen(Request(url, headers=headers or {}), timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not answer at {url}")


def wrk(url: str, connections: int, seconds: int, accept: str) -> tuple[float, float, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Accept: {accept}",
                          url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} failed responses\n{out}")

    def pct(p: str) -> float:
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)  # type: ignore[union-attr]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return rps, pct("50"), pct("99")


SLOW = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f }} # {i}"
CHEAP = "SELECT ?s WHERE { ?s a <https://w3id.org/inovasi-daerah/ontology#Kota> } LIMIT 3"


def wrk_varied(base: str, path: str, connections: int, seconds: int, accept: str,
               tmp: Path) -> tuple[float, float, float]:
    """wrk on `path` + the cheap query with a different comment on every request; (answers/s with a 2xx,
    responses/s of any status, p99 ms)."""
    script = tmp / "varied.lua"
    script.write_text(f"""local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "{path}" .. "%23" .. n .. "%0A" .. "{quote(CHEAP)}")
end
""")
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                          "-H", f"Accept: {accept}", base], capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    answered = total - (int(refused.group(1)) if refused else 0)
    m = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out)
    value, unit = float(m.group(1)), m.group(2)  # type: ignore[union-attr]
    return answered / seconds, total / seconds, value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def slow_clients(url: str, count: int, give_up: float, first: int) -> list[object]:
    """`count` threads each sending one slow query from its own loopback address, giving up after `give_up` s."""
    import threading

    import httpx

    def one(n: int) -> None:
        try:
            transport = httpx.HTTPTransport(local_address=f"127.0.2.{n % 250 + 1}")
            with httpx.Client(transport=transport, timeout=give_up) as c:
                c.get(url, params={"query": SLOW.format(i=first + n)})
        except httpx.HTTPError:
            pass

    threads = [threading.Thread(target=one, args=(n,), daemon=True) for n in range(count)]
    for t in threads:
        t.start()
    return threads


def recovery(url: str, accept: str, limit: float = 120.0) -> float:
    """Seconds after 64 clients left their slow queries until a cheap query is answered within 50 ms."""
    from urllib.parse import urlencode

    threads = slow_clients(url, 64, 1.0, 10_000)
    for t in threads:
        t.join()  # type: ignore[attr-defined]
    gone = time.monotonic()
    n = 0
    while time.monotonic() - gone < limit:
        n += 1
        started = time.monotonic()
        try:
            with urlopen(Request(url + "?" + urlencode({"query": f"# {n}\n{CHEAP}"}), headers={"accept": accept}),
                         timeout=5) as r:
                if r.status == 200 and time.monotonic() - started < 0.05:
                    return time.monotonic() - gone
        except OSError:
            pass
        time.sleep(0.05)
    return float("inf")


def under_load(base: dict[str, str], seconds: int, tmp: Path) -> None:
    print()
    print("# under load: a cheap ad-hoc query (a new text each request) while 8 slow queries run; "
          "then the time to recover after 64 clients send a slow query and go away")
    print(f"{'server':<16} {'conns':>5} {'2xx/s':>9} {'all/s':>9} {'p99 ms':>9} {'2xx/s vs ours':>14}")
    endpoints = {"inovasi-kg": base["inovasi-kg"] + "/sparql", "oxigraph": base["oxigraph"] + "/query"}
    accept = "application/sparql-results+json"
    ours: dict[int, float] = {}
    recovered: dict[str, float] = {}
    for server, url in endpoints.items():
        path = "/sparql?query=" if server == "inovasi-kg" else "/query?query="
        root = base[server]
        held = slow_clients(url, 8, 2 * seconds + 3.0, 0)  # they give up once both runs are over
        time.sleep(1.0)
        for conns in (16, 64):
            answered, total, p99 = wrk_varied(root, path, conns, seconds, accept, tmp)
            ours.setdefault(conns, answered)
            print(f"{server:<16} {conns:>5} {answered:>9.0f} {total:>9.0f} {p99:>9.1f} "
                  f"{answered / ours[conns] if ours[conns] else float('inf'):>13.2f}x")
        for t in held:
            t.join()  # type: ignore[attr-defined]
        recovered[server] = recovery(url, accept)
    for server, seconds_ in recovered.items():
        shown = f"{seconds_:.2f} s" if seconds_ != float("inf") else "more than 120 s"
        print(f"recovery after 64 clients went away: {server:<12} {shown}")


ADHOC = ("PREFIX ida: <https://w3id.org/inovasi-daerah/ontology#> "
         "SELECT ?s ?o WHERE { ?s ida:skor ?o } ORDER BY ?o LIMIT 10")


def machine() -> str:
    """What this machine is, for RESULTS.md."""
    import platform

    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{model or platform.processor() or 'unknown CPU'}, {os.cpu_count()} cores, Python {platform.python_version()}"


def commit() -> str:
    out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def append_results(lines: list[str], targets: list[str], seconds: int, workers: int) -> None:
    """Append this run's figures to benchmarks/RESULTS.md (the history of each ratio)."""
    results = ROOT / "benchmarks" / "RESULTS.md"
    head = "" if results.exists() else ("# Benchmark results\n\nEach run of a benchmark appends its figures here, "
                                        "with the date, the machine and the commit. Ratios are against anchors "
                                        "measured in the same run.\n")
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    block = [f"\n## web_load.py, {stamp}, commit {commit()}\n", f"{machine()}; {seconds} s per run, wrk -t2, loopback; "
             f"our server with {workers} query workers\n", "```", *lines, "```", "", *targets, ""]
    with results.open("a", encoding="utf-8") as handle:
        handle.write(head + "\n".join(block))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--anchors", required=True, help="bin folder of the environment with rdflib-endpoint and oxigraph")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-record", action="store_true", help="do not append the figures to benchmarks/RESULTS.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    anchors = Path(args.anchors)
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="web-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}
    store = tmp / "store"
    subprocess.run([py, "-m", "inovasi_kg", "build", "--store", str(store)], check=True, env=env, capture_output=True)
    nt = tmp / "graph.nt"
    subprocess.run([py, "-m", "inovasi_kg", "export", "--store", str(store), "--format", "ntriples", "-o", str(nt)],
                   check=True, env=env, capture_output=True)
    oxi = tmp / "oxigraph"
    subprocess.run([str(anchors / "oxigraph"), "load", "--location", str(oxi), "--file", str(nt)], check=True,
                   capture_output=True)
    import pyoxigraph as ox

    from inovasi_kg.sparql.named import catalogue
    from inovasi_kg.sparql.text import inline_values, prologue

    # The same named query for the others, its parameters bound the portable way (inline VALUES).
    named = inline_values(catalogue()["peringkat-penghargaan"].text,
                          {"edisi": ox.NamedNode("https://w3id.org/inovasi-daerah/id/edisi-penghargaan/iga-2017"),
                           "lang": ox.Literal("id")})
    named_q = quote(prologue() + named)
    construct_q = quote(f"CONSTRUCT {{ <{NODE}> ?p ?o }} WHERE {{ <{NODE}> ?p ?o }}")
    adhoc_q = quote(ADHOC)
    ports = {name: free_port() for name in ("inovasi-kg", "inovasi-kg uncached", "rdflib-endpoint", "oxigraph")}
    # One client address drives every server here: our admission gate is sized for it (its defaults give
    # one address at most 18 of 24 slots, so 64 connections from one address would be refused by design).
    ours_env = {**env, "INOVASI_KG_ADMISSION_SLOTS": "256", "INOVASI_KG_CLIENT_SHARE": "1.0"}
    procs = [
        subprocess.Popen([py, "-m", "inovasi_kg", "serve", "--store", str(store), "--port", str(ports["inovasi-kg"]),
                          "--workers", str(args.workers)], env=ours_env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
        subprocess.Popen([py, "-m", "inovasi_kg", "serve", "--store", str(store), "--port",
                          str(ports["inovasi-kg uncached"]), "--workers", str(args.workers)],
                         env={**ours_env, "INOVASI_KG_CACHE_BYTES": "0"}, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
        subprocess.Popen([str(anchors / "rdflib-endpoint"), "serve", str(nt), "--host", "127.0.0.1", "--port",
                          str(ports["rdflib-endpoint"]), "--store", "Oxigraph"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
        subprocess.Popen([str(anchors / "oxigraph"), "serve-read-only", "--location", str(oxi), "--bind",
                          f"127.0.0.1:{ports['oxigraph']}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        base = {n: f"http://127.0.0.1:{p}" for n, p in ports.items()}
        ours = ("inovasi-kg", "inovasi-kg uncached")
        json_ = "application/sparql-results+json"
        targets = {
            "named query": {
                **{o: (base[o] + "/queries/peringkat-penghargaan.json", "application/json") for o in ours},
                "rdflib-endpoint": (base["rdflib-endpoint"] + f"/?query={named_q}", json_),
                "oxigraph": (base["oxigraph"] + f"/query?query={named_q}", json_),
            },
            "entity turtle": {
                **{o: (base[o] + "/id/organisasi/33.71.balitbang", "text/turtle") for o in ours},
                "rdflib-endpoint": (base["rdflib-endpoint"] + f"/?query={construct_q}", "text/turtle"),
                "oxigraph": (base["oxigraph"] + f"/query?query={construct_q}", "text/turtle"),
            },
            # Neither anchor renders HTML: theirs is the node's CONSTRUCT, the data the page is made of.
            "entity page": {
                **{o: (base[o] + "/id/organisasi/33.71.balitbang", "text/html") for o in ours},
                "rdflib-endpoint": (base["rdflib-endpoint"] + f"/?query={construct_q}", "text/turtle"),
                "oxigraph": (base["oxigraph"] + f"/query?query={construct_q}", "text/turtle"),
            },
            "ad-hoc query": {
                **{o: (base[o] + f"/sparql?query={adhoc_q}", json_) for o in ours},
                "rdflib-endpoint": (base["rdflib-endpoint"] + f"/?query={adhoc_q}", json_),
                "oxigraph": (base["oxigraph"] + f"/query?query={adhoc_q}", json_),
            },
        }
        for request in targets.values():
            for url, accept in request.values():
                wait(url, {"accept": accept})
        lines = [f"{'request':<17} {'conns':>5} {'server':<20} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs oxigraph':>12}"]
        print(f"# {args.seconds} s per run, wrk -t2, loopback; our server with {args.workers} query workers")
        print(lines[0])
        rates: dict[tuple[str, int, str], float] = {}
        for request, servers in targets.items():
            for conns in (16, 64):
                measured = {server: wrk(url, conns, args.seconds, accept) for server, (url, accept) in servers.items()}
                for server, (rps, p50, p99) in measured.items():
                    rates[(request, conns, server)] = rps
                    ratio = rps / measured["oxigraph"][0]
                    line = f"{request:<17} {conns:>5} {server:<20} {rps:>9.0f} {p50:>8.2f} {p99:>8.2f} {ratio:>11.2f}x"
                    lines.append(line)
                    print(line, flush=True)
        # An ad-hoc query whose text differs on every request: nothing comes from a cache.
        path = {"inovasi-kg uncached": "/sparql?query=", "rdflib-endpoint": "/?query=", "oxigraph": "/query?query="}
        for conns in (16, 64):
            for server, prefix in path.items():
                answered, _, p99 = wrk_varied(base[server], prefix, conns, args.seconds, json_, tmp)
                rates[("varied ad-hoc", conns, server)] = answered
                line = f"{'varied ad-hoc':<17} {conns:>5} {server:<20} {answered:>9.0f} {'':>8} {p99:>8.2f}"
                lines.append(line)
                print(line, flush=True)
        goals = []
        for conns in (16, 64):
            for request in ("named query", "entity page", "ad-hoc query"):
                ratio = rates[(request, conns, "inovasi-kg")] / rates[(request, conns, "oxigraph")]
                goals.append(f"- cached {request}, {conns} connections: {ratio:.2f}x Oxigraph's req/s "
                             f"(target 0.5x) {'met' if ratio >= 0.5 else 'NOT MET'}")
            page = rates[("entity page", conns, "inovasi-kg uncached")]
            goals.append(f"- uncached entity page, {conns} connections: {page:.0f} req/s (target 1,000) "
                         f"{'met' if page >= 1000 else 'NOT MET'}")
            ratio = rates[("varied ad-hoc", conns, "inovasi-kg uncached")] / rates[("varied ad-hoc", conns, "rdflib-endpoint")]
            goals.append(f"- uncached ad-hoc query, {conns} connections: {ratio:.2f}x rdflib-endpoint's req/s "
                         f"(target 1x) {'met' if ratio >= 1 else 'NOT MET'}")
        print()
        print("\n".join(goals))
        if not args.no_record:
            append_results(lines, goals, args.seconds, args.workers)
        under_load(base, args.seconds, tmp)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
