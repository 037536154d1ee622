"""A Virtuoso server of our own on loopback (Debian's virtuoso-t, a minimal configuration in a folder of
its own), for the tests (conftest's `virtuoso` fixture) and the remote benchmark.

Anonymous queries at /sparql; updates (user dba, Digest) at /sparql-auth; Graph Store Protocol writes
at /sparql-graph-crud-auth.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from inovasi_kg import Settings

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
MaxCheckpointRemap = 2000
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 1G
DirsAllowed = .
{limits}[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Virtuoso:
    """A running server: its endpoints, credentials and process."""

    user, password = "dba", "dba"

    def __init__(self, port: int, proc: subprocess.Popen[bytes] | None = None, log: Any = None) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.query = self.base + "/sparql"
        self.update = self.base + "/sparql-auth"
        self.graph_store = self.base + "/sparql-graph-crud-auth"
        self.proc, self.log = proc, log
        self.port = port

    def settings(self, graph: str, **more: Any) -> Settings:
        return Settings.load(store=self.query, remote_graph=graph, remote_update=self.update,
                             remote_user=self.user, remote_password=self.password, **more)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log is not None:
            self.log.close()


def start_virtuoso(folder: Path, *, buffers: int = 20000, transaction_bytes: int | None = None,
                   seconds: float = 90) -> Virtuoso:
    """virtuoso-t in `folder` on free loopback ports, answering; RuntimeError (with its log) if it does not start.

    `buffers` of 8 KiB each: 20,000 (160 MiB) for the tests; Virtuoso's guide gives 340,000 per 4 GiB.
    `transaction_bytes`: the largest change one transaction may log (TransactionAfterImageLimit; the
    server's default is 50,000,000)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise RuntimeError("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    http = _free_port()
    limits = f"TransactionAfterImageLimit = {transaction_bytes}\n" if transaction_bytes else ""
    ini = INI.format(d=folder, sql=_free_port(), http=http, buffers=buffers, dirty=buffers * 3 // 4, limits=limits)
    (folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
    return restart_virtuoso(folder, http, seconds=seconds)


def restart_virtuoso(folder: Path, http: int, *, seconds: float = 90) -> Virtuoso:
    """virtuoso-t again on the database and configuration in `folder` (after a stop or a kill: it
    recovers from its transaction log), answering on port `http`."""
    binary = shutil.which("virtuoso-t")
    assert binary is not None
    log = (folder / "out.log").open("ab")
    proc = subprocess.Popen([binary, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder, stdout=log,
                            stderr=subprocess.STDOUT)
    server = Virtuoso(http, proc, log)
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(server.query, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError("virtuoso-t did not start: " + (folder / "out.log").read_text(errors="replace")[-2000:])
        time.sleep(0.3)
