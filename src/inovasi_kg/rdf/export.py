"""Export stage: serialize the graph deterministically (sorted triples, bound prefixes)."""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from inovasi_kg.core.errors import UsageError
from inovasi_kg.core.prefixes import PREFIXES

__all__ = ["CONTEXT_FILE", "compact_jsonld", "jsonld_context", "os_reason", "serialize_sorted", "write_all",
           "write_atomic", "write_output"]

def _key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


# Terms of the JSON-LD context besides the prefixes: labels and texts as language maps.
_LANGUAGE_TERMS = {"prefLabel": "skos:prefLabel", "altLabel": "skos:altLabel", "label": "rdfs:label",
                   "definition": "skos:definition", "title": "dct:title", "description": "dct:description",
                   "comment": "rdfs:comment"}
CONTEXT_FILE = "inovasi-daerah.context.jsonld"


def jsonld_context() -> dict[str, object]:
    """Our JSON-LD @context: the project's prefixes and language-map terms for labels and texts."""
    context: dict[str, object] = dict(sorted(PREFIXES.items()))
    for term, curie_ in _LANGUAGE_TERMS.items():
        context[term] = {"@id": curie_, "@container": "@language"}
    return context


def _compact_iri(iri: str) -> str:
    from inovasi_kg.core.prefixes import curie

    short = curie(iri)
    return iri if short.startswith("<") else short


def compact_jsonld(triples: Iterable[ox.Triple]) -> bytes:
    """JSON-LD people can read: one node object per resource, `@type`, CURIEs, language maps for
    labels; deterministic (sorted). Every triple round-trips (tested with an independent processor)."""
    import json

    by_term = {v: k for k, v in _LANGUAGE_TERMS.items()}
    nodes: dict[str, dict[str, list[ox.Triple]]] = {}
    for t in sorted(triples, key=_key):
        nodes.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t)
    graph = []
    for subject, properties in nodes.items():
        node: dict[str, object] = {"@id": _compact_iri(subject)}
        for predicate, ts in properties.items():
            key = _compact_iri(predicate)
            if predicate == PREFIXES["rdf"] + "type" and all(isinstance(t.object, ox.NamedNode) for t in ts):
                node["@type"] = [_compact_iri(t.object.value) for t in ts]
                continue
            term = by_term.get(key)
            if term and all(isinstance(t.object, ox.Literal) and t.object.language for t in ts):
                langs: dict[str, list[str]] = {}
                for t in ts:
                    langs.setdefault(t.object.language, []).append(t.object.value)  # type: ignore[arg-type]
                node[term] = {lang: v[0] if len(v) == 1 else v for lang, v in sorted(langs.items())}
                continue
            values: list[object] = []
            for t in ts:
                o = t.object
                if isinstance(o, ox.NamedNode):
                    values.append({"@id": _compact_iri(o.value)})
                elif o.language:
                    values.append({"@value": o.value, "@language": o.language})
                elif o.datatype.value == PREFIXES["xsd"] + "string":
                    values.append({"@value": o.value})
                else:
                    values.append({"@value": o.value, "@type": _compact_iri(o.datatype.value)})
            node[key] = values[0] if len(values) == 1 else values
        graph.append(node)
    doc = {"@context": jsonld_context(), "@graph": graph}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def serialize_sorted(triples: Iterable[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """Same triples, same bytes: sort, then serialize with the project's prefixes (JSON-LD compacted)."""
    if fmt == ox.RdfFormat.JSON_LD:
        return compact_jsonld(triples)
    ordered = sorted(triples, key=_key)
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD) else None
    data = ox.serialize(ordered, format=fmt, prefixes=prefixes)
    assert data is not None
    return data


_REASONS = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
            errno.EACCES: "permission denied", errno.EPERM: "permission denied", errno.EDQUOT: "the disk quota is exceeded",
            errno.EFBIG: "the file would be larger than allowed", errno.EISDIR: "it is a folder",
            errno.ENOTDIR: "a part of the path is not a folder", errno.ENAMETOOLONG: "the name is too long",
            errno.ELOOP: "too many levels of symbolic links", errno.ENXIO: "no process reads from it"}


def os_reason(err: OSError) -> str:
    """A short human reason for an OSError."""
    return _REASONS.get(err.errno or 0, err.strerror or str(err))


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path` (a regular file or nothing).

    Keeps the permissions of the file it replaces. Raises OSError; the old file is then untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask  # mkstemp makes 0600; published files are meant to be read
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(target: str | Path, data: bytes) -> str:
    """Write a command's output to `target`, as a user would expect of each kind of path.

    `-` is standard output; a FIFO or a device (`/dev/stdout`, `/dev/null`) is written through; a
    symbolic link is followed and its target replaced atomically, the link kept; a regular file or a
    new name is written atomically. A folder is refused. UsageError names the path and the reason;
    whatever was there before is then unchanged. Returns how the output was written.
    """
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return "standard output"
    path = Path(target)
    try:
        try:
            mode = os.stat(path).st_mode  # follows links: what is really there
        except FileNotFoundError:
            mode = None
        if mode is not None and stat.S_ISDIR(mode):
            raise UsageError(f"cannot write {target}: it is a folder; give a file name")
        if mode is not None and not stat.S_ISREG(mode):  # a FIFO, a device, /dev/stdout: write through it
            fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            return str(target)
        write_atomic(Path(os.path.realpath(path)), data)  # a link's target is replaced, the link kept
    except OSError as err:
        raise UsageError(f"cannot write {target}: {os_reason(err)}; nothing was changed") from None
    return str(target)


def write_all(folder: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    """Write every (name, data) into `folder`, all or none: staged in full, then renamed into place.

    UsageError (a full disk, a read-only or unwritable folder, a name taken by a folder) leaves
    every file that was there before unchanged and no staged file behind.
    """
    staged: list[tuple[str, Path]] = []
    try:
        if os.path.lexists(folder) and not folder.is_dir():
            raise UsageError(f"cannot write into {folder}: it is not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files:
            target = folder / name
            if target.is_dir():
                raise UsageError(f"cannot write {target}: it is a folder")
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            staged.append((name, Path(tmp_name)))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        written = []
        for name, tmp in staged:
            os.replace(tmp, Path(os.path.realpath(folder / name)))
            written.append(folder / name)
        staged = []
        return written
    except OSError as err:
        raise UsageError(f"cannot write into {folder}: {os_reason(err)}; the previous files are unchanged") from None
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
