"""Class 1 and 4 of the safety issue: a store path we did not make is never touched; swaps are atomic
and versioned; a damaged store is detected, not trusted; a full or read-only disk loses nothing."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from inovasi_kg.cli import cli
from inovasi_kg.store.layout import MARKER, open_store, store_info
from safety import ENTRY, run, snapshot

TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One built store, copied by the tests that damage or rebuild it."""
    path = tmp_path_factory.mktemp("pristine") / "store"
    result = CliRunner().invoke(cli, ["build", "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _count(path: Path) -> int:
    store = open_store(path)
    return sum(1 for _ in store.quads_for_pattern(None, None, None, None))


# --- 1. nothing we did not create is deleted or replaced -----------------------------------------------


def _user_folder(tmp: Path) -> Path:
    d = tmp / "d"
    d.mkdir()
    (d / "thesis.txt").write_text("x\n")
    (d / "bab").mkdir()
    (d / "bab" / "1.md").write_text("pendahuluan\n")
    return d


def _regular_file(tmp: Path) -> Path:
    f = tmp / "store"
    f.write_bytes(b"my notes\n")
    return f


def _link_to_user_folder(tmp: Path) -> Path:
    target = _user_folder(tmp)
    link = tmp / "link"
    link.symlink_to(target)
    return link


def _dangling_link(tmp: Path) -> Path:
    link = tmp / "link"
    link.symlink_to(tmp / "nowhere")
    return link


def _fifo(tmp: Path) -> Path:
    f = tmp / "fifo"
    os.mkfifo(f)
    return f


def _data_folder(tmp: Path) -> Path:
    from inovasi_kg.core.resources import data_dir

    return Path(shutil.copytree(data_dir(), tmp / "data"))


def _old_oxigraph_store(tmp: Path) -> Path:
    import pyoxigraph as ox

    path = tmp / "old"
    store = ox.Store(str(path))
    store.add(ox.Quad(ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p"), ox.Literal("o")))
    store.flush()
    del store
    return path


REFUSED: list[tuple[str, Callable[[Path], Path], str]] = [
    ("folder of user files", _user_folder, "is a folder that is not an inovasi-kg store (it holds 2 entries: bab, "
                                           "thesis.txt); refusing to write into it"),
    ("regular file", _regular_file, "is a regular file, not an inovasi-kg store; refusing to touch it"),
    ("link to a user folder", _link_to_user_folder, "is a folder that is not an inovasi-kg store"),
    ("dangling link", _dangling_link, "which does not exist; refusing to create a store through it"),
    ("FIFO", _fifo, "is a FIFO, not an inovasi-kg store; refusing to touch it"),
    ("the data folder", _data_folder, "is a folder that is not an inovasi-kg store (it holds 25 entries"),
    ("another tool's Oxigraph store", _old_oxigraph_store, "It looks like an Oxigraph store made by another tool"),
]


@pytest.mark.parametrize("name,make,message", REFUSED, ids=[r[0] for r in REFUSED])
def test_build_refuses_a_path_it_did_not_make_and_leaves_it_untouched(
        tmp_path: Path, name: str, make: Callable[[Path], Path], message: str) -> None:
    path = make(tmp_path)
    before = snapshot(tmp_path)
    for extra in ([], ["--force"]):
        result = run("build", "--store", str(path), *extra, cwd=tmp_path)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.startswith(f"error: {path} "), result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(tmp_path) == before


def test_dot_and_an_empty_store_setting_are_refused(tmp_path: Path) -> None:
    work = _user_folder(tmp_path)
    before = snapshot(tmp_path)
    dot = run("build", "--store", ".", cwd=work)
    assert dot.returncode == 2
    assert dot.stderr.startswith("error: . is a folder that is not an inovasi-kg store (it holds 2 entries")
    empty = run("build", cwd=work, env={"INOVASI_KG_STORE": ""})
    assert empty.returncode == 2
    assert empty.stderr == "error: store must not be empty; give the folder of the store (default var/store)\n"
    assert snapshot(tmp_path) == before


def test_new_path_empty_folder_and_link_to_an_empty_folder_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "target").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "target")
    for path in (tmp_path / "new" / "store", tmp_path / "empty", tmp_path / "link"):
        result = run("build", "--store", str(path))
        assert result.returncode == 0, result.stderr
        assert (path / MARKER).is_file()
    assert (tmp_path / "link").is_symlink()  # followed, never replaced
    assert (tmp_path / "target" / MARKER).is_file()


def test_swaps_are_versioned_readers_keep_working_and_leftovers_are_cleaned(tmp_path: Path, pristine: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(pristine, path)
    (path / "catatan-saya.txt").write_text("mine\n")  # a user's file inside our folder is never touched
    first = store_info(path).generation
    reader = open_store(path)
    n = sum(1 for _ in reader.quads_for_pattern(None, None, None, None))
    (path / "gen-000099.partial").mkdir()  # the leftover of an interrupted build
    (path / f"{MARKER}.tmp-12345").write_text("{}")
    for _ in range(3):
        result = CliRunner().invoke(cli, ["build", "--store", str(path), "--force"])
        assert result.exit_code == 0, result.output
        # the generation a reader opened is kept until the build after next
        assert sum(1 for _ in reader.quads_for_pattern(None, None, None, None)) == n
        reader = open_store(path)
    marker = json.loads((path / MARKER).read_text())
    assert (first, marker["current"], marker["previous"]) == ("gen-000001", "gen-000004", "gen-000003")
    assert sorted(os.listdir(path)) == [".build.lock", "catatan-saya.txt", "gen-000003", "gen-000004", MARKER]
    assert (path / "catatan-saya.txt").read_text() == "mine\n"
    assert _count(path) == n


def test_a_reader_of_the_previous_generation_keeps_working_across_a_swap(tmp_path: Path, pristine: Path) -> None:
    import pyoxigraph as ox

    path = tmp_path / "store"
    shutil.copytree(pristine, path)
    reader = open_store(path)
    expected = sorted(str(q) for q in reader.quads_for_pattern(None, None, None, None))
    assert CliRunner().invoke(cli, ["build", "--store", str(path), "--force"]).exit_code == 0
    assert sorted(str(q) for q in reader.quads_for_pattern(None, None, None, None)) == expected
    default = sum(1 for q in reader.quads_for_pattern(None, None, None, None) if q.graph_name == ox.DefaultGraph())
    assert [r["n"].value for r in reader.query(TRIPLES)] == [str(default)]


def test_a_build_killed_at_any_moment_leaves_the_previous_store_whole(tmp_path: Path, pristine: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(pristine, path)
    n = _count(path)
    rng = random.Random(7)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}
    for delay in [rng.uniform(0.2, 2.5) for _ in range(8)]:
        proc = subprocess.Popen([*ENTRY, "build", "--store", str(path), "--force"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _count(path) == n  # at no moment is there no store, or half of one
    result = run("build", "--store", str(path), "--force")
    assert result.returncode == 0, result.stderr
    assert not [e for e in os.listdir(path) if e.endswith(".partial") or ".tmp-" in e]
    assert len([e for e in os.listdir(path) if e.startswith("gen-")]) == 2


def test_a_store_of_the_previous_layout_is_recognised_and_converted(tmp_path: Path) -> None:
    import pyoxigraph as ox

    path = tmp_path / "var-store"
    old = ox.Store(str(path))  # inovasi-kg 0.1 wrote one Oxigraph store, its fingerprint in a named graph
    graph = ox.NamedNode("urn:inovasi-kg:build")
    old.add(ox.Quad(graph, ox.NamedNode("urn:inovasi-kg:fingerprint"), ox.Literal("abc"), graph))
    old.flush()
    del old
    (path / "catatan.txt").write_text("mine\n")
    stats = CliRunner().invoke(cli, ["stats", "--store", str(path)])
    assert stats.exit_code == 2
    assert stats.stderr == (f"error: the store at {path} has the layout of an older inovasi-kg; run `inovasi-kg build "
                            f"--store {path}` to rebuild it in the current layout\n")
    built = CliRunner().invoke(cli, ["build", "--store", str(path)])
    assert built.exit_code == 0, built.output
    assert sorted(os.listdir(path)) == [".build.lock", "catatan.txt", "gen-000001", MARKER]
    assert CliRunner().invoke(cli, ["stats", "--store", str(path)]).exit_code == 0


# --- 4. a damaged store is detected, not trusted -----------------------------------------------------------


def _damage(file: Path, how: str) -> None:
    data = file.read_bytes()
    if how == "truncate":
        file.write_bytes(data[: len(data) // 2])
    elif how == "flip":
        middle = bytearray(data)
        for i in range(len(middle) // 3, min(len(middle), len(middle) // 3 + 8)):
            middle[i] ^= 0xFF
        file.write_bytes(bytes(middle))
    elif how == "zero":
        file.write_bytes(b"\0" * len(data))
    elif how == "delete":
        file.unlink()
    elif how == "append":
        file.write_bytes(data + b"\0garbage")


def _generation_files(path: Path) -> list[str]:
    info = store_info(path)
    return sorted(info.files)


HOWS = ["truncate", "flip", "zero", "delete", "append"]


def test_every_damaged_file_is_detected_by_every_reading_command(tmp_path: Path, pristine: Path) -> None:
    files = _generation_files(pristine)
    assert any(f.endswith(".sst") for f in files) and any(f.startswith("MANIFEST-") for f in files)
    cases = 0
    for name in files:
        for how in HOWS:
            path = tmp_path / f"{name}-{how}"
            shutil.copytree(pristine, path)
            _damage(path / store_info(path).generation / name, how)  # type: ignore[operator]
            for args in (["query", "peringkat-penghargaan"], ["stats"], ["export"], ["describe", "Balitbang"]):
                result = CliRunner().invoke(cli, [*args, "--store", str(path)])
                assert result.exit_code == 2, (name, how, args, result.output)
                assert result.stderr.startswith(f"error: the store at {path} is damaged ("), result.stderr
                assert result.stderr.rstrip().endswith(f"rebuild it with `inovasi-kg build --force --store {path}`")
                cases += 1
            shutil.rmtree(path)
    assert cases == len(files) * len(HOWS) * 4


@pytest.mark.parametrize("how", ["flip", "truncate"])
def test_damaged_store_ends_every_command_within_its_limit_without_a_traceback(tmp_path: Path, pristine: Path,
                                                                              how: str) -> None:
    path = tmp_path / "store"
    shutil.copytree(pristine, path)
    info = store_info(path)
    biggest = max(info.files, key=lambda f: info.files[f][0])
    _damage(info.path / biggest, how)
    commands = [["query", "peringkat-penghargaan", "--timeout", "5"], ["query", "-", "--timeout", "5"], ["stats"],
                ["export", "-o", str(tmp_path / "x.ttl")], ["describe", "Balitbang"], ["graph", "-o", str(tmp_path / "g.html")],
                ["publish", "--build-dir", str(tmp_path / "build")]]
    for args in commands:
        started = time.monotonic()
        result = run(*args, "--store", str(path), stdin=TRIPLES.encode(), timeout=60)
        assert time.monotonic() - started < 30
        assert result.returncode == 2, (args, result.stderr)
        assert f"the store at {path} is damaged" in result.stderr and "rebuild it" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.ttl").exists() and not (tmp_path / "g.html").exists() and not (tmp_path / "build").exists()


def test_build_rebuilds_a_damaged_store_instead_of_skipping_it(tmp_path: Path, pristine: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(pristine, path)
    up_to_date = CliRunner().invoke(cli, ["build", "--store", str(path)])
    assert "is up to date" in up_to_date.output
    info = store_info(path)
    biggest = max(info.files, key=lambda f: info.files[f][0])
    _damage(info.path / biggest, "flip")
    rebuilt = CliRunner().invoke(cli, ["build", "--store", str(path)])
    assert rebuilt.exit_code == 0 and rebuilt.output.startswith("built "), rebuilt.output
    assert _count(path) == _count(pristine)


def test_a_marker_that_is_not_ours_or_unreadable_is_reported(tmp_path: Path, pristine: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(pristine, path)
    (path / MARKER).write_text("{not json")
    result = CliRunner().invoke(cli, ["stats", "--store", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (f"error: the store at {path} is damaged ({MARKER} is not readable); rebuild it with "
                             f"`inovasi-kg build --force --store {path}`\n")
    rebuilt = CliRunner().invoke(cli, ["build", "--store", str(path)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert _count(path) == _count(pristine)


# --- full disk and read-only folders ------------------------------------------------------------------------


def _limited(args: list[str], limit: int) -> subprocess.CompletedProcess[bytes]:
    """Run the command with files capped at `limit` bytes: writes past it fail as on a full disk."""
    import resource

    def cap() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}
    return subprocess.run([*ENTRY, *args], capture_output=True, preexec_fn=cap, env=env, timeout=120)


def test_a_full_disk_during_build_keeps_the_previous_store(tmp_path: Path, pristine: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(pristine, path)
    before = snapshot(path)
    result = _limited(["build", "--store", str(path), "--force"], 20_000)
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode().startswith(f"error: cannot write the store at {path}: ")
    assert b"the previous store is unchanged" in result.stderr and b"Traceback" not in result.stderr
    assert snapshot(path) == before
    assert _count(path) == _count(pristine)


def test_a_full_disk_during_export_and_publish_leaves_previous_outputs_whole(tmp_path: Path, pristine: Path) -> None:
    out = tmp_path / "x.ttl"
    out.write_bytes(b"previous export\n")
    build_dir = tmp_path / "build"
    assert run("publish", "--store", str(pristine), "--build-dir", str(build_dir)).returncode == 0
    before = snapshot(tmp_path)
    export = _limited(["export", "--store", str(pristine), "-o", str(out)], 10_000)
    assert export.returncode == 2
    assert export.stderr.decode() == f"error: cannot write {out}: the file would be larger than allowed; nothing was changed\n"
    publish = _limited(["publish", "--store", str(pristine), "--build-dir", str(build_dir)], 100_000)
    assert publish.returncode == 2
    assert publish.stderr.decode() == (f"error: cannot write into {build_dir}: the file would be larger than allowed; "
                                       f"the previous files are unchanged\n")
    assert snapshot(tmp_path) == before
    full = run("export", "--store", str(pristine), "-o", "/dev/full")
    assert full.returncode == 2 and full.stderr == "error: cannot write /dev/full: the disk is full; nothing was changed\n"


@pytest.fixture()
def read_only_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A folder that cannot be written: a read-only mount as root (root ignores permissions), else mode 0555."""
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep\n")
    if os.geteuid() == 0:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], check=True)
        (folder / "keep.txt").write_text("keep\n")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
        subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


def test_a_read_only_folder_gives_a_clear_error(read_only_dir: Path, pristine: Path) -> None:
    before = snapshot(read_only_dir)
    cases = [
        (["build", "--store", str(read_only_dir / "store")], f"error: cannot write the store at {read_only_dir / 'store'}: "),
        (["export", "--store", str(pristine), "-o", str(read_only_dir / "x.ttl")], f"error: cannot write {read_only_dir / 'x.ttl'}: "),
        (["publish", "--store", str(pristine), "--build-dir", str(read_only_dir)], f"error: cannot write into {read_only_dir}: "),
        (["graph", "--store", str(pristine), "-o", str(read_only_dir / "g.html")], f"error: cannot write {read_only_dir / 'g.html'}: "),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith(message), result.stderr
        assert "read-only" in result.stderr or "permission denied" in result.stderr
        assert "Traceback" not in result.stderr
    assert snapshot(read_only_dir) == before
