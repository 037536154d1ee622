"""Query workers: long-lived, read-only processes that run SPARQL with a time limit, a memory cap and an owner.

A `WorkerPool` starts worker processes (`python -m inovasi_kg.workers`) that open the store
read-only and answer one query at a time over a pipe. The caller waits at most the query's time
limit; a worker that runs over it, or dies (for instance on its memory cap, an address-space
limit set in the worker), is killed and replaced by a fresh one on the next query. A worker never
outlives its owner: the kernel kills it when the thread that started it ends (Linux
`PR_SET_PDEATHSIG`; the pool starts workers from one thread of its own), and a watchdog in the
worker exits when its parent changes (every platform). The web server can share one pool
between requests: `run` is thread-safe and each worker serves one query at a time.

This module is also the worker's program, so it imports nothing heavy (no rdflib); the worker
loads it without the package's `__init__`.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import pickle
import queue
import resource
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from inovasi_kg.core.cancel import CANCEL, LANE
from inovasi_kg.core.errors import Cancelled, LimitExceeded, StoreError
from inovasi_kg.store.engine import Reply, evaluate, timeout_message

__all__ = ["WorkerPool", "evaluate", "timeout_message"]

_HEADER = struct.Struct(">I")
# The worker program: this module, imported without the package's __init__ (which loads the whole API).
_BOOT = ("import sys, types\n"
         "pkg = types.ModuleType('inovasi_kg'); pkg.__path__ = [sys.argv[1]]; sys.modules['inovasi_kg'] = pkg\n"
         "from inovasi_kg.store.workers import main; main(sys.argv[2:])")
_START_TIMEOUT = 60.0

class _Worker:
    def __init__(self, proc: subprocess.Popen[bytes], stderr: IO[bytes]) -> None:
        self.proc, self.stderr = proc, stderr
        assert proc.stdin is not None and proc.stdout is not None
        self.stdin, self.stdout = proc.stdin, proc.stdout

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for handle in (self.stdin, self.stdout, self.stderr):
            try:
                handle.close()
            except OSError:  # pragma: no cover
                pass

    def close(self) -> None:
        try:
            self.stdin.close()  # the worker ends on end of input
            self.proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def stderr_tail(self) -> str:
        try:
            self.stderr.seek(0)
            return self.stderr.read()[-2000:].decode("utf-8", "replace")
        except (OSError, ValueError):  # pragma: no cover
            return ""


_POLL = 0.05  # seconds between looks at the cancel token while waiting
LIGHT_BUDGET = 1.0  # seconds a query may run on a light worker before it goes on in the general lane


def _read_exact(fd: int, n: int, deadline: float | None, cancel: threading.Event | None = None) -> bytes | None:
    """Read n bytes from fd before `deadline`; None on end of file; TimeoutError when time runs out,
    Cancelled when `cancel` is set meanwhile."""
    chunks: list[bytes] = []
    while n > 0:
        if deadline is not None or cancel is not None:
            while True:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutError
                if cancel is not None and cancel.is_set():
                    raise Cancelled("the client went away; its query was stopped")
                wait = _POLL if cancel is not None and (left is None or left > _POLL) else left
                ready, _, _ = select.select([fd], [], [], wait)
                if ready:
                    break
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, deadline: float | None, cancel: threading.Event | None = None) -> Any:
    head = _read_exact(fd, _HEADER.size, deadline, cancel)
    if head is None:
        return None
    body = _read_exact(fd, _HEADER.unpack(head)[0], deadline, cancel)
    if body is None:
        return None
    return pickle.loads(body)


def _write_frame(handle: IO[bytes], message: Any) -> None:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    handle.write(_HEADER.pack(len(body)) + body)
    handle.flush()


class _Spawner:
    """One long-lived thread that starts every worker of a pool (PR_SET_PDEATHSIG is per thread)."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], _Worker], Future[_Worker]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="inovasi-kg-spawner", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while (job := self._jobs.get()) is not None:
            make, future = job
            try:
                future.set_result(make())
            except BaseException as err:  # handed to the caller
                future.set_exception(err)

    def spawn(self, make: Callable[[], _Worker]) -> _Worker:
        future: Future[_Worker] = Future()
        self._jobs.put((make, future))
        return future.result()

    def stop(self) -> None:
        self._jobs.put(None)


