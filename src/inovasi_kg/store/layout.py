"""Store stage: the embedded Oxigraph store on disk, versioned, swapped atomically, checked on open.

A store path `P` is ours only when it holds our marker file; we never write into, rename or
delete anything else. Layout:

    P/inovasi-kg-store.json   the marker: format, current and previous generation, fingerprint,
                              and a manifest (size, SHA-256) of every file of each generation
    P/.build.lock             held by a running build (concurrent builds wait their turn)
    P/gen-000007/             one complete Oxigraph store (a generation); never changed again
    P/gen-000008.partial/     a build in progress (or the leftover of an interrupted one)

A build fills a new `.partial` generation, renames it to `gen-N`, then replaces the marker with
`os.replace` (atomic): at every moment the marker names a complete generation. The previous
generation is kept so readers that opened it keep working; older ones and leftovers of
interrupted builds are removed by the next build. Readers check the generation against its
manifest before they trust it (sizes always, contents when the store is small or when asked).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from inovasi_kg.core import iris
from inovasi_kg.core.errors import StoreError

__all__ = [
    "MARKER",
    "META_GRAPH",
    "GenerationWriter",
    "StoreInfo",
    "check_store_path",
    "open_store",
    "read_fingerprint",
    "read_marker",
    "store_error",
    "store_info",
    "verify_store",
    "writing_store",
]

MARKER = "inovasi-kg-store.json"
_FORMAT = "inovasi-kg-store"
_VERSION = 1
_LOCK = ".build.lock"
_GEN = re.compile(r"gen-(\d{6})")
_PARTIAL = re.compile(r"gen-(\d{6})\.partial")
_MARKER_TMP = re.compile(re.escape(MARKER) + r"\.tmp-\d+")
# RocksDB's own info log and lock file change or vanish harmlessly; they are not part of the data.
_UNTRACKED = re.compile(r"LOG(\.old\.\d+)?|LOCK")
# Below this size every file is hashed on each open; above it only sizes and small files are.
FULL_CHECK_BYTES = 64 * 1024 * 1024
_SMALL_FILE = 1024 * 1024

META_GRAPH = ox.NamedNode(iris.META_GRAPH)
_FINGERPRINT = ox.NamedNode(iris.FINGERPRINT)


@dataclass(frozen=True)
class StoreInfo:
    """What the marker says about the current generation."""

    root: Path
    generation: str | None
    fingerprint: str | None
    files: dict[str, tuple[int, str]]

    @property
    def path(self) -> Path:
        assert self.generation is not None
        return self.root / self.generation


def _damaged(root: Path, what: str) -> StoreError:
    return StoreError(f"the store at {root} is damaged ({what}); rebuild it with `inovasi-kg build --force "
                      f"--store {root}`")


def _kind(path: Path) -> str:
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a folder"


def check_store_path(path: Path) -> bool:
    """Whether `path` may hold our store: True if it is ours, False if absent or an empty folder.

    Raises StoreError for anything else (a file, a FIFO, a dangling link, a folder of other files),
    which is left untouched. Symbolic links to folders are followed, never replaced.
    """
    if str(path) == "":
        raise StoreError("the store path is empty; give a folder with --store or INOVASI_KG_STORE")
    if not os.path.lexists(path):
        return False
    if not path.exists():
        raise StoreError(f"{path} is a symbolic link to {os.readlink(path)!r}, which does not exist; "
                         f"refusing to create a store through it")
    if not path.is_dir():
        raise StoreError(f"{path} is {_kind(path)}, not an inovasi-kg store; refusing to touch it "
                         f"(choose a new or empty folder for --store)")
    if (path / MARKER).is_file() or _legacy(path):
        return True
    entries = sorted(os.listdir(path))
    if not entries:
        return False
    shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
    hint = ""
    if {"CURRENT", "IDENTITY"} <= set(entries) or any(e.startswith("MANIFEST-") for e in entries):
        hint = " It looks like an Oxigraph store made by another tool or an older inovasi-kg; remove it yourself " \
               "if you no longer need it."
    raise StoreError(f"{path} is a folder that is not an inovasi-kg store (it holds {len(entries)} "
                     f"entr{'y' if len(entries) == 1 else 'ies'}: {shown}); refusing to write into it. Choose a new or "
                     f"empty folder for --store.{hint}")


_ROCKSDB_FILE = re.compile(r"CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+(\.dbtmp)?|\d+\.(sst|log)")


def _legacy(path: Path) -> bool:
    """Whether `path` is a store of inovasi-kg 0.1 (one Oxigraph store, no marker, our fingerprint inside)."""
    if not (path / "CURRENT").is_file() or (path / MARKER).exists():
        return False
    try:
        store = ox.Store.read_only(str(path))
        return next(iter(store.quads_for_pattern(None, _FINGERPRINT, None, META_GRAPH)), None) is not None
    except (OSError, RuntimeError, ValueError):
        return False


def _remove_legacy(path: Path) -> None:
    """After the first build in the new layout, remove the 0.1 store's own files (ours, proven by `_legacy`)."""
    for entry in os.listdir(path):
        file = path / entry
        if _ROCKSDB_FILE.fullmatch(entry) and file.is_file() and not file.is_symlink():
            file.unlink(missing_ok=True)


