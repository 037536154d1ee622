"""Helpers shared by the safety tests: snapshots of a folder tree and running the real command."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ENTRY = [sys.executable, "-m", "inovasi_kg"]


def snapshot(root: Path) -> dict[str, tuple[str, bytes | str | None]]:
    """Every entry under `root` (not following links): kind and content, to compare before and after."""
    out: dict[str, tuple[str, bytes | str | None]] = {}
    if not os.path.lexists(root):
        return out
    paths = [root, *sorted(root.rglob("*"))] if root.is_dir() and not root.is_symlink() else [root]
    for path in paths:
        rel = str(path.relative_to(root.parent))
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            out[rel] = ("link", os.readlink(path))
        elif stat.S_ISDIR(mode):
            out[rel] = ("dir", None)
        elif stat.S_ISREG(mode):
            out[rel] = ("file", path.read_bytes())
        else:
            out[rel] = ("special", None)
    return out


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120,
        stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run `inovasi-kg ARGS` as a user would, in a process of its own; output decoded (bad bytes replaced)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("INOVASI_KG_")}
    full_env.update(env or {})
    done = subprocess.run([*ENTRY, *args], cwd=cwd, env=full_env, capture_output=True, timeout=timeout,
                          input=stdin if stdin is not None else b"")
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))


def process_gone(pid: int) -> bool:
    """True when `pid` has ended (a zombie waiting to be reaped counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True
