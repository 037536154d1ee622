"""`inovasi-kg push --to URL`: load the built graph into one named graph of a SPARQL 1.1 server.

    1. the graph's triples (sorted N-Triples lines) and its folded search labels go in batches into
       two staging graphs named after the target graph and the build's fingerprint
       (store.remote.staging_graph), by SPARQL update (INSERT DATA) or, when a Graph Store Protocol
       endpoint is given, by POSTing N-Triples;
    2. one update request then moves them onto the target graph and its search companion and
       records the fingerprint (urn:inovasi-kg:build), so readers see the old graph or the new one;
       a server that refuses so large a transaction (Virtuoso's TransactionAfterImageLimit, 50 MB by
       default, is about a million triples) gets the same replacement in chunks instead: not atomic,
       but idempotent and resumable, and said so in the report;
    3. the counts on the server are checked against the build.

Pushing the same build twice changes nothing (the fingerprint is already there: "up to date").
An interrupted push resumes where it stopped: the batches are the same for the same build, and
the staging graphs' triple counts say how many whole batches arrived (a batch cut short is sent
again; adding a triple twice leaves one). Staging graphs of other builds of the same target are
dropped. Nothing else on the server is touched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from inovasi_kg.core.errors import StoreError, UsageError
from inovasi_kg.store.base import DEFAULT_GRAPH, SEARCH_GRAPH, Backend
from inovasi_kg.store.remote import RemoteBackend, ServerRefused, staging_graph

__all__ = ["PushReport", "push"]

UPDATE_BATCH = 2000  # triples per INSERT DATA (Virtuoso's SPARQL compiler runs out of memory near 5,000)
GRAPH_STORE_BATCH = 50000  # triples per Graph Store Protocol POST
DRAIN_CHUNK = 20000  # triples per request when the graph is replaced in chunks


@dataclass
class PushReport:
    """What a push did."""

    endpoint: str
    graph: str
    fingerprint: str
    triples: int = 0
    search_triples: int = 0
    batches: int = 0
    sent: int = 0  # batches sent by this run (fewer than batches when it resumed)
    up_to_date: bool = False
    atomic: bool = True  # replaced in one update request; False: in chunks (see RemoteBackend.replace_in_chunks)
    refused: str = ""  # why the server refused the one-request replacement
    resumed_replacement: bool = False  # finished a replacement in chunks that an earlier push began
    dropped: list[str] = field(default_factory=list)  # staging graphs of other builds, dropped
    seconds: float = 0.0

    def text(self) -> str:
        """One line for the terminal (see `describe`)."""
        return describe(self)


def _lines(source: Backend, graph: ox.DefaultGraph | ox.NamedNode) -> list[bytes]:
    """The graph's triples as sorted N-Triples lines (the engine of the local store writes them)."""
    store = getattr(source, "store", None)
    if store is None:
        raise UsageError(f"push reads from a local store; {source.location} is not one")
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    return sorted(data.splitlines(keepends=True))


def _search_size(source: Backend) -> int:
    count = getattr(source, "graph_size", None)
    if count is None:
        raise UsageError(f"push reads from a local store; {source.location} is not one")
    return int(count(SEARCH_GRAPH.value))


def push(source: Backend, remote: RemoteBackend, *, graph_store: str | None = None, batch: int | None = None,
         progress: Callable[[int, int | None], None] | None = None,
         after_batch: Callable[[int], None] | None = None) -> PushReport:
    """Load the graph in `source` (a built local store) into `remote`'s named graph; see the module."""
    start = time.monotonic()
    fingerprint = source.fingerprint()
    if fingerprint is None:
        raise StoreError(f"the store {source.location} holds no built graph; run `inovasi-kg build` first")
    report = PushReport(remote.endpoint, remote.graph, fingerprint)
    report.triples, report.search_triples = source.count(), _search_size(source)
    under_way = remote.replacement_under_way()
    if under_way is not None and under_way[0] == fingerprint:  # a replacement in chunks of this build, cut short
        report.atomic, report.resumed_replacement = False, True
        remote.replace_in_chunks(staging_graph(remote.graph, fingerprint), fingerprint, DRAIN_CHUNK)
    else:
        if (under_way is None and remote.fingerprint() == fingerprint and remote.count() == report.triples
                and remote.graph_size(remote.search) == report.search_triples):
            report.up_to_date = True
            report.dropped = remote.drop_staging(keep=staging_graph(remote.graph, fingerprint))
            report.seconds = time.monotonic() - start
            return report
        data, search = _lines(source, DEFAULT_GRAPH), _lines(source, SEARCH_GRAPH)
        staged = _stage(remote, data, search, fingerprint, report, graph_store=graph_store, batch=batch,
                        progress=progress, after_batch=after_batch)
        del data, search
        try:
            remote.replace_graph(staged, fingerprint)
        except ServerRefused as err:  # e.g. Virtuoso's limit on one transaction's size
            report.atomic, report.refused = False, str(err).splitlines()[0][:300]
            remote.replace_in_chunks(staged, fingerprint, DRAIN_CHUNK)
    if remote.count() != report.triples or remote.fingerprint() != fingerprint:
        raise StoreError(f"the server did not take the new graph <{remote.graph}> as a whole; push again")
    report.dropped = remote.drop_staging(keep=staging_graph(remote.graph, fingerprint))
    report.seconds = time.monotonic() - start
    return report


