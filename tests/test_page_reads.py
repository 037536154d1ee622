"""The pages' reads on the embedded store (#20): one pinned generation per page, an in-memory copy of
a small generation, labels remembered per generation, the page's own named queries in process, and
the marker read again only when its file changes. Each of these must answer exactly as plain reads
of the disk do, before and after a rebuild."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import Client
from inovasi_kg import Settings, build_store
from inovasi_kg.core.errors import StoreError
from inovasi_kg.core.resources import data_dir
from inovasi_kg.store.embedded import EmbeddedBackend
from inovasi_kg.store.layout import MARKER, store_info
from inovasi_kg.web import create_app

SIPPUT = "/id/inovasi/33.71.sipput"
PAGES = [SIPPUT, "/id/organisasi/33.71.balitbang", "/id/wilayah/33.71", "/id/wilayah/33", "/class/Inovasi",
         "/kode/bentuk-inovasi", "/kode/", "/ontology", "/id/peringkat/iga-2017.kota.5"]
FORMATS = ["text/html", "text/turtle", "application/ld+json"]


@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Settings]:
    """An embedded store on disk, and two data folders: the shipped data, and the same with SIPPUT renamed."""
    changed = Path(shutil.copytree(data_dir(), tmp_path_factory.mktemp("pages") / "data"))
    table = changed / "inovasi.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("33.71.sipput,SIPPUT,", "33.71.sipput,SIPPUT Baru,", 1),
                     encoding="utf-8")
    old = Settings.load(store=str(tmp_path_factory.mktemp("pages") / "store"), cache_bytes=0)
    new = dataclasses.replace(old, data_dir=str(changed))
    build_store(old)
    return old, new


@pytest.fixture(scope="module")
def apps(generations: tuple[Settings, Settings]) -> Iterator[tuple[Client, Client]]:
    """The app reading pages from a copy in memory, and the same app reading the disk only (no cache in either)."""
    old, _ = generations
    copying, plain = create_app(old), create_app(dataclasses.replace(old, page_copy_mb=0))
    yield Client(copying), Client(plain)
    copying.state.kg.close()
    plain.state.kg.close()


def _copied(client: Client, settings: Settings) -> bool:
    """Wait until the app's backend holds a complete copy of the current generation."""
    backend = client.app.state.kg.backend
    generation = store_info(Path(settings.store)).generation
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        client.get("/id/organisasi/33.71.balitbang")  # a page read starts the copy of a new generation
        if backend._copy is not None and backend._copy[0] == generation:
            return True
        time.sleep(0.05)
    return False


def _same(a: Client, b: Client, path: str, accept: str) -> None:
    x, y = a.get(path, headers={"accept": accept}), b.get(path, headers={"accept": accept})
    assert (x.status_code, x.headers["content-type"]) == (y.status_code, y.headers["content-type"]), (path, accept)
    assert x.content == y.content, (path, accept)


def test_the_copy_is_made_and_reads_as_the_disk(apps: tuple[Client, Client], generations: tuple[Settings, Settings]) -> None:
    copying, plain = apps
    old, _ = generations
    assert _copied(copying, old)
    assert plain.app.state.kg.backend._copy is None  # page_copy_mb=0: never copied
    backend = copying.app.state.kg.backend
    _, pinned = backend.pinned()
    assert pinned.store is backend._copy[1]
    disk = ox.Store.read_only(str(store_info(Path(old.store)).path))
    assert set(pinned.store.quads_for_pattern(None, None, None, None)) == set(disk.quads_for_pattern(None, None, None, None))
    for path in PAGES:
        for accept in FORMATS:
            _same(copying, plain, path, accept)


def test_a_store_over_the_limit_is_not_copied(generations: tuple[Settings, Settings]) -> None:
    old, _ = generations
    size = sum(s for s, _ in store_info(Path(old.store)).files.values())
    assert size > 1024 * 1024  # the shipped data takes some MB: a 1 MB limit keeps it on disk
    backend = EmbeddedBackend(Path(old.store), copy_mb=1)
    try:
        assert len(list(backend.triples(ox.NamedNode("https://w3id.org/inovasi-daerah/id/inovasi/33.71.sipput")))) > 5
        time.sleep(0.5)
        assert backend._copy is None and backend._copying is None
    finally:
        backend.close()


