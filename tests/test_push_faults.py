"""Push under faults, with Debian's Virtuoso: the server killed (SIGKILL) in the middle of a push
leaves the old graph complete; after a restart the same push completes."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from conftest import IN_CI
from inovasi_kg import KnowledgeGraph, Settings, build_store
from inovasi_kg.core.resources import data_dir
from safety import ENTRY
from virtuoso_server import restart_virtuoso, start_virtuoso

GRAPH = "urn:inovasi-kg:test:faults"
LABEL = ("SELECT ?l WHERE { <https://w3id.org/inovasi-daerah/id/inovasi/33.71.sipput> "
         "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(LANG(?l) = 'id') }")
STAGED = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
          "FILTER(STRSTARTS(STR(?g), 'urn:inovasi-kg:staging:')) }")


def _state(remote: Settings) -> tuple[str | None, int, str]:
    """(fingerprint, triples, SIPPUT's label) of the graph on the server."""
    with KnowledgeGraph(remote) as kg:
        rows = kg.backend.query(LABEL).rows
        return kg.backend.fingerprint(), kg.backend.count(), str(rows[0][0].value) if rows else ""


def _staged(query_url: str) -> int:
    r = httpx.get(query_url, params={"query": STAGED}, headers={"accept": "application/sparql-results+json"}, timeout=5)
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_a_server_killed_mid_push_keeps_the_old_graph_and_the_push_completes_after_a_restart(tmp_path: Path) -> None:
    if shutil.which("virtuoso-t") is None:
        if IN_CI:
            pytest.fail("CI must install Debian's virtuoso-opensource (see .ci/run)")
        pytest.skip("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    changed = Path(shutil.copytree(data_dir(), tmp_path / "data"))
    table = changed / "inovasi.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("33.71.sipput,SIPPUT,", "33.71.sipput,SIPPUT Baru,", 1),
                     encoding="utf-8")
    old = Settings.load(store=str(tmp_path / "old"))
    new = Settings.load(store=str(tmp_path / "new"), data_dir=str(changed))
    build_store(old)
    build_store(new)
    folder = tmp_path / "virtuoso"
    folder.mkdir()
    server = start_virtuoso(folder)
    remote = server.settings(GRAPH)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}
    env["INOVASI_KG_REMOTE_PASSWORD"] = server.password

    def push(source: Settings, batch: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen([*ENTRY, "push", "--store", source.store, "--to", server.query, "--graph", GRAPH,
                                 "--update", server.update, "--user", server.user, "--batch", str(batch)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    try:
        first = push(old, 20000)
        _, err = first.communicate(timeout=300)
        assert first.returncode == 0, err.decode()
        before = _state(remote)
        assert before[0] is not None and before[2] == "SIPPUT"

        # the new build, in small batches; the server is killed once the staging graph is filling
        second = push(new, 200)
        deadline = time.monotonic() + 120
        while _staged(server.query) == 0:
            assert second.poll() is None, "the push ended before the server could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert server.proc is not None
        server.proc.kill()
        server.proc.wait()
        server.stop()
        _, err = second.communicate(timeout=120)
        message = err.decode().strip()
        assert second.returncode == 2 and "Traceback" not in message, message
        assert len(message.splitlines()) == 1 and "SPARQL server" in message, message

        server = restart_virtuoso(folder, server.port)
        assert _state(remote) == before  # the old graph, whole: same fingerprint, size and contents

        third = push(new, 5000)
        _, err = third.communicate(timeout=300)
        assert third.returncode == 0, err.decode()
        with KnowledgeGraph(new) as kg:
            wanted = kg.backend.fingerprint(), kg.backend.count()
        after = _state(remote)
        assert after[:2] == wanted and after[2] == "SIPPUT Baru"
        assert _staged(server.query) == 0  # what the killed push staged was dropped
    finally:
        server.stop()
