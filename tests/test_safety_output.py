"""Class 1 and 7 of the safety issue: `-o` writes through links, FIFOs and devices, atomically only to
regular files; `graph` drops nothing into the working tree; the README's commands work as written."""

from __future__ import annotations

import os
import pty
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from inovasi_kg.cli import cli
from safety import ENTRY, run, snapshot

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("out") / "store"
    assert CliRunner().invoke(cli, ["build", "--store", str(path)]).exit_code == 0
    return str(path)


@pytest.fixture(scope="module")
def turtle(store: str) -> bytes:
    return CliRunner().invoke(cli, ["export", "--store", store]).stdout_bytes


@pytest.mark.parametrize("command", [["export"], ["graph", "--format", "graphml"]], ids=["export", "graph"])
def test_a_symlink_is_followed_and_kept(tmp_path: Path, store: str, command: list[str]) -> None:
    target = tmp_path / "real" / "file.out"
    target.parent.mkdir()
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    link = tmp_path / "link.out"
    link.symlink_to(target)
    result = CliRunner().invoke(cli, [*command, "--store", store, "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() != b"old\n" and target.stat().st_mode & 0o777 == 0o640  # replaced, mode kept
    assert sorted(os.listdir(target.parent)) == ["file.out"]  # no temporary file left


def test_a_fifo_is_written_through(tmp_path: Path, store: str, turtle: bytes) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("export", "--store", store, "-o", str(fifo))
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert received == [turtle]
    assert fifo.exists() and not fifo.is_file()  # still the FIFO


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_standard_output_by_name(store: str, turtle: bytes, target: str) -> None:
    done = subprocess.run([*ENTRY, "export", "--store", store, "-o", target], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == turtle


def test_dev_null_stays_a_device(store: str) -> None:
    result = run("export", "--store", store, "-o", "/dev/null")
    assert result.returncode == 0
    assert Path("/dev/null").is_char_device()


def test_an_existing_folder_is_an_error_not_a_traceback(tmp_path: Path, store: str) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("x")
    before = snapshot(tmp_path)
    for command in (["export"], ["graph"]):
        result = run(*command, "--store", store, "-o", str(tmp_path / "out"))
        assert result.returncode == 2
        assert result.stderr == f"error: cannot write {tmp_path / 'out'}: it is a folder; give a file name\n"
    assert snapshot(tmp_path) == before


def test_graph_without_o_drops_no_file(tmp_path: Path, store: str) -> None:
    result = run("graph", "--store", store, "--format", "graphml", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("<?xml")
    assert os.listdir(tmp_path) == []


def test_graph_to_a_terminal_asks_for_a_file(tmp_path: Path, store: str) -> None:
    main, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}
    proc = subprocess.run([*ENTRY, "graph", "--store", store], stdout=secondary, stderr=subprocess.PIPE, cwd=tmp_path,
                          env=env, timeout=60, check=False)
    os.close(secondary)
    os.close(main)
    assert proc.returncode == 2
    assert proc.stderr.decode() == "error: give -o FILE (e.g. -o graph.html), or redirect standard output to a file\n"
    assert os.listdir(tmp_path) == []


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_the_readme_commands_work_as_written(tmp_path: Path, store: str) -> None:
    """Every concrete command of the README's list runs (placeholders in [...] or A|B are skipped)."""
    (tmp_path / "my.rq").write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n", encoding="utf-8")
    ran = 0
    for line in _readme_commands():
        assert line.startswith(".venv/bin/inovasi-kg "), line
        if re.search(r"\[|\||FILE|DIR|PATH", line):
            continue
        args = shlex.split(line)[1:]
        env = {"INOVASI_KG_STORE": store, "INOVASI_KG_BUILD_DIR": str(tmp_path / "build")}
        stdin = b"SELECT * WHERE { ?s ?p ?o } LIMIT 1" if "-" in args else None
        result = run(*args, env=env, cwd=tmp_path, stdin=stdin)
        assert result.returncode == 0, (line, result.stderr)
        ran += 1
    assert ran >= 8
    assert (Path(sys.executable).parent / "inovasi-kg").exists()  # the path the README gives