class WorkerPool:
    """A pool of read-only query workers over the store at `store`.

    Example (a built store at var/store)::

        pool = WorkerPool(Path("var/store"), size=1, memory_mb=1024)
        pool.run("ASK { ?s ?p ?o }", None, max_rows=10, timeout=5.0)
        # ('ok', 'ask', b'{"head": {}, "boolean": true}', False)
    """

    def __init__(self, store: Path, *, size: int = 1, memory_mb: int = 2048, light: int = 0,
                 light_budget: float = LIGHT_BUDGET) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.store, self.size, self.memory_mb = Path(store).absolute(), size, memory_mb
        self.light_size, self.light_budget = light, light_budget
        # free slots by lane (a worker, or None: started on first use), under one condition
        self._free: dict[str, list[_Worker | None]] = {"general": [None] * size, "light": [None] * light}
        self._cond = threading.Condition()
        self._spawner = _Spawner()
        self._workers: weakref.WeakSet[_Worker] = weakref.WeakSet()
        self._closed = False
        self.overruns = 0
        _POOLS.add(self)

    def _start(self) -> _Worker:
        stderr = tempfile.TemporaryFile()
        env = dict(os.environ, PYTHONUNBUFFERED="1", MALLOC_ARENA_MAX="2")
        proc = subprocess.Popen(
            [sys.executable, "-c", _BOOT, str(Path(__file__).parents[1]), str(self.store), str(self.memory_mb),
             str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env, close_fds=True,
            start_new_session=True,  # a terminal's Ctrl-C reaches the command, which then ends its workers
        )
        worker = _Worker(proc, stderr)
        try:
            hello = _read_frame(proc.stdout.fileno(), time.monotonic() + _START_TIMEOUT)  # type: ignore[union-attr]
        except TimeoutError:
            hello = None
        if hello != ("ready",):
            tail = worker.stderr_tail().strip().splitlines()
            worker.kill()
            raise StoreError("a query worker did not start" + (f": {tail[-1]}" if tail else ""))
        self._workers.add(worker)
        return worker

    def run(self, text: str, substitutions: dict[str, Any] | None, *, max_rows: int, timeout: float,
            dataset: tuple[list[str] | None, list[str] | None] = (None, None), base_iri: str | None = None) -> Reply:
        """Run one query in a worker; the reply, or QueryError when it runs out of time or memory.

        A query its lane (core/cancel.py) marks light may run on a light worker, within the light
        budget: past it, that worker is ended and the query goes on in the general lane, so queries
        that run long never hold the light workers and a light query is answered while every general
        worker is busy."""
        if self._closed:
            raise StoreError("the query pool is closed")
        cancel, lane = CANCEL.get(), LANE.get()
        started = time.monotonic()
        deadline = started + timeout
        request = ("query", text, substitutions, max_rows, dataset, base_iri)
        light = lane is not None and lane.allowed and lane.light and self.light_size > 0
        where, worker = self._take(("light", "general") if light else ("general",), cancel, deadline)
        if where == "light":
            budget = min(deadline, time.monotonic() + self.light_budget)
            try:
                return self._use(where, worker, request, timeout, cancel, budget)
            except LimitExceeded:
                if budget >= deadline:
                    raise
                self.overruns += 1
                assert lane is not None
                if not lane.ours:
                    lane.overran = True  # the client's query is not light after all: it goes on where long ones run
            where, worker = self._take(("general",), cancel, deadline)
        # waiting for a worker counts against the limit; the message names the limit itself
        return self._use(where, worker, request, timeout, cancel, deadline)

    def _use(self, where: str, worker: _Worker | None, request: Any, timeout: float, cancel: threading.Event | None,
             deadline: float) -> Reply:
        try:
            if worker is None or not worker.alive():
                worker = self._spawner.spawn(self._start)
            reply = self._ask(worker, request, timeout, cancel, deadline=deadline)
        except BaseException:
            if worker is not None and worker.alive():
                worker.kill()
            self._give(where, None)
            raise
        self._give(where, worker if worker.alive() else None)
        return reply

    def _take(self, lanes: tuple[str, ...], cancel: threading.Event | None, deadline: float) -> tuple[str, _Worker | None]:
        """The first free slot of `lanes` (in order) and its lane, waiting until `deadline` at most
        (LimitExceeded then); Cancelled if `cancel` is set first."""
        with self._cond:
            while True:
                for where in lanes:
                    if self._free[where]:
                        return where, self._free[where].pop()
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LimitExceeded("every query worker stayed busy until the query's time limit; try again shortly")
                self._cond.wait(timeout=min(left, _POLL) if cancel is not None else left)
                if cancel is not None and cancel.is_set():
                    raise Cancelled("the client went away before its query started")

    def _give(self, where: str, worker: _Worker | None) -> None:
        with self._cond:
            self._free[where].append(worker)
            self._cond.notify_all()

    def busy(self) -> int:
        """Slots running a query now, light ones included (for /healthz and tests)."""
        with self._cond:
            return self.size + self.light_size - len(self._free["general"]) - len(self._free["light"])

    def _ask(self, worker: _Worker, request: Any, timeout: float, cancel: threading.Event | None = None,
             deadline: float | None = None) -> Reply:
        try:
            _write_frame(worker.stdin, request)
        except (BrokenPipeError, OSError):
            worker.kill()
            raise StoreError("a query worker ended unexpectedly; try again") from None
        try:
            reply = _read_frame(worker.stdout.fileno(), deadline if deadline is not None else time.monotonic() + timeout,
                                cancel)
        except Cancelled:
            worker.kill()  # the query stops with its process; the slot gets a fresh worker on next use
            raise
        except TimeoutError:
            worker.kill()
            raise LimitExceeded(timeout_message(timeout)) from None
        if reply is None:  # the worker died mid-query
            worker.kill()
            tail = worker.stderr_tail()
            code = worker.proc.returncode
            if "memory allocation" in tail or "MemoryError" in tail or code in (-signal.SIGABRT, -signal.SIGSEGV):
                raise LimitExceeded(f"the query needed more than the {self.memory_mb} MiB memory limit and was stopped "
                                 f"(raise --memory-limit or the query_memory_mb setting to allow more)")
            raise StoreError(f"the query worker stopped unexpectedly (exit status {code}); try again")
        if reply[0] == "memory":
            worker.kill()
            raise LimitExceeded(f"the query needed more than the {self.memory_mb} MiB memory limit and was stopped "
                             f"(raise --memory-limit or the query_memory_mb setting to allow more)")
        return tuple(reply)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        return sorted(w.proc.pid for w in list(self._workers) if w.alive())

    def close(self) -> None:
        """End every worker (idle ones cleanly, busy ones by force)."""
        if self._closed:
            return
        self._closed = True
        for worker in list(self._workers):
            worker.close()
        self._spawner.stop()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_POOLS: weakref.WeakSet[WorkerPool] = weakref.WeakSet()


@atexit.register
def _close_pools() -> None:
    for pool in list(_POOLS):
        pool.close()


# ---------------------------------------------------------------------------------------------
# The worker side


def _bind_to_parent(parent: int) -> None:
    """Die with the parent: PR_SET_PDEATHSIG on Linux, and a watchdog thread everywhere."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover
            pass
    if os.getppid() != parent:
        os._exit(0)  # the parent ended before we were bound to it

    def watch() -> None:
        while True:
            time.sleep(0.2)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="watchdog", daemon=True).start()


def _address_space() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # pragma: no cover - no /proc
        return 0


def _limit_memory(memory_mb: int | None) -> None:
    """Cap the address space at what the worker uses now plus `memory_mb` MiB (None: lift the cap).

    Only the soft limit is set, so the worker can lift it again before it opens a new generation
    (opening reserves a few hundred MiB of address space that is never touched).
    """
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = hard if memory_mb is None else _address_space() + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (ValueError, OSError):  # pragma: no cover
        pass


def _serve(store_path: Path, memory_mb: int, inp: IO[bytes], out: IO[bytes]) -> None:
    from inovasi_kg.store.layout import open_store, store_error, store_info

    generation: str | None = None
    store: ox.Store | None = None
    while (request := _read_frame(inp.fileno(), None)) is not None:
        _, text, substitutions, max_rows, dataset, base_iri = request
        try:
            current = store_info(store_path).generation
            if store is None or current != generation:
                store, generation = None, None
                _limit_memory(None)
                store = open_store(store_path)
                generation = current
                _limit_memory(memory_mb)
            reply = evaluate(store, text, substitutions, max_rows, dataset, base_iri)
            if reply[0] == "store":
                reply = ("store", str(store_error(store_path, RuntimeError(reply[1]))))
                store, generation = None, None
        except StoreError as err:
            reply = ("store", str(err))
        except MemoryError:
            reply = ("memory", "out of memory")
        _write_frame(out, reply)


def main(argv: list[str]) -> None:
    """The worker program: arguments STORE MEMORY_MB PARENT_PID (see `_BOOT`)."""
    store_path, memory_mb, parent = Path(argv[0]), int(argv[1]), int(argv[2])
    _bind_to_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the owner decides when a worker stops
    # Replies go over the original stdout; anything else printed goes to stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _write_frame(out, ("ready",))
    _serve(store_path, memory_mb, sys.stdin.buffer, out)