_SEEN: dict[str, tuple[tuple[int, ...], dict[str, Any]]] = {}  # marker path -> (its stat stamp, parsed marker)
_SEEN_LOCK = threading.Lock()


def _seen_marker(path: Path) -> dict[str, Any] | None:
    """`read_marker` for readers, parsed again only when the file's stat changes: a build replaces the
    marker by rename (a new inode), and any edit in place changes its times, so a read of every request
    costs one stat. The marker returned is shared: callers must not change it."""
    file = path / MARKER
    try:
        st = os.stat(file)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return read_marker(path)  # raises the located error
    stamp = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    key = str(file)
    with _SEEN_LOCK:
        seen = _SEEN.get(key)
    if seen is not None and seen[0] == stamp:
        return seen[1]
    marker = read_marker(path)
    if marker is not None:
        with _SEEN_LOCK:
            if len(_SEEN) > 64:
                _SEEN.clear()
            _SEEN[key] = (stamp, marker)
    return marker


def read_marker(path: Path) -> dict[str, Any] | None:
    """The marker of the store at `path`, None if there is none; StoreError if it is unreadable."""
    try:
        raw = (path / MARKER).read_bytes()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None
    except OSError as err:
        raise StoreError(f"cannot read the store at {path}: {err.strerror}") from None
    try:
        marker = json.loads(raw.decode("utf-8"))
        if not isinstance(marker, dict) or marker.get("format") != _FORMAT:
            raise ValueError("not our marker")
        if marker.get("version") != _VERSION:
            raise StoreError(f"the store at {path} has layout version {marker.get('version')!r}; this inovasi-kg "
                             f"reads version {_VERSION}; rebuild it with `inovasi-kg build --force --store {path}`")
        return marker
    except (ValueError, UnicodeDecodeError):
        raise _damaged(path, f"{MARKER} is not readable") from None


def store_info(path: Path) -> StoreInfo:
    """The current generation of the store at `path`; StoreError if there is none or it is not ours."""
    if not os.path.lexists(path):
        raise StoreError(f"no store at {path}; run `inovasi-kg build` first (or pass --store)")
    if not path.is_dir():
        raise StoreError(f"{path} is {_kind(path)}, not an inovasi-kg store")
    marker = _seen_marker(path)
    if marker is None and _legacy(path):
        raise StoreError(f"the store at {path} has the layout of an older inovasi-kg; run `inovasi-kg build --store "
                         f"{path}` to rebuild it in the current layout")
    if marker is None:
        raise StoreError(f"{path} is not an inovasi-kg store (no {MARKER}); run `inovasi-kg build --store {path}` "
                         f"to make one in an empty or new folder")
    generation = marker.get("current")
    if generation is None:
        raise StoreError(f"the store at {path} has no completed build yet; run `inovasi-kg build --store {path}`")
    try:
        files = {name: (int(size), str(digest)) for name, (size, digest) in marker["generations"][generation].items()}
        if not _GEN.fullmatch(generation):
            raise ValueError(generation)
    except (KeyError, TypeError, ValueError):
        raise _damaged(path, f"{MARKER} does not describe generation {generation!r}") from None
    return StoreInfo(path, generation, marker.get("fingerprint"), files)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest(folder: Path) -> dict[str, tuple[int, str]]:
    return {p.name: (p.stat().st_size, _sha256(p)) for p in sorted(folder.iterdir())
            if p.is_file() and not _UNTRACKED.fullmatch(p.name)}


