"""Where the time of one request goes: py-spy samples our server (with its response cache off) while
wrk sends one request over and over, and this prints the functions that held the interpreter most,
by their own time and with what they called.

    python benchmarks/profile_web.py --anchors .venv-bench/bin [--seconds 10] [--connections 16]

Two requests are profiled, as #20 asks: the entity page of /id/organisasi/33.71.balitbang (HTML) and
an ad-hoc SPARQL GET with a new text on every request (so that no parse or answer is reused).
`--gil` samples only the thread holding the interpreter lock: with 16 clients most threads wait for
it, and counting them would show where threads wait rather than where the work is. Samples of the
query worker processes are taken too (`--subprocesses`); they hold locks of their own. Needs py-spy
(in benchmarks/requirements-web.txt) and permission to trace the server (root, or ptrace allowed).
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_load import CHEAP, free_port, wait

ROOT = Path(__file__).resolve().parents[1]
ENTITY = "/id/organisasi/33.71.balitbang"
_ENTRY = ("cli.py", "__main__.py", "web/server.py", "web/admission.py", "web/app.py", "web/http.py", "web/cache.py")
_FILE = re.compile(r" \((?:.*/(?:site-packages|src)/)?(.*?):(\d+)\)$")


def profile(anchors: Path, port: int, pid: int, request: tuple[str, str, str | None], seconds: int,
            connections: int, tmp: Path, top: int) -> None:
    name, path, script = request
    raw = tmp / f"{name}.txt"
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds + 2}s"]
    if script is not None:
        lua = tmp / f"{name}.lua"
        lua.write_text(script)
        args += ["-s", str(lua)]
    load = subprocess.Popen([*args, f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    subprocess.run([str(anchors / "py-spy"), "record", "--pid", str(pid), "--gil", "--subprocesses", "--nonblocking",
                    "--rate", "250", "--duration", str(seconds), "--format", "raw", "-o", str(raw)],
                   check=True, capture_output=True)
    out, _ = load.communicate()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_FILE.sub(lambda m: f" ({m.group(1)}:{m.group(2)})", f) for f in stack.split(";")[1:]]
        if frames:
            own[frames[-1]] += n
        for frame in set(frames):
            if "(inovasi_kg/" in frame and not any(f"(inovasi_kg/{m}" in frame for m in _ENTRY):
                inclusive[frame] += n  # our own functions, not the frames every request passes through
    print(f"\n## {name}: {rps.group(1) if rps else '?'} req/s with the profiler attached; "
          f"{total} samples of the thread holding the interpreter")
    for title, counter in (("own time", own), ("our functions, with what they called", inclusive)):
        print(f"\n{title}:")
        for frame, n in counter.most_common(top):
            print(f"{100 * n / max(total, 1):6.1f}%  {frame[:140]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--anchors", required=True, help="bin folder of the benchmark environment (with py-spy)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    anchors = Path(args.anchors)
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="profile-web-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}
    store = tmp / "store"
    subprocess.run([py, "-m", "inovasi_kg", "build", "--store", str(store)], check=True, env=env, capture_output=True)
    port = free_port()
    server = subprocess.Popen([py, "-m", "inovasi_kg", "serve", "--store", str(store), "--port", str(port)],
                              env={**env, "INOVASI_KG_CACHE_BYTES": "0", "INOVASI_KG_ADMISSION_SLOTS": "256",
                                   "INOVASI_KG_CLIENT_SHARE": "1.0"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    varied = f"""local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/sparql?query=" .. "%23" .. n .. "%0A" .. "{quote(CHEAP)}",
                    {{["Accept"] = "application/sparql-results+json"}})
end
"""
    try:
        wait(f"http://127.0.0.1:{port}{ENTITY}")
        time.sleep(2)  # the in-memory copy of the store is made on a thread of its own after the first page
        for request in (("entity page", ENTITY, None), ("ad-hoc query, a new text each time", "/sparql", varied)):
            profile(anchors, port, server.pid, request, args.seconds, args.connections, tmp, args.top)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
