"""The embedded backend: an Oxigraph store on disk in the versioned layout of store.layout.

Queries run in a pool of read-only worker processes (time limit, memory cap, killed and replaced
when over); pattern reads (export, the network view) use a read-only handle in this process, opened
after the generation is checked against its manifest.

`copy_mb` (the web server's `page_copy_mb`): when the current generation takes at most that many MB
on disk, its quads are also copied into an in-memory store, on a thread of its own once per
generation, and pattern reads use the copy once it is complete. A read on disk decodes each term
from RocksDB (about 12 µs a quad on the test machine, against under 1 µs in memory), and an entity
page makes a few hundred such reads. The copy is of a finished generation, which never changes, so
it answers exactly as the disk does; until it is complete the disk answers.

`one_shot` is for a command that runs one of the project's named queries and exits (`inovasi-kg
query NAME`): the query runs in this process (no worker to start: about half the command's time on
a small graph), and a watchdog ends the process with the time limit's message and exit status 2
when it runs over. Ad-hoc queries always go to a worker (time limit and memory cap).
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from inovasi_kg.core.errors import StoreError
from inovasi_kg.core.terms import Term, encode_term
from inovasi_kg.sparql.result import QueryResult, from_reply
from inovasi_kg.store.base import Capabilities, Dataset
from inovasi_kg.store.layout import (
    GenerationWriter,
    check_store_path,
    open_store,
    read_fingerprint,
    store_error,
    store_info,
    verify_store,
    writing_store,
)
from inovasi_kg.store.memory import StoreReader, StoreStaging

if TYPE_CHECKING:
    from inovasi_kg.store.workers import WorkerPool
from inovasi_kg.store.engine import evaluate, timeout_message

__all__ = ["EmbeddedBackend"]

DEFAULT_TIMEOUT = 30.0
# Quads per bulk load of a new generation on disk. The loader buffers what it is given: on a year of the
# national set, the whole at once doubled the build's peak memory and 500,000 took 1.65x a raw load's
# peak; each load also costs a fixed part, so 100,000 took 2 s longer than 300,000 (1.27x the peak).
_CHUNK = 300_000
# About what a quad takes in an in-memory store (a year of the national set: 1.49M quads in ~580 MB).
_QUAD_BYTES = 400


class EmbeddedBackend(StoreReader):
    """The store at `path` (our marker, generations, manifest)."""

    capabilities = Capabilities(substitutions=True, custom_functions=True, limits=True, persistent=True)
    quick_fingerprint = True  # a stat of the marker, its parse kept (store.layout)

    def __init__(self, path: Path, *, memory_mb: int = 2048, workers: int = 1, light: int = 0,
                 one_shot: bool = False, copy_mb: int = 0, build_memory_mb: int = 1024) -> None:
        self.path = Path(path)
        self.build_memory_mb = build_memory_mb
        self.light = light
        self.one_shot = one_shot
        self.location = str(path)
        self.memory_mb, self.workers = memory_mb, workers
        self._pool: WorkerPool | None = None
        self._handle: tuple[str | None, ox.Store] | None = None
        self._lock = threading.Lock()
        self.copy_mb = copy_mb
        self._copy: tuple[str | None, ox.Store] | None = None  # (generation, in-memory copy), once complete
        self._copying: str | None = None  # the generation being copied now
        self._graphs: tuple[str | None, frozenset[str]] | None = None  # (generation, its named graphs)

    @property
    def store(self) -> ox.Store:  # type: ignore[override]
        """A read-only handle on the current generation (checked before it is first trusted)."""
        return self._current()[1]

    def _current(self) -> tuple[str | None, ox.Store]:
        info = store_info(self.path)
        with self._lock:
            if self._handle is None or self._handle[0] != info.generation:
                self._handle = (info.generation, open_store(self.path))
                self._copy = None  # the old generation's copy is no longer read: let it go
            handle = self._handle
        if self.copy_mb and handle[0] != self._copying and (self._copy is None or self._copy[0] != handle[0]):
            if sum(size for size, _ in info.files.values()) <= self.copy_mb * 1024 * 1024:
                self._start_copy(*handle)
        return handle

    def _start_copy(self, generation: str | None, disk: ox.Store) -> None:
        with self._lock:
            if self._copying == generation:
                return
            self._copying = generation

        def copy() -> None:
            try:
                memory = ox.Store()
                memory.bulk_load(disk.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
            except (OSError, RuntimeError, ValueError, SyntaxError):
                return  # the disk keeps answering; its own reads report the error
            finally:
                with self._lock:
                    self._copying = None
            with self._lock:
                if self._handle is not None and self._handle[0] == generation:
                    self._copy = (generation, memory)

        threading.Thread(target=copy, name="store-copy", daemon=True).start()

    def pinned(self) -> tuple[str | None, StoreReader]:
        """Pattern reads of the current generation that do not check the generation again on every read
        (the reads of one page): the generation's name, and a reader of it (the in-memory copy when it
        is complete, else the disk handle)."""
        generation, disk = self._current()
        copy = self._copy
        return generation, _Pinned(copy[1] if copy is not None and copy[0] == generation else disk, self.path)

    def graphs(self) -> frozenset[str]:
        """IRIs of the named graphs, read once per generation (the policy asks with every ad-hoc query)."""
        generation, store = self._current()
        known = self._graphs
        if known is not None and generation is not None and known[0] == generation:
            return known[1]
        found = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        self._graphs = (generation, found)
        return found

    def ready_copy(self) -> tuple[str | None, StoreReader] | None:
        """As `pinned`, when the current generation's in-memory copy is complete; else None. Never opens,
        checks or waits for the store (a stat of the marker): the web server asks this on its event loop."""
        copy = self._copy
        if copy is None:
            return None
        try:
            generation = store_info(self.path).generation
        except StoreError:
            return None
        return (generation, _Pinned(copy[1], self.path)) if copy[0] == generation else None

    def busy(self) -> int:
        """Query workers running a query now (0 before the first query)."""
        pool = self._pool
        return pool.busy() if pool is not None else 0

    def _workers(self) -> WorkerPool:
        from inovasi_kg.store.workers import WorkerPool  # loaded when a query first needs a worker

        with self._lock:
            if self._pool is None:
                self._pool = WorkerPool(self.path, size=self.workers, memory_mb=self.memory_mb, light=self.light)
            return self._pool

    def query(self, text: str, *, bindings: Mapping[str, Term] | None = None, max_rows: int = 10000,
              timeout: float | None = None, dataset: Dataset = (None, None), base_iri: str | None = None) -> QueryResult:
        subs = {k: encode_term(v) for k, v in (bindings or {}).items()}
        if self.one_shot:
            return from_reply(self._here(text, subs, max_rows, timeout or DEFAULT_TIMEOUT, dataset, base_iri))
        reply = self._workers().run(text, subs, max_rows=max_rows, timeout=timeout or DEFAULT_TIMEOUT, dataset=dataset,
                                      base_iri=base_iri)
        return from_reply(reply)

    def prefetch(self) -> None:
        """Open the read-only handle on a thread of its own, while the caller goes on (a one-shot command
        imports the rest meanwhile: the engine opens the store without holding the interpreter). An
        error there is left for the first real use to raise."""

        def open_now() -> None:
            try:
                self.store  # noqa: B018 - the property opens and checks the handle
            except Exception:
                pass

        threading.Thread(target=open_now, name="store-open", daemon=True).start()

    def _here(self, text: str, subs: dict[str, Any], max_rows: int, limit: float, dataset: Dataset,
              base_iri: str | None) -> tuple[Any, ...]:
        """Evaluate in this process; past `limit` seconds the watchdog ends the process (status 2)."""
        store = self.store
        done = threading.Event()

        def watchdog() -> None:
            if not done.wait(limit):
                os.write(2, f"error: {timeout_message(limit)}\n".encode())
                os._exit(2)

        threading.Thread(target=watchdog, name="query-watchdog", daemon=True).start()
        try:
            return evaluate(store, text, subs, max_rows, dataset, base_iri)
        finally:
            done.set()

    def triples(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                obj: Term | None = None) -> Iterator[ox.Triple]:
        yield from self.pinned()[1].triples(subject, predicate, obj)

    def fingerprint(self) -> str | None:
        return read_fingerprint(self.path)

    def intact(self) -> bool:
        try:
            verify_store(store_info(self.path), full=True)
        except StoreError:
            return False
        return True

    def check_writable(self) -> None:
        """StoreError (nothing touched) when the path is not ours to write."""
        check_store_path(self.path)

    @contextmanager
    def replacing(self) -> Iterator[StoreStaging]:
        with writing_store(self.path) as writer:
            staging = _Spilling(writer, self.build_memory_mb * 1024 * 1024 // _QUAD_BYTES)
            try:
                yield staging
            finally:
                staging.written()  # before the unfinished generation is removed

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
            self._handle = None
            self._copy = None


class _Spilling(StoreStaging):
    """A new generation written to disk as it is filled, and checked and counted in memory while it is
    small enough.

    Queries in memory are several times faster than on disk (the shape checks of a year of the national
    set take a fifth of the time). The quads come in chunks: each goes to the memory store, and, as
    N-Quads, to the disk's bulk loader on a thread of its own, which the engine runs outside the
    interpreter lock, so the disk is written while the next rows are made. One chunk at a time keeps the
    loader's buffers small (the whole set in one load doubles the build's peak memory). Past `limit`
    quads in memory (build_memory_mb) the memory store is dropped, and the build reads the disk once
    every chunk is on it. Each bulk load of text names its own blank nodes, so from the first chunk with
    a blank node on, chunks go to the disk as terms (which keep theirs). What is added after `loaded`
    (the catalog) follows at commit."""

    def __init__(self, writer: GenerationWriter, limit: int) -> None:
        super().__init__(ox.Store(), None)
        assert writer.store is not None
        self._writer, self._disk, self._limit = writer, writer.store, limit
        self._chunks: queue.Queue[bytes | list[ox.Quad] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._blank = False  # a blank node was met: chunks go as terms from then on
        self._in_memory = limit > 0
        self._held = 0  # quads in the memory store
        self._loaded = False
        self._later: list[ox.Quad] = []
        self._thread = threading.Thread(target=self._write, name="store-write", daemon=True)
        self._thread.start()
        if not self._in_memory:
            self.store = self._disk

    def add(self, quads: Iterable[ox.Quad]) -> None:
        if self._loaded:
            self.written()
            later = list(quads)
            if self._in_memory:
                self.store.bulk_extend(later)
                self._later += later
            else:
                self._disk.bulk_extend(later)
            return
        stream = iter(quads)
        while chunk := list(itertools.islice(stream, _CHUNK)):
            if self._in_memory:
                self.store.bulk_extend(chunk)
                self._held += len(chunk)
                if self._held > self._limit:  # too big to keep: from now on the disk alone
                    self._in_memory = False
                    self.store = self._disk
            data = None if self._blank else ox.serialize(chunk, format=ox.RdfFormat.N_QUADS) or b""
            if data is not None and b"_:" in data:  # maybe a blank node (or the text in a literal)
                self._blank, data = True, None
            self._chunks.put(chunk if data is None else data)

    def _write(self) -> None:
        while (item := self._chunks.get()) is not None:
            if self._error is None:  # after an error, only drain: the build fails at commit
                try:
                    if isinstance(item, bytes):
                        self._disk.bulk_load(item, format=ox.RdfFormat.N_QUADS)
                    else:
                        self._disk.bulk_extend(item)
                except BaseException as err:  # raised again by commit, in the building thread
                    self._error = err

    def loaded(self) -> None:
        if not self._loaded:
            self._end()
            if not self._in_memory:
                self.written()  # the build reads the disk: every chunk is on it first
                if self._error is not None:
                    raise self._error

    def _end(self) -> None:
        if not self._loaded:
            self._loaded = True
            self._chunks.put(None)

    def written(self) -> None:
        """Wait until everything added before `loaded` is on disk (raises nothing: commit reports an error,
        and a build that fails for another reason keeps its own error)."""
        self._end()
        self._thread.join()

    def commit(self, fingerprint: str) -> None:
        self.written()
        if self._error is not None:
            raise self._error
        self._disk.bulk_extend(self._later)
        self._writer.commit(fingerprint)
        self.committed = True


class _Pinned(StoreReader):
    """One generation's store, read without looking at the marker again (EmbeddedBackend.pinned)."""

    def __init__(self, store: ox.Store, path: Path) -> None:
        self.store, self.path = store, path

    def default_quads(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
                      obj: Term | None = None) -> Iterator[ox.Quad]:  # `triples` reads through this too
        try:
            yield from super().default_quads(subject, predicate, obj)
        except (OSError, RuntimeError) as err:
            raise store_error(self.path, err) from None