def verify_store(info: StoreInfo, *, full: bool | None = None) -> None:
    """Check the generation's files against the manifest; StoreError naming the store if damaged.

    `full=None` hashes every file when the store is below FULL_CHECK_BYTES, else only small files
    (RocksDB checks the blocks of large ones as it reads them).
    """
    folder = info.path
    if not folder.is_dir():
        raise _damaged(info.root, f"{info.generation}/ is missing")
    if full is None:
        full = sum(size for size, _ in info.files.values()) <= FULL_CHECK_BYTES
    present = {p.name for p in folder.iterdir() if not _UNTRACKED.fullmatch(p.name)}
    for name, (size, digest) in sorted(info.files.items()):
        file = folder / name
        try:
            actual = file.stat().st_size
        except OSError:
            raise _damaged(info.root, f"{info.generation}/{name} is missing") from None
        if actual != size:
            raise _damaged(info.root, f"{info.generation}/{name} has {actual} bytes, expected {size}")
        if full or size <= _SMALL_FILE:
            try:
                same = _sha256(file) == digest
            except OSError as err:
                raise _damaged(info.root, f"{info.generation}/{name} cannot be read: {err.strerror}") from None
            if not same:
                raise _damaged(info.root, f"{info.generation}/{name} does not match its checksum")
    extra = sorted(present - set(info.files))
    if extra:
        raise _damaged(info.root, f"unexpected file {info.generation}/{extra[0]}")


def open_store(path: Path, *, verify: bool | None = None) -> ox.Store:
    """Open the current generation of the store at `path` read-only, after checking it.

    StoreError if there is no store, it is not ours, or it is damaged. A build that completes
    meanwhile is harmless: the generation opened stays on disk until the next build but one.
    """
    for attempt in range(3):
        info = store_info(path)
        try:
            verify_store(info, full=verify)
            return ox.Store.read_only(str(info.path))
        except (StoreError, OSError, RuntimeError) as err:
            if attempt < 2 and store_info(path).generation != info.generation:
                continue  # a build swapped generations under us: read the new one
            if isinstance(err, StoreError):
                raise
            raise _damaged(path, str(err).splitlines()[0][:200]) from None
    raise AssertionError("unreachable")  # pragma: no cover


def read_fingerprint(path: Path) -> str | None:
    """The fingerprint of the build that wrote the store at `path`, or None if there is none yet."""
    try:
        marker = _seen_marker(path)
    except StoreError:
        return None
    return None if marker is None else marker.get("fingerprint")


def store_error(path: Path | str, err: BaseException) -> StoreError:
    """A StoreError for an engine error met while reading the store at `path`."""
    text = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
    return _damaged(Path(path), text)