def test_a_rebuild_is_read_at_once_and_the_copy_follows(apps: tuple[Client, Client],
                                                        generations: tuple[Settings, Settings]) -> None:
    copying, plain = apps
    old, new = generations
    try:
        for data, label in ((new, "SIPPUT Baru"), (old, "SIPPUT"), (new, "SIPPUT Baru")):
            build_store(data, force=True)
            # at once, whether the copy of the new generation is there yet or not
            for client in (copying, plain):
                assert f"<h1>{label}</h1>" in client.get(SIPPUT, headers={"accept": "text/html"}).text
                # the label is remembered per generation: the agency's page names the innovation anew
                assert f">{label}</a>" in client.get("/id/organisasi/33.71.dlh", headers={"accept": "text/html"}).text
            assert _copied(copying, data)
            for path in (SIPPUT, "/id/organisasi/33.71.dlh", "/class/Inovasi"):
                _same(copying, plain, path, "text/html")
    finally:
        build_store(old, force=True)


@hypothesis_settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.one_of(st.tuples(st.sampled_from(PAGES), st.sampled_from(FORMATS)), st.just("rebuild")),
                      min_size=1, max_size=8))
def test_pages_from_the_copy_equal_pages_from_the_disk(apps: tuple[Client, Client],
                                                       generations: tuple[Settings, Settings],
                                                       steps: list[object]) -> None:
    """Property: for any mix of page requests and rebuilds, the copying app answers as the disk-only one."""
    copying, plain = apps
    old, new = generations
    current = old
    try:
        for step in steps:
            if step == "rebuild":
                current = new if current is old else old
                build_store(current, force=True)
                continue
            path, accept = step  # type: ignore[misc]
            _same(copying, plain, path, accept)
    finally:
        if current is not old:
            build_store(old, force=True)


def test_the_marker_is_read_again_when_its_file_changes(generations: tuple[Settings, Settings],
                                                        tmp_path: Path) -> None:
    """The marker is parsed again only when its stat changes; every kind of change is one."""
    old, _ = generations
    root = Path(shutil.copytree(old.store, tmp_path / "store"))
    marker = root / MARKER
    first = store_info(root)
    assert store_info(root) == first
    text = marker.read_text(encoding="utf-8")
    # damaged in place, same size and the old times put back: the change time still moves
    stat = os.stat(marker)
    damaged = re.sub(r'"current": "gen-(\d+)"', lambda m: '"current": "gen-' + "x" * len(m.group(1)) + '"', text)
    assert len(damaged) == len(text) and damaged != text
    with marker.open("r+", encoding="utf-8") as handle:
        handle.write(damaged)
    os.utime(marker, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(StoreError, match=r"damaged|does not describe"):
        store_info(root)
    # replaced by rename, as a build does: the new contents are read
    data = json.loads(text)
    data["fingerprint"] = "0" * 64
    swap = root / "swap.json"
    swap.write_text(json.dumps(data), encoding="utf-8")
    os.replace(swap, marker)
    assert store_info(root).fingerprint == "0" * 64 and store_info(root).generation == first.generation
    # gone: no store
    marker.unlink()
    with pytest.raises(StoreError, match="not an inovasi-kg store"):
        store_info(root)


def test_small_pages_are_made_on_the_event_loop_and_the_others_on_the_query_threads(
        apps: tuple[Client, Client], generations: tuple[Settings, Settings], monkeypatch: pytest.MonkeyPatch) -> None:
    """A node with a small neighbourhood read from the in-memory copy has its page made without a hop to a
    query thread; a node past the limit, a region (its page runs aggregate queries) and any page read from
    the disk go to the threads. Either way the page is the same."""
    from inovasi_kg.web import pages

    copying, plain = apps
    old, _ = generations
    assert _copied(copying, old)
    hops: list[str] = []
    real = pages.blocking

    async def counted(request: object, func: object, *args: object, **kwargs: object) -> object:
        hops.append(getattr(func, "__name__", ""))
        return await real(request, func, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "blocking", counted)

    def hopped(client: Client, path: str, accept: str = "text/html") -> tuple[bool, bytes]:
        hops.clear()
        response = client.get(path, headers={"accept": accept})
        assert response.status_code == 200, path
        return "_located_node" in hops, response.content

    inline = {(path, accept): hopped(copying, path, accept) for path in (SIPPUT, "/id/organisasi/33.71.balitbang",
                                                             "/id/peringkat/iga-2017.kota.5") for accept in FORMATS}
    assert not any(hop for hop, _ in inline.values())
    assert all(hopped(plain, path)[0] for path in (SIPPUT, "/id/organisasi/33.71.balitbang"))  # disk: threads
    assert hopped(copying, "/id/wilayah/33.71")[0] and hopped(copying, "/id/wilayah/33")[0]
    monkeypatch.setattr(pages, "_SMALL", 3)  # every node is past the limit now
    for path in (SIPPUT, "/id/organisasi/33.71.balitbang"):
        for accept in FORMATS:
            hop, body = hopped(copying, path, accept)
            assert hop and body == inline[path, accept][1], (path, accept)