def _stage(remote: RemoteBackend, data: list[bytes], search: list[bytes], fingerprint: str, report: PushReport, *,
           graph_store: str | None, batch: int | None, progress: Callable[[int, int | None], None] | None,
           after_batch: Callable[[int], None] | None) -> str:
    """Fill the staging graphs in batches, resuming from what is already there; their name."""
    size = batch or (GRAPH_STORE_BATCH if graph_store else UPDATE_BATCH)
    if size <= 0:
        raise UsageError(f"batch must be a positive number of triples, got {size}")
    staged = staging_graph(remote.graph, fingerprint)
    remote.record_staging(staged)
    parts = [(staged, data), (staged + ":cari", search)]
    report.batches = sum(-(-len(lines) // size) for _, lines in parts)
    send = _graph_store_sender(remote, graph_store) if graph_store else _update_sender(remote)
    done = 0
    total = len(data) + len(search)
    for name, lines in parts:
        there = remote.graph_size(name)
        first = min(there // size, -(-len(lines) // size))  # whole batches already there; a cut one is resent
        done += first * size
        for k in range(first, -(-len(lines) // size)):
            chunk = lines[k * size:(k + 1) * size]
            _send_halving(send, name, chunk)
            report.sent += 1
            done += len(chunk)
            if progress is not None:
                progress(min(done, total), total)
            if after_batch is not None:
                after_batch(report.sent)
        held = remote.graph_size(name)
        if held != len(lines):
            raise StoreError(f"the server holds {held:,} triples in the staging graph <{name}> after the "
                             f"push, not {len(lines):,}: it changed some of them (push again to resend; the target "
                             f"graph <{remote.graph}> is unchanged)")
    return staged


def _send_halving(send: Callable[[str, Sequence[bytes]], None], graph: str, lines: Sequence[bytes]) -> None:
    """Send a batch; one the server refuses as too large goes again as two halves (the batches stay the
    same for resuming). A single triple it refuses is an error naming that triple."""
    try:
        send(graph, lines)
    except ServerRefused as err:
        if len(lines) == 1:
            raise ServerRefused(f"the SPARQL server refused the triple {lines[0].decode().strip()}: {err}") from None
        half = len(lines) // 2
        _send_halving(send, graph, lines[:half])
        _send_halving(send, graph, lines[half:])


def _update_sender(remote: RemoteBackend) -> Callable[[str, Sequence[bytes]], None]:
    def send(graph: str, lines: Sequence[bytes]) -> None:
        remote.insert_data(graph, b"".join(lines))

    return send


def _graph_store_sender(remote: RemoteBackend, url: str) -> Callable[[str, Sequence[bytes]], None]:
    from inovasi_kg.store.remote import split_credentials

    endpoint = split_credentials(url)[0]

    def send(graph: str, lines: Sequence[bytes]) -> None:
        remote.post_graph(endpoint, graph, b"".join(lines))

    return send


def describe(report: PushReport) -> str:
    """One line for the terminal."""
    if report.up_to_date:
        return (f"<{report.graph}> at {report.endpoint} is up to date ({report.triples:,} triples, build "
                f"{report.fingerprint[:12]}); nothing sent")
    resumed = f", resumed: {report.sent} of {report.batches} batches sent" if report.sent < report.batches else ""
    how = "" if report.atomic else (
        "; replaced in chunks, not atomically"
        + (" (finishing an earlier push's replacement)" if report.resumed_replacement else
           f" (the server refused one transaction: {report.refused})"))
    return (f"pushed {report.triples:,} triples (+{report.search_triples:,} search labels) to <{report.graph}> at "
            f"{report.endpoint} in {report.batches} batches{resumed}, {report.seconds:.1f} s{how}")