class GenerationWriter:
    """A new generation being filled; `commit` makes it current."""

    def __init__(self, root: Path, number: int, marker: dict[str, Any] | None) -> None:
        self.root = root
        self.marker = marker
        self.name = f"gen-{number:06d}"
        self.partial = root / f"{self.name}.partial"
        self.store: ox.Store | None = ox.Store(str(self.partial))
        self.committed = False

    def commit(self, fingerprint: str) -> None:
        """Close the new generation, record its manifest and make it current (atomically)."""
        marker = self.marker
        store = self.store
        assert store is not None
        store.add(ox.Quad(META_GRAPH, _FINGERPRINT, ox.Literal(fingerprint), META_GRAPH))
        store.flush()
        store.optimize()
        self.store = None
        del store
        final = self.root / self.name
        os.rename(self.partial, final)
        _fsync_dir(self.root)
        previous = (marker or {}).get("current")
        generations = {self.name: {n: list(v) for n, v in _manifest(final).items()}}
        if previous and previous in (marker or {}).get("generations", {}):
            generations[previous] = marker["generations"][previous]  # type: ignore[index]
        _write_marker(self.root, {"format": _FORMAT, "version": _VERSION, "current": self.name,
                                  "previous": previous, "fingerprint": fingerprint, "generations": generations})
        _remove_leftovers(self.root, keep={self.name, previous})
        self.committed = True


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _write_marker(root: Path, marker: dict[str, Any]) -> None:
    tmp = root / f"{MARKER}.tmp-{os.getpid()}"
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(marker, handle, indent=1, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / MARKER)
    _fsync_dir(root)


def _remove_leftovers(root: Path, keep: set[str | None]) -> None:
    """Remove generations not kept, interrupted builds and stale marker copies: names only we make."""
    for entry in os.listdir(root):
        path = root / entry
        if (_GEN.fullmatch(entry) and entry not in keep) or _PARTIAL.fullmatch(entry):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
        elif _MARKER_TMP.fullmatch(entry) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


def _next_number(root: Path, marker: dict[str, Any] | None) -> int:
    numbers = [int(m.group(1)) for e in os.listdir(root) if (m := _GEN.fullmatch(e) or _PARTIAL.fullmatch(e))]
    for name in ((marker or {}).get("current"), (marker or {}).get("previous")):
        if name and (m := _GEN.fullmatch(name)):
            numbers.append(int(m.group(1)))
    return max(numbers, default=0) + 1


@contextmanager
def writing_store(path: Path) -> Iterator[GenerationWriter]:
    """Hold the build lock of the store at `path` and give a new generation to fill.

    On leaving the block without `commit`, or with an error, the new generation is removed and the
    current one stays as it was. StoreError (nothing touched) if `path` is not ours to write.
    """
    ours = check_store_path(path)
    legacy = ours and _legacy(path)
    try:
        if not ours or legacy:
            path.mkdir(parents=True, exist_ok=True)
            if not (path / MARKER).exists():
                _write_marker(path, {"format": _FORMAT, "version": _VERSION, "current": None, "previous": None,
                                     "fingerprint": None, "generations": {}})
        lock = os.open(path / _LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as err:
        raise _os_error(path, err) from None
    writer: GenerationWriter | None = None
    partial: Path | None = None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            marker = read_marker(path)
        except StoreError:
            marker = None  # an unreadable marker of ours: this build replaces it
        _remove_leftovers(path, keep={(marker or {}).get("current"), (marker or {}).get("previous")})
        number = _next_number(path, marker)
        partial = path / f"gen-{number:06d}.partial"
        writer = GenerationWriter(path, number, marker)
        yield writer
        if legacy and writer.committed:
            _remove_legacy(path)
    except (OSError, RuntimeError) as err:
        if isinstance(err, RuntimeError) and "IO error" not in str(err):
            raise
        raise _os_error(path, err if isinstance(err, OSError) else OSError(_errno_of(str(err)), str(err))) from None
    finally:
        if writer is not None:
            writer.store = None
        if partial is not None and partial.exists():
            shutil.rmtree(partial, ignore_errors=True)
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)


def _errno_of(message: str) -> int:
    """The errno a RocksDB I/O error message names (it reports them as text)."""
    for code in (errno.ENOSPC, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EDQUOT):
        if os.strerror(code) in message:
            return code
    return errno.EIO


def _os_error(path: Path, err: OSError) -> StoreError:
    reason = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
              errno.EACCES: "permission denied", errno.EPERM: "permission denied",
              errno.EDQUOT: "the disk quota is exceeded", errno.EFBIG: "a file grew past the size limit"}
    what = reason.get(err.errno or 0, err.strerror or str(err))
    return StoreError(f"cannot write the store at {path}: {what}; the previous store is unchanged")
