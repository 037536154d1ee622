"""Store stage: the embedded Oxigraph store on disk, written atomically.

A build writes a fresh store next to the target, then swaps it in with renames, so a failed
build leaves the previous store as it was. The build fingerprint lives in its own named graph.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from .errors import StoreError

__all__ = ["META_GRAPH", "open_store", "read_fingerprint", "write_store"]

META_GRAPH = ox.NamedNode("urn:inovasi-kg:build")
_FINGERPRINT = ox.NamedNode("urn:inovasi-kg:fingerprint")


def open_store(path: Path, *, read_only: bool = True) -> ox.Store:
    """Open the store at `path`; StoreError if there is none yet or it cannot be opened."""
    if not path.is_dir():
        raise StoreError(f"no store at {path}; run `inovasi-kg build` first (or pass --store)")
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as err:
        raise StoreError(f"cannot open the store at {path}: {err}") from None


def read_fingerprint(path: Path) -> str | None:
    """The fingerprint of the build that wrote the store at `path`, or None."""
    if not path.is_dir():
        return None
    try:
        store = ox.Store.read_only(str(path))
    except OSError:
        return None
    for quad in store.quads_for_pattern(None, _FINGERPRINT, None, META_GRAPH):
        return str(quad.object.value)
    return None


def write_store(path: Path, fill: Callable[[ox.Store], None], fingerprint: str) -> None:
    """Create a new store with `fill(store)`, then atomically replace the store at `path`."""
    path = path.absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.new-", dir=path.parent))
    try:
        store = ox.Store(str(tmp))
        fill(store)
        store.add(ox.Quad(META_GRAPH, _FINGERPRINT, ox.Literal(fingerprint), META_GRAPH))
        store.flush()
        store.optimize()
        del store
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    if path.exists():
        os.rename(path, old)
    os.rename(tmp, path)
    shutil.rmtree(old, ignore_errors=True)


def quads_in_default_graph(triples: Iterable[ox.Triple]) -> Iterable[ox.Quad]:
    """Wrap triples as quads of the default graph (for bulk loading)."""
    default = ox.DefaultGraph()
    for t in triples:
        yield ox.Quad(t.subject, t.predicate, t.object, default)
